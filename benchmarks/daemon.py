"""The daemon in use: push latency (IMAP IDLE) and idle footprint, as a whole `inboxwatch run` process.

Usage (as root, with Dovecot installed): python benchmarks/daemon.py [--trials 20] [--idle-seconds 60]

Starts a throwaway Dovecot with two accounts, runs `inboxwatch run` on both (IDLE on each inbox, a
command alert channel), then
- push latency: APPENDs a job message (an interview invitation) from another connection and times until its
  conversation is recorded in the state file; ``--trials`` times; prints p50/p95/max;
- idle footprint: with nothing arriving for ``--idle-seconds``, the process's RSS and CPU use (from /proc).
Prints a table and writes JSON to benchmarks/results/daemon.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.dovecot import PASSWORD, Dovecot  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "daemon.json"
ME = "alex.morgan@example.net"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def invitation(n: int) -> bytes:
    return (
        f"From: Recruiter {n} <talent{n}@employer{n}.example>\r\nTo: Alex Morgan <{ME}>\r\n"
        f"Subject: Interview invitation - Data Engineer at Employer{n}\r\n"
        f"Date: {format_datetime(datetime.now(UTC))}\r\nMessage-ID: <push-{n}-{time.time_ns()}@employer{n}.example>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        f"Hi Alex,\r\n\r\nThank you for applying to Employer{n}. We would like to invite you to an interview "
        "for the Data Engineer role. Could you share your availability for next week?\r\n\r\nBest,\r\nSam\r\n"
    ).encode()


def write_config(folder: Path, users: list[str], port: int) -> Path:
    accounts = "".join(
        f"""
[[accounts]]
name = "acct{i}"
kind = "imap"
host = "127.0.0.1"
port = {port}
security = "none"
username = "{user}"
password_env = "INBOXWATCH_BENCH_PASSWORD"
poll_every = "30m"
"""
        for i, user in enumerate(users)
    )
    path = folder / "config.toml"
    path.write_text(f"""
state_dir = "{folder / "state"}"
[identity]
name = "Alex Morgan"
addresses = ["{ME}"]
{accounts}
[alerts]
channels = ["command"]
[alerts.command]
argv = ["/bin/true"]
""")
    return path


def conversations(state: Path) -> int:
    try:
        with sqlite3.connect(f"file:{state}?mode=ro", uri=True, timeout=1) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM messages WHERE label = 'interview_request'").fetchone()[0])
    except sqlite3.Error:
        return -1


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--idle-seconds", type=float, default=60.0)
    parser.add_argument("--json", type=Path, default=RESULTS)
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("run as root: the benchmark starts its own Dovecot", file=sys.stderr)
        return 2
    server = Dovecot()
    work = Path(tempfile.mkdtemp(prefix="inboxwatch-daemon-bench-"))
    proc: subprocess.Popen[bytes] | None = None
    try:
        server.start()
        users = [server.add_user(), server.add_user()]
        config = write_config(work, users, server.port)
        env = {**os.environ, "INBOXWATCH_BENCH_PASSWORD": PASSWORD}
        proc = subprocess.Popen(
            [sys.executable, "-m", "inboxwatch", "run", "--config", str(config)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        state = work / "state" / "state.sqlite3"
        deadline = time.monotonic() + 30
        while conversations(state) < 0 and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(3)  # both IDLE connections up

        latencies = []
        for n in range(args.trials):
            before = conversations(state)
            user = users[n % 2]
            with server.session(user) as client:
                started = time.monotonic()
                client.append("INBOX", invitation(n))
            while conversations(state) <= before and time.monotonic() - started < 30:
                time.sleep(0.02)
            latencies.append(time.monotonic() - started)
            time.sleep(0.5)

        time.sleep(5)
        cpu0, t0 = cpu_seconds(proc.pid), time.monotonic()
        rss = []
        while time.monotonic() - t0 < args.idle_seconds:
            rss.append(rss_mb(proc.pid))
            time.sleep(1)
        cpu_share = (cpu_seconds(proc.pid) - cpu0) / (time.monotonic() - t0)
        figures = {
            "push_latency_seconds": {
                "trials": len(latencies),
                "p50": statistics.median(latencies),
                "p95": sorted(latencies)[max(0, int(0.95 * len(latencies)) - 1)],
                "max": max(latencies),
                "all": [round(x, 3) for x in latencies],
            },
            "idle": {
                "seconds": args.idle_seconds,
                "rss_mb_max": max(rss),
                "rss_mb_last": rss[-1],
                "cpu_percent": 100 * cpu_share,
                "accounts": 2,
            },
        }
        lat = figures["push_latency_seconds"]
        print(
            f"{'push latency (APPEND → recorded)':36} p50 {lat['p50']:.2f} s  p95 {lat['p95']:.2f} s  "
            f"max {lat['max']:.2f} s  ({lat['trials']} trials)"
        )
        idle = figures["idle"]
        print(
            f"{'idle, 2 accounts in IDLE':36} RSS max {idle['rss_mb_max']:.1f} MB, "
            f"CPU {idle['cpu_percent']:.2f} % over {args.idle_seconds:.0f} s"
        )
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2))
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=20)
        server.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())

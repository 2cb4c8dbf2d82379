"""A big mailbox: the first scan of a 100,000-message Maildir and of a 100,000-message IMAP folder stays flat.

Usage (as root, with Dovecot installed): python benchmarks/large.py [--messages 100000] [--only maildir|imap]

Generates ``--messages`` messages with the bulk benchmark mailbox's generator (``tests/support/benchmail.py``:
mostly newsletters and notifications, 18 % personal, 2 % job mail, 5–50 KB, 0.5 % with a 1–4 MB attachment, 2 %
in Sent) and writes them once as a Maildir for a ``maildir`` account, and once straight into a throwaway Dovecot's
mail location (Dovecot indexes them with ``doveadm force-resync``) for an ``imap`` account with backfill
``"3650d"``. For each account it measures ``inboxwatch scan --once`` from a fresh state file — wall time, the
peak RSS (VmHWM) of the scanning process and of each analysis worker, sampled every 20 ms — and then
``inboxwatch status`` on that state: the whole command (best of three, process start-up included) and, in one
process, ``overview()`` alone (best of three) as status finds the state and rebuilding the conversations (as after
new mail), and reading the mail tracking needs through the link index against reading every message's link row.

Prints a table and writes JSON to benchmarks/results/large.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.benchmail import ME, bulk_mailbox  # noqa: E402
from tests.support.dovecot import PASSWORD, Dovecot  # noqa: E402

from benchmarks.process_peaks import run_measured  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "large.json"
PASSWORD_ENV = "INBOXWATCH_BENCH_PASSWORD"


@dataclass
class Measured:
    name: str
    seconds: float
    peak_rss_mb: float
    workers_peak_rss_mb: list[float] = field(default_factory=list)
    output: str = ""


def run(name: str, argv: list[str]) -> Measured:
    """``argv`` as a process: wall time, its peak RSS and each child's (the analysis workers)."""
    done = run_measured(name, argv, {**os.environ, PASSWORD_ENV: PASSWORD}, interval=0.02)
    return Measured(name, done.seconds, done.peak_rss_mb, done.workers_peak_rss_mb, done.output.strip()[-400:])


def write_maildir(folder: Path, messages: list[tuple[bytes, float]]) -> None:
    for sub in ("cur", "new", "tmp"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    host = socket.gethostname()
    for n, (raw, stamp) in enumerate(messages, 1):
        file = folder / "cur" / f"{int(stamp)}.M{n}P{os.getpid()}.{host},S={len(raw)}:2,S"
        file.write_bytes(raw)
        os.utime(file, (stamp, stamp))


def config_text(state: Path, account: str) -> str:
    return f"""state_dir = "{state}"
[identity]
name = "Alex Morgan"
addresses = ["{ME}"]
[alerts]
channels = []
[[accounts]]
{account}
"""


def overview_time(config: Path) -> dict[str, float]:
    """Seconds of ``overview()`` on the state, best of three, in this process (imports and start-up aside): as
    ``status`` finds it (the conversations kept by the scan), and rebuilding them (as after new mail) through
    the link index, and the way it was read before the index (every relevant message's link row)."""
    code = (
        "import json, sys, time\n"
        "from datetime import UTC, datetime\n"
        "from pathlib import Path\n"
        "from inboxwatch.config import load_config\n"
        "from inboxwatch.core.track import joinable\n"
        "from inboxwatch.runtime.pipeline import CONVERSATIONS_KEY, overview\n"
        "from inboxwatch.state.store import Store\n"
        "config = load_config(Path(sys.argv[1]))\n"
        "out = {}\n"
        "with Store.open(config.state_path) as store:\n"
        "    kept = store.get_meta(CONVERSATIONS_KEY)\n"
        "    for name in ('kept', 'rebuilt'):\n"
        "        times = []\n"
        "        for _ in range(3):\n"
        "            if name == 'rebuilt':\n"
        "                store.conn.execute('DELETE FROM meta WHERE key = ?', (CONVERSATIONS_KEY,))\n"
        "            t = time.perf_counter(); view = overview(config, store, datetime.now(UTC))\n"
        "            times.append(time.perf_counter() - t)\n"
        "        out[name] = min(times)\n"
        "    times = []\n"
        "    for _ in range(3):\n"
        "        t = time.perf_counter()\n"
        "        picked = store.relevant_messages(lambda rows: joinable(rows, config.identity))\n"
        "        times.append(time.perf_counter() - t)\n"
        "    out['read_before_the_index'] = min(times)\n"
        "    t = time.perf_counter(); indexed = store.joinable_messages(config.identity)\n"
        "    out['read_through_the_index'] = time.perf_counter() - t\n"
        "    assert [r.message.key for r in indexed] == [r.message.key for r in picked]\n"
        "    out['messages_read'] = len(indexed)\n"
        "    out['conversations'] = len(view.conversations)\n"
        "print(json.dumps(out))\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(config)], capture_output=True, check=True, text=True)
    figures: dict[str, float] = json.loads(out.stdout)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--only", choices=("maildir", "imap"))
    parser.add_argument("--json", type=Path, default=RESULTS)
    args = parser.parse_args()
    if os.geteuid() != 0 and args.only != "maildir":
        print("run as root: the benchmark starts its own Dovecot", file=sys.stderr)
        return 2
    now = datetime.now(UTC)
    work = Path(tempfile.mkdtemp(prefix="inboxwatch-large-"))
    server: Dovecot | None = None
    results: dict[str, object] = {"messages": args.messages, "when": now.isoformat(timespec="seconds")}
    try:
        t0 = time.perf_counter()
        by_folder: dict[str, list[tuple[bytes, float]]] = {"INBOX": [], "Sent": []}
        for folder, raw, stamp in bulk_mailbox(args.messages, args.seed, now):
            by_folder[folder].append((raw, stamp))
        total = sum(len(r) for items in by_folder.values() for r, _ in items)
        print(f"{args.messages} messages generated ({total / 1e9:.2f} GB) in {time.perf_counter() - t0:.0f} s",
              flush=True)
        accounts: dict[str, str] = {}
        if args.only in (None, "maildir"):
            t0 = time.perf_counter()
            write_maildir(work / "Mail" / "INBOX", by_folder["INBOX"])
            write_maildir(work / "Mail" / "Sent", by_folder["Sent"])
            results["maildir_written_seconds"] = time.perf_counter() - t0
            accounts["maildir"] = (
                f'name = "local"\nkind = "maildir"\ninbox = "{work / "Mail" / "INBOX"}"\n'
                f'sent = "{work / "Mail" / "Sent"}"\n'
            )
        if args.only in (None, "imap"):
            server = Dovecot()
            server.start()
            user = server.add_user()
            t0 = time.perf_counter()
            for folder, items in by_folder.items():
                server.write_maildir(user, folder, items)
            written = time.perf_counter() - t0
            server.doveadm("force-resync", "-u", user, "*")
            results["imap_written_seconds"] = written
            results["imap_indexed_seconds"] = time.perf_counter() - t0 - written
            print(f"Dovecot folder written in {written:.0f} s, indexed in {results['imap_indexed_seconds']:.0f} s",
                  flush=True)
            accounts["imap"] = (
                f'name = "imap"\nkind = "imap"\nhost = "127.0.0.1"\nport = {server.port}\nsecurity = "none"\n'
                f'username = "{user}"\npassword_env = "{PASSWORD_ENV}"\nbackfill = "3650d"\n'
            )
        del by_folder
        for kind, account in accounts.items():
            config = work / f"{kind}.toml"
            config.write_text(config_text(work / f"state-{kind}", account))
            inboxwatch = [sys.executable, "-m", "inboxwatch"]
            scan = run(f"{kind}: first scan", [*inboxwatch, "scan", "--once", "--config", str(config)])
            print(f"  {scan.name}: {scan.seconds:.0f} s, peak RSS {scan.peak_rss_mb:.0f} MB, workers "
                  f"{[round(w) for w in scan.workers_peak_rss_mb]} MB — {scan.output[-160:]}", flush=True)
            statuses = [run(f"{kind}: status", [*inboxwatch, "status", "--config", str(config)]) for _ in range(3)]
            status = min(statuses, key=lambda m: m.seconds)
            timings = overview_time(config)
            print(f"  {kind}: status {status.seconds * 1000:.0f} ms (whole command, best of 3), peak RSS "
                  f"{status.peak_rss_mb:.0f} MB; overview() {timings['kept'] * 1000:.0f} ms as status finds it, "
                  f"{timings['rebuilt'] * 1000:.0f} ms rebuilding the conversations; reading the mail tracking "
                  f"needs ({timings['messages_read']:.0f} messages): {timings['read_through_the_index'] * 1000:.0f}"
                  f" ms through the link index, {timings['read_before_the_index'] * 1000:.0f} ms by every "
                  f"message's link row; {timings['conversations']:.0f} conversations", flush=True)
            results[kind] = {
                "scan": asdict(scan),
                "status": asdict(status),
                "overview": timings,
                "state_file_mb": sum(p.stat().st_size for p in (work / f"state-{kind}").glob("*")) / 1e6,
            }
    finally:
        if server is not None:
            server.cleanup()
        shutil.rmtree(work, ignore_errors=True)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written to {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

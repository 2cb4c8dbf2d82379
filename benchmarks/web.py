"""The dashboard's cost: the overview of a 500-conversation state over real HTTP (target ≤ 200 ms), and what
`inboxwatch run` imports at start-up with the dashboard disabled (nothing of the web stack) against enabled.

Usage: python benchmarks/web.py [--conversations 500] [--requests 30]

Builds a state file of N conversations in five shapes (acknowledged application, interview held and thanked so
a follow-up is due, interview booked, rejected, interview held and nothing since), serves it with `inboxwatch
web`'s own server (uvicorn, on 127.0.0.1) and times GET / with the token cookie, after one warm-up request.
Prints a table and writes JSON to benchmarks/results/web.json.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.stories import IDENTITY, Story, scan_into  # noqa: E402

from inboxwatch.config import Config, WebConfig  # noqa: E402
from inboxwatch.models import Address, Label  # noqa: E402
from inboxwatch.runtime.pipeline import overview  # noqa: E402
from inboxwatch.state.store import Store  # noqa: E402
from inboxwatch.state.web_token import dashboard_token  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "web.json"
NOW = datetime(2026, 3, 16, 13, 0, tzinfo=UTC)
D = timedelta(days=1)


def build_state(folder: Path, n: int) -> Config:
    records = []
    for i in range(n):
        story = Story(
            company=f"Employer {i:03d}",
            role="Data Engineer",
            contact=Address(f"Recruiter {i}", f"r{i}@employer{i}.example"),
        )
        applied = NOW - (30 - i % 20) * D
        story.send(applied, subject=f"Application: Data Engineer at Employer {i:03d}")
        story.receive(applied + D, Label.APPLICATION_RECEIVED)
        shape = i % 5
        if shape in (1, 2, 4):
            start = NOW + 2 * D if shape == 2 else NOW - (10 + i % 5) * D
            story.interview(start, at=applied + 2 * D, uid=f"iv-{i}")
            if shape == 1:
                story.send(start + 3 * timedelta(hours=1), Label.THANK_YOU)
        elif shape == 3:
            story.receive(applied + 5 * D, Label.REJECTION)
        records += story.records
    config = replace(
        Config.default(IDENTITY, state_dir=folder / "state"), web=WebConfig(enabled=True, port=free_port())
    )
    with Store.open(config.state_path) as store:
        scan_into(store, records, NOW)
        view = overview(config, store, NOW)  # keeps the conversations, as any scan or status does
        assert len(view.conversations) == n, f"{len(view.conversations)} conversations built, wanted {n}"
    return config


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def time_overview(config: Config, requests: int) -> tuple[list[float], int]:
    from inboxwatch.web.serve import serve_in_thread

    server, thread = serve_in_thread(config, lambda: NOW)
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the dashboard did not start"
        time.sleep(0.02)
    cookie = f"inboxwatch_{config.web.port}={dashboard_token(config)}"
    request = urllib.request.Request(f"http://127.0.0.1:{config.web.port}/", headers={"Cookie": cookie})
    size = 0
    times = []
    try:
        for i in range(requests + 1):
            started = time.perf_counter()
            with urllib.request.urlopen(request, timeout=30) as response:
                body = response.read()
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status == 200 and b'data-step="applied"' in body
            size = len(body)
            if i:  # the first request warms the templates
                times.append(elapsed)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    return times, size


PROBE = """
import sys, time
from pathlib import Path
started = time.perf_counter()
from inboxwatch.cli.web import start_dashboard
from inboxwatch.runtime.daemon import Daemon
daemon = Daemon(Path(sys.argv[1]))
server = start_dashboard(daemon.config, daemon.clock)
elapsed = (time.perf_counter() - started) * 1000
stack = ("starlette", "jinja2", "uvicorn", "markupsafe", "anyio", "h11", "click")
web = [m for m in sys.modules if m.split(".")[0] in stack or m.startswith("inboxwatch.web")]
print(f"{elapsed:.1f} {len(sys.modules)} {len(web)}")
if server is not None:
    server.should_exit = True
"""


def start_up_imports(folder: Path, enabled: bool, runs: int = 5) -> dict[str, float]:
    home = folder / ("enabled" if enabled else "disabled")
    (home / "Mail" / "INBOX").mkdir(parents=True)
    (home / "Mail" / "Sent").mkdir(parents=True)
    config = home / "config.toml"
    config.write_text(f"""state_dir = "{home / "state"}"
[identity]
addresses = ["alex.morgan@example.net"]
[[accounts]]
name = "local"
kind = "maildir"
inbox = "{home / "Mail" / "INBOX"}"
sent = "{home / "Mail" / "Sent"}"
[alerts]
channels = []
[web]
enabled = {"true" if enabled else "false"}
port = {free_port()}
""")
    samples = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", PROBE, str(config)], capture_output=True, text=True, check=True)
        ms, modules, web = out.stdout.split()
        samples.append((float(ms), int(modules), int(web)))
    return {
        "ms_median": statistics.median(s[0] for s in samples),
        "modules": samples[-1][1],
        "web_modules": samples[-1][2],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=500)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="iw-bench-web-") as tmp:
        folder = Path(tmp)
        built = time.perf_counter()
        config = build_state(folder, args.conversations)
        build_s = time.perf_counter() - built
        times, size = time_overview(config, args.requests)
        disabled = start_up_imports(folder, enabled=False)
        enabled = start_up_imports(folder, enabled=True)
    result = {
        "conversations": args.conversations,
        "requests": len(times),
        "overview_ms_median": round(statistics.median(times), 1),
        "overview_ms_p95": round(sorted(times)[max(0, int(len(times) * 0.95) - 1)], 1),
        "overview_ms_max": round(max(times), 1),
        "overview_bytes": size,
        "state_build_s": round(build_s, 1),
        "daemon_start_up_web_disabled": disabled,
        "daemon_start_up_web_enabled": enabled,
        "target_ms": 200,
    }
    print(f"overview of {args.conversations} conversations over HTTP, {len(times)} requests after a warm-up:")
    spread = f"median {result['overview_ms_median']} ms · p95 {result['overview_ms_p95']} ms"
    print(f"  {spread} · max {result['overview_ms_max']} ms · {size} bytes (target ≤ 200 ms)")
    print("daemon start-up imports (`inboxwatch run` up to its loop, median of 5 processes):")
    for name, r in (("web disabled", disabled), ("web enabled", enabled)):
        print(f"  {name:12}  {r['ms_median']:.0f} ms, {r['modules']} modules, {r['web_modules']} of the web stack")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

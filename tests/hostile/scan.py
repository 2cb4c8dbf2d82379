"""Running inboxwatch on a hostile mailbox as a user would, measuring what the issue's Done-when asks."""

from __future__ import annotations

import json
import mailbox
import os
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tests.support.mailfactory import ME

INJECT = str(Path(__file__).parent / "inject")


def looping_env() -> dict[str, str]:
    """The environment that turns on the injected looping fault (see tests/hostile/inject)."""
    path = os.pathsep.join(p for p in (INJECT, os.environ.get("PYTHONPATH", "")) if p)
    return {"PYTHONPATH": path, "INBOXWATCH_TEST_LOOP": "1"}

# Runs the command as its child and prints the peak RSS (kB) of the largest process below it on the last
# line of stderr: the scan and the worker processes it reaped.
_MEASURE = (
    "import resource, subprocess, sys\n"
    "code = subprocess.call(sys.argv[1:])\n"
    "sys.stderr.write(f'\\nmaxrss_kb={resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}\\n')\n"
    "sys.exit(code)\n"
)


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str
    seconds: float
    peak_mb: float


def inboxwatch(*args: str, timeout: float = 120, env: dict[str, str] | None = None) -> Run:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, sys.executable, "-m", "inboxwatch", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, **(env or {})},
    )
    seconds = time.monotonic() - started
    err, _, peak = done.stderr.rpartition("maxrss_kb=")
    return Run(done.returncode, done.stdout, err, seconds, int(peak.strip()) / 1024)


def maildir_home(home: Path) -> tuple[mailbox.Maildir, Path]:
    (home / "Mail").mkdir(parents=True)
    inbox = mailbox.Maildir(home / "Mail" / "INBOX", create=True)
    mailbox.Maildir(home / "Mail" / "Sent", create=True)
    return inbox, write_config(
        home,
        f"""
[[accounts]]
name = "personal"
kind = "maildir"
inbox = "{home / "Mail" / "INBOX"}"
sent = "{home / "Mail" / "Sent"}"
""",
    )


def write_config(home: Path, accounts: str, extra: str = "") -> Path:
    path = home / "config.toml"
    path.write_text(
        f"""
state_dir = "{home / "state"}"
[identity]
name = "Alex Morgan"
addresses = ["{ME}"]
{accounts}
{extra}
"""
    )
    return path


def state(home: Path) -> sqlite3.Connection:
    return sqlite3.connect(home / "state" / "state.sqlite3")


def skipped(home: Path) -> dict[str, str]:
    with state(home) as conn:
        return dict(conn.execute("SELECT uid, reason FROM skipped").fetchall())


def stored_subjects(home: Path) -> dict[str, str]:
    """uid -> subject of every stored message."""
    with state(home) as conn:
        rows = conn.execute("SELECT uid, summary FROM messages").fetchall()
    return {uid: json.loads(summary).get("subject", "") for uid, summary in rows}


def companies(config: Path) -> list[str]:
    run = inboxwatch("status", "--json", "--config", str(config))
    assert run.code == 0, run.err
    return [c["company"] for c in json.loads(run.out)]

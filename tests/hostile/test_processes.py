"""Processes die with their parent: ``kill -9`` of a scan at 20 random points, then a clean scan, leaves no
inboxwatch process behind, loses nothing and keeps the state file intact."""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from tests.system.test_reliability import fill_mailbox, write_config

NOW = datetime.now(UTC)
MARK = "INBOXWATCH_TEST_MARK"


def marked_processes(mark: str) -> list[int]:
    """Live processes (not zombies) whose environment carries ``MARK=mark``: this test's scans and their children."""
    needle = f"{MARK}={mark}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            status = (entry / "stat").read_text().rpartition(")")[2].split()[0]
        except OSError:
            continue
        if status != "Z":
            found.append(int(entry.name))
    return found


def test_kill_9_of_a_scan_at_20_random_points_leaves_no_process_behind(tmp_path: Path) -> None:
    employers, noise, kills = 8, 1000, 20
    fill_mailbox(tmp_path, employers, noise)
    config = write_config(tmp_path)
    mark = uuid.uuid4().hex
    env = {**os.environ, MARK: mark}
    command = [sys.executable, "-m", "inboxwatch", "scan", "--once", "--config", str(config), "--now", NOW.isoformat()]
    rng = random.Random(15)
    workers_seen = 0
    for i in range(kills):
        proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if i % 2 == 0:
            # Every other kill lands while workers run, whatever this machine's speed: once they are up, a
            # random moment later (a fixed delay alone misses them when the scan is quicker than it).
            deadline = time.monotonic() + 10
            while proc.poll() is None and len(marked_processes(mark)) < 2 and time.monotonic() < deadline:
                time.sleep(0.02)
            time.sleep(rng.uniform(0, 0.3))
        else:
            time.sleep(rng.uniform(0.2, 2.0))
        workers_seen += len([p for p in marked_processes(mark) if p != proc.pid])
        proc.kill()
        proc.wait(timeout=10)
    assert workers_seen, "no kill happened while worker processes were running"
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr

    deadline = time.monotonic() + 10  # SIGKILL from the kernel is immediate; give a loaded machine time
    while marked_processes(mark) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = marked_processes(mark)
    assert not left, [Path(f"/proc/{p}/cmdline").read_bytes() for p in left]
    with sqlite3.connect(tmp_path / "state" / "state.sqlite3") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT COUNT(*) FROM messages").fetchone()[0] == employers + noise

"""State that cannot silently reset: an empty or unreadable state file is an error with the fix; doctor
reports a damaged one; two first scans at once both succeed; modes are 0600/0700 whatever the umask (and a
looser file is tightened); a daemon whose state file is deleted or replaced stops with a clear line."""

from __future__ import annotations

import os
import random
import signal
import stat
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.hostile.mail import good_neighbour
from tests.hostile.scan import inboxwatch, maildir_home

NOW = datetime.now(UTC)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    inbox, _ = maildir_home(tmp_path)
    for n in range(40):
        inbox.add(good_neighbour(NOW - timedelta(hours=n + 1), n))
    return tmp_path


def scan(home: Path) -> tuple[int, str]:
    run = inboxwatch("scan", "--once", "--config", str(home / "config.toml"), "--now", NOW.isoformat())
    return run.code, (run.out + run.err).replace("\n", "")  # rich wraps long lines, even inside a path


STATE = Path("state") / "state.sqlite3"


def test_an_empty_state_file_is_an_error_with_the_fix_not_a_fresh_start(home: Path) -> None:
    (home / "state").mkdir(mode=0o700)
    (home / STATE).touch(mode=0o600)
    code, text = scan(home)
    assert code == 1
    assert "is empty" in text and f"mv {home / STATE}" in text and "Traceback" not in text
    assert (home / STATE).stat().st_size == 0, "the empty file was taken as new"


def test_a_file_that_is_not_a_state_file_is_an_error_with_the_fix(home: Path) -> None:
    (home / "state").mkdir(mode=0o700)
    (home / STATE).write_bytes(b"this is not SQLite\n" * 300)
    code, text = scan(home)
    assert code == 1 and "not a readable inboxwatch state file" in text and "Traceback" not in text


def test_doctor_reports_garbage_in_the_middle_of_the_state_file(home: Path) -> None:
    assert scan(home)[0] == 0
    path = home / STATE
    vacuum = f"import sqlite3; sqlite3.connect({str(path)!r}).execute('VACUUM')"
    subprocess.run([sys.executable, "-c", vacuum], check=True)
    size = path.stat().st_size
    with path.open("r+b") as fh:
        fh.seek(size // 2)
        fh.write(random.Random(3).randbytes(8192))
    run = inboxwatch("doctor", "--config", str(home / "config.toml"))
    assert run.code == 1, run.out + run.err
    assert "FAIL state file" in run.out and "damaged" in run.out, run.out
    assert "fix: restore" in run.out and "Traceback" not in run.err


def test_two_first_scans_at_once_both_succeed(tmp_path: Path) -> None:
    failures = []
    for attempt in range(10):
        home = tmp_path / str(attempt)
        inbox, _ = maildir_home(home)
        inbox.add(good_neighbour(NOW - timedelta(hours=1)))
        with ThreadPoolExecutor(2) as pool:
            results = list(pool.map(scan, [home, home]))
        failures += [text for code, text in results if code != 0]
    assert not failures, failures[:2]


def test_modes_are_private_whatever_the_umask_and_a_looser_file_is_tightened(home: Path) -> None:
    old = os.umask(0)
    try:
        run = inboxwatch("scan", "--once", "--config", str(home / "config.toml"))
    finally:
        os.umask(old)
    assert run.code == 0, run.err
    assert stat.S_IMODE((home / "state").stat().st_mode) == 0o700
    assert stat.S_IMODE((home / STATE).stat().st_mode) == 0o600
    os.chmod(home / STATE, 0o644)
    assert scan(home)[0] == 0
    assert stat.S_IMODE((home / STATE).stat().st_mode) == 0o600


@pytest.mark.parametrize("how", ["deleted", "replaced"])
def test_a_daemon_whose_state_file_goes_away_stops_with_a_clear_line(home: Path, how: str) -> None:
    config = home / "config.toml"
    proc = subprocess.Popen(
        [sys.executable, "-m", "inboxwatch", "run", "--config", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not (home / STATE).exists():
            time.sleep(0.2)
        time.sleep(1.5)
        if how == "deleted":
            (home / STATE).unlink()
        else:
            os.replace(home / "config.toml", home / "elsewhere.toml")  # any other file, renamed over it
            os.replace(home / "elsewhere.toml", home / STATE)
        code = proc.wait(timeout=15)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate()
    assert code == 1
    assert f"state file {home / STATE} was {how if how == 'deleted' else 'replaced by another file'}" in err, err
    assert "Traceback" not in err


@pytest.mark.parametrize("kind", ["maildir", "mbox"])
def test_drafts_are_private_whatever_the_umask(tmp_path: Path, kind: str) -> None:
    from inboxwatch.sources.local import LocalSource

    drafts = tmp_path / ("Drafts" if kind == "maildir" else "drafts.mbox")
    source = LocalSource("personal", kind, tmp_path / "inbox", None, drafts)
    old = os.umask(0)
    try:
        where = Path(source.append_draft(good_neighbour(NOW)))
    finally:
        os.umask(old)
    assert stat.S_IMODE(where.stat().st_mode) == 0o600

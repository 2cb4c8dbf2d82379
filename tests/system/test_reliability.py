"""Faults a long-running service meets: kill -9 mid-scan, a full disk, a locked state file, damaged mail."""

from __future__ import annotations

import json
import mailbox
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from inboxwatch import cli
from inboxwatch.state import store
from tests.support.configs import write_maildir_config
from tests.support.mailfactory import ME, ics, make_message

NOW = datetime.now(UTC)


def fill_mailbox(home: Path, employers: int, noise: int) -> None:
    (home / "Mail").mkdir()
    inbox = mailbox.Maildir(home / "Mail" / "INBOX", create=True)
    mailbox.Maildir(home / "Mail" / "Sent", create=True)
    rng = random.Random(7)
    for i in range(employers):
        when = NOW - timedelta(days=8, hours=i)  # every follow-up fell due within the last day
        start, end = when.strftime("%Y%m%dT%H%M%SZ"), (when + timedelta(hours=1)).strftime("%Y%m%dT%H%M%SZ")
        inbox.add(
            make_message(
                sender=f"Recruiter {i} <talent{i}@employer{i}.example>",
                subject=f"Interview confirmed: Data Engineer at Employer{i} Labs",
                body=f"Hi Alex,\n\nYour interview with Employer{i} Labs is confirmed.\n",
                date=when - timedelta(days=2),
                calendar=ics(
                    f"uid-{i}",
                    start,
                    end,
                    "Interview: Alex Morgan / Data Engineer",
                    organizer=f"talent{i}@employer{i}.example",
                ),
            )
        )
    for i in range(noise):
        inbox.add(
            make_message(
                sender=f"Friend {i} <friend{i}@mail.example>",
                subject=f"Weekend plans {i}",
                body="Are you around on Saturday? " * rng.randint(5, 200),
                date=NOW - timedelta(days=rng.randint(1, 60)),
            )
        )


def write_config(home: Path) -> Path:
    hook = home / "hook.py"
    target = str(home / "alerts.jsonl")
    hook.write_text(f"import sys\nwith open({target!r}, 'a') as f:\n    f.write(sys.stdin.read().strip() + '\\n')\n")
    rest = f'[alerts]\nchannels = ["command"]\n[alerts.command]\nargv = ["{sys.executable}", "{hook}"]\n'
    return write_maildir_config(home, ME, account='poll_every = "1s"', rest=rest)


def delivered(home: Path) -> list[tuple[str, str, int]]:
    path = home / "alerts.jsonl"
    if not path.exists():
        return []
    return [(a["conversation_id"], a["kind"], a["attempt"]) for a in map(json.loads, path.read_text().splitlines())]


def test_kill_9_at_random_points_loses_nothing_and_repeats_at_most_one_alert_per_kill(tmp_path: Path) -> None:
    employers, noise, kills = 8, 400, 20
    fill_mailbox(tmp_path, employers, noise)
    config = write_config(tmp_path)
    rng = random.Random(2026)
    command = [sys.executable, "-m", "inboxwatch", "run", "--config", str(config)]
    for _ in range(kills):
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 2.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(set(delivered(tmp_path))) < employers:
        time.sleep(0.5)
    time.sleep(2)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=20) == 0

    alerts = delivered(tmp_path)
    assert len(set(alerts)) == employers, "a due nudge was lost"
    repeats = len(alerts) - len(set(alerts))
    assert repeats <= kills, f"{repeats} repeated alerts for {kills} kills"
    assert max(alerts.count(a) for a in set(alerts)) <= 2
    with sqlite3.connect(tmp_path / "state" / "state.sqlite3") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT COUNT(*) FROM messages").fetchone()[0] == employers + noise


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True, check=False
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)  # lazy: detach even if a file is still open


def test_a_full_disk_is_a_clear_error_and_nothing_is_lost_or_corrupted(
    tmp_path: Path, tiny_disk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill_mailbox(tmp_path, employers=3, noise=600)
    config = write_config(tmp_path)
    text = config.read_text().replace(str(tmp_path / "state"), str(tiny_disk / "state"))
    config.write_text(text.replace('channels = ["command"]', "channels = []"))
    filler = tiny_disk / "filler"
    filler.write_bytes(b"\0" * (3900 * 1024))
    assert cli.main(["scan", "--once", "--config", str(config), "--now", NOW.isoformat()]) == 1
    err = capsys.readouterr().err
    assert "disk is full" in err or "disk full" in err
    filler.unlink()
    assert cli.main(["scan", "--once", "--config", str(config), "--now", NOW.isoformat()]) == 0
    with sqlite3.connect(tiny_disk / "state" / "state.sqlite3") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT COUNT(*) FROM messages").fetchone()[0] == 603


def test_a_locked_state_file_is_a_clear_error_then_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fill_mailbox(tmp_path, employers=1, noise=5)
    config = write_config(tmp_path)
    assert cli.main(["scan", "--once", "--config", str(config), "--now", NOW.isoformat()]) == 0
    monkeypatch.setattr(store, "BUSY_TIMEOUT", 0.3)
    holder = sqlite3.connect(tmp_path / "state" / "state.sqlite3", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    mailbox.Maildir(tmp_path / "Mail" / "INBOX").add(
        make_message(sender="x@y.example", subject="hello", body="hi", date=NOW)
    )
    capsys.readouterr()
    assert cli.main(["scan", "--once", "--config", str(config), "--now", NOW.isoformat()]) == 1
    assert "locked" in capsys.readouterr().err
    holder.execute("ROLLBACK")
    holder.close()
    assert cli.main(["scan", "--once", "--config", str(config), "--now", NOW.isoformat()]) == 0
    assert "1 new" in capsys.readouterr().out  # the message the locked scan could not record


DAMAGED = [
    b"Content-Type: multipart/mixed; boundary=x\n\n--x\nContent-Type: text/plain\n\ntruncated in the midd",
    b"From: a@b.example\nDate: Mon, 1 Jan 0001 00:00:00 +0000\nSubject: year one\n\nbody\n",
    b"From: a@b.example\nContent-Type: text/plain; charset=no-such-charset\nSubject: x\n\n\xff\xfe\xfd broken\n",
    bytes(random.Random(1).getrandbits(8) for _ in range(5000)),
    b"Subject: big\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: application/octet-stream\n"
    b"Content-Transfer-Encoding: base64\n\n" + b"QUFB" * (8 * 1024 * 1024) + b"\n--b--\n",
]


def test_a_mailbox_of_damaged_mail_keeps_the_daemon_running_and_logs_each_once(tmp_path: Path) -> None:
    fill_mailbox(tmp_path, employers=1, noise=0)
    box = mailbox.Maildir(tmp_path / "Mail" / "INBOX")
    for raw in DAMAGED:
        box.add(raw)
    config = write_config(tmp_path)
    proc = subprocess.Popen(
        [sys.executable, "-m", "inboxwatch", "run", "--config", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not delivered(tmp_path):
            time.sleep(0.3)
        time.sleep(3)  # several more polls
        assert proc.poll() is None, "the daemon died"
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=20)
    assert proc.returncode == 0
    damaged_lines = [line for line in err.splitlines() if "is damaged" in line]
    assert len(damaged_lines) == len({line.split(" message ")[1].split(" ")[0] for line in damaged_lines})
    assert len(damaged_lines) >= 3
    assert len(delivered(tmp_path)) == 1  # the real conversation still gets its nudge

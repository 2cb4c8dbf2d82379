"""The daemon on a real Dovecot: IDLE push, and a server restart while idling loses and doubles nothing."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

from tests.support.dovecot import PASSWORD_ENV, Dovecot
from tests.support.mailfactory import ME


def invitation(n: int) -> bytes:
    return (
        f"From: Sam Recruiter <sam@employer{n}.example>\r\nTo: Alex Morgan <{ME}>\r\n"
        f"Subject: Interview invitation - Data Engineer at Employer{n}\r\n"
        f"Date: {format_datetime(datetime.now(UTC))}\r\nMessage-ID: <idle-{n}@employer{n}.example>\r\n\r\n"
        f"Hi Alex, we would like to invite you to an interview for the Data Engineer role at Employer{n}. "
        "Please share your availability.\r\n"
    ).encode()


def recorded(state: Path, message_id: str) -> int:
    try:
        with sqlite3.connect(f"file:{state}?mode=ro", uri=True, timeout=1) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM messages WHERE key = ?", (message_id,)).fetchone()[0])
    except sqlite3.Error:
        return 0


def wait_until(check: object, timeout: float) -> float | None:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if check():  # type: ignore[operator]
            return time.monotonic() - started
        time.sleep(0.1)
    return None


def test_idle_push_and_a_dovecot_restart_while_idling(dovecot: Dovecot, imap_user: str, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f"""
state_dir = "{tmp_path / "state"}"
[identity]
name = "Alex Morgan"
addresses = ["{ME}"]
[[accounts]]
name = "work"
kind = "imap"
host = "127.0.0.1"
port = {dovecot.port}
security = "none"
username = "{imap_user}"
password_env = "{PASSWORD_ENV}"
poll_every = "30m"
[alerts]
channels = []
""")
    state = tmp_path / "state" / "state.sqlite3"
    proc = subprocess.Popen(
        [sys.executable, "-m", "inboxwatch", "run", "--config", str(config)],
        env={**os.environ},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert wait_until(state.exists, 20) is not None
        time.sleep(2)  # the IDLE connection is up
        with dovecot.session(imap_user) as client:
            client.append("INBOX", invitation(1))
        latency = wait_until(lambda: recorded(state, "idle-1@employer1.example") == 1, 10)
        assert latency is not None and latency < 2, "IDLE did not wake the daemon"

        dovecot.stop()
        time.sleep(1)
        dovecot.write_maildir(imap_user, "INBOX", [(invitation(2), time.time())])  # arrives during the outage
        dovecot.start()
        back = wait_until(lambda: recorded(state, "idle-2@employer2.example") == 1, 30)
        time.sleep(2)
        counts = (recorded(state, "idle-1@employer1.example"), recorded(state, "idle-2@employer2.example"))
        alive = proc.poll() is None
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=20)
    assert back is not None, f"the message that arrived during the outage was not processed within 30 s:\n{err}"
    assert proc.returncode == 0, err
    assert "push connection back" in err
    assert alive and counts == (1, 1)

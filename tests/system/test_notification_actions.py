"""The desktop notification's buttons, end to end: ``inboxwatch run`` shows a due nudge in dunst (on a private bus
under Xvfb) with "Snooze 2 days" and "Done"; pressing "Snooze 2 days" through dunst's own menu snoozes the
conversation in the state file, once."""

from __future__ import annotations

import json
import mailbox
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.support.configs import write_maildir_config
from tests.support.desktop_session import DesktopSession, desktop_session, missing_programs
from tests.support.mailfactory import ME, ics, make_message

pytestmark = pytest.mark.system

MENU = """#!/bin/sh
# dunst's context menu (dmenu): it lists the actions on stdin; this "user" picks Snooze 2 days.
cat > "{listed}"
grep -m1 "Snooze 2 days" "{listed}"
"""


def _mail_with_a_follow_up_due(home: Path, now: datetime) -> None:
    """An interview nine days ago and the thank-you after it: the first follow-up fell due two days ago (after
    the start, not backlog)."""
    start = (now - timedelta(days=9, hours=1)).replace(microsecond=0)
    end = start + timedelta(hours=1)
    (home / "Mail").mkdir(exist_ok=True)
    inbox = mailbox.Maildir(home / "Mail" / "INBOX", create=True)
    sent = mailbox.Maildir(home / "Mail" / "Sent", create=True)
    inbox.add(
        make_message(
            sender="Dana Whitfield <dana@northwind-analytics.example>",
            subject="Interview confirmed: Senior Data Engineer at Northwind Analytics",
            body="Hi Alex,\n\nYour interview is confirmed. You'll meet Marcus from the data team.\n\nBest,\nDana",
            date=start - timedelta(days=3),
            message_id="<invite-act@northwind-analytics.example>",
            calendar=ics(
                "nw-act",
                f"{start:%Y%m%dT%H%M%SZ}",
                f"{end:%Y%m%dT%H%M%SZ}",
                "Interview: Alex Morgan / Senior Data Engineer",
                organizer="dana@northwind-analytics.example",
            ),
        )
    )
    sent.add(
        make_message(
            sender=f"Alex Morgan <{ME}>",
            to="Dana Whitfield <dana@northwind-analytics.example>",
            subject="Thank you - Senior Data Engineer interview",
            body="Hi Dana,\n\nThank you for the conversation today.\n\nBest,\nAlex",
            date=end + timedelta(hours=2),
            in_reply_to="<invite-act@northwind-analytics.example>",
        )
    )


@pytest.fixture
def session(tmp_path: Path) -> Iterator[tuple[DesktopSession, Path]]:
    missing = missing_programs()
    if missing:
        pytest.skip(f"desktop test programs not installed: {', '.join(missing)} (scripts/test installs them)")
    listed = tmp_path / "menu-listed.txt"
    menu = tmp_path / "menu.sh"
    menu.write_text(MENU.format(listed=listed))
    menu.chmod(0o755)
    with desktop_session(menu=menu) as desk:
        yield desk, listed


def _status(config: Path, env: dict[str, str]) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-m", "inboxwatch", "status", "--json", "--config", str(config)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout
    (row,) = json.loads(out)
    assert isinstance(row, dict)
    return row


def _wait(condition: object, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not callable(condition) or not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def test_snooze_2_days_pressed_in_dunst_snoozes_the_conversation_once(
    session: tuple[DesktopSession, Path], tmp_path: Path
) -> None:
    desk, listed = session
    now = datetime.now(UTC)
    _mail_with_a_follow_up_due(tmp_path, now)
    config = write_maildir_config(tmp_path, ME, rest='[alerts]\nchannels = ["desktop"]\n')
    env = {**desk.env, "PYTHONUNBUFFERED": "1"}
    log = (tmp_path / "daemon.log").open("w")
    daemon = subprocess.Popen(
        [sys.executable, "-m", "inboxwatch", "run", "-v", "--config", str(config)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    try:
        _wait(lambda: desk.displayed() >= 1, "the nudge was not shown: " + (tmp_path / "daemon.log").read_text())
        before = _status(config, env)
        assert before["control"] is None and before["next_nudge"] is not None

        pressed = datetime.now(UTC)
        desk.dunstctl("action", "0")  # no default action: dunst opens its menu of the notification's actions
        _wait(lambda: _status(config, env)["control"] == "snooze", "the snooze did not reach the state file")
        lines = listed.read_text().splitlines()
        assert [line.split(" (")[0] for line in lines] == ["#Snooze 2 days", "#Done"]  # no Open: no dashboard

        with sqlite3.connect(tmp_path / "state" / "state.sqlite3") as db:
            ((action, until, at),) = db.execute("SELECT action, until, at FROM controls").fetchall()
        assert action == "snooze"
        assert pressed <= datetime.fromisoformat(at) <= datetime.now(UTC)
        assert datetime.fromisoformat(until) - datetime.fromisoformat(at) == timedelta(days=2)
        after = _status(config, env)
        next_nudge = after["next_nudge"]
        assert isinstance(next_nudge, dict) and datetime.fromisoformat(
            str(next_nudge["due_at"])
        ) == datetime.fromisoformat(until)

        # Once: the notification is gone with its answer; pressing again finds nothing, and nothing changes.
        _wait(lambda: desk.displayed() == 0, "the notification stayed after its button was pressed")
        desk.dunstctl("action", "0")
        time.sleep(1.0)
        with sqlite3.connect(tmp_path / "state" / "state.sqlite3") as db:
            assert db.execute("SELECT action, until, at FROM controls").fetchall() == [(action, until, at)]
        text = (tmp_path / "daemon.log").read_text()
        assert text.count("Snooze 2 days from the notification") == 1, text
    finally:
        daemon.terminate()
        daemon.wait(timeout=15)
        log.close()
    assert daemon.returncode == 0, (tmp_path / "daemon.log").read_text()

"""Text from mail is data, never markup: brackets that rich would read as markup, links with hidden
addresses, escape sequences that set the window title or clear the screen — in a company, a subject, a
file name or an error — reach the terminal as plain text; bad command lines are usage errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.hostile.scan import inboxwatch, maildir_home, write_config
from tests.support.mailfactory import ics, make_message

NOW = datetime.now(UTC)
HOSTILE = "Brackets [/bold] [link=https://evil.example]Ltd[/link] \x1b]0;pwned\x07\x1b[2J\x9b31m\x07"


@pytest.fixture
def tracked(tmp_path: Path) -> tuple[Path, str]:
    _, config = maildir_home(tmp_path)
    start = (NOW - timedelta(days=8)).strftime("%Y%m%dT%H%M%SZ")
    end = (NOW - timedelta(days=8, hours=-1)).strftime("%Y%m%dT%H%M%SZ")
    mail = tmp_path / "invite[bold].eml"
    mail.write_bytes(
        make_message(
            sender="Recruiter <talent@brackets.example>",
            subject="Interview confirmed [/bold] \x1b]0;pwned\x07 [link=https://evil.example]here[/link]",
            body="Hi Alex,\n\nYour interview is confirmed. [/red]\x1b[2J\n",
            date=NOW - timedelta(days=10),
            calendar=ics("brackets-1", start, end, "Interview [/bold]", organizer="talent@brackets.example"),
        )
    )
    run = inboxwatch("track", str(mail), "--company", HOSTILE, "--config", str(config), "--now", NOW.isoformat())
    assert run.code == 0, run.err
    assert "\x1b" not in run.out and "[bold].eml" in run.out
    status = inboxwatch("status", "--json", "--config", str(config), "--now", NOW.isoformat())
    (conversation,) = json.loads(status.out)
    assert conversation["company"] == HOSTILE, "JSON keeps the data as it is"
    return config, conversation["id"]


def clean(text: str) -> bool:
    return not any(c in text for c in "\x1b\x07\x9b")


@pytest.mark.parametrize("command", [["status"], ["nudges"], ["classify"], ["done"]])
def test_hostile_text_is_printed_as_text(tracked: tuple[Path, str], command: list[str], tmp_path: Path) -> None:
    config, conversation = tracked
    args = [*command, "--config", str(config)]
    if command == ["classify"]:
        args.insert(1, str(tmp_path / "invite[bold].eml"))
    elif command == ["done"]:
        args.insert(1, conversation)
    if command != ["classify"]:
        args += ["--now", NOW.isoformat()]
    run = inboxwatch(*args)
    assert run.code == 0, run.err
    assert "Traceback" not in run.err and "MarkupError" not in run.err
    assert clean(run.out) and clean(run.err)
    if command == ["classify"]:
        assert "invite[bold].eml" in run.out
    else:
        assert "[/bold]" in run.out and "[link=https://evil.example]" in run.out, run.out


def test_an_error_text_from_a_source_is_printed_as_text(tmp_path: Path) -> None:
    config = write_config(
        tmp_path,
        """
[[accounts]]
name = "personal"
kind = "maildir"
inbox = "/nonexistent/[/bold]\\u001b]0;pwned\\u0007\\u001b[2J"
sent = "/nonexistent/sent"
""",
    )
    run = inboxwatch("scan", "--once", "--config", str(config))
    assert run.code == 1 and "Traceback" not in run.err
    assert "[/bold]" in run.err and clean(run.err), run.err


@pytest.mark.parametrize("duration", ["abc", "0d", "99999999999w"])
def test_a_bad_snooze_duration_is_a_usage_error(tracked: tuple[Path, str], duration: str) -> None:
    config, conversation = tracked
    run = inboxwatch("snooze", conversation, duration, "--config", str(config), "--now", NOW.isoformat())
    assert run.code == 2 and "Traceback" not in run.err
    assert "snooze:" in run.err


def test_tracking_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    _, config = maildir_home(tmp_path)
    run = inboxwatch("track", str(tmp_path / "missing.eml"), "--config", str(config))
    assert run.code == 2 and "Traceback" not in run.err
    assert "cannot read" in run.err and "missing.eml" in run.err

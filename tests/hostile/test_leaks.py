"""The smaller leaks: a failing password_command's error output (which can hold the decrypted secret) is
never repeated; the command hook gets a minimal environment plus what the user lists; a calendar cannot
smuggle a second recipient into a draft; the secret scrubber hides the secret, not words that contain it."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from inboxwatch.config.credentials import password_from_command, scrub
from inboxwatch.core.calendar_parts import parse_calendar
from inboxwatch.errors import AuthError
from inboxwatch.models import Address, Identity
from inboxwatch.notify.command import CommandChannel
from inboxwatch.notify.drafts import draft_message
from tests.support.alerts import make_alert
from tests.support.mailfactory import ME, ics


def test_a_failing_password_command_never_repeats_its_error_output(tmp_path: Path) -> None:
    script = tmp_path / "leaky.sh"
    script.write_text("#!/bin/sh\necho 'gpg: decrypted: Hunter2-the-secret' >&2\nexit 2\n")
    script.chmod(0o755)
    with pytest.raises(AuthError) as caught:
        password_from_command(str(script))
    text = str(caught.value)
    assert "Hunter2" not in text and "decrypted" not in text
    assert "exited with status 2" in text and "run the command yourself" in text


def test_the_command_hook_gets_a_minimal_environment_plus_what_the_user_lists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INBOXWATCH_IMAP_PASSWORD", "the-imap-secret")  # what password_env names
    monkeypatch.setenv("GMAIL_TOKEN_JSON", '{"refresh_token": "x"}')  # what token_env names
    monkeypatch.setenv("NTFY_TOKEN", "tk_listed")
    seen = tmp_path / "env.json"
    hook = tmp_path / "hook.py"
    hook.write_text(
        f"import json, os, sys\nsys.stdin.read()\nopen({str(seen)!r}, 'w').write(json.dumps(dict(os.environ)))\n"
    )
    CommandChannel((sys.executable, str(hook)), timedelta(seconds=30), env=("NTFY_TOKEN",)).send(make_alert())
    env = json.loads(seen.read_text())
    assert "INBOXWATCH_IMAP_PASSWORD" not in env and "GMAIL_TOKEN_JSON" not in env
    assert env["NTFY_TOKEN"] == "tk_listed" and env["PATH"]


def test_a_calendar_organizer_cannot_smuggle_a_second_recipient_into_a_draft() -> None:
    defects: list[str] = []
    text = ics("smuggle", "20260310T150000Z", "20260310T160000Z", "Interview", organizer="a@x.example,b@evil.example")
    (event,) = parse_calendar(text, defects)
    assert event.organizer is None
    assert [a.email for a in event.attendees] == [ME]
    to = (Address("Recruiter", "a@x.example,b@evil.example"), Address("Sam", "sam@ok.example"))
    raw = draft_message(make_alert(to=to), Identity("Alex Morgan", frozenset({ME})), datetime.now(UTC))
    header = raw.split(b"\n\n", 1)[0]
    assert b"evil" not in header and b"To: Sam <sam@ok.example>" in header


@pytest.mark.parametrize(
    ("text", "secret", "expected"),
    [
        ("unexpected EOF while reading", "xpe", "unexpected EOF while reading"),
        ("b'LOGIN alex xpe' refused", "xpe", "b'LOGIN alex ***' refused"),
        ("password=s3cret; retry", "s3cret", "password=***; retry"),
        ("no secret here", "", "no secret here"),
    ],
)
def test_the_scrubber_hides_the_secret_not_words_that_contain_it(text: str, secret: str, expected: str) -> None:
    assert scrub(text, secret) == expected

"""Fixtures for the channel tests: alerts, a throwaway desktop session, SMTP servers and certificates."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from inboxwatch.models import Address, Nudge, NudgeKind, Suggestion
from inboxwatch.notify.base import Alert
from tests.notify.desktop_session import DesktopSession, desktop_session, missing_programs
from tests.notify.smtp_server import TlsFiles, make_tls_files

DUE = datetime(2026, 3, 4, 12, 48, tzinfo=UTC)

FOLLOW_UP_BODY = """Hi Sam,

I'm following up once more on the Backend Engineer role at Copperline Robotics, after our conversation on \
Tuesday, February 17. I understand these processes take time. Could you let me know either way where things \
stand? If the role has moved in another direction, I would be grateful for any feedback you can share.

Thank you for your time and consideration.

Best regards,
Alex Morgan
"""


def make_alert(
    company: str = "Copperline Robotics",
    *,
    kind: NudgeKind = NudgeKind.FOLLOW_UP,
    attempt: int = 2,
    conversation_id: str = "zcynam",
    to: tuple[Address, ...] = (Address("Sam Okafor", "sam.okafor@copperline-robotics.example"),),
    body: str = FOLLOW_UP_BODY,
) -> Alert:
    nudge = Nudge(
        conversation_id=conversation_id,
        company=company,
        role="Backend Engineer",
        kind=kind,
        attempt=attempt,
        due_at=DUE,
        reason="1 week since your follow-up on Wed 25 Feb",
    )
    suggestion = Suggestion(
        to=to,
        subject="Re: Thank you - Backend Engineer interview",
        body=body,
        in_reply_to="<thanks-1@example.net>",
        tips=(
            "You have an offer pending (Tidewater Games): mentioning it honestly creates urgency.",
            "If Sam stays silent, reach out to someone else at Copperline Robotics: Helen Brooks.",
        ),
    )
    return Alert(nudge, suggestion, to[0] if to else None, "1 week since your follow-up on Wed 25 Feb; 2nd attempt")


@pytest.fixture
def alert() -> Alert:
    return make_alert()


def _skip_without_desktop() -> None:
    missing = missing_programs()
    if missing:
        pytest.skip(f"desktop test programs not installed: {', '.join(missing)} (scripts/test installs them)")


@pytest.fixture
def desktop(monkeypatch: pytest.MonkeyPatch) -> Iterator[DesktopSession]:
    """Xvfb + a private session bus + dunst; this process talks to that bus only."""
    _skip_without_desktop()
    with desktop_session() as session:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", session.bus_address)
        monkeypatch.setenv("DISPLAY", session.display)
        yield session


@pytest.fixture
def bare_bus(monkeypatch: pytest.MonkeyPatch) -> Iterator[DesktopSession]:
    """A private session bus with no notification server on it (and none that could be activated)."""
    _skip_without_desktop()
    with desktop_session(display=False, dunst=False) as session:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", session.bus_address)
        monkeypatch.delenv("DISPLAY", raising=False)
        yield session


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    return make_tls_files(Path(tmp_path_factory.mktemp("tls")))

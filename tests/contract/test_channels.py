"""The channel contract (``channel_contract.py``) run against every channel at a real destination: dunst on a
private session bus, an SMTP server (aiosmtpd), a program reading stdin, a Maildir's Drafts folder.

Channel-specific behaviour (markup escaping, TLS, passwords, HTML parts, screenshots) stays in ``tests/notify/``.
"""

from __future__ import annotations

import email
import mailbox as mailboxes
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import timedelta
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import ClassVar

import pytest

from inboxwatch.config import AccountConfig, AlertsConfig, CommandAlertConfig, Config, DraftsConfig
from inboxwatch.models import Identity
from inboxwatch.notify.base import Channel
from inboxwatch.notify.command import CommandChannel
from inboxwatch.notify.desktop import DesktopChannel
from inboxwatch.notify.drafts import DraftsChannel
from inboxwatch.notify.email import EmailChannel
from inboxwatch.sources.registry import open_source
from tests.contract.channel_contract import ChannelContract, ChannelHarness
from tests.support.desktop_session import DesktopSession
from tests.support.mailfactory import ME
from tests.support.smtp_server import Mailbox, email_config, free_port, smtp_server

IDENTITY = Identity("Alex Morgan", frozenset({ME}))


def base_config(tmp_path: Path, accounts: tuple[AccountConfig, ...] = ()) -> Config:
    return Config.default(IDENTITY, accounts, tmp_path / "state")


def as_text(message: EmailMessage) -> str:
    """Headers and every text part, decoded."""
    parts = [str(message).split("\n\n", 1)[0]]
    for part in message.walk():
        if part.get_content_maintype() == "text":
            content = part.get_content()
            assert isinstance(content, str)
            parts.append(content)
    return "\n".join(parts)


# --- desktop: dunst -----------------------------------------------------------------------------------


class DesktopHarness(ChannelHarness):
    name: ClassVar[str] = "desktop"

    def __init__(self, session: DesktopSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.session, self.tmp_path, self.monkeypatch = session, tmp_path, monkeypatch

    def config(self) -> Config:
        return base_config(self.tmp_path)

    def delivered(self, expected: int) -> list[str]:
        if expected:
            self.session.wait_displayed(expected)
        return [f"{n['summary']}\n{n['body']}" for n in reversed(self.session.history())]

    def failures(self) -> list[tuple[str, Callable[[], Channel]]]:
        def no_bus() -> Channel:
            self.monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={self.tmp_path / 'no-bus-here'}")
            return DesktopChannel(timeout=5)

        return [("no session bus", no_bus)]


class TestDesktop(ChannelContract):
    @pytest.fixture
    def outlet(
        self, desktop: DesktopSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> Iterator[ChannelHarness]:
        yield DesktopHarness(desktop, tmp_path, monkeypatch)


# --- email: aiosmtpd ----------------------------------------------------------------------------------


class EmailHarness(ChannelHarness):
    name: ClassVar[str] = "email"

    def __init__(self, port: int, received: Mailbox, tmp_path: Path) -> None:
        self.port, self.received, self.tmp_path = port, received, tmp_path

    def config(self) -> Config:
        config = base_config(self.tmp_path)
        return replace(config, alerts=replace(config.alerts, email=email_config(self.port)))

    def delivered(self, expected: int) -> list[str]:
        return [as_text(r.message) for r in self.received.received]

    def failures(self) -> list[tuple[str, Callable[[], Channel]]]:
        return [
            ("nothing listening", lambda: EmailChannel(email_config(free_port()), timeout=5)),
            ("plaintext beyond localhost", lambda: EmailChannel(email_config(25, smtp_host="smtp.example.com"))),
        ]


class TestEmail(ChannelContract):
    @pytest.fixture
    def outlet(self, tmp_path: Path) -> Iterator[ChannelHarness]:
        with smtp_server() as (controller, received):
            yield EmailHarness(controller.port, received, tmp_path)


# --- command: a program reading the alert on stdin ----------------------------------------------------


class CommandHarness(ChannelHarness):
    name: ClassVar[str] = "command"

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.folder = tmp_path / "received"
        self.folder.mkdir()

    def config(self) -> Config:
        # Each run keeps its stdin in a file of its own, named by the time it ran.
        keep = (
            "import sys, time, pathlib; "
            "(pathlib.Path(sys.argv[1]) / str(time.time_ns())).write_bytes(sys.stdin.buffer.read())"
        )
        command = CommandAlertConfig((sys.executable, "-c", keep, str(self.folder)), timedelta(seconds=20))
        config = base_config(self.tmp_path)
        return replace(config, alerts=replace(config.alerts, command=command))

    def delivered(self, expected: int) -> list[str]:
        return [p.read_text("utf-8") for p in sorted(self.folder.iterdir(), key=lambda p: int(p.name))]

    def failures(self) -> list[tuple[str, Callable[[], Channel]]]:
        def command(*argv: str, seconds: float = 5) -> Callable[[], Channel]:
            return lambda: CommandChannel(argv, timedelta(seconds=seconds))

        return [
            ("a program that is not there", command(str(self.tmp_path / "no-such-program"))),
            ("a program that fails", command(sys.executable, "-c", "raise SystemExit(3)")),
            ("a program that hangs", command(sys.executable, "-c", "import time; time.sleep(30)", seconds=0.5)),
        ]


class TestCommand(ChannelContract):
    @pytest.fixture
    def outlet(self, tmp_path: Path) -> Iterator[ChannelHarness]:
        yield CommandHarness(tmp_path)


# --- drafts: the owner's Drafts folder ----------------------------------------------------------------


class DraftsHarness(ChannelHarness):
    name: ClassVar[str] = "drafts"
    sends_text: ClassVar[bool] = False  # a draft is a reply to a conversation; a digest has none

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        (tmp_path / "Mail").mkdir()
        for folder in ("INBOX", "Sent"):
            mailboxes.Maildir(tmp_path / "Mail" / folder, create=True)
        self.drafts = tmp_path / "Mail" / "Drafts"

    def account(self, **changes: object) -> AccountConfig:
        mail = self.tmp_path / "Mail"
        account = AccountConfig("personal", "maildir", str(mail / "INBOX"), str(mail / "Sent"), drafts=str(self.drafts))
        return replace(account, **changes)  # type: ignore[arg-type]

    def config(self) -> Config:
        config = base_config(self.tmp_path, (self.account(),))
        return replace(config, alerts=AlertsConfig(channels=()), drafts=DraftsConfig(enabled=True))

    def delivered(self, expected: int) -> list[str]:
        if not self.drafts.exists():
            return []
        box = mailboxes.Maildir(self.drafts, create=False)
        files = sorted((self.drafts / "cur").iterdir(), key=lambda p: (p.stat().st_mtime_ns, p.name))
        assert len(files) == len(box)
        items = []
        for path in files:
            message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            assert isinstance(message, EmailMessage)
            items.append(as_text(message))
        return items

    def failures(self) -> list[tuple[str, Callable[[], Channel]]]:
        without = replace(self.config(), accounts=(self.account(drafts=None),))
        nowhere = replace(self.config(), accounts=())
        return [
            ("an account without a Drafts folder", lambda: DraftsChannel(without, open_source)),
            ("no account at all", lambda: DraftsChannel(nowhere, open_source)),
        ]


class TestDrafts(ChannelContract):
    @pytest.fixture
    def outlet(self, tmp_path: Path) -> Iterator[ChannelHarness]:
        yield DraftsHarness(tmp_path)

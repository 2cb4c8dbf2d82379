"""Exactly-once delivery through ``pipeline.deliver`` with a real store, dunst and an SMTP server.

The demo mailbox is scanned for real (Maildir → parse → classify → track → policy → compose), so the nudges
are whatever the product finds due at the demo's moment; the tests only need a few of them.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from inboxwatch import cli
from inboxwatch.config import AccountConfig, Config, FollowUpConfig, FollowUpRules
from inboxwatch.demo import DEMO_IDENTITY, DEMO_NOW, build_maildirs
from inboxwatch.notify.base import Alert, Channel
from inboxwatch.notify.desktop import DesktopChannel
from inboxwatch.notify.email import EmailChannel
from inboxwatch.runtime.pipeline import DeliveryReport, Overview, deliver, overview, scan
from inboxwatch.state.store import Store
from tests.support.desktop_session import DesktopSession
from tests.support.smtp_server import Mailbox, email_config, free_port, smtp_server

RETRY = timedelta(minutes=5)  # the default alerts.retry_after


@dataclasses.dataclass
class Demo:
    config: Config
    store: Store
    last: Overview | None = None

    def run(self, now: datetime, channels: list[Channel]) -> DeliveryReport:
        """One scan --once: read the mailbox, work out what is due, deliver."""
        scan(self.config, self.store, now)
        self.last = overview(self.config, self.store, now)
        return deliver(self.config, self.store, self.last, channels, now)


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Demo]:
    inbox, sent = build_maildirs(tmp_path / "mail")
    account = AccountConfig(name="demo", kind="maildir", inbox=str(inbox), sent=str(sent))
    config = Config.default(DEMO_IDENTITY, [account], tmp_path / "state", source="<test>")
    # Announce everything due on the first run: the demo's nudges are older than the default 3-day backlog.
    config = dataclasses.replace(config, follow_up=FollowUpConfig(FollowUpRules(announce_backlog=timedelta(days=365))))
    with Store.open(config.state_path) as store:
        yield Demo(config, store)


def nudge_headers(mailbox: Mailbox) -> list[str]:
    return [str(r.message["X-Inboxwatch-Nudge"]) for r in mailbox.received]


def test_each_nudge_once_per_channel(demo: Demo, desktop: DesktopSession) -> None:
    with smtp_server() as (controller, mailbox):
        channels: list[Channel] = [DesktopChannel(), EmailChannel(email_config(controller.port))]
        first = demo.run(DEMO_NOW, channels)
        assert demo.last is not None
        due = demo.last.due
        assert len(due) >= 2, "the demo should have several nudges due"
        assert first.failed == []
        assert sorted((n.key, c) for n, c in first.delivered) == sorted(
            (d.nudge.key, c) for d in due for c in ("desktop", "email")
        )

        again = demo.run(DEMO_NOW + timedelta(minutes=1), channels)
        assert again.delivered == [] and again.failed == []

    assert sorted(nudge_headers(mailbox)) == sorted("/".join(map(str, d.nudge.key)) for d in due)
    shown = [n["summary"] for n in desktop.history() if n["appname"] == "inboxwatch"]
    assert sorted(shown) == sorted(Alert(d.nudge, d.suggestion, None, "").title for d in due)


def test_smtp_down_is_retried_after_backoff_without_duplicates(demo: Demo, desktop: DesktopSession) -> None:
    port = free_port()  # nothing listens there yet
    channels: list[Channel] = [EmailChannel(email_config(port), timeout=5), DesktopChannel()]
    t0 = DEMO_NOW

    first = demo.run(t0, channels)
    assert demo.last is not None
    due = [d.nudge for d in demo.last.due]
    assert len(due) >= 2
    # the failing channel did not block the other one
    assert sorted(n.key for n, c in first.delivered) == sorted(n.key for n in due)
    assert {c for _, c, _ in first.failed} == {"email"} and len(first.failed) == len(due)
    for nudge in due:
        states = demo.store.deliveries(nudge)
        assert states["desktop"].state == "delivered"
        email = states["email"]
        assert (email.state, email.tries, email.next_try_at) == ("failed", 1, t0 + RETRY)
        assert email.last_error is not None and "cannot reach the SMTP server" in email.last_error

    # Still down when the retry is due: a second failure doubles the wait.
    second = demo.run(t0 + RETRY, channels)
    assert second.delivered == [] and len(second.failed) == len(due)
    for nudge in due:
        email = demo.store.deliveries(nudge)["email"]
        assert (email.tries, email.next_try_at) == (2, t0 + RETRY + 2 * RETRY)

    with smtp_server(port=port) as (_, mailbox):
        # Back up, but the next try is not due yet: nothing is sent.
        early = demo.run(t0 + 2 * RETRY, channels)
        assert early.delivered == [] and early.failed == [] and mailbox.received == []

        retried = demo.run(t0 + 3 * RETRY, channels)
        assert retried.failed == []
        assert sorted(n.key for n, c in retried.delivered) == sorted(n.key for n in due)
        assert {c for _, c in retried.delivered} == {"email"}

        after = demo.run(t0 + 3 * RETRY + timedelta(minutes=1), channels)
        assert after.delivered == [] and after.failed == []

    assert sorted(nudge_headers(mailbox)) == sorted("/".join(map(str, n.key)) for n in due)
    for nudge in due:
        email = demo.store.deliveries(nudge)["email"]
        assert (email.state, email.next_try_at, email.last_error) == ("delivered", None, None)
    assert len([n for n in desktop.history() if n["appname"] == "inboxwatch"]) == len(due)


def test_scan_once_reports_a_failed_channel_and_delivers_later(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inbox, sent = build_maildirs(tmp_path / "mail")
    port = free_port()
    config = tmp_path / "config.toml"
    config.write_text(f"""
state_dir = "{tmp_path / "state"}"
[identity]
name = "Alex Morgan"
addresses = {json.dumps(sorted(DEMO_IDENTITY.addresses))}
[[accounts]]
name = "demo"
kind = "maildir"
inbox = "{inbox}"
sent = "{sent}"
[follow_up]
announce_backlog = "365d"
[alerts]
channels = ["email"]
[alerts.email]
smtp_host = "localhost"
smtp_port = {port}
security = "none"
from = "inboxwatch@example.net"
to = "alex.morgan@example.net"
""")
    now = DEMO_NOW.isoformat()

    assert cli.main(["scan", "--once", "--config", str(config), "--now", now]) == 0
    captured = capsys.readouterr()
    failures = " ".join(captured.err.split()).split("email: ")[1:]  # one per nudge (rich wraps long lines)
    assert failures and all("not delivered, will retry: cannot reach the SMTP server" in f for f in failures)
    assert " 0 delivered," in captured.out

    later = (DEMO_NOW + RETRY).isoformat()
    with smtp_server(port=port) as (_, mailbox):
        assert cli.main(["scan", "--once", "--config", str(config), "--now", later]) == 0
        assert cli.main(["scan", "--once", "--config", str(config), "--now", later]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    nudges = nudge_headers(mailbox)
    assert len(nudges) == len(failures)  # each failed one delivered once, none twice
    assert len(set(nudges)) == len(nudges)

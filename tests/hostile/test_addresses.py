"""An internationalised recruiter address (RFC 6532) with drafts on, on every channel: the scan completes,
that nudge is delivered, the next conversation's nudge too; a channel that fails in a way nobody foresaw
is one recorded, retried failure, never the end of the delivery run."""

from __future__ import annotations

import email
import json
import mailbox
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email import policy
from pathlib import Path

import pytest

from inboxwatch import cli
from inboxwatch.config import Config, DraftsConfig, FollowUpConfig, FollowUpRules, load_config
from inboxwatch.models import Identity
from inboxwatch.notify import build_channels
from inboxwatch.notify.base import Alert, Channel
from inboxwatch.runtime.pipeline import deliver, overview, scan
from inboxwatch.sources.registry import open_source
from inboxwatch.state.store import Store
from tests.support.configs import write_maildir_config
from tests.support.desktop_session import DesktopSession
from tests.support.dovecot import Dovecot, imap_account
from tests.support.mailfactory import ME, ics, make_message
from tests.support.smtp_server import Mailbox, smtp_server

NOW = datetime.now(UTC)
INTERVIEW = NOW - timedelta(days=8)  # the first follow-up fell due a day ago


def confirmation(sender: str, company: str, uid: str) -> bytes:
    start = INTERVIEW.strftime("%Y%m%dT%H%M%SZ")
    end = (INTERVIEW + timedelta(hours=1)).strftime("%Y%m%dT%H%M%SZ")
    organizer = sender.rpartition("<")[2].rstrip(">")
    raw = make_message(
        sender="PLACEHOLDER <placeholder@placeholder.example>",
        subject=f"Interview confirmed: Data Engineer at {company}",
        body=f"Hi Alex,\n\nYour interview with {company} is confirmed.\n",
        date=INTERVIEW - timedelta(days=2),
        calendar=ics(uid, start, end, "Interview: Alex Morgan / Data Engineer", organizer="organizer@x.example"),
    )
    # Raw UTF-8 in the header, as RFC 6532 mail carries it (the factory would encode it).
    raw = raw.replace(b"PLACEHOLDER <placeholder@placeholder.example>", sender.encode())
    return raw.replace(b"organizer@x.example", organizer.encode())


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    (tmp_path / "Mail").mkdir()
    inbox = mailbox.Maildir(tmp_path / "Mail" / "INBOX", create=True)
    mailbox.Maildir(tmp_path / "Mail" / "Sent", create=True)
    inbox.add(confirmation("José García <josé@castañeda-datos.example>", "Castañeda Datos", "cd-1"))
    inbox.add(confirmation("Priya Raman <priya@larchmont-analytics.example>", "Larchmont Analytics", "la-1"))
    hook = tmp_path / "hook.py"
    hook.write_text(
        f"import sys\nwith open({str(tmp_path / 'alerts.jsonl')!r}, 'a') as f:\n"
        "    f.write(sys.stdin.read().strip() + '\\n')\n"
    )
    yield tmp_path


def write_config(home: Path, smtp_port: int) -> Path:
    import sys

    rest = f"""[drafts]
enabled = true
[alerts]
channels = ["desktop", "email", "command"]
[alerts.email]
smtp_host = "127.0.0.1"
smtp_port = {smtp_port}
security = "none"
from = "inboxwatch@example.net"
to = "{ME}"
[alerts.command]
argv = ["{sys.executable}", "{home / "hook.py"}"]
[follow_up]
announce_backlog = "365d"
"""
    return write_maildir_config(home, ME, account=f'drafts = "{home / "Mail" / "Drafts"}"', rest=rest)


def test_a_non_ascii_recruiter_address_with_drafts_on_every_channel(
    home: Path, desktop: DesktopSession, capsys: pytest.CaptureFixture[str]
) -> None:
    with smtp_server() as (controller, received):
        config = write_config(home, controller.port)
        code = cli.main(["scan", "--once", "--config", str(config), "--now", NOW.isoformat()])
        out, err = capsys.readouterr()
    assert code == 0, err
    assert "2 nudges due; 8 delivered, 0 failed" in out, out + err

    drafts = mailbox.Maildir(home / "Mail" / "Drafts", create=False)
    saved = [email.message_from_bytes(drafts.get_bytes(k), policy=policy.default) for k in drafts.iterkeys()]
    to = sorted(str(draft["To"]) for draft in saved)
    assert to == ["José García <josé@castañeda-datos.example>", "Priya Raman <priya@larchmont-analytics.example>"]
    assert isinstance(received, Mailbox) and len(received.received) == 2
    shown = {n["summary"] for n in desktop.history() if n["appname"] == "inboxwatch"}
    assert any("Castañeda" in s for s in shown) and any("Larchmont" in s for s in shown), shown
    hooked = [json.loads(line) for line in (home / "alerts.jsonl").read_text().splitlines()]
    assert sorted(a["company"] for a in hooked) == ["Castañeda Datos", "Larchmont Analytics"]

    # Read back as the user sees it: the name and address as sent, no replacement characters.
    assert cli.main(["nudges", "--json", "--config", str(config), "--now", NOW.isoformat()]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert "José García <josé@castañeda-datos.example>" in [a for n in listed for a in n["suggestion"]["to"]]


class Buggy(Channel):
    """A channel with a bug for one company: not a NotifyError, something nobody foresaw."""

    name = "buggy"

    def __init__(self) -> None:
        self.sent: list[str] = []

    def send(self, alert: Alert) -> None:
        if "Castañeda" in alert.nudge.company:
            raise UnicodeEncodeError("ascii", "é", 0, 1, "ordinal not in range(128)")
        self.sent.append(alert.nudge.company)


class Recording(Channel):
    name = "recording"

    def __init__(self) -> None:
        self.sent: list[str] = []

    def send(self, alert: Alert) -> None:
        self.sent.append(alert.nudge.company)


def test_an_unexpected_exception_in_a_channel_is_a_recorded_failure_with_a_retry(home: Path) -> None:
    config = load_config(write_config(home, 9))
    buggy, recording = Buggy(), Recording()
    with Store.open(config.state_path) as store:
        scan(config, store, NOW)
        view = overview(config, store, NOW)
        report = deliver(config, store, view, [buggy, recording], NOW)
        assert sorted(recording.sent) == ["Castañeda Datos", "Larchmont Analytics"]
        assert buggy.sent == ["Larchmont Analytics"], "the next nudge still went out on the failing channel"
        ((_, channel, problem),) = report.failed
        assert channel == "buggy" and "unexpected UnicodeEncodeError in the buggy channel" in problem
        ((_, _, _, delivery),) = store.failed_deliveries()
        assert delivery.tries == 1 and delivery.next_try_at is not None and delivery.next_try_at > NOW

        later = delivery.next_try_at + timedelta(seconds=1)
        again = deliver(config, store, overview(config, store, later), [buggy, recording], later)
        assert [c for _, c, _ in again.failed] == ["buggy"] and again.delivered == []
        assert store.failed_deliveries()[0][3].tries == 2


def test_a_draft_to_a_non_ascii_address_is_saved_in_dovecot(dovecot: Dovecot, imap_user: str, tmp_path: Path) -> None:
    with dovecot.session(imap_user) as client:
        client.append(
            "INBOX",
            confirmation("José García <josé@castañeda-datos.example>", "Castañeda Datos", "cd-imap"),
            flags=(),
            msg_time=INTERVIEW - timedelta(days=2),
        )
    account = imap_account(dovecot, imap_user)
    base = Config.default(Identity("Alex Morgan", frozenset({ME})), [account], tmp_path / "state")
    config = replace(
        base,
        alerts=replace(base.alerts, channels=()),
        drafts=DraftsConfig(enabled=True),
        follow_up=FollowUpConfig(FollowUpRules(announce_backlog=timedelta(days=365))),
    )
    channels, problems = build_channels(config, open_source)
    assert problems == []
    with Store.open(config.state_path) as store:
        scan(config, store, NOW)
        report = deliver(config, store, overview(config, store, NOW), channels, NOW)
    assert report.failed == [] and len(report.delivered) == 1
    with dovecot.session(imap_user) as client:
        client.select_folder("Drafts", readonly=True)
        (uid,) = client.search("ALL")
        raw = client.fetch([uid], ["BODY.PEEK[]"])[uid][b"BODY[]"]
    draft = email.message_from_bytes(raw, policy=policy.default)
    assert str(draft["To"]) == "José García <josé@castañeda-datos.example>"

"""Drafts: the suggestion saved once, threaded, in the user's own Drafts folder — never sent."""

from __future__ import annotations

import email
import mailbox
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email import policy
from pathlib import Path

from inboxwatch.config import AccountConfig, Config, DraftsConfig
from inboxwatch.models import Identity
from inboxwatch.notify import build_channels
from inboxwatch.runtime.pipeline import deliver, overview, scan
from inboxwatch.sources.registry import open_source
from inboxwatch.state.store import Store
from tests.support.mailfactory import ME, ics, make_message

INTERVIEW = datetime(2026, 3, 3, 20, 0, tzinfo=UTC)
NOW = INTERVIEW + timedelta(days=8)


def mail_home(tmp_path: Path) -> Config:
    (tmp_path / "Mail").mkdir()
    inbox = mailbox.Maildir(tmp_path / "Mail" / "INBOX", create=True)
    mailbox.Maildir(tmp_path / "Mail" / "Sent", create=True)
    inbox.add(
        make_message(
            sender="Dana Whitfield <dana@northwind-analytics.example>",
            subject="Interview confirmed: Senior Data Engineer at Northwind Analytics",
            body="Hi Alex,\n\nYour interview is confirmed.\n\nDana",
            date=INTERVIEW - timedelta(days=3),
            message_id="<confirm-1@northwind-analytics.example>",
            calendar=ics(
                "nw-drafts",
                "20260303T200000Z",
                "20260303T210000Z",
                "Interview: Alex Morgan",
                organizer="dana@northwind-analytics.example",
            ),
        )
    )
    account = AccountConfig(
        "personal",
        "maildir",
        str(tmp_path / "Mail" / "INBOX"),
        str(tmp_path / "Mail" / "Sent"),
        drafts=str(tmp_path / "Mail" / "Drafts"),
    )
    config = Config.default(Identity("Alex Morgan", frozenset({ME})), [account], tmp_path / "state")
    return replace(config, alerts=replace(config.alerts, channels=()), drafts=DraftsConfig(enabled=True))


def test_a_due_nudge_becomes_one_threaded_draft(tmp_path: Path) -> None:
    config = mail_home(tmp_path)
    channels, problems = build_channels(config, open_source)
    assert problems == [] and [c.name for c in channels] == ["drafts"]
    with Store.open(config.state_path) as store:
        scan(config, store, NOW)
        for _ in range(2):  # a second pass saves nothing twice
            report = deliver(config, store, overview(config, store, NOW), channels, NOW)
    assert report.failed == []
    drafts = mailbox.Maildir(tmp_path / "Mail" / "Drafts", create=False)
    (key,) = list(drafts.keys())
    assert "D" in drafts.get_message(key).get_flags()
    draft = email.message_from_bytes(drafts.get_bytes(key), policy=policy.default)
    assert draft["To"] == "Dana Whitfield <dana@northwind-analytics.example>"
    assert draft["In-Reply-To"] == "<confirm-1@northwind-analytics.example>"
    assert draft["Subject"].startswith("Re: Interview confirmed")
    assert draft["From"] == f"Alex Morgan <{ME}>"
    assert "follow up" in draft.get_content()


def test_drafts_without_a_drafts_folder_fail_and_retry(tmp_path: Path) -> None:
    config = mail_home(tmp_path)
    account = replace(config.accounts[0], drafts=None)
    config = replace(config, accounts=(account,))
    channels, _ = build_channels(config, open_source)
    with Store.open(config.state_path) as store:
        scan(config, store, NOW)
        report = deliver(config, store, overview(config, store, NOW), channels, NOW)
    assert len(report.failed) == 1 and "cannot store drafts" in report.failed[0][2]

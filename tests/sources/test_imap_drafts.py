"""Drafts end to end on a real Dovecot: a due nudge is saved once, as a threaded \\Draft, in Drafts."""

from __future__ import annotations

import email
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email import policy
from pathlib import Path

from inboxwatch.config import Config, DraftsConfig
from inboxwatch.models import Identity
from inboxwatch.notify import build_channels
from inboxwatch.runtime.pipeline import deliver, overview, scan
from inboxwatch.sources.registry import open_source
from inboxwatch.state.store import Store
from tests.support.dovecot import Dovecot, imap_account
from tests.support.mailfactory import ME, ics, make_message

NOW = datetime.now(UTC).replace(microsecond=0)
INTERVIEW = NOW - timedelta(days=8)


def test_a_due_follow_up_becomes_one_threaded_draft_in_dovecot(
    dovecot: Dovecot, imap_user: str, tmp_path: Path
) -> None:
    start, end = INTERVIEW.strftime("%Y%m%dT%H%M%SZ"), (INTERVIEW + timedelta(hours=1)).strftime("%Y%m%dT%H%M%SZ")
    invite = make_message(
        sender="Dana Whitfield <dana@northwind-analytics.example>",
        subject="Interview confirmed: Senior Data Engineer at Northwind Analytics",
        body="Hi Alex,\n\nYour interview is confirmed.\n\nDana",
        date=INTERVIEW - timedelta(days=2),
        message_id="<confirm-9@northwind-analytics.example>",
        calendar=ics("nw-imap", start, end, "Interview: Alex Morgan", organizer="dana@northwind-analytics.example"),
    )
    with dovecot.session(imap_user) as client:
        client.append("INBOX", invite, flags=(), msg_time=INTERVIEW - timedelta(days=2))
    account = imap_account(dovecot, imap_user)
    base = Config.default(Identity("Alex Morgan", frozenset({ME})), [account], tmp_path / "state")
    config = replace(base, alerts=replace(base.alerts, channels=()), drafts=DraftsConfig(enabled=True))
    channels, problems = build_channels(config, open_source)
    assert problems == []
    with Store.open(config.state_path) as store:
        scan(config, store, NOW)
        for _ in range(2):
            report = deliver(config, store, overview(config, store, NOW), channels, NOW)
    assert report.failed == []
    with dovecot.session(imap_user) as client:
        client.select_folder("Drafts", readonly=True)
        uids = client.search("ALL")
        assert len(uids) == 1, "saved once, not once per pass"
        fetched = client.fetch(uids, ["FLAGS", "BODY.PEEK[]"])[uids[0]]
        client.select_folder("INBOX", readonly=True)
        inbox_flags = client.get_flags(client.search("ALL"))
    assert b"\\Draft" in fetched[b"FLAGS"]
    draft = email.message_from_bytes(fetched[b"BODY[]"], policy=policy.default)
    assert draft["In-Reply-To"] == "<confirm-9@northwind-analytics.example>"
    assert draft["To"] == "Dana Whitfield <dana@northwind-analytics.example>"
    assert draft["Subject"] == "Re: Interview confirmed: Senior Data Engineer at Northwind Analytics"
    assert all(b"\\Seen" not in flags for flags in inbox_flags.values())  # the scan stayed read-only

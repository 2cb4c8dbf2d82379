"""Fixtures of the system tests."""

from __future__ import annotations

import mailbox
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.support.configs import write_maildir_config
from tests.support.mailfactory import ME, ics, make_message

T0 = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)  # the interview invitation arrives


@pytest.fixture
def mailhome(tmp_path: Path) -> Path:
    (tmp_path / "Mail").mkdir()
    inbox = mailbox.Maildir(tmp_path / "Mail" / "INBOX", create=True)
    mailbox.Maildir(tmp_path / "Mail" / "Sent", create=True)
    inbox.add(
        make_message(
            sender="Dana Whitfield <dana@northwind-analytics.example>",
            subject="Interview confirmed: Senior Data Engineer at Northwind Analytics",
            body="Hi Alex,\n\nYour interview is confirmed for Thursday, March 5 at 3:00 PM UTC. "
            "You'll meet Marcus from the data team.\n\nBest,\nDana",
            date=T0,
            message_id="<invite-1@northwind-analytics.example>",
            calendar=ics(
                "nw-1",
                "20260305T150000Z",
                "20260305T160000Z",
                "Interview: Alex Morgan / Senior Data Engineer",
                organizer="dana@northwind-analytics.example",
            ),
        )
    )
    inbox.add(
        make_message(
            sender="LinkedIn Job Alerts <jobalerts-noreply@linkedin.com>",
            subject="12 new jobs for Data Engineer in Boston",
            body="Based on your job search, here are new jobs for you. Apply now.",
            date=T0,
            headers={"List-Unsubscribe": "<https://www.linkedin.com/unsub>"},
        )
    )
    write_maildir_config(tmp_path, ME)
    return tmp_path

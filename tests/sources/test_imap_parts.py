"""Reading parts gives what reading whole messages gives: the same labels, facts and message, on a real Dovecot.

Every message of the detection fixtures, of the demo mailbox and of the two benchmark mailboxes (at a tenth of
their size here, the same generators; ``INBOXWATCH_FULL_MAILBOXES=1`` reads them whole: 20,000 and 4,000
messages) is put in a Dovecot folder, read by the IMAP source in parts (every message a candidate) and read
whole with ``BODY.PEEK[]``; both are parsed and classified.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import inboxwatch.sources.imap as imap_module
from inboxwatch.core.detect import classify
from inboxwatch.core.parse import parse_message
from inboxwatch.models import FolderRole, Identity
from inboxwatch.sources.base import FetchedMessage
from inboxwatch.sources.imap import IMAPSource
from tests.support.benchmail import ME, bulk_mailbox, personal_mailbox
from tests.support.dovecot import Dovecot, imap_account

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "detection"
DEMO = ROOT / "src" / "inboxwatch" / "demo"
NOW = datetime(2026, 3, 16, 12, 0, tzinfo=UTC)
OWNER = Identity("Alex Morgan", frozenset({ME, "alexmorgan.dev@gmail.example"}))
FULL = os.environ.get("INBOXWATCH_FULL_MAILBOXES") == "1"
Mail = list[tuple[str, bytes, float]]


def fixture_mail() -> Mail:
    stamp = NOW.timestamp()
    files = [*sorted(FIXTURES.glob("*.eml")), *sorted((DEMO / "inbox").glob("*.eml"))]
    return [("INBOX", f.read_bytes(), stamp) for f in files] + [
        ("Sent", f.read_bytes(), stamp) for f in sorted((DEMO / "sent").glob("*.eml"))
    ]


def bulk_mail() -> Mail:
    return list(bulk_mailbox(20_000 if FULL else 2_000, 7, NOW))


def personal_mail() -> Mail:
    return list(personal_mailbox(4_000 if FULL else 400, 7, NOW))


MAILBOXES: dict[str, Callable[[], Mail]] = {"fixtures": fixture_mail, "bulk": bulk_mail, "personal": personal_mail}


def read(dovecot: Dovecot, user: str, source: IMAPSource) -> Iterator[tuple[FolderRole, str, FetchedMessage, bytes]]:
    """(role, uid, the message as read in parts, the message's bytes as read whole) for every message."""
    for role, folder in ((FolderRole.INBOX, "INBOX"), (FolderRole.SENT, "Sent")):
        fetched = [m for b in source.fetch_changes(role, None, since=NOW - timedelta(days=3650)) for m in b.messages]
        with dovecot.session(user) as client:
            client.select_folder(folder, readonly=True)
            for start in range(0, len(fetched), 500):
                chunk = fetched[start : start + 500]
                whole = client.fetch([int(m.uid) for m in chunk], ["BODY.PEEK[]"])
                for m in chunk:
                    yield role, m.uid, m, whole[int(m.uid)][b"BODY[]"]


@pytest.mark.parametrize("mailbox", sorted(MAILBOXES))
def test_parts_give_the_labels_facts_and_message_of_the_whole(
    dovecot: Dovecot, imap_user: str, mailbox: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    mail = MAILBOXES[mailbox]()
    for folder in ("INBOX", "Sent"):
        dovecot.write_maildir(imap_user, folder, [(raw, stamp) for f, raw, stamp in mail if f == folder])
    dovecot.doveadm("force-resync", "-u", imap_user, "*")
    monkeypatch.setattr(imap_module, "might_be_job_mail", lambda header, role: True)  # every message's body
    source = IMAPSource(imap_account(dovecot, imap_user, backfill=timedelta(days=3650)))
    compared = in_parts = cut = 0
    differ: list[str] = []
    try:
        for role, uid, fetched, raw in read(dovecot, imap_user, source):
            whole = parse_message(raw, role, uid)
            parts = fetched.parsed()
            in_parts += fetched.parts is not None
            cut += len(parts.text) < len(whole.text)
            said, heard = classify(whole, OWNER), classify(parts, OWNER)
            same = (
                replace(said, evidence=()) == replace(heard, evidence=())
                and said.scores == heard.scores
                and replace(whole, text="", defects=()) == replace(parts, text="", defects=())
                and whole.text.startswith(parts.text)
            )
            if not same:
                differ.append(f"{role}/{uid}: {whole.subject!r} {said.label} vs {heard.label}")
            compared += 1
    finally:
        source.close()
    assert compared == len(mail)
    assert not differ, differ[:10]
    assert in_parts >= len(mail) * 0.95  # nearly all in parts: the fallback is for unusual structure
    if mailbox != "fixtures":
        assert cut > len(mail) / 2  # most of them read in part only: the comparison covers cut text

from __future__ import annotations

import mailbox
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from inboxwatch.core.parse import parse_message
from inboxwatch.models import FolderRole
from inboxwatch.sources.local import LocalSource
from tests.support.mailfactory import make_message

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def msg(n: int) -> bytes:
    return make_message(
        sender="Dana <dana@acme.example>",
        subject=f"Message {n}",
        body=f"Body {n}\n",
        date=T0 + timedelta(hours=n),
        message_id=f"<n{n}@acme.example>",
    )


def drain(source: LocalSource, role: FolderRole, cursor: str | None) -> tuple[list[bytes], str | None]:
    raws: list[bytes] = []
    for batch in source.fetch_changes(role, cursor):
        raws.extend(m.raw for m in batch.messages)
        cursor = batch.cursor
    return raws, cursor


def subjects(raws: list[bytes]) -> list[str]:
    return [parse_message(r).subject for r in raws]


@pytest.fixture
def maildir(tmp_path: Path) -> tuple[LocalSource, mailbox.Maildir, mailbox.Maildir]:
    inbox = mailbox.Maildir(tmp_path / "INBOX", create=True)
    sent = mailbox.Maildir(tmp_path / "Sent", create=True)
    return LocalSource("personal", "maildir", tmp_path / "INBOX", tmp_path / "Sent"), inbox, sent


def test_maildir_flag_change_by_a_mail_client_is_not_new(
    maildir: tuple[LocalSource, mailbox.Maildir, mailbox.Maildir],
) -> None:
    source, inbox, _ = maildir
    key = inbox.add(msg(1))
    _, cursor = drain(source, FolderRole.INBOX, None)
    root = Path(inbox._path)
    os.rename(root / "new" / key, root / "cur" / f"{key}:2,S")  # what a client marking it read does
    again, _ = drain(source, FolderRole.INBOX, cursor)
    assert again == []


def write_mbox(path: Path, raws: list[bytes]) -> None:
    with path.open("ab") as fh:
        for raw in raws:
            fh.write(b"From MAILER-DAEMON Sun Mar  1 09:00:00 2026\n" + raw.replace(b"\r\n", b"\n") + b"\n")


def test_mbox_with_a_malformed_message_in_the_middle(tmp_path: Path) -> None:
    path = tmp_path / "inbox.mbox"
    garbage = (
        b'Content-Type: multipart/mixed; boundary="never-closed"\nSubject: =?utf-8?B?broken\n\n'
        b"--never-closed\n\xff\xfe\x00binary junk\n"
    )
    write_mbox(path, [msg(1), garbage, msg(3)])
    source = LocalSource("p", "mbox", path, None)
    raws, _ = drain(source, FolderRole.INBOX, None)
    assert len(raws) == 3
    parsed = [parse_message(r) for r in raws]
    assert parsed[0].subject == "Message 1" and parsed[2].subject == "Message 3"
    assert parsed[1].defects  # the broken one is reported, not fatal


def test_mbox_from_quoting_in_bodies_does_not_split_messages(tmp_path: Path) -> None:
    path = tmp_path / "inbox.mbox"
    body = make_message(
        sender="a@b.example", subject="Quoted", body="Hello\n\n>From the team\n", date=T0, message_id="<q@b.example>"
    )
    write_mbox(path, [body, msg(2)])
    raws, _ = drain(LocalSource("p", "mbox", path, None), FolderRole.INBOX, None)
    assert subjects(raws) == ["Quoted", "Message 2"]
    assert "From the team" in parse_message(raws[0]).text


def test_maildir_draft_is_written_with_the_draft_flag(tmp_path: Path) -> None:
    mailbox.Maildir(tmp_path / "INBOX", create=True)
    source = LocalSource("p", "maildir", tmp_path / "INBOX", None, tmp_path / "Drafts")
    where = source.append_draft(msg(1))
    assert where.endswith(":2,D")
    assert os.path.exists(where)

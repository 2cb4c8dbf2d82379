"""FETCH commands sent ahead of their answers, against a real Dovecot: the same answers as one at a time."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence
from datetime import timedelta
from typing import Any

import pytest
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from inboxwatch.models import FolderRole
from inboxwatch.sources.base import FetchedMessage
from inboxwatch.sources.imap import IMAPSource
from inboxwatch.sources.imap_pipe import Answers, FetchPipe
from tests.support.dovecot import Dovecot, imap_account
from tests.support.mail import NOW, drain
from tests.support.mailfactory import make_message

ITEMS = ["RFC822.SIZE", "BODY.PEEK[HEADER.FIELDS (SUBJECT)]"]


@pytest.fixture
def folder(dovecot: Dovecot) -> Iterator[tuple[IMAPClient, list[int]]]:
    user = dovecot.add_user()
    with dovecot.session(user) as c:
        raws = [
            make_message(sender="a@example.org", date=NOW, subject=f"Message {i}", body=f"Body {i}\n" * (i + 1))
            for i in range(30)
        ]
        c.multiappend("INBOX", [{"msg": raw} for raw in raws])
    with dovecot.session(user) as c:
        c.select_folder("INBOX", readonly=True)
        yield c, sorted(c.search(["ALL"]))


def one_at_a_time(c: IMAPClient, uids: Sequence[int], items: Sequence[str]) -> Answers:
    answers: dict[int, dict[bytes, Any]] = c.fetch(list(uids), list(items))
    return {uid: {k: v for k, v in data.items() if k != b"SEQ"} for uid, data in answers.items()}


def without_seq(answers: Answers) -> Answers:
    return {uid: {k: v for k, v in data.items() if k != b"SEQ"} for uid, data in answers.items()}


def test_answers_asked_for_in_any_order_are_each_commands_own(folder: tuple[IMAPClient, list[int]]) -> None:
    c, uids = folder
    expected = [
        one_at_a_time(c, uids[:10], ITEMS),
        one_at_a_time(c, uids[10:20], ["BODY.PEEK[1]<0.20>"]),
        one_at_a_time(c, uids[20:], ["BODY.PEEK[]"]),
    ]
    pipe = FetchPipe(c, lambda group, items: one_at_a_time(c, group, items))
    tickets = [
        pipe.send(uids[:10], ITEMS),
        pipe.send(uids[10:20], ["BODY.PEEK[1]<0.20>"]),
        pipe.send(uids[20:], ["BODY.PEEK[]"]),
    ]
    # The last first: the answers to the two before it are read on the way, and kept for them.
    got = {2: pipe.result(tickets[2]), 0: pipe.result(tickets[0]), 1: pipe.result(tickets[1])}
    assert [without_seq(got[i]) for i in range(3)] == expected
    assert len(got[2]) == 10 and all(isinstance(d[b"BODY[]"], bytes) for d in got[2].values())
    # Nothing is left in flight: the connection answers a plain command as before.
    assert without_seq(c.fetch(uids[:1], ITEMS)) == {uids[0]: expected[0][uids[0]]}


def test_a_further_read_sent_while_others_are_answered(folder: tuple[IMAPClient, list[int]]) -> None:
    c, uids = folder
    expected = [
        one_at_a_time(c, uids[:15], ["BODY.PEEK[1]<0.8>"]),
        one_at_a_time(c, uids[15:], ["BODY.PEEK[1]<0.8>"]),
        one_at_a_time(c, uids[:15], ["BODY.PEEK[1]<8.8>"]),
    ]
    pipe = FetchPipe(c, lambda group, items: one_at_a_time(c, group, items))
    first, second = pipe.send(uids[:15], ["BODY.PEEK[1]<0.8>"]), pipe.send(uids[15:], ["BODY.PEEK[1]<0.8>"])
    starts = pipe.result(first)
    more = pipe.send(uids[:15], ["BODY.PEEK[1]<8.8>"])  # asked again once answered: the UIDs are free again
    assert [without_seq(starts), without_seq(pipe.result(second)), without_seq(pipe.result(more))] == expected
    assert expected[2] != expected[0]  # the further read is of other bytes


def test_two_commands_in_flight_may_not_ask_for_one_message(folder: tuple[IMAPClient, list[int]]) -> None:
    c, uids = folder
    pipe = FetchPipe(c, lambda group, items: one_at_a_time(c, group, items))
    pipe.send(uids[:5], ITEMS)
    with pytest.raises(ValueError, match="two FETCH commands"):
        pipe.send(uids[4:8], ITEMS)
    pipe.close()  # the one in flight is read to its end: the connection is free
    assert len(c.fetch(uids[:3], ITEMS)) == 3


def test_a_refused_command_is_raised_after_the_others_are_read(folder: tuple[IMAPClient, list[int]]) -> None:
    c, uids = folder
    pipe = FetchPipe(c, lambda group, items: one_at_a_time(c, group, items))
    bad = pipe.send(uids[:3], ["BODY.PEEK[NOSUCHSECTION]"])
    good = pipe.send(uids[3:6], ITEMS)
    with pytest.raises(IMAPClientError, match=r"FETCH command error: BAD"):
        pipe.result(bad)
    assert without_seq(pipe.result(good)) == one_at_a_time(c, uids[3:6], ITEMS)


def test_a_scan_keeps_commands_in_flight(dovecot: Dovecot, imap_user: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The next lot's pass 1 is asked for while this lot's first reads of parts are still to come (behind them,
    not ahead), first reads go out a few at a time (``READS_AHEAD`` messages in flight at most, and that many),
    and a message's further read is sent while the answers to other reads are still to come; what is read is
    what one command at a time reads."""
    monkeypatch.setattr("inboxwatch.sources.imap.FETCH_SIZE", 20)
    monkeypatch.setattr("inboxwatch.sources.imap.FIRST_LOT", 20)
    monkeypatch.setattr("inboxwatch.sources.imap.PIPE_CHUNK", 4)
    monkeypatch.setattr("inboxwatch.sources.imap.READS_AHEAD", 8)
    user = imap_user
    filler = "We would like to invite you to an interview for the Data Engineer role.\n" + "More about us.\n" * 400
    raws = [
        make_message(
            sender="Dana Recruiter <dana@acme.example>",
            subject=f"Interview for the Data Engineer role ({n})",
            body=f"Hi Alex,\n{filler}({n})\n",
            date=NOW - timedelta(days=1),
        )
        for n in range(50)
    ]
    with dovecot.session(user) as c:
        c.multiappend("INBOX", [{"msg": raw, "date": NOW - timedelta(days=1)} for raw in raws])
    events: list[tuple[str, str, str, int]] = []

    class Watching(IMAPSource):
        def create_client(self) -> IMAPClient:
            client = super().create_client()
            imap = client._imap
            command, complete = imap._command, imap._command_complete

            def watched_command(name: str, *args: Any) -> str:
                tag: str = command(name, *args)
                if name == "UID" and args[0] == "FETCH":
                    events.append(("sent", str(tag), str(args[2]), len(str(args[1]).split(","))))
                return tag

            def watched_complete(name: str, tag: str) -> Any:
                result = complete(name, tag)
                events.append(("done", str(tag), "", 0))
                return result

            imap._command, imap._command_complete = watched_command, watched_complete
            return client

    source = Watching(imap_account(dovecot, user))
    try:
        fetched = [m for batch in drain(source, FolderRole.INBOX, None) for m in batch.messages]
    finally:
        source.close()
    in_flight: dict[str, tuple[str, int]] = {}
    overlaps: list[tuple[str, list[str]]] = []
    ahead_of_first: list[tuple[bool, int]] = []  # (a first read sent, messages of first reads then in flight)
    for kind, tag, items, count in events:
        if kind == "sent":
            overlaps.append((items, [other for other, _ in in_flight.values()]))
            in_flight[tag] = (items, count)
            first = sum(n for other, n in in_flight.values() if "BODY.PEEK[1]<0." in other)
            ahead_of_first.append(("BODY.PEEK[1]<0." in items, first))
        else:
            in_flight.pop(tag, None)
    pass_ones = [i for i, (items, _) in enumerate(overlaps) if "BODYSTRUCTURE" in items]
    first_parts = next(i for i, (items, _) in enumerate(overlaps) if "BODY.PEEK[1]" in items)
    assert first_parts < pass_ones[1]  # the next lot's pass 1 behind this lot's first reads ...
    assert any("BODY.PEEK[1]<0." in other for other in overlaps[pass_ones[1]][1])  # ... sent while they come
    first_reads = [n for opening, n in ahead_of_first if opening]
    assert max(first_reads) == 8  # READS_AHEAD messages' first reads in flight at most, and that many at times
    further = [ahead for items, ahead in overlaps if "BODY.PEEK[1]<4" in items]  # reads beyond the first look
    assert further and any(any("BODY.PEEK[1]<0." in other for other in ahead) for ahead in further)
    # Read in parts as far as the analysis reads: job words at the top, so 8,000 characters (all of it here).
    assert len(fetched) == 50
    assert all(m.parts and len(m.parts) == 1 and m.parts[0].complete for m in fetched)  # 6.5 KB: read to the end


def _invitation(n: int, lines: int) -> bytes:
    """Job mail of ``lines`` lines: longer ones are read in more than one round."""
    return make_message(
        sender="Dana Recruiter <dana@acme.example>",
        subject=f"Interview for the Data Engineer role ({n})",
        body="Hi Alex,\nWe would like to invite you to an interview.\n" + "More about us.\n" * lines,
        date=NOW - timedelta(days=1),
    )


def _put(dovecot: Dovecot, user: str, raws: list[bytes]) -> None:
    with dovecot.session(user) as c:
        c.multiappend("INBOX", [{"msg": raw, "date": NOW - timedelta(days=1)} for raw in raws])


def test_the_first_messages_are_handed_on_while_the_rest_is_read(
    dovecot: Dovecot, imap_user: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The mail is handed on in parts, in UID order, as the reads of the messages at the front are over: the first
    while reads of later messages are still in flight; together, every message, each part with the UID after it."""
    monkeypatch.setattr("inboxwatch.sources.imap.PIPE_CHUNK", 5)
    monkeypatch.setattr("inboxwatch.sources.imap.READS_AHEAD", 10)
    monkeypatch.setattr("inboxwatch.sources.imap.SETTLED_MIN", 5)
    _put(dovecot, imap_user, [_invitation(n, 20 + 400 * (n % 3)) for n in range(40)])
    handed: list[tuple[list[str], int, int]] = []  # (UIDs, the UID after them, FETCH commands still in flight)

    class Watching(IMAPSource):
        def _read(
            self, pipe: FetchPipe, role: FolderRole, gmail: bool, items: list[str], lots: deque[Sequence[int]]
        ) -> Iterator[tuple[list[FetchedMessage], int]]:
            for messages, after in super()._read(pipe, role, gmail, items, lots):
                handed.append(([m.uid for m in messages], after, len(pipe._sent)))
                yield messages, after

    source = Watching(imap_account(dovecot, imap_user))
    try:
        fetched = [m.uid for batch in drain(source, FolderRole.INBOX, None) for m in batch.messages]
    finally:
        source.close()
    assert fetched == [str(uid) for uid in range(1, 41)]
    assert len(handed) > 2 and handed[0][2] > 0  # the first part while reads of others were still to come
    assert [uid for uids, _, _ in handed for uid in uids] == fetched
    assert all(after == int(uids[-1]) + 1 for uids, after, _ in handed)
    assert all(len(uids) >= 5 for uids, _, _ in handed[:-1])  # SETTLED_MIN at least, but the last


def _forwarding(n: int) -> bytes:
    """Job mail with a message/rfc822 part: a structure the parts cannot mirror, so it is read whole."""
    inner = make_message(
        sender="Dana Recruiter <dana@acme.example>", subject="Interview", body="See you then.\n", date=NOW
    )
    return (
        b"From: Dana Recruiter <dana@acme.example>\r\nTo: Alex Morgan <alex.morgan@example.net>\r\n"
        b"Subject: Interview for the Data Engineer role (%d)\r\nDate: Mon, 30 Nov 2026 10:00:00 +0000\r\n"
        b"Message-ID: <fwd-%d@acme.example>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
        b"--b1\r\nContent-Type: text/plain\r\n\r\nWe would like to invite you to an interview.\r\n"
        b"--b1\r\nContent-Type: message/rfc822\r\n\r\n%s\r\n--b1--\r\n" % (n, n, inner)
    )


def test_what_is_read_ahead_stays_within_the_byte_bound_and_mail_read_whole_meanwhile_is_not_lost(
    dovecot: Dovecot, imap_user: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """First reads go out only while the mail read and not handed on is under ``BATCH_BYTES`` (by message size,
    give or take the message that passes it); mail read whole is fetched while reads of others are in flight; every
    message comes, in UID order."""
    raws = [_forwarding(n) if n % 7 == 3 else _invitation(n, 40 + 400 * (n % 2)) for n in range(40)]
    _put(dovecot, imap_user, raws)
    with dovecot.session(imap_user) as c:
        c.select_folder("INBOX", readonly=True)
        sizes = {uid: int(d[b"RFC822.SIZE"]) for uid, d in c.fetch(c.search(["ALL"]), ["RFC822.SIZE"]).items()}
    bound = 4 * max(sizes.values())
    monkeypatch.setattr("inboxwatch.sources.imap.BATCH_BYTES", bound)
    monkeypatch.setattr("inboxwatch.sources.imap.PIPE_CHUNK", 2)
    monkeypatch.setattr("inboxwatch.sources.imap.READS_AHEAD", 100)
    monkeypatch.setattr("inboxwatch.sources.imap.SETTLED_MIN", 3)
    window: set[int] = set()  # UIDs whose first reads were sent, not handed on yet
    widest = 0
    whole_while_reading = 0

    class Watching(IMAPSource):
        def create_client(self) -> IMAPClient:
            client = super().create_client()
            imap = client._imap
            command = imap._command

            def watched_command(name: str, *args: Any) -> str:
                nonlocal widest, whole_while_reading
                if name == "UID" and args[0] == "FETCH":
                    ids = args[1].decode() if isinstance(args[1], bytes) else str(args[1])
                    uids = [int(u) for u in ids.split(",")]
                    if "<0." in str(args[2]):
                        window.update(uids)
                        widest = max(widest, sum(sizes[u] for u in window))
                    elif "BODY.PEEK[]" in str(args[2]) and window:
                        whole_while_reading += 1
                tag: str = command(name, *args)
                return tag

            imap._command = watched_command
            return client

        def _read(
            self, pipe: FetchPipe, role: FolderRole, gmail: bool, items: list[str], lots: deque[Sequence[int]]
        ) -> Iterator[tuple[list[FetchedMessage], int]]:
            for messages, after in super()._read(pipe, role, gmail, items, lots):
                window.difference_update(int(m.uid) for m in messages)
                yield messages, after

    source = Watching(imap_account(dovecot, imap_user))
    try:
        fetched = [m for batch in drain(source, FolderRole.INBOX, None) for m in batch.messages]
    finally:
        source.close()
    assert [m.uid for m in fetched] == [str(uid) for uid in range(1, 41)]
    read_whole = [m for m in fetched if m.parts is None]
    assert [m.uid for m in read_whole] == [str(n + 1) for n in range(40) if n % 7 == 3]
    assert all(m.raw == raws[int(m.uid) - 1].replace(b"\n", b"\r\n").replace(b"\r\r\n", b"\r\n") for m in read_whole)
    assert whole_while_reading  # some mail read whole while first reads of later mail were out
    assert bound < widest <= bound + max(sizes.values())  # the bound, give or take the message that passed it

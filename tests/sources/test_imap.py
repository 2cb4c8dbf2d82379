"""The IMAP source against a real Dovecot: incremental scans, read-only access, failures, TLS, IDLE."""

from __future__ import annotations

import json
import socket
import threading
import time
import tracemalloc
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from inboxwatch.config import AccountConfig
from inboxwatch.core.parse import parse_message
from inboxwatch.errors import AuthError, SourceError, TransientSourceError
from inboxwatch.models import FolderRole
from inboxwatch.runtime.pipeline import scan, scan_account
from inboxwatch.sources.base import Source
from inboxwatch.sources.imap import (
    BATCH_SIZE,
    FETCH_SIZE,
    FIRST_LOT,
    MAX_BODY_BYTES,
    FolderCursor,
    IMAPSource,
)
from inboxwatch.sources.registry import open_source
from inboxwatch.state.store import Store
from tests.support.dovecot import PASSWORD, Dovecot, Recording, imap_account
from tests.support.mail import (
    NOW,
    bulk_mail,
    config_for,
    drain,
    job_mail,
    last_cursor,
    sent_mail,
    subjects,
)
from tests.support.mailfactory import make_message


def append(server: Dovecot, user: str, folder: str, raws: Sequence[bytes], *, days_ago: float = 1) -> None:
    when = NOW - timedelta(days=days_ago)
    with server.session(user) as c:
        if len(raws) == 1:
            c.append(folder, raws[0], msg_time=when)
        elif raws:
            c.multiappend(folder, [{"msg": raw, "date": when} for raw in raws])


@pytest.fixture
def source_for(dovecot: Dovecot) -> Iterator[Any]:
    opened: list[IMAPSource] = []

    def make(user: str, cls: type[IMAPSource] = IMAPSource, **kwargs: Any) -> Any:
        source = cls(imap_account(dovecot, user, **kwargs))
        opened.append(source)
        return source

    yield make
    for s in opened:
        s.close()


# --- scanning ---------------------------------------------------------------------------------------


def test_first_scan_is_bounded_by_backfill_and_reads_inbox_and_sent(dovecot: Dovecot, imap_user: str) -> None:
    append(dovecot, imap_user, "INBOX", [job_mail(1, days_ago=200)], days_ago=200)
    append(dovecot, imap_user, "INBOX", [job_mail(2), bulk_mail(3)])
    append(dovecot, imap_user, "Sent", [sent_mail(2)])
    account = imap_account(dovecot, imap_user)
    store = Store.memory()
    report = scan(config_for(account), store, NOW)
    assert not report.failed, report
    keys = {m.message.key for m in store.messages()}
    assert keys == {"job-2@acme.example", "bulk-3@shop.example", "sent-2@example.net"}
    labels = {m.message.key: m.classification.label for m in store.messages()}
    assert labels["bulk-3@shop.example"] == "other"
    cursor = FolderCursor.load(store.cursor("work", "inbox"))
    assert cursor is not None and cursor.folder == "INBOX" and cursor.uidnext == 4
    assert cursor.highestmodseq is not None  # Dovecot has CONDSTORE


def test_rescan_with_nothing_new_is_one_status_per_folder(dovecot: Dovecot, imap_user: str, source_for: Any) -> None:
    append(dovecot, imap_user, "INBOX", [job_mail(1), bulk_mail(2)])
    append(dovecot, imap_user, "Sent", [sent_mail(1)])
    source: Recording = source_for(imap_user, Recording)
    cursors = {role: last_cursor(drain(source, role, None)) for role in source.roles()}
    assert set(cursors) == {FolderRole.INBOX, FolderRole.SENT}
    source.commands.clear()
    for role in source.roles():
        assert drain(source, role, cursors[role]) == []
    assert source.commands == ['STATUS "INBOX"', 'STATUS "Sent"']

    # A fresh process: log in, list folders once, then still one STATUS per folder.
    fresh: Recording = source_for(imap_user, Recording)
    for role in fresh.roles():
        assert drain(fresh, role, cursors[role]) == []
    assert [c for c in fresh.commands if c not in ("LOGIN", "CAPABILITY", "ENABLE")] == [
        "LIST",
        'STATUS "INBOX"',
        'STATUS "Sent"',
    ]


def test_a_later_process_remembers_the_folders_instead_of_listing(
    dovecot: Dovecot, imap_user: str, source_for: Any
) -> None:
    append(dovecot, imap_user, "INBOX", [job_mail(1)])
    append(dovecot, imap_user, "Sent", [sent_mail(1)])
    first: Recording = source_for(imap_user, Recording)
    cursors = {role: last_cursor(drain(first, role, None)) for role in first.roles()}
    memory = first.remembered()
    assert memory is not None
    assert json.loads(memory)["folders"] == {"inbox": "INBOX", "sent": "Sent", "drafts": "Drafts"}

    later: Recording = source_for(imap_user, Recording)
    later.recall(memory)
    for role in later.roles():
        assert drain(later, role, cursors[role]) == []
    assert [c for c in later.commands if c not in ("LOGIN", "CAPABILITY")] == ['STATUS "INBOX"', 'STATUS "Sent"']

    # A remembered folder that is gone (renamed by the user): list again, and carry on.
    gone = memory.replace('"sent": "Sent"', '"sent": "Old Sent"')
    after_rename: Recording = source_for(imap_user, Recording)
    after_rename.recall(gone)
    assert after_rename.folder(FolderRole.SENT) == "Old Sent"
    assert drain(after_rename, FolderRole.SENT, cursors[FolderRole.SENT]) == []
    assert after_rename.folder(FolderRole.SENT) == "Sent"
    assert "LIST" in after_rename.commands

    # Listed more than a day ago, or with other overrides in the config: not trusted.
    stale = json.loads(memory)
    stale["listed_at"] = (datetime.now(UTC) - timedelta(days=2)).isoformat()
    old: Recording = source_for(imap_user, Recording)
    old.recall(json.dumps(stale))
    old.roles()
    assert "LIST" in old.commands
    overridden: Recording = source_for(imap_user, Recording, sent="Archive/Sent")
    overridden.recall(memory)
    assert overridden.folder(FolderRole.SENT) == "Archive/Sent"


def test_candidates_are_read_in_parts_and_bulk_mail_only_to_its_headers(
    dovecot: Dovecot, imap_user: str, source_for: Any
) -> None:
    append(dovecot, imap_user, "INBOX", [job_mail(1), bulk_mail(2)])
    append(dovecot, imap_user, "Sent", [sent_mail(1)])
    source = source_for(imap_user)
    [job, bulk] = [m for b in drain(source, FolderRole.INBOX, None) for m in b.messages]
    [sent] = [m for b in drain(source, FolderRole.SENT, None) for m in b.messages]
    assert "schedule an interview" in job.parsed().text
    whole = parse_message(sent_mail(1).replace(b"\n", b"\r\n"), FolderRole.SENT, "1")
    assert sent.parsed() == whole
    assert b"Lots of furniture" not in bulk.raw and bulk.raw.endswith(b"\r\n\r\n")
    parsed = parse_message(bulk.raw)
    assert parsed.subject.startswith("Weekend sale") and parsed.message_id == "bulk-2@shop.example"
    assert parsed.headers["list-unsubscribe"] == "<mailto:unsubscribe@shop.example>"
    assert (job.uid, bulk.uid, sent.uid) == ("1", "2", "1")


def test_uidvalidity_change_resyncs_without_duplicates(dovecot: Dovecot, imap_user: str) -> None:
    append(dovecot, imap_user, "INBOX", [job_mail(1)])
    append(dovecot, imap_user, "Sent", [sent_mail(1), sent_mail(2)])
    account = imap_account(dovecot, imap_user)
    store = Store.memory()
    first = scan(config_for(account), store, NOW)
    assert first.added == 3 and not first.failed
    old = FolderCursor.load(store.cursor("work", "sent"))
    with dovecot.session(imap_user) as c:  # the folder is recreated: new UIDVALIDITY, UIDs restart at 1
        c.delete_folder("Sent")
        c.create_folder("Sent")
    append(dovecot, imap_user, "Sent", [sent_mail(1), sent_mail(2), sent_mail(3)])
    second = scan(config_for(account), store, NOW + timedelta(minutes=5))
    assert not second.failed
    assert second.added == 1  # only sent-3 is new; the two others were re-read and recognised
    assert second.accounts[0].fetched == 3
    assert store.message_count() == 4
    new = FolderCursor.load(store.cursor("work", "sent"))
    assert old is not None and new is not None and new.uidvalidity != old.uidvalidity
    assert scan(config_for(account), store, NOW + timedelta(minutes=10)).accounts[0].fetched == 0


def test_a_message_expunged_between_the_passes_is_skipped(dovecot: Dovecot, imap_user: str, source_for: Any) -> None:
    append(dovecot, imap_user, "INBOX", [job_mail(1), job_mail(2), job_mail(3)])

    class ExpungeBetweenPasses(IMAPSource):
        def _lot_heads(self, role: FolderRole, lot: Sequence[int], first: dict[int, dict[bytes, Any]]) -> list[Any]:
            with dovecot.session(imap_user) as other:
                other.select_folder("INBOX")
                other.delete_messages([2])
                other.expunge()
            return super()._lot_heads(role, lot, first)

    source = source_for(imap_user, ExpungeBetweenPasses)
    batches = drain(source, FolderRole.INBOX, None)
    assert [m.uid for b in batches for m in b.messages] == ["1", "3"]
    cursor = FolderCursor.load(last_cursor(batches))
    assert cursor is not None and cursor.uidnext == 4


def test_the_last_messages_expunged_after_the_search_are_passed_by_the_cursor(
    dovecot: Dovecot, imap_user: str, source_for: Any
) -> None:
    """Mail gone between the SEARCH and pass 1, at the end of the folder: the others are read, and the cursor
    moves past the gone ones too (they are not asked for again)."""
    append(dovecot, imap_user, "INBOX", [job_mail(n) for n in range(1, 6)])

    class ExpungeAfterSearch(IMAPSource):
        def _read(self, *args: Any) -> Any:
            with dovecot.session(imap_user) as other:
                other.select_folder("INBOX")
                other.delete_messages([4, 5])
                other.expunge()
            return super()._read(*args)

    batches = drain(source_for(imap_user, ExpungeAfterSearch), FolderRole.INBOX, None)
    assert [m.uid for b in batches for m in b.messages] == ["1", "2", "3"]
    cursors = [FolderCursor.load(b.cursor) for b in batches]
    assert all(c is not None for c in cursors) and cursors[-1] is not None and cursors[-1].uidnext == 6
    assert [c.uidnext for c in cursors if c] == sorted(c.uidnext for c in cursors if c)


def test_of_a_30_mb_message_only_the_text_is_read(dovecot: Dovecot, imap_user: str, source_for: Any) -> None:
    line = b"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0NTY3\r\n"
    raw = b"".join(
        [
            b"From: Dana Recruiter <dana@acme.example>\r\nTo: Alex Morgan <alex.morgan@example.net>\r\n",
            b"Subject: Offer letter and onboarding pack\r\n",
            b"Date: " + NOW.strftime("%a, %d %b %Y %H:%M:%S +0000").encode(),
            b"\r\nMessage-ID: <offer-1@acme.example>\r\nMIME-Version: 1.0\r\n",
            b'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n',
            b"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n",
            b"Hi Alex, please find the offer attached; could we schedule an interview with the team?\r\n",
            b"--b1\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n",
            b"Content-Disposition: attachment; filename=offer.pdf\r\n\r\n",
            line * (30 * (1 << 20) // len(line)),
            b"--b1--\r\n",
        ]
    )
    assert len(raw) > 30_000_000
    append(dovecot, imap_user, "INBOX", [raw])
    del raw
    source = source_for(imap_user)
    tracemalloc.start()
    try:
        batches = drain(source, FolderRole.INBOX, None)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    [message] = [m for b in batches for m in b.messages]
    assert message.parts is not None and message.size < 2048  # the header fields and the text part, not the PDF
    parsed = message.parsed()
    assert parsed.subject == "Offer letter and onboarding pack"
    assert "schedule an interview" in parsed.text
    assert peak < 8 * MAX_BODY_BYTES, f"peak {peak / 1e6:.1f} MB"


def test_batches_are_bounded_by_bytes_and_an_abandoned_scan_resumes(
    dovecot: Dovecot, imap_user: str, source_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    bound = 40_000  # of what the batches hold: a few messages' text each (the analysis reads 8,000 characters)
    monkeypatch.setattr("inboxwatch.sources.imap.BATCH_BYTES", bound)
    padding = "Please find the details of the role below.\n" * 14_000  # ~600 KB each
    raws = [
        make_message(
            sender="Dana Recruiter <dana@acme.example>",
            subject=f"Interview for the Data Engineer role ({n})",
            body=padding,
            date=NOW - timedelta(days=1),
            message_id=f"<big-{n}@acme.example>",
        )
        for n in range(20)
    ]
    append(dovecot, imap_user, "INBOX", raws)
    source = source_for(imap_user)
    batches = drain(source, FolderRole.INBOX, None)
    assert len(batches) >= 4
    assert all(sum(m.size for m in b.messages) <= bound for b in batches)
    assert [m.uid for b in batches for m in b.messages] == [str(n) for n in range(1, 21)]

    # A caller that stops after the first batch: the prefetching worker stops, the connection stays usable.
    fresh = source_for(imap_user)
    scan = fresh.fetch_changes(FolderRole.INBOX, None)
    first = next(scan)
    scan.close()
    rest = drain(fresh, FolderRole.INBOX, first.cursor)
    assert [m.uid for b in [first, *rest] for m in b.messages] == [str(n) for n in range(1, 21)]


def test_a_10000_message_folder(dovecot: Dovecot, imap_user: str, source_for: Any) -> None:
    stamp = (NOW - timedelta(days=2)).timestamp()
    count = 10_000

    job, bulk = job_mail(0), bulk_mail(0)  # templates: building 10 000 EmailMessages takes seconds

    def messages() -> Iterator[tuple[bytes, float]]:
        for n in range(count):
            raw = bulk.replace(b"bulk-0@", b"bulk-%d@" % n) if n % 10 else job.replace(b"job-0@", b"job-%d@" % n)
            yield raw, stamp + n

    dovecot.write_maildir(imap_user, "INBOX", messages())
    source = source_for(imap_user)
    started = time.monotonic()
    batches = drain(source, FolderRole.INBOX, None, since=NOW - timedelta(days=30))
    elapsed = time.monotonic() - started
    uids = [int(m.uid) for b in batches for m in b.messages]
    assert len(uids) == count and len(set(uids)) == count
    assert max(len(b.messages) for b in batches) <= BATCH_SIZE
    # A short first lot (analysed while the rest is read), then lots of FETCH_SIZE, each stored in batches.
    lots = [FIRST_LOT, *(min(FETCH_SIZE, count - i) for i in range(FIRST_LOT, count, FETCH_SIZE))]
    assert len(batches) == sum(-(-lot // BATCH_SIZE) for lot in lots)
    assert [len(b.messages) for b in batches][:2] == [FIRST_LOT, BATCH_SIZE]
    read = [p.data for b in batches for m in b.messages for p in m.parts or ()]
    bodies = sum(1 for data in read if b"schedule an interview" in data)
    assert bodies == count // 10  # the job mail's text was read, the bulk mail only to its headers
    cursors = [FolderCursor.load(b.cursor) for b in batches]
    assert [c.uidnext for c in cursors if c] == sorted(c.uidnext for c in cursors if c)
    assert drain(source, FolderRole.INBOX, batches[-1].cursor) == []
    assert elapsed < 30, f"{elapsed:.1f} s"


def test_server_restart_mid_scan_is_transient_and_the_next_scan_resumes(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.support.dovecot import PASSWORD_ENV, cannot_run_dovecot

    if reason := cannot_run_dovecot():
        pytest.skip(reason)
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    monkeypatch.setattr("inboxwatch.sources.imap.FETCH_SIZE", 2 * BATCH_SIZE)  # lots of two batches
    monkeypatch.setattr("inboxwatch.sources.imap.FIRST_LOT", 2 * BATCH_SIZE)
    server = Dovecot()
    try:
        server.start()
        user = server.add_user()
        total = 8 * BATCH_SIZE + 50  # more lots than the source fetches ahead (three, counting the one in hand)
        append(server, user, "INBOX", [job_mail(n) if n % 3 else bulk_mail(n) for n in range(total)])
        account = imap_account(server, user)
        store = Store.memory()
        config = config_for(account)

        class StopsTheServer(Source):
            def __init__(self, inner: IMAPSource) -> None:
                super().__init__(inner.account)
                self.inner = inner

            def roles(self) -> tuple[FolderRole, ...]:
                return (FolderRole.INBOX,)

            def fetch_changes(self, role: FolderRole, cursor: str | None, *, since: datetime | None = None) -> Any:
                batches = self.inner.fetch_changes(role, cursor, since=since)
                yield next(batches)  # read before the stop: stored, whatever comes after
                server.stop()
                yield from batches

        inner = IMAPSource(account)
        with pytest.raises(TransientSourceError, match=r"connection lost|Error"):
            scan_account(config, store, StopsTheServer(inner), account, NOW)
        inner.close()
        committed = store.message_count()  # the first batch, and those fetched ahead before the stop
        assert 0 < committed < total
        server.start()
        source = open_source(account)
        try:
            report = scan_account(config, store, source, account, NOW)
        finally:
            source.close()
        assert report.fetched == total - committed  # resumed after the committed batches: nothing read twice
        assert report.added == total - committed
        assert store.message_count() == total
    finally:
        server.cleanup()


# --- credentials and TLS ------------------------------------------------------------------------------


def test_wrong_password_is_an_auth_error_without_the_secret(
    dovecot: Dovecot, imap_user: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Dovecot delays the next logins from an address that failed one; fail from 127.0.0.2, not .1.
    create_connection = socket.create_connection

    def from_another_address(address: Any, timeout: Any = None, source_address: Any = None) -> socket.socket:
        return create_connection(address, timeout, source_address=("127.0.0.2", 0))

    monkeypatch.setattr(socket, "create_connection", from_another_address)
    monkeypatch.setenv("WRONG_IMAP_PASSWORD", "not-the-Password-42")
    source = IMAPSource(imap_account(dovecot, imap_user, password_env="WRONG_IMAP_PASSWORD"))
    with pytest.raises(AuthError) as caught:
        list(source.fetch_changes(FolderRole.INBOX, None))
    assert "not-the-Password-42" not in str(caught.value)
    assert str(caught.value).endswith("[AUTHENTICATIONFAILED] Authentication failed.")
    assert PASSWORD not in str(caught.value)
    assert caught.value.__cause__ is not None


def test_password_command_and_missing_password(
    dovecot: Dovecot, imap_user: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = IMAPSource(imap_account(dovecot, imap_user, password_env=None, password_command=f"echo '{PASSWORD}'"))
    assert FolderRole.SENT in source.roles()
    source.close()
    monkeypatch.delenv("MISSING_PASSWORD_ENV", raising=False)
    missing = IMAPSource(imap_account(dovecot, imap_user, password_env="MISSING_PASSWORD_ENV"))
    with pytest.raises(AuthError, match="MISSING_PASSWORD_ENV is not set"):
        missing.roles()


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_tls_is_verified_against_ca_file(dovecot: Dovecot, imap_user: str, security: str) -> None:
    append(dovecot, imap_user, "INBOX", [job_mail(1)])
    source = IMAPSource(imap_account(dovecot, imap_user, security=security, ca_file=str(dovecot.ca_file)))
    try:
        assert subjects(drain(source, FolderRole.INBOX, None)) == ["Interview for the Data Engineer role (1)"]
        assert source._client is not None
        assert source._client.socket().version() in ("TLSv1.2", "TLSv1.3")
    finally:
        source.close()


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_a_certificate_from_another_ca_is_refused(
    dovecot: Dovecot, imap_user: str, security: str, tmp_path: Any
) -> None:
    from tests.support.certs import make_ca_and_cert

    other_ca, _, _ = make_ca_and_cert(tmp_path, "other-")
    source = IMAPSource(imap_account(dovecot, imap_user, security=security, ca_file=str(other_ca)))
    with pytest.raises(SourceError, match="certificate") as caught:
        source.roles()
    assert not isinstance(caught.value, TransientSourceError)


def test_plaintext_is_refused_for_a_remote_host() -> None:
    account = AccountConfig(name="w", kind="imap", host="imap.example.com", security="none", username="u")
    with pytest.raises(SourceError, match="only allowed to localhost"):
        IMAPSource(account)


# --- drafts and IDLE ----------------------------------------------------------------------------------


def test_append_draft_stores_a_flagged_draft(dovecot: Dovecot, imap_user: str, source_for: Any) -> None:
    source = source_for(imap_user)
    where = source.append_draft(sent_mail(9))
    assert where == "Drafts/1"
    with dovecot.session(imap_user) as c:
        c.select_folder("Drafts", readonly=True)
        fetched = c.fetch([1], ["FLAGS", "BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"])
    assert b"\\Draft" in fetched[1][b"FLAGS"]
    assert b"sent-9@example.net" in fetched[1][b"BODY[HEADER.FIELDS (MESSAGE-ID)]"]


def test_wait_for_changes_wakes_on_append_and_times_out(dovecot: Dovecot, imap_user: str, source_for: Any) -> None:
    source = source_for(imap_user)
    cursor = last_cursor(drain(source, FolderRole.INBOX, None))
    started = time.monotonic()
    assert source.wait_for_changes(FolderRole.INBOX, 0.3) is False
    assert 0.25 <= time.monotonic() - started < 3

    source.idle_reissue_seconds = 0.2  # several IDLE/NOOP rounds before the mail arrives
    timer = threading.Timer(0.7, append, (dovecot, imap_user, "INBOX", [job_mail(5)]))
    timer.start()
    started = time.monotonic()
    try:
        assert source.wait_for_changes(FolderRole.INBOX, 10) is True
    finally:
        timer.join()
    assert time.monotonic() - started < 5
    assert subjects(drain(source, FolderRole.INBOX, cursor)) == ["Interview for the Data Engineer role (5)"]

    # Mail that arrived while nobody was waiting counts at once.
    append(dovecot, imap_user, "INBOX", [job_mail(6)])
    assert source.wait_for_changes(FolderRole.INBOX, 0) is True


def test_a_connection_used_only_for_waiting_reports_each_arrival_once(
    dovecot: Dovecot, imap_user: str, source_for: Any
) -> None:
    watcher = source_for(imap_user)  # like the daemon's IDLE watcher: never scans
    assert watcher.wait_for_changes(FolderRole.INBOX, 0.1) is False
    append(dovecot, imap_user, "INBOX", [job_mail(1)])  # between two waits
    assert watcher.wait_for_changes(FolderRole.INBOX, 5) is True
    assert watcher.wait_for_changes(FolderRole.INBOX, 0.1) is False
    timer = threading.Timer(0.3, append, (dovecot, imap_user, "INBOX", [job_mail(2)]))
    timer.start()
    try:
        assert watcher.wait_for_changes(FolderRole.INBOX, 5) is True  # during a wait
    finally:
        timer.join()
    assert watcher.wait_for_changes(FolderRole.INBOX, 0.1) is False

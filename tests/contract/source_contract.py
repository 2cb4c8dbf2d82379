"""The contract every mailbox backend keeps (``inboxwatch.sources.base``), written once.

A backend's suite subclasses :class:`SourceContract` and gives its ``mailbox`` fixture: a
:class:`SourceHarness` that fills a real (or faithfully faked) mailbox and opens sources on it. Each rule is
one test, so a backend that breaks a rule fails that test in its own class only
(``pytest tests/contract -k Maildir``).
"""

from __future__ import annotations

import abc
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import ClassVar

import pytest

from inboxwatch.errors import AuthError, InboxwatchError, SourceError
from inboxwatch.models import FolderRole
from inboxwatch.sources.base import Batch, Source
from tests.support.mail import NOW, job_mail, sent_mail

INBOX, SENT = FolderRole.INBOX, FolderRole.SENT
BACKFILL = timedelta(days=120)  # what every harness configures its account with
GARBAGE_CURSORS = ("", "not json", "{}", "[]", "null", '{"folder": 1, "uidvalidity": "x"}', "\x00\xff")

Failure = tuple[str, Callable[[], Source], type[InboxwatchError]]


class SourceHarness(abc.ABC):
    """One backend under test: a mailbox the test fills, and sources that read it."""

    bounded_by_date: ClassVar[bool] = True  # a rescan is bounded by the account's backfill (local files are not)

    def __init__(self) -> None:
        self.opened: list[Source] = []
        self.batch_size: int | None = None

    @abc.abstractmethod
    def add(self, raw: bytes, *, role: FolderRole = INBOX, days_ago: float = 1, flagged: bool = False) -> None:
        """Deliver ``raw`` to the ``role`` folder, received ``days_ago`` days before ``NOW``; ``flagged``: the
        user starred it (a flag a reader must leave alone)."""

    @abc.abstractmethod
    def make(self) -> Source:
        """A new source on this mailbox, honouring :attr:`batch_size` when set."""

    def open(self) -> Source:
        source = self.make()
        self.opened.append(source)
        return source

    @abc.abstractmethod
    def snapshot(self) -> object:
        """What a reader must not change (flags, file names and bytes), comparable with ``==``."""

    def writes(self) -> list[str]:
        """Commands sent to the mailbox that change it or open it for writing (for servers that log them)."""
        return []

    def stale(self, cursor: str) -> list[str]:
        """Cursors this backend no longer recognises, made the way its mailbox makes them (the folder recreated,
        the history expired, the file rewritten); may change the mailbox to make ``cursor`` itself stale."""
        return []

    @abc.abstractmethod
    def failures(self) -> list[Failure]:
        """(what, a source that fails, the inboxwatch error it must raise) for each way this backend fails."""

    def close(self) -> None:
        for source in self.opened:
            source.close()


def drain(source: Source, role: FolderRole, cursor: str | None) -> list[Batch]:
    return list(source.fetch_changes(role, cursor, since=None if cursor else NOW - BACKFILL))


def ids(batches: list[Batch]) -> list[str]:
    """The Message-IDs read, in order (a duplicate shows up twice)."""
    return [str(m.parsed().message_id) for b in batches for m in b.messages]


def last(batches: list[Batch], default: str | None) -> str | None:
    return batches[-1].cursor if batches else default


def job(n: int) -> str:
    return f"job-{n}@acme.example"


class SourceContract:
    """The rules of ``Source``; subclasses provide the ``mailbox`` fixture."""

    @pytest.fixture
    def mailbox(self) -> Iterator[SourceHarness]:
        raise NotImplementedError("a backend's suite gives its SourceHarness")

    def test_new_mail_is_read_once(self, mailbox: SourceHarness) -> None:
        mailbox.add(job_mail(1))
        mailbox.add(job_mail(2, days_ago=0.5), days_ago=0.5)
        mailbox.add(sent_mail(1), role=SENT)
        source = mailbox.open()
        assert {INBOX, SENT} <= set(source.roles())
        inbox = drain(source, INBOX, None)
        assert sorted(ids(inbox)) == [job(1), job(2)]
        sent = drain(source, SENT, None)
        assert ids(sent) == ["sent-1@example.net"]
        assert {m.role for b in inbox for m in b.messages} == {INBOX}
        assert {m.role for b in sent for m in b.messages} == {SENT}
        mailbox.add(job_mail(3, days_ago=0.1), days_ago=0.1)
        later = drain(source, INBOX, last(inbox, None))
        assert ids(later) == [job(3)]
        assert ids(drain(mailbox.open(), INBOX, last(later, None))) == []  # a new process, the stored cursor

    def test_a_rescan_with_nothing_new_returns_nothing(self, mailbox: SourceHarness) -> None:
        mailbox.add(job_mail(1))
        mailbox.add(sent_mail(1), role=SENT)
        source = mailbox.open()
        cursors = {role: last(drain(source, role, None), None) for role in (INBOX, SENT)}
        assert all(cursors.values()), "a scan that read mail gives a cursor"
        for _ in range(2):
            for role, cursor in cursors.items():
                batches = drain(source, role, cursor)
                assert ids(batches) == []
                cursors[role] = last(batches, cursor)

    def test_every_batch_cursor_resumes_right_after_its_batch(self, mailbox: SourceHarness) -> None:
        mailbox.add(job_mail(0, days_ago=2), days_ago=2)
        cursor = last(drain(mailbox.open(), INBOX, None), None)
        mailbox.batch_size = 2
        for n in range(1, 6):
            mailbox.add(job_mail(n, days_ago=1 - n / 24), days_ago=1 - n / 24)
        source = mailbox.open()
        batches = drain(source, INBOX, cursor)
        assert sorted(ids(batches)) == [job(n) for n in range(1, 6)]
        assert len(batches) >= 3 and all(len(b.messages) <= 2 for b in batches)
        for i, batch in enumerate(batches):
            assert ids(drain(mailbox.open(), INBOX, batch.cursor)) == ids(batches[i + 1 :]), f"after batch {i}"

    def test_an_interrupted_first_scan_resumes_without_losing_mail(self, mailbox: SourceHarness) -> None:
        mailbox.batch_size = 2
        for n in range(5):
            mailbox.add(job_mail(n, days_ago=1 + n / 24), days_ago=1 + n / 24)
        batches = drain(mailbox.open(), INBOX, None)
        assert sorted(ids(batches)) == [job(n) for n in range(5)]
        assert len(batches) >= 3
        for i, batch in enumerate(batches):
            resumed = ids(drain(mailbox.open(), INBOX, batch.cursor))
            after, this = set(ids(batches[i + 1 :])), set(ids([batch]))
            assert after <= set(resumed), f"mail lost after batch {i}"
            assert set(resumed) <= after | this, f"mail before batch {i} read again"
            assert len(resumed) == len(set(resumed))

    def test_an_unknown_or_invalid_cursor_gives_a_bounded_resync(self, mailbox: SourceHarness) -> None:
        mailbox.add(job_mail(1, days_ago=300), days_ago=300)  # outside the backfill window
        mailbox.add(job_mail(2, days_ago=3), days_ago=3)
        source = mailbox.open()
        first = drain(source, INBOX, None)
        window = [job(2)] if mailbox.bounded_by_date else [job(1), job(2)]
        assert sorted(ids(first)) == window
        cursor = last(first, None)
        assert cursor is not None
        for bad in [*GARBAGE_CURSORS, *mailbox.stale(cursor)]:
            read = ids(drain(source, INBOX, bad))
            assert sorted(read) == window, f"cursor {bad!r}"
            assert not [m for m, n in Counter(read).items() if n > 1], f"cursor {bad!r}"

    def test_reading_changes_nothing_in_the_mailbox(self, mailbox: SourceHarness) -> None:
        mailbox.add(job_mail(1))
        mailbox.add(job_mail(2), flagged=True)
        mailbox.add(sent_mail(1), role=SENT)
        before = mailbox.snapshot()
        source = mailbox.open()
        cursors = {role: last(drain(source, role, None), None) for role in (INBOX, SENT)}
        for role, cursor in cursors.items():
            drain(source, role, cursor)
            drain(source, role, "not json")
        source.close()
        assert mailbox.snapshot() == before
        assert mailbox.writes() == []

    def test_failures_are_typed_errors(self, mailbox: SourceHarness) -> None:
        failures = mailbox.failures()
        assert failures, "every backend can fail"
        for what, make, expected in failures:
            assert issubclass(expected, (AuthError, SourceError))
            source = make()
            try:
                source.roles()
                drain(source, INBOX, None)
            except expected:
                pass
            except Exception as e:
                pytest.fail(f"{what}: {type(e).__name__} ({e}) instead of {expected.__name__}")
            else:
                pytest.fail(f"{what}: no error")
            finally:
                source.close()  # after a failure too: never raises

    def test_close_never_raises(self, mailbox: SourceHarness) -> None:
        mailbox.add(job_mail(1))
        mailbox.add(job_mail(2, days_ago=0.5), days_ago=0.5)
        mailbox.add(job_mail(3, days_ago=0.2), days_ago=0.2)
        unused = mailbox.make()
        unused.close()
        unused.close()
        used = mailbox.make()
        drain(used, INBOX, None)
        used.close()
        used.close()
        mailbox.batch_size = 1
        abandoned = mailbox.make()
        scan = abandoned.fetch_changes(INBOX, None, since=NOW - BACKFILL)
        next(scan)  # a caller that stopped after one batch
        abandoned.close()
        getattr(scan, "close", lambda: None)()  # the generator's own cleanup runs after the source's
        abandoned.close()

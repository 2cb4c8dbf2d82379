"""A scan reads on while the analysis catches up: into the next folder, and a first scan's workers start before
its mail comes. Real Maildir source, real analysis workers; the analysis is held back by a gate (a file) so
what is read while it waits is seen."""

from __future__ import annotations

import mailbox
import os
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from inboxwatch.config import load_config
from inboxwatch.core.detect.corrections import Correction
from inboxwatch.errors import TransientSourceError
from inboxwatch.models import FolderRole, Identity
from inboxwatch.runtime import analyse as analyse_module
from inboxwatch.runtime import pipeline
from inboxwatch.runtime.analyse import Analyser, Outcome, analyse
from inboxwatch.sources.base import Batch, FetchedMessage, Source
from inboxwatch.sources.local import BATCH_SIZE
from inboxwatch.sources.registry import open_source
from inboxwatch.state.store import Store
from tests.hostile.scan import maildir_home
from tests.support.mailfactory import ME, make_message

NOW = datetime.now(UTC)
GATE = "INBOXWATCH_TEST_GATE"


_OPENS_BY: list[float] = []  # in a worker: when it stops waiting for the gate, whatever happens


def held_back(fetched: FetchedMessage, identity: Identity, corrections: Sequence[Correction]) -> Outcome:
    """The analysis, once the gate file exists or some seconds have passed (in a worker process: the path comes
    in its environment)."""
    gate = Path(os.environ[GATE])
    if not _OPENS_BY:
        _OPENS_BY.append(time.monotonic() + 8)
    while not gate.exists() and time.monotonic() < _OPENS_BY[0]:
        time.sleep(0.01)
    return analyse(fetched, identity, corrections)


class Watched(Source):
    """The account's real source, noting each batch read; reading the Sent folder opens the gate (or reading the
    ``opens_at``-th batch); ``fails_in`` fails that folder as a dropped connection would."""

    def __init__(
        self,
        inner: Source,
        events: list[tuple[str, FolderRole]],
        gate: Path | None = None,
        *,
        opens_at: int | None = None,
        fails_in: FolderRole | None = None,
    ) -> None:
        super().__init__(inner.account)
        self.inner, self.events, self.gate, self.opens_at, self.fails_in = inner, events, gate, opens_at, fails_in

    def roles(self) -> tuple[FolderRole, ...]:
        return self.inner.roles()

    def fetch_changes(self, role: FolderRole, cursor: str | None, *, since: datetime | None = None) -> Iterator[Batch]:
        if role is self.fails_in:
            raise TransientSourceError("connection lost")
        for batch in self.inner.fetch_changes(role, cursor, since=since):
            self.events.append(("read", role))
            reads = sum(1 for kind, _ in self.events if kind == "read")
            opens = role is FolderRole.SENT if self.opens_at is None else reads >= self.opens_at
            if opens and self.gate is not None:
                self.gate.touch()
            yield batch

    def close(self) -> None:
        self.inner.close()


def letters(home: Path, inbox: int, sent: int) -> None:
    folders = {FolderRole.INBOX: home / "Mail" / "INBOX", FolderRole.SENT: home / "Mail" / "Sent"}
    for role, count in ((FolderRole.INBOX, inbox), (FolderRole.SENT, sent)):
        box = mailbox.Maildir(folders[role])
        for n in range(count):
            friend = f"Sam Rivera <sam{n}@mail.example>"
            box.add(
                make_message(
                    sender=f"Alex Morgan <{ME}>" if role is FolderRole.SENT else friend,
                    to=friend if role is FolderRole.SENT else f"Alex Morgan <{ME}>",
                    subject=f"Photos from the trip ({n})",
                    body="We finally made it to the coast last weekend.\n" * 20,
                    date=NOW - timedelta(days=1, minutes=n),
                )
            )


def stores_noted(monkeypatch: pytest.MonkeyPatch, events: list[tuple[str, FolderRole]]) -> None:
    store_batch = pipeline._store_batch

    def noted(store: Store, account: Any, role: FolderRole, *args: Any) -> None:
        events.append(("stored", role))
        store_batch(store, account, role, *args)

    monkeypatch.setattr(pipeline, "_store_batch", noted)


def test_the_next_folder_is_read_while_the_last_batches_are_analysed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, config_path = maildir_home(tmp_path)
    letters(tmp_path, inbox=2 * BATCH_SIZE, sent=30)  # two inbox batches
    config = load_config(config_path)
    account = config.accounts[0]
    gate = tmp_path / "gate"
    monkeypatch.setenv(GATE, str(gate))
    events: list[tuple[str, FolderRole]] = []
    stores_noted(monkeypatch, events)
    analyser = Analyser(config.identity, task=held_back, budget=30)
    try:
        with Store.open(config.state_path) as store:
            source = Watched(open_source(account), events, gate)
            report = pipeline.scan_account(config, store, source, account, NOW, analyser=analyser)
            stored = store.message_count()
    finally:
        analyser.close()
    reads = [role for kind, role in events if kind == "read"]
    assert FolderRole.INBOX in reads and FolderRole.SENT in reads
    # Nothing was stored before the Sent folder was read: its reading did not wait for the inbox's analysis.
    assert events.index(("read", FolderRole.SENT)) < next(i for i, (kind, _) in enumerate(events) if kind == "stored")
    # Stored in the order read, every one.
    assert [role for kind, role in events if kind == "stored"] == reads
    assert report.added == stored == 2 * BATCH_SIZE + 30 and report.skipped == 0


def test_a_first_scan_starts_every_worker_before_its_mail_comes_and_a_rescan_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, config_path = maildir_home(tmp_path)
    letters(tmp_path, inbox=20, sent=2)
    config = load_config(config_path)
    account = config.accounts[0]
    events: list[tuple[str, FolderRole]] = []
    warmed: list[tuple[int, int]] = []  # (workers asked for, batches read by then)
    warm = Analyser.warm

    def noted_warm(self: Analyser, count: int = 1) -> None:
        warmed.append((count, len(events)))
        warm(self, count)

    monkeypatch.setattr(analyse_module.Analyser, "warm", noted_warm)
    with Store.open(config.state_path) as store:
        report = pipeline.scan_account(config, store, Watched(open_source(account), events), account, NOW)
        assert report.added == 22
        probe = Analyser(config.identity)
        workers = probe.workers
        probe.close()
        assert warmed == [(workers, 0)]  # every worker, before the first batch was read
        events.clear()
        report = pipeline.scan_account(config, store, Watched(open_source(account), events), account, NOW)
        assert report.added == 0
        assert warmed == [(workers, 0)]  # a rescan with nothing new starts none


def test_a_batch_bigger_than_the_byte_bound_is_still_read_past(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, config_path = maildir_home(tmp_path)
    letters(tmp_path, inbox=2 * BATCH_SIZE, sent=0)
    config = load_config(config_path)
    account = config.accounts[0]
    gate = tmp_path / "gate"
    monkeypatch.setenv(GATE, str(gate))
    monkeypatch.setattr(pipeline, "AHEAD_BYTES", 1)  # every batch is bigger
    events: list[tuple[str, FolderRole]] = []
    stores_noted(monkeypatch, events)
    analyser = Analyser(config.identity, task=held_back, budget=30)
    try:
        with Store.open(config.state_path) as store:
            source = Watched(open_source(account), events, gate, opens_at=2)  # the analysis waits for the 2nd read
            pipeline.scan_account(config, store, source, account, NOW, analyser=analyser)
    finally:
        analyser.close()
    assert events[:3] == [("read", FolderRole.INBOX), ("read", FolderRole.INBOX), ("stored", FolderRole.INBOX)]


def test_a_folder_that_fails_after_others_were_read_keeps_what_was_read(tmp_path: Path) -> None:
    _, config_path = maildir_home(tmp_path)
    letters(tmp_path, inbox=2 * BATCH_SIZE + 10, sent=5)
    config = load_config(config_path)
    account = config.accounts[0]
    events: list[tuple[str, FolderRole]] = []
    with Store.open(config.state_path) as store:
        failing = Watched(open_source(account), events, fails_in=FolderRole.SENT)
        with pytest.raises(TransientSourceError):
            pipeline.scan_account(config, store, failing, account, NOW)
        assert store.message_count() == 2 * BATCH_SIZE + 10  # every inbox batch read before the failure, stored
        assert store.cursor(account.name, str(FolderRole.SENT)) is None
        events.clear()
        report = pipeline.scan_account(config, store, Watched(open_source(account), events), account, NOW)
        assert report.added == 5 and events == [("read", FolderRole.SENT)]  # the inbox: nothing new to read

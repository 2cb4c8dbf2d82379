"""One failure stays one failure: an unexpected exception in one account is that account's status (the
next account is still scanned), and the push thread survives anything its connection throws."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from inboxwatch.backoff import Backoff
from inboxwatch.config import AccountConfig, load_config
from inboxwatch.models import FolderRole
from inboxwatch.runtime import daemon as daemon_module
from inboxwatch.runtime.pipeline import scan
from inboxwatch.sources.base import Batch, PushSource, Source
from inboxwatch.sources.registry import open_source
from inboxwatch.state.store import Store
from tests.hostile.mail import good_neighbour
from tests.hostile.scan import maildir_home

NOW = datetime.now(UTC)


class Surprising(PushSource):
    """A backend with a bug: anything but the errors the Source contract names."""

    calls = 0

    def roles(self) -> tuple[FolderRole, ...]:
        return (FolderRole.INBOX,)

    def fetch_changes(self, role: FolderRole, cursor: str | None, *, since: datetime | None = None) -> Iterator[Batch]:
        raise UnicodeEncodeError("ascii", "ü", 0, 1, "ordinal not in range(128)")

    def wait_for_changes(self, role: FolderRole, timeout: float) -> bool:
        Surprising.calls += 1
        if Surprising.calls == 1:
            raise KeyError("a library's surprise")
        time.sleep(0.05)
        return True


def test_an_unexpected_exception_in_one_account_is_its_status_and_the_next_is_scanned(tmp_path: Path) -> None:
    inbox, config_path = maildir_home(tmp_path)
    inbox.add(good_neighbour(NOW - timedelta(hours=1)))
    config = load_config(config_path)
    broken = AccountConfig(name="broken", kind="maildir", inbox=str(tmp_path), sent=str(tmp_path))
    config = replace(config, accounts=(broken, *config.accounts))

    def factory(account: AccountConfig) -> Source:
        return Surprising(account.name) if account.name == "broken" else open_source(account)

    with Store.open(config.state_path) as store:
        report = scan(config, store, NOW, source_factory=factory)
    first, second = report.accounts
    assert first.account == "broken" and first.error is not None and "UnicodeEncodeError" in first.error
    assert second.account == "personal" and second.error is None and second.added == 1


def test_the_push_thread_survives_an_unexpected_exception(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, config_path = maildir_home(tmp_path)
    monkeypatch.setattr(daemon_module, "open_source", lambda account: Surprising(account.name))
    monkeypatch.setattr(daemon_module, "PUSH_RETRY", Backoff(0.1, 0.1))  # retry at once
    daemon = daemon_module.Daemon(config_path)
    woken = threading.Event()
    monkeypatch.setattr(daemon, "_sync_now", lambda name: woken.set())
    thread = threading.Thread(target=daemon._watch, args=[daemon.config.accounts[0]], daemon=True)
    try:
        thread.start()
        assert woken.wait(20), "the push thread died on the first surprise"
        assert thread.is_alive()
    finally:
        daemon.stopping.set()
        thread.join(timeout=10)
        daemon.store.close()

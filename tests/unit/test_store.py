from __future__ import annotations

import sqlite3
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from inboxwatch.core.parse import parse_message
from inboxwatch.core.records import StoredMessage
from inboxwatch.errors import StoreError
from inboxwatch.models import Classification, FolderRole, Label, Nudge, NudgeKind
from inboxwatch.state.migrations import MIGRATIONS
from inboxwatch.state.store import Store
from tests.support.mailfactory import make_message

NOW = datetime(2026, 3, 16, 13, 0, tzinfo=UTC)


def stored(n: int, label: Label = Label.INTERVIEW_REQUEST) -> StoredMessage:
    raw = make_message(
        sender="Dana <dana@acme.example>",
        subject=f"Interview {n}",
        body="Hello",
        date=NOW - timedelta(days=n),
        message_id=f"<m{n}@acme.example>",
    )
    msg = parse_message(raw, FolderRole.INBOX, f"uid{n}")
    return StoredMessage("personal", msg, Classification(label, 0.9, ("test",), company="Acme"))


def test_state_file_is_created_0600_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "state" / "state.sqlite3"
    with Store.open(path) as store:
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_migrations_record_their_version_and_are_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    with Store.open(path) as store:
        assert store.schema_version() == len(MIGRATIONS)
    with Store.open(path) as store:  # reopening applies nothing twice
        assert store.schema_version() == len(MIGRATIONS)
        assert store.integrity_ok()


def test_a_later_migration_applies_on_top_of_existing_data() -> None:
    store = Store.memory()
    store.commit_batch("a", "inbox", [stored(1)], "c1", NOW)
    store.migrate([*MIGRATIONS, "CREATE TABLE extra (x INTEGER)"])
    assert store.schema_version() == len(MIGRATIONS) + 1
    assert store.message_count() == 1


def test_a_failing_migration_leaves_the_schema_as_it_was() -> None:
    store = Store.memory()
    with pytest.raises(StoreError):
        store.migrate([*MIGRATIONS, "CREATE TABLE ok_table (x INTEGER); THIS IS NOT SQL"])
    assert store.schema_version() == len(MIGRATIONS)
    tables = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "ok_table" not in tables


def test_a_newer_state_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        Store.open(path)


def test_batch_and_cursor_commit_together_and_duplicates_are_ignored() -> None:
    store = Store.memory()
    assert store.commit_batch("a", "inbox", [stored(1), stored(2)], "after-2", NOW) == 2
    assert store.commit_batch("a", "inbox", [stored(2), stored(3)], "after-3", NOW) == 1
    assert store.cursor("a", "inbox") == "after-3"
    assert store.message_count() == 3


def test_a_failed_batch_leaves_neither_messages_nor_cursor() -> None:
    store = Store.memory()
    store.commit_batch("a", "inbox", [stored(1)], "after-1", NOW)
    broken = stored(2)
    object.__setattr__(broken.message, "headers", {"x": object()})  # cannot be serialised: fails mid-batch
    with pytest.raises(TypeError):
        store.commit_batch("a", "inbox", [stored(3), broken], "after-3", NOW)
    assert store.cursor("a", "inbox") == "after-1"
    assert store.message_count() == 1


def test_messages_round_trip_without_their_bodies() -> None:
    store = Store.memory()
    store.commit_batch("a", "inbox", [stored(1)], None, NOW)
    (back,) = store.messages()
    assert back.message.subject == "Interview 1"
    assert back.message.text == ""
    assert back.classification.company == "Acme"
    assert back.message.date == NOW - timedelta(days=1)


def test_deliveries_are_per_channel_and_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    nudge = Nudge("abc123", "Acme", None, NudgeKind.FOLLOW_UP, 1, NOW, "silence")
    with Store.open(path) as store:
        store.mark_failed(nudge, "email", "connection refused", NOW, NOW + timedelta(minutes=5))
        store.mark_delivered(nudge, "desktop", NOW)
    with Store.open(path) as store:
        states = store.deliveries(nudge)
    assert states["desktop"].state == "delivered"
    assert states["email"].state == "failed"
    assert states["email"].next_try_at == NOW + timedelta(minutes=5)


def test_controls_set_and_reopen() -> None:
    store = Store.memory()
    store.set_control("abc", "snooze", NOW + timedelta(days=2), NOW)
    assert store.controls()["abc"].until == NOW + timedelta(days=2)
    store.set_control("abc", "reopen", None, NOW)  # replaces the snooze, and is remembered with its time
    assert store.controls()["abc"].action == "reopen"
    assert store.controls()["abc"].until is None and store.controls()["abc"].at == NOW


def test_bulk_mail_without_a_job_label_is_kept_for_dedup_but_not_read_for_tracking() -> None:
    store = Store.memory()
    raw = make_message(
        sender="News <news@shop.example>",
        subject="Weekly deals",
        body="Sale",
        date=NOW,
        message_id="<bulk@shop.example>",
        headers={"List-Unsubscribe": "<mailto:u@shop.example>"},
    )
    bulk = StoredMessage("a", parse_message(raw), Classification(Label.OTHER, 0.9, ("test",)))
    store.commit_batch("a", "inbox", [bulk, stored(1)], None, NOW)
    assert store.message_count() == 2 and store.has_message("bulk@shop.example")
    assert [r.message.key for r in store.messages(relevant_only=True)] == ["m1@acme.example"]
    assert len(store.messages()) == 2


def test_migration_2_keeps_rows_written_by_version_1(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    store = Store(conn, path)
    store.migrate(MIGRATIONS[:1])
    conn.execute(
        "INSERT INTO messages (key, account, role, uid, date, label, summary, classification, seen_at)"
        " VALUES ('k', 'a', 'inbox', 'u', NULL, 'other', '{}', '{}', 'now')"
    )
    conn.close()
    with Store.open(path) as reopened:
        assert reopened.schema_version() == len(MIGRATIONS) >= 2
        row = reopened.conn.execute("SELECT relevant FROM messages WHERE key = 'k'").fetchone()
        assert row == (1,)  # unknown old rows stay visible to tracking

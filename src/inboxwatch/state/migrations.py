"""The state file's schema, as numbered migrations: each one a script applied once, in order, and recorded
(``PRAGMA user_version``) in the same transaction. Add a migration at the end; never edit one that shipped."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING

from inboxwatch.errors import StoreError

if TYPE_CHECKING:
    from inboxwatch.state.store import Store

MIGRATIONS: tuple[str, ...] = (
    # 1: the first schema
    """
    CREATE TABLE cursors (
        account TEXT NOT NULL, role TEXT NOT NULL, cursor TEXT NOT NULL, updated_at TEXT NOT NULL,
        PRIMARY KEY (account, role));
    CREATE TABLE messages (
        key TEXT PRIMARY KEY, account TEXT NOT NULL, role TEXT NOT NULL, uid TEXT NOT NULL,
        date TEXT, label TEXT NOT NULL, forced INTEGER NOT NULL DEFAULT 0,
        summary TEXT NOT NULL, classification TEXT NOT NULL, seen_at TEXT NOT NULL);
    CREATE INDEX messages_label ON messages (label);
    CREATE TABLE skipped (
        account TEXT NOT NULL, role TEXT NOT NULL, uid TEXT NOT NULL, reason TEXT NOT NULL,
        seen_at TEXT NOT NULL, PRIMARY KEY (account, role, uid));
    CREATE TABLE controls (
        conversation_id TEXT PRIMARY KEY, action TEXT NOT NULL, until TEXT, at TEXT NOT NULL);
    CREATE TABLE nudges (
        conversation_id TEXT NOT NULL, kind TEXT NOT NULL, attempt INTEGER NOT NULL,
        due_at TEXT NOT NULL, first_listed_at TEXT NOT NULL, backlog INTEGER NOT NULL DEFAULT 0,
        payload TEXT NOT NULL, PRIMARY KEY (conversation_id, kind, attempt));
    CREATE TABLE deliveries (
        conversation_id TEXT NOT NULL, kind TEXT NOT NULL, attempt INTEGER NOT NULL,
        channel TEXT NOT NULL, state TEXT NOT NULL, tries INTEGER NOT NULL DEFAULT 0,
        last_error TEXT, updated_at TEXT NOT NULL, next_try_at TEXT,
        PRIMARY KEY (conversation_id, kind, attempt, channel));
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
    # 2: newsletters and job alerts are kept for de-duplication only; tracking reads the rest
    """
    ALTER TABLE messages ADD COLUMN relevant INTEGER NOT NULL DEFAULT 1;
    CREATE INDEX messages_relevant ON messages (relevant, date);
    """,
    # 3: what could tie a message to a conversation (ids, threads, invites, addresses; see core.links), so
    # tracking decodes only the mail that can join one. Rows from before have none and are always read.
    """
    ALTER TABLE messages ADD COLUMN links TEXT;
    """,
    # 4: the user's corrections (a label for one message, with its hashed word features and sender, never
    # its text; the classification it replaced, to restore), and the features of job mail, to correct later
    """
    ALTER TABLE messages ADD COLUMN features BLOB;
    CREATE TABLE corrections (
        message_key TEXT PRIMARY KEY, label TEXT NOT NULL, was TEXT, at TEXT NOT NULL,
        sender TEXT NOT NULL, scope TEXT NOT NULL, features BLOB, origin TEXT NOT NULL, replaced TEXT);
    CREATE INDEX corrections_origin ON corrections (origin);
    """,
    # 5: the link index: which unlabelled relevant message can be found by which link key (core.links.index_keys),
    # kept with the messages in their transaction, so tracking reads only the mail that joins a conversation.
    # The rows stored before it are indexed on first use (Store.joinable_messages).
    """
    CREATE TABLE message_links (link TEXT NOT NULL, message TEXT NOT NULL, PRIMARY KEY (link, message))
        WITHOUT ROWID;
    CREATE INDEX messages_seeds ON messages (key)
        WHERE relevant = 1 AND (label != 'other' OR forced = 1 OR links IS NULL);
    INSERT INTO meta (key, value) SELECT 'links_indexed', '1' WHERE NOT EXISTS (SELECT 1 FROM messages);
    """,
)


def apply_migrations(store: Store, migrations: Sequence[str] = MIGRATIONS) -> None:
    """Apply every migration newer than ``store``'s file; each is recorded in the transaction that applies it.
    A file newer than this inboxwatch is refused (``StoreError``), not downgraded."""
    current = store.schema_version()
    if current > len(migrations):
        raise StoreError(
            f"state file {store.path} has schema {current}, newer than this inboxwatch ({len(migrations)})"
        )
    for number, script in enumerate(migrations, start=1):
        if number <= current:
            continue
        try:
            with store.transaction() as conn:
                if store.schema_version() >= number:  # another process applied it while this one waited
                    continue
                for statement in script.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number}")
        except sqlite3.Error as e:
            raise StoreError(f"migration {number} failed: {e}") from e

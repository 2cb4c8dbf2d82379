"""The one state file: SQLite in WAL mode, mode 0600, its schema from ``state.migrations``.

Holds per-folder cursors, the messages seen (headers and classification, never bodies), the user's
corrections, the nudges listed and their delivery on each channel. A batch of messages and the cursor
after it commit together; a delivery is recorded in its own transaction right after the channel accepted
it — so a crash loses nothing and repeats at most that one alert.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import sqlite3
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from inboxwatch.core.detect.bulk import is_relevant
from inboxwatch.core.detect.corrections import REF_PREFIX, Correction, message_ref
from inboxwatch.core.links import index_keys, link_keys
from inboxwatch.core.records import Control, LinkRow, StoredMessage
from inboxwatch.core.track import joinable, reachable
from inboxwatch.errors import StoreError
from inboxwatch.models import Classification, Identity, Label, Message, Nudge
from inboxwatch.state import meta
from inboxwatch.state.codec import (
    classification_from_json,
    classification_to_json,
    message_from_json,
    message_to_json,
    vector_from_bytes,
    vector_to_bytes,
)
from inboxwatch.state.migrations import MIGRATIONS, apply_migrations

BUSY_TIMEOUT = 10.0  # seconds to wait for another inboxwatch process holding the write lock

GENERATION_KEY = meta.MESSAGES_GENERATION

log = logging.getLogger(__name__)


def _connect(path: Path, wal: bool = True) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
    if wal:
        conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def _private(path: Path, mode: int, mkdir: bool = False) -> None:
    """``path`` with no access for others (0600 files, 0700 folders) whatever the umask; tightened if looser."""
    if mkdir and not path.exists():
        path.mkdir(parents=True, exist_ok=True, mode=mode)
        os.chmod(path, mode)
        return
    current = stat.S_IMODE(path.stat().st_mode)
    if current & 0o077:
        os.chmod(path, current & ~0o077)
        log.warning("%s was open to others (mode %o); now %o", path, current, current & ~0o077)


def _create(store_class: type[Store], path: Path) -> None:
    """A new state file, made complete under another name and linked into place: another process starting
    at the same moment finds either no file or a complete one, never a half-made one (or makes its own, and
    the first link wins)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.new")
    fd = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)  # 0600 before SQLite writes a byte
    os.close(fd)
    try:
        # A rollback journal while it is made: every page is in the file itself once a transaction commits
        # (a WAL whose checkpoint failed, on a full disk, would leave the pages behind).
        fresh = store_class(_connect(temporary, wal=False), temporary)
        try:
            fresh.migrate()
        finally:
            fresh.close()
        check = sqlite3.connect(temporary)
        try:
            complete = check.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        finally:
            check.close()
        if not complete:
            raise StoreError(f"cannot create state file {path}: it could not be written completely (disk full?)")
        with suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        for suffix in ("", "-journal", "-wal", "-shm"):
            with suppress(FileNotFoundError):
                leftover = temporary.with_name(temporary.name + suffix)
                os.unlink(leftover)


def _features(m: Message) -> bytes | None:
    return vector_to_bytes(m.features) if m.features else None


def _with_features(row: Sequence[Any]) -> StoredMessage:
    """A row of (account, summary, classification, forced, features) as a stored message."""
    message = message_from_json(json.loads(row[1]))
    if row[4]:
        message = replace(message, features=vector_from_bytes(row[4]))
    return StoredMessage(row[0], message, classification_from_json(json.loads(row[2])), bool(row[3]))


def _index_links(conn: sqlite3.Connection, key: str, links: str | None, findable: bool) -> None:
    """Put a message in the link index when tracking must find it by its links: relevant, unlabelled, not
    forced (the others are read anyway). An entry left from before a relabel finds nothing it should not:
    ``track.reachable`` checks each message found against its links as they are."""
    if findable and links is not None:
        conn.executemany(
            "INSERT OR IGNORE INTO message_links (link, message) VALUES (?, ?)", ((k, key) for k in index_keys(links))
        )


def _findable(record: StoredMessage, relevant: bool) -> bool:
    return relevant and not record.forced and record.classification.label == Label.OTHER


def _bump_generation(conn: sqlite3.Connection) -> None:
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, '1')"
        " ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1",
        (GENERATION_KEY,),
    )


@dataclass(frozen=True)
class Delivery:
    channel: str
    state: str  # delivered | failed
    tries: int
    last_error: str | None
    updated_at: datetime
    next_try_at: datetime | None


class Store:
    """Typed access to the state file. Use as a context manager or call ``close``."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None) -> None:
        self.conn = conn
        self.path = path

    # --- opening -----------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path) -> Store:
        """Open the state file, making it (complete, 0600, in a 0700 folder) when there is none.

        A file that exists but is empty or not a state file is an error with the fix, never a fresh start:
        starting afresh would forget what the user closed and which nudges went out, and announce them again.
        """
        try:
            _private(path.parent, 0o700, mkdir=True)
            if not path.exists():
                _create(cls, path)
            _private(path, 0o600)
            if path.stat().st_size == 0:
                raise StoreError(
                    f"state file {path} is empty: it was truncated or overwritten. Reading it as new would forget "
                    "the conversations you closed, ignored or snoozed and which nudges were delivered (they would "
                    f"be announced again). Restore it from a backup, or move it aside to start afresh: "
                    f"mv {path} {path}.empty"
                )
            conn = _connect(path)
        except sqlite3.OperationalError as e:  # disk full, locked, unwritable: the file may well be fine
            raise StoreError(f"cannot open state file {path}: {e}") from e
        except sqlite3.DatabaseError as e:  # "file is not a database", "malformed"
            raise StoreError(
                f"state file {path} is not a readable inboxwatch state file ({e}). Restore it from a backup, "
                f"or move it aside to start afresh: mv {path} {path}.damaged"
            ) from e
        except (OSError, sqlite3.Error) as e:
            raise StoreError(f"cannot open state file {path}: {e}") from e
        store = cls(conn, path)
        store.migrate()
        return store

    @classmethod
    def open_readonly(cls, path: Path) -> Store:
        """The state file for reading only (the dashboard's pages): nothing through this connection can change
        it; the file must exist and be up to date (``open`` made it so)."""
        if not path.is_file():
            raise StoreError(f"no state file at {path}: run `inboxwatch scan --once` first")
        try:
            conn = sqlite3.connect(
                f"{path.absolute().as_uri()}?mode=ro",
                uri=True,
                isolation_level=None,
                timeout=BUSY_TIMEOUT,
                check_same_thread=False,
            )
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
            store = cls(conn, path)
            version = store.schema_version()
        except sqlite3.Error as e:
            raise StoreError(f"cannot read state file {path}: {e}") from e
        if version != len(MIGRATIONS):
            store.close()
            raise StoreError(f"state file {path} is from another version of inboxwatch: run `inboxwatch status` once")
        return store

    @classmethod
    def memory(cls) -> Store:
        conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        store = cls(conn, None)
        store.migrate()
        return store

    def close(self) -> None:
        with suppress(sqlite3.Error):
            self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE): all of it lands, or none of it."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as e:
            raise StoreError(f"state file busy or unwritable: {e}") from e
        try:
            yield self.conn
        except sqlite3.Error as e:  # disk full, I/O error, locked: nothing of this transaction lands
            self._rollback()
            raise StoreError(f"cannot write state file {self.path or ''}: {e}") from e
        except BaseException:
            self._rollback()
            raise
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error as e:
            self._rollback()
            raise StoreError(f"cannot write state file {self.path or ''}: {e}") from e

    def _rollback(self) -> None:
        with suppress(sqlite3.Error):  # SQLite may already have rolled back (disk full does)
            self.conn.execute("ROLLBACK")

    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self, migrations: Sequence[str] = MIGRATIONS) -> None:
        """Apply every migration newer than the file (``state.migrations``)."""
        apply_migrations(self, migrations)

    def integrity_ok(self) -> bool:
        return not self.integrity_problems()

    def integrity_problems(self) -> list[str]:
        """What SQLite's integrity check finds wrong (nothing: an intact file); never raises."""
        try:
            rows = self.conn.execute("PRAGMA integrity_check(20)").fetchall()
        except sqlite3.DatabaseError as e:
            return [str(e)]
        found = [str(r[0]) for r in rows if r and r[0] != "ok"]
        return found

    # --- meta --------------------------------------------------------------------------------------

    def generation(self) -> int:
        """A number that changes whenever a message is stored: what tracking read may be reused until then."""
        return int(self.get_meta(GENERATION_KEY) or 0)

    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # --- cursors and messages ----------------------------------------------------------------------

    def cursor(self, account: str, role: str) -> str | None:
        row = self.conn.execute("SELECT cursor FROM cursors WHERE account = ? AND role = ?", (account, role)).fetchone()
        return str(row[0]) if row else None

    def scanned_before(self, account: str) -> bool:
        """Whether any folder of ``account`` has a cursor (mail of it was read before)."""
        return self.conn.execute("SELECT 1 FROM cursors WHERE account = ? LIMIT 1", (account,)).fetchone() is not None

    def has_message(self, key: str) -> bool:
        return self.conn.execute("SELECT 1 FROM messages WHERE key = ?", (key,)).fetchone() is not None

    def commit_batch(
        self,
        account: str,
        role: str,
        records: Sequence[StoredMessage],
        cursor: str | None,
        now: datetime,
        skipped: Sequence[tuple[str, str]] = (),
    ) -> int:
        """Store a batch and the cursor after it in one transaction. Returns how many were new."""
        added = 0
        stamp = now.isoformat()
        with self.transaction() as conn:
            for r in records:
                m = r.message
                relevant = is_relevant(r)
                links = link_keys(r)
                cur = conn.execute(
                    "INSERT OR IGNORE INTO messages (key, account, role, uid, date, label, forced, summary,"
                    " classification, seen_at, relevant, links, features)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        m.key,
                        account,
                        role,
                        m.source_uid,
                        m.date.isoformat() if m.date else None,
                        str(r.classification.label),
                        int(r.forced),
                        json.dumps(message_to_json(m)),
                        json.dumps(classification_to_json(r.classification)),
                        stamp,
                        int(relevant),
                        links,
                        _features(m),
                    ),
                )
                added += cur.rowcount
                if cur.rowcount:
                    _index_links(conn, m.key, links, _findable(r, relevant))
            if added:
                _bump_generation(conn)
            for uid, reason in skipped:
                conn.execute(
                    "INSERT OR IGNORE INTO skipped (account, role, uid, reason, seen_at) VALUES (?, ?, ?, ?, ?)",
                    (account, role, uid, reason, stamp),
                )
            if cursor is not None:
                conn.execute(
                    "INSERT OR REPLACE INTO cursors (account, role, cursor, updated_at) VALUES (?, ?, ?, ?)",
                    (account, role, cursor, stamp),
                )
        return added

    def force_message(self, account: str, record: StoredMessage, now: datetime) -> None:
        """Add or replace a message with a label the user chose (``inboxwatch track``)."""
        m = record.message
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO messages (key, account, role, uid, date, label, forced, summary,"
                " classification, seen_at, links, features) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)",
                (
                    m.key,
                    account,
                    str(m.folder),
                    m.source_uid,
                    m.date.isoformat() if m.date else None,
                    str(record.classification.label),
                    json.dumps(message_to_json(m)),
                    json.dumps(classification_to_json(record.classification)),
                    now.isoformat(),
                    link_keys(record),
                    _features(m),
                ),
            )
            _bump_generation(conn)  # forced: read by tracking whatever its links, so not in the link index

    def relevant_messages(self, select: Callable[[Sequence[LinkRow]], Iterable[int]]) -> list[StoredMessage]:
        """Relevant messages, oldest first, of those ``select`` picks (by index) from their link rows.

        Only the picked ones are decoded: the point is not to read every personal letter on each scan.
        """
        rows = self.conn.execute(
            "SELECT rowid, label, forced, links FROM messages WHERE relevant = 1 ORDER BY date, key"
        ).fetchall()
        picked = [rows[i][0] for i in sorted(set(select([LinkRow(r[1], bool(r[2]), r[3]) for r in rows])))]
        found: dict[int, StoredMessage] = {}
        for start in range(0, len(picked), 500):  # SQLite limits the parameters of one statement
            chunk = picked[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for rowid, account, summary, classification, forced in self.conn.execute(
                f"SELECT rowid, account, summary, classification, forced FROM messages WHERE rowid IN ({marks})",
                chunk,
            ):
                found[rowid] = StoredMessage(
                    account=account,
                    message=message_from_json(json.loads(summary)),
                    classification=classification_from_json(json.loads(classification)),
                    forced=bool(forced),
                )
        return [found[rowid] for rowid in picked if rowid in found]  # one replaced meanwhile: read next time

    def joinable_messages(self, identity: Identity) -> list[StoredMessage]:
        """The relevant messages that can be part of a conversation (``track.joinable``'s pick), oldest first,
        found through the link index: the labelled and forced ones, and those their links reach. Only those
        rows are read, however many messages the state holds."""
        if self.get_meta(meta.LINKS_INDEXED) is None:
            try:
                self._index_all_links()
            except StoreError:  # a state file this process cannot write: read the link rows of all, as before
                return self.relevant_messages(lambda rows: joinable(rows, identity))
        seeds = self.conn.execute(  # the messages_seeds index holds these (its WHERE, word for word)
            "SELECT key, links FROM messages INDEXED BY messages_seeds"
            " WHERE relevant = 1 AND (label != 'other' OR forced = 1 OR links IS NULL)"
        ).fetchall()

        def find(links: set[str]) -> list[tuple[str, str | None]]:
            found: list[tuple[str, str | None]] = []
            wanted = sorted(links)
            for start in range(0, len(wanted), 500):  # SQLite limits the parameters of one statement
                chunk = wanted[start : start + 500]
                found.extend(
                    self.conn.execute(
                        # CROSS JOIN: SQLite then looks up the links first, the messages by key after
                        "SELECT DISTINCT m.key, m.links FROM message_links l CROSS JOIN messages m ON m.key = l.message"
                        f" WHERE l.link IN ({','.join('?' * len(chunk))}) AND m.relevant = 1",
                        chunk,
                    ).fetchall()
                )
            return found

        keys = sorted(reachable(seeds, find, identity))
        rows: list[tuple[Any, ...]] = []
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            rows.extend(
                self.conn.execute(
                    "SELECT date, key, account, summary, classification, forced FROM messages"
                    f" WHERE key IN ({','.join('?' * len(chunk))})",
                    chunk,
                ).fetchall()
            )
        rows.sort(key=lambda row: (row[0] is not None, row[0] or "", row[1]))  # ORDER BY date, key
        return [
            StoredMessage(
                account=row[2],
                message=message_from_json(json.loads(row[3])),
                classification=classification_from_json(json.loads(row[4])),
                forced=bool(row[5]),
            )
            for row in rows
        ]

    def _index_all_links(self) -> None:
        """Index the rows stored before the link index existed (once)."""
        with self.transaction() as conn:
            rows = conn.execute(
                "SELECT key, links FROM messages WHERE relevant = 1 AND label = ? AND forced = 0 AND links IS NOT NULL",
                (str(Label.OTHER),),
            ).fetchall()
            for key, links in rows:
                _index_links(conn, key, links, True)
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, '1')", (meta.LINKS_INDEXED,))

    def messages(self, *, relevant_only: bool = False) -> list[StoredMessage]:
        """Stored messages, oldest first; ``relevant_only`` leaves out bulk mail no conversation can use."""
        where = "WHERE relevant = 1 " if relevant_only else ""
        rows = self.conn.execute(
            f"SELECT account, summary, classification, forced FROM messages {where}ORDER BY date, key"
        ).fetchall()
        return [
            StoredMessage(
                account=row[0],
                message=message_from_json(json.loads(row[1])),
                classification=classification_from_json(json.loads(row[2])),
                forced=bool(row[3]),
            )
            for row in rows
        ]

    def message_count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM messages").fetchone()[0])

    def skipped_count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM skipped").fetchone()[0])

    def is_skipped(self, account: str, role: str, uid: str) -> bool:
        row = self.conn.execute(
            "SELECT 1 FROM skipped WHERE account = ? AND role = ? AND uid = ?", (account, role, uid)
        ).fetchone()
        return row is not None

    def find_messages(self, ref: str) -> list[StoredMessage]:
        """The stored messages whose reference (``message_ref``: ``m-`` and 8 hex digits) starts with
        ``ref`` (at least 4 of its digits, the ``m-`` optional), with their features when kept."""
        digits = ref.lower().removeprefix(REF_PREFIX)
        if len(digits) < 4 or any(ch not in "0123456789abcdef" for ch in digits):
            return []
        keys = [k for (k,) in self.conn.execute("SELECT key FROM messages") if message_ref(k)[2:].startswith(digits)]
        return [m for k in keys if (m := self.message(k)) is not None]

    def message(self, key: str) -> StoredMessage | None:
        """One stored message, with its features when they were kept."""
        row = self.conn.execute(
            "SELECT account, summary, classification, forced, features FROM messages WHERE key = ?", (key,)
        ).fetchone()
        return _with_features(row) if row else None

    def messages_with_features(self) -> list[StoredMessage]:
        """The stored messages whose features were kept (job mail), oldest first: what a correction can reach."""
        rows = self.conn.execute(
            "SELECT account, summary, classification, forced, features FROM messages WHERE features IS NOT NULL"
            " ORDER BY date, key"
        ).fetchall()
        return [_with_features(row) for row in rows]

    def relabel_message(self, record: StoredMessage) -> None:
        """Replace a stored message's classification (and whether it is forced into tracking)."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE messages SET label = ?, forced = ?, classification = ?, relevant = ?, links = ?"
                " WHERE key = ?",
                (
                    str(record.classification.label),
                    int(record.forced),
                    json.dumps(classification_to_json(record.classification)),
                    int(is_relevant(record)),
                    link_keys(record),
                    record.message.key,
                ),
            )
            _index_links(conn, record.message.key, link_keys(record), _findable(record, is_relevant(record)))
            _bump_generation(conn)

    # --- the user's corrections --------------------------------------------------------------------

    def record_correction(self, correction: Correction, replaced: Classification | None = None) -> None:
        """Keep a correction (a later one for the same message replaces it); ``replaced`` is the
        classification it overrode, restored when the correction is forgotten."""
        c = correction
        with self.transaction() as conn:
            old = conn.execute("SELECT replaced FROM corrections WHERE message_key = ?", (c.message_key,)).fetchone()
            keep = old[0] if old and old[0] else (json.dumps(classification_to_json(replaced)) if replaced else None)
            conn.execute(
                "INSERT OR REPLACE INTO corrections (message_key, label, was, at, sender, scope, features, origin,"
                " replaced) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    c.message_key,
                    str(c.label),
                    str(c.was) if c.was else None,
                    c.at.isoformat(),
                    c.sender,
                    c.scope,
                    vector_to_bytes(c.features) if c.features else None,
                    c.origin,
                    keep,
                ),
            )
            _bump_generation(conn)

    def corrections(self) -> list[Correction]:
        """Every correction, oldest first."""
        rows = self.conn.execute(
            "SELECT message_key, label, was, at, sender, scope, features, origin FROM corrections"
            " ORDER BY at, message_key"
        ).fetchall()
        return [
            Correction(
                message_key=r[0],
                label=Label(r[1]),
                at=datetime.fromisoformat(r[3]),
                sender=r[4],
                scope=r[5],
                features=vector_from_bytes(r[6]) if r[6] else {},
                was=Label(r[2]) if r[2] else None,
                origin=r[7],
            )
            for r in rows
        ]

    def forget_correction(self, key: str) -> Classification | None:
        """Remove a message's correction; returns the classification it had replaced (None: none kept)."""
        with self.transaction() as conn:
            row = conn.execute("SELECT replaced FROM corrections WHERE message_key = ?", (key,)).fetchone()
            conn.execute("DELETE FROM corrections WHERE message_key = ?", (key,))
            _bump_generation(conn)
        return classification_from_json(json.loads(row[0])) if row and row[0] else None

    def corrections_from(self, origin: str) -> list[str]:
        """The keys of the messages corrected by one action (``ignore:<conversation id>``)."""
        rows = self.conn.execute("SELECT message_key FROM corrections WHERE origin = ?", (origin,)).fetchall()
        return [r[0] for r in rows]

    # --- user controls -----------------------------------------------------------------------------

    def set_control(self, conversation_id: str, action: str, until: datetime | None, now: datetime) -> None:
        with self.transaction() as conn:
            # "reopen" is kept, not just the old control deleted: a ghosted conversation restarts from it.
            conn.execute(
                "INSERT OR REPLACE INTO controls (conversation_id, action, until, at) VALUES (?, ?, ?, ?)",
                (conversation_id, action, until.isoformat() if until else None, now.isoformat()),
            )

    def controls(self) -> dict[str, Control]:
        rows = self.conn.execute("SELECT conversation_id, action, until, at FROM controls").fetchall()
        return {
            r[0]: Control(r[0], r[1], datetime.fromisoformat(r[2]) if r[2] else None, datetime.fromisoformat(r[3]))
            for r in rows
        }

    # --- nudges and deliveries ---------------------------------------------------------------------

    def record_nudges(
        self,
        nudges: Sequence[Nudge],
        payloads: Sequence[dict[str, Any]],
        now: datetime,
        backlog_before: datetime | None,
    ) -> None:
        """Remember nudges the first time they are due; older than ``backlog_before`` means not announced."""
        with self.transaction() as conn:
            for nudge, payload in zip(nudges, payloads, strict=True):
                backlog = backlog_before is not None and nudge.due_at < backlog_before
                conn.execute(
                    "INSERT OR IGNORE INTO nudges (conversation_id, kind, attempt, due_at, first_listed_at,"
                    " backlog, payload) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (*nudge.key, nudge.due_at.isoformat(), now.isoformat(), int(backlog), json.dumps(payload)),
                )

    def is_backlog(self, nudge: Nudge) -> bool:
        row = self.conn.execute(
            "SELECT backlog FROM nudges WHERE conversation_id = ? AND kind = ? AND attempt = ?", nudge.key
        ).fetchone()
        return bool(row and row[0])

    def deliveries(self, nudge: Nudge) -> dict[str, Delivery]:
        rows = self.conn.execute(
            "SELECT channel, state, tries, last_error, updated_at, next_try_at FROM deliveries"
            " WHERE conversation_id = ? AND kind = ? AND attempt = ?",
            nudge.key,
        ).fetchall()
        return {
            r[0]: Delivery(
                r[0],
                r[1],
                r[2],
                r[3],
                datetime.fromisoformat(r[4]),
                datetime.fromisoformat(r[5]) if r[5] else None,
            )
            for r in rows
        }

    def delivered_nudges(self, conversation_id: str) -> list[tuple[str, int, str, datetime]]:
        """(kind, attempt, channel, when) of every nudge of a conversation that went out, oldest first."""
        rows = self.conn.execute(
            "SELECT kind, attempt, channel, updated_at FROM deliveries WHERE conversation_id = ?"
            " AND state = 'delivered' ORDER BY updated_at",
            (conversation_id,),
        ).fetchall()
        return [(r[0], r[1], r[2], datetime.fromisoformat(r[3])) for r in rows]

    def mark_delivered(self, nudge: Nudge, channel: str, now: datetime) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO deliveries (conversation_id, kind, attempt, channel, state, tries, updated_at)"
                " VALUES (?, ?, ?, ?, 'delivered', 1, ?) ON CONFLICT DO UPDATE SET state = 'delivered',"
                " tries = tries + 1, last_error = NULL, updated_at = excluded.updated_at, next_try_at = NULL",
                (*nudge.key, channel, now.isoformat()),
            )

    def mark_failed(self, nudge: Nudge, channel: str, error: str, now: datetime, next_try_at: datetime) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO deliveries (conversation_id, kind, attempt, channel, state, tries, last_error,"
                " updated_at, next_try_at) VALUES (?, ?, ?, ?, 'failed', 1, ?, ?, ?) ON CONFLICT DO UPDATE"
                " SET state = 'failed', tries = tries + 1, last_error = excluded.last_error,"
                " updated_at = excluded.updated_at, next_try_at = excluded.next_try_at",
                (*nudge.key, channel, error[:500], now.isoformat(), next_try_at.isoformat()),
            )

    def failed_deliveries(self) -> list[tuple[str, str, int, Delivery]]:
        rows = self.conn.execute(
            "SELECT conversation_id, kind, attempt, channel, state, tries, last_error, updated_at, next_try_at"
            " FROM deliveries WHERE state = 'failed'"
        ).fetchall()
        return [
            (
                r[0],
                r[1],
                r[2],
                Delivery(
                    r[3], r[4], r[5], r[6], datetime.fromisoformat(r[7]), datetime.fromisoformat(r[8]) if r[8] else None
                ),
            )
            for r in rows
        ]

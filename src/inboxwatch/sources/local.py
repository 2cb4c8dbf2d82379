"""Local mailboxes: Maildir (mbsync, offlineimap, notmuch users) and mbox files.

Both are incremental. A Maildir cursor remembers the newest modification time read (and which file
names shared it); an mbox cursor remembers how far into the file it read and a fingerprint of the file's
start, so an appended mbox is read from where the last scan stopped and a rewritten one is read again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import mailbox
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from inboxwatch.config import AccountConfig
from inboxwatch.core.parse import MAX_RAW_BYTES
from inboxwatch.errors import SourceError
from inboxwatch.models import FolderRole
from inboxwatch.sources.base import Batch, FetchedMessage, Source

BATCH_SIZE = 200
BATCH_BYTES = 16 << 20  # a batch closes at this many bytes too: memory stays bounded whatever the files weigh
MAX_MESSAGE_BYTES = MAX_RAW_BYTES + 1  # what parse reads, and one byte to let it tell the message was cut
LINE_CHUNK = 64 << 10  # an mbox is read in lines of at most this: a 50 MB line is never held whole


class LocalSource(Source):
    """Inbox and sent as two Maildirs or two mbox files (``kind`` decides), drafts optional."""

    @classmethod
    def from_config(cls, account: AccountConfig) -> LocalSource:
        assert account.inbox is not None
        return cls(
            account.name,
            account.kind,
            Path(account.inbox),
            Path(account.sent) if account.sent else None,
            Path(account.drafts) if account.drafts else None,
        )

    def __init__(self, account: str, kind: str, inbox: Path, sent: Path | None, drafts: Path | None = None) -> None:
        super().__init__(account)
        if kind not in ("maildir", "mbox"):
            raise SourceError(f"unknown local mailbox kind {kind!r}")
        self.kind = kind
        self.paths = {FolderRole.INBOX: inbox}
        if sent is not None:
            self.paths[FolderRole.SENT] = sent
        self.drafts = drafts

    def roles(self) -> tuple[FolderRole, ...]:
        return tuple(self.paths)

    def fetch_changes(self, role: FolderRole, cursor: str | None, *, since: datetime | None = None) -> Iterator[Batch]:
        path = self.paths.get(role)
        if path is None:
            raise SourceError(f"account {self.account!r} has no {role} folder")
        if not path.exists():
            raise SourceError(f"{role} of account {self.account!r} not found: {path}")
        if self.kind == "maildir":
            return _maildir_changes(path, role, cursor)
        return _mbox_changes(path, role, cursor)

    def append_draft(self, raw: bytes) -> str:
        if self.drafts is None:
            return super().append_draft(raw)
        try:
            if self.kind == "maildir":
                box = mailbox.Maildir(self.drafts, create=True)
                msg = mailbox.MaildirMessage(raw)
                msg.set_flags("D")
                msg.set_subdir("cur")
                key = box.add(msg)
                saved = next((self.drafts / "cur").glob(f"{key}*"))
                os.chmod(saved, 0o600)  # a reply to an employer is private whatever the umask
                return str(saved)
            if not self.drafts.exists():
                os.close(os.open(self.drafts, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            mbox = mailbox.mbox(self.drafts, create=True)
            try:
                mbox.lock()
                mbox.add(raw)
                mbox.flush()
            finally:
                mbox.unlock()
                mbox.close()
            return str(self.drafts)
        except OSError as e:
            raise SourceError(f"cannot write draft to {self.drafts}: {e}") from e


# --- Maildir ---------------------------------------------------------------------------------------


def _maildir_changes(path: Path, role: FolderRole, cursor: str | None) -> Iterator[Batch]:
    last_mtime, names_at_last = _read_maildir_cursor(cursor)
    entries: list[tuple[int, str, Path]] = []
    for sub in ("new", "cur"):
        folder = path / sub
        try:
            with os.scandir(folder) as it:
                for entry in it:
                    if entry.name.startswith(".") or not entry.is_file():
                        continue
                    name = entry.name.split(":", 1)[0]  # flags change the suffix, never the base
                    mtime = entry.stat().st_mtime_ns
                    if mtime > last_mtime or (mtime == last_mtime and name not in names_at_last):
                        entries.append((mtime, name, Path(entry.path)))
        except FileNotFoundError:
            continue
        except OSError as e:
            raise SourceError(f"cannot list {folder}: {e}") from e
    entries.sort()
    batch: list[FetchedMessage] = []
    weight = 0
    for mtime, name, file in entries:
        try:
            with file.open("rb") as fh:
                raw = fh.read(MAX_MESSAGE_BYTES)  # as much as the parser reads, like IMAP's partial fetch
        except FileNotFoundError:
            continue  # moved by a mail client between listing and reading; seen on the next scan
        except OSError as e:
            raise SourceError(f"cannot read {file}: {e}") from e
        batch.append(FetchedMessage(uid=name, raw=raw, role=role))
        if mtime > last_mtime:
            last_mtime, names_at_last = mtime, set()
        names_at_last.add(name)
        weight += len(raw)
        if len(batch) >= BATCH_SIZE or weight >= BATCH_BYTES:
            yield Batch(batch, _maildir_cursor(last_mtime, names_at_last))
            batch, weight = [], 0
    if batch:
        yield Batch(batch, _maildir_cursor(last_mtime, names_at_last))


def _read_maildir_cursor(cursor: str | None) -> tuple[int, set[str]]:
    if not cursor:
        return -1, set()
    try:
        data = json.loads(cursor)
        return int(data["mtime_ns"]), set(data["names"])
    except (ValueError, KeyError, TypeError):
        return -1, set()  # unreadable: rescan, the store de-duplicates


def _maildir_cursor(mtime: int, names: set[str]) -> str:
    return json.dumps({"mtime_ns": mtime, "names": sorted(names)})


# --- mbox --------------------------------------------------------------------------------------------


def _mbox_changes(path: Path, role: FolderRole, cursor: str | None) -> Iterator[Batch]:
    try:
        size = path.stat().st_size
    except OSError as e:
        raise SourceError(f"cannot read {path}: {e}") from e
    offset = 0
    if cursor:
        with contextlib.suppress(ValueError, KeyError, TypeError, OSError):
            data = json.loads(cursor)
            # The file is the one we read when its first bytes are unchanged; else a client rewrote it.
            if int(data["offset"]) <= size and _fingerprint(path, int(data["head_len"])) == data["head"]:
                offset = int(data["offset"])
    if offset == size:
        return
    try:
        with path.open("rb") as fh:
            fh.seek(offset)
            batch: list[FetchedMessage] = []
            weight = 0
            for start, end, raw in _split_mbox(fh, offset):
                batch.append(FetchedMessage(uid=f"{start}", raw=raw, role=role))
                weight += len(raw)
                if len(batch) >= BATCH_SIZE or weight >= BATCH_BYTES:
                    yield Batch(batch, _mbox_cursor(path, end))
                    batch, weight = [], 0
            end_offset = fh.tell()
    except OSError as e:
        raise SourceError(f"cannot read {path}: {e}") from e
    yield Batch(batch, _mbox_cursor(path, end_offset))


def _fingerprint(path: Path, length: int) -> str:
    with path.open("rb") as fh:
        return hashlib.sha256(fh.read(length)).hexdigest()


def _mbox_cursor(path: Path, offset: int) -> str:
    head_len = min(offset, 4096)
    return json.dumps({"offset": offset, "head_len": head_len, "head": _fingerprint(path, head_len)})


def _split_mbox(fh: BinaryIO, offset: int) -> Iterator[tuple[int, int, bytes]]:
    """Yield (start, end, raw) per message. A "From " line after a blank line starts a message.

    Lines are read in pieces of at most ``LINE_CHUNK`` and a message keeps at most ``MAX_MESSAGE_BYTES``:
    a message of 50 MB (or one line of 50 MB) costs as much memory as one of 1 MB.
    """
    start = offset
    pos = offset
    lines: list[bytes] = []
    kept = 0
    previous_blank = True
    in_message = False
    at_line_start = True
    while True:
        line = fh.readline(LINE_CHUNK)
        if not line:
            break
        whole = line.endswith(b"\n")
        if at_line_start and line.startswith(b"From ") and previous_blank:
            if in_message:
                yield start, pos, b"".join(lines)
            start, lines, kept, in_message = pos, [], 0, True
        elif in_message and kept < MAX_MESSAGE_BYTES:
            quoted_from = at_line_start and line.startswith(b">") and line.lstrip(b">").startswith(b"From ")
            body = line[1:] if quoted_from else line  # mboxrd quoting
            body = body[: MAX_MESSAGE_BYTES - kept]
            lines.append(body)
            kept += len(body)
        pos += len(line)
        if whole:
            previous_blank = at_line_start and not line.strip()
        elif line.strip():
            previous_blank = False
        at_line_start = whole
    if in_message:
        yield start, pos, b"".join(lines)

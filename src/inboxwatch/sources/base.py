"""The contract every mailbox backend fulfils.

Terms:
- *role*: what a folder is for (inbox, sent, drafts); a backend maps roles to its own folder names.
- *cursor*: an opaque string a backend returns after each batch; handed back on the next fetch, it means
  "everything up to here was processed". ``None`` means "never scanned".
- *uid*: where the backend keeps one message (a file name, an IMAP UID, a Gmail id): stable while the
  cursor stays valid.

Every method raises only ``AuthError`` (credentials), ``TransientSourceError`` (worth retrying: dropped
connection, timeout, rate limit) or ``SourceError`` (anything else, retrying will not help).
"""

from __future__ import annotations

import abc
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Self

from inboxwatch.core.parse import FetchedPart, parse_message, parse_parts
from inboxwatch.models import FolderRole, Message

if TYPE_CHECKING:
    from inboxwatch.config import AccountConfig


@dataclass(frozen=True)
class FetchedMessage:
    uid: str
    raw: bytes
    role: FolderRole
    thread_id: str | None = None  # the backend's own thread id (Gmail), when it has one
    identity: str | None = None  # the backend's own message identity (Gmail id), preferred over Message-ID
    headers_only: bool = False  # the body was not read: the headers ruled the message out
    # Read in parts (IMAP): ``raw`` is the header lines, these the text and invitations (core.parse.parse_parts).
    parts: tuple[FetchedPart, ...] | None = None

    def parsed(self) -> Message:
        """The message as the parser reads it (from the header lines and parts, when read in parts)."""
        if self.parts is not None:
            return parse_parts(self.raw, self.parts, self.role, self.uid)
        return parse_message(self.raw, self.role, self.uid)

    @property
    def size(self) -> int:
        """The bytes read of it."""
        return len(self.raw) + sum(len(part.data) for part in self.parts or ())


@dataclass(frozen=True)
class Batch:
    """Messages new since the previous cursor, and the cursor to store in the same transaction."""

    messages: list[FetchedMessage]
    cursor: str


class Source(abc.ABC):
    """A mailbox: lists its folders by role, returns what changed since a cursor, stores drafts."""

    def __init__(self, account: str) -> None:
        self.account = account

    @classmethod
    def from_config(cls, account: AccountConfig) -> Self:
        """The backend for one configured account (the registry's one constructor shape). Makes no call yet.

        Every backend in ``sources.registry`` overrides it; test doubles built by hand need not."""
        raise NotImplementedError(f"{cls.__name__} is not built from a config")

    @abc.abstractmethod
    def roles(self) -> tuple[FolderRole, ...]:
        """The roles this mailbox watches (inbox and sent, normally)."""

    @abc.abstractmethod
    def fetch_changes(self, role: FolderRole, cursor: str | None, *, since: datetime | None = None) -> Iterator[Batch]:
        """Yield batches of messages added to the ``role`` folder since ``cursor``.

        ``since`` bounds the first scan (``cursor is None``) to recent mail where the backend can.
        A cursor the backend no longer recognises (UIDVALIDITY changed, history expired, file rewritten)
        leads to a full, bounded rescan: callers de-duplicate by message identity.
        """

    def append_draft(self, raw: bytes) -> str:
        """Save ``raw`` as a draft and return where it is kept. Raises ``SourceError`` when unsupported."""
        from inboxwatch.errors import SourceError

        raise SourceError(f"account {self.account!r} cannot store drafts")

    def check(self) -> None:  # noqa: B027 - optional hook; roles() already proved the mailbox answers
        """One cheap call proving the account works beyond :meth:`roles` (``inboxwatch doctor``)."""

    def close(self) -> None:  # noqa: B027 - optional hook; a default that does nothing is right
        """Release connections. Never raises."""

    def remembered(self) -> str | None:
        """What this source learnt of the mailbox that is worth keeping between processes (IMAP: which folder
        plays which role), as text for the state file; None when nothing."""
        return None

    def recall(self, memory: str | None) -> None:  # noqa: B027 - optional hook; nothing to recall by default
        """Take back what :meth:`remembered` gave, in a new process. Stale or unreadable memory is ignored."""


class PushSource(Source):
    """A mailbox that can tell when mail arrives (IMAP IDLE); the daemon keeps one watcher per such account."""

    @abc.abstractmethod
    def wait_for_changes(self, role: FolderRole, timeout: float) -> bool:
        """Block up to ``timeout`` seconds until mail arrives in ``role``'s folder; True if it did.

        Raises ``SourceError`` when the server cannot push after all (poll instead), ``TransientSourceError``
        when the connection drops.
        """

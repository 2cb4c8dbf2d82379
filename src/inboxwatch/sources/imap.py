"""An IMAP mailbox, read-only: folders chosen by role, new mail fetched incrementally in two passes.

- **Read-only.** Folders are opened with EXAMINE and bodies read with ``BODY.PEEK``, so ``\\Seen`` and every
  other flag stay as the user left them. The only write is :meth:`IMAPSource.append_draft`.
- **Incremental.** A folder's cursor is JSON ``{folder, uidvalidity, uidnext, highestmodseq}``. A rescan
  asks STATUS once per folder; when UIDVALIDITY and UIDNEXT (and HIGHESTMODSEQ, with CONDSTORE) are
  unchanged there is nothing more to do. A changed UIDVALIDITY (folder recreated, server migrated) means
  a full rescan bounded by the account's backfill; the store de-duplicates by message identity.
- **Two passes.** For each lot of ≤ 1,000 new UIDs, pass 1 fetches size, the header fields the prefilter
  and the parser read, and BODYSTRUCTURE; the header-level prefilter
  (:func:`~inboxwatch.sources.prefilter.might_be_job_mail`) picks candidates. Pass 2 fetches, of each
  candidate, only the parts the analysis reads (``sources.imap_parts``): its text parts from their start,
  as far as ``core.detect.reading`` says the classifier reads (a first look of ~4,400 characters, more
  only for mail whose first look shows a sign of a job, a reply or a forward), its invitations whole,
  never attachments; ``core.parse.parse_parts`` rebuilds the message from them and the header fields.
  A structure the parts cannot mirror is fetched whole, the first MiB only of big ones. Other messages
  are handed on with their header lines as ``raw`` so the store records them as seen.
- **Overlap, bounded.** A folder is read as one stream of commands sent ahead of their answers (in one worker
  thread, the only user of the connection while it runs), while the caller parses and stores what came in
  batches of at most 200 messages (one store transaction each, each with its cursor). The mail being read or
  read and not handed on is about 8 MiB at most (by message size), whatever the mail. Lots of 1,000 UIDs, not
  200, take a fifth of the round trips on a slow link.
- **Errors.** A refused login raises ``AuthError``; dropped connections, timeouts and server shutdowns
  raise ``TransientSourceError`` (the connection is dropped and made again on next use); anything else
  raises ``SourceError``. Passwords never appear in logs or errors.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import json
import logging
import queue
import re
import ssl
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final, NamedTuple, TypeVar

from imapclient import IMAPClient
from imapclient.exceptions import (
    CapabilityError,
    IMAPClientAbortError,
    IMAPClientError,
    LoginError,
)

from inboxwatch.config import AccountConfig
from inboxwatch.config.credentials import keyring_username, resolve_password, scrub
from inboxwatch.config.schema import is_localhost
from inboxwatch.core.parse import parts_text
from inboxwatch.errors import AuthError, InboxwatchError, SourceError, TransientSourceError
from inboxwatch.models import FolderRole
from inboxwatch.sources import imap_parts
from inboxwatch.sources.base import Batch, FetchedMessage, PushSource
from inboxwatch.sources.imap_folders import needs_listing, resolve_folders
from inboxwatch.sources.imap_parts import Leaf
from inboxwatch.sources.imap_pipe import FetchPipe, Ticket
from inboxwatch.sources.prefilter import HEADER_FIELDS, decoded, might_be_job_mail, parse_header_lines

log = logging.getLogger(__name__)

BATCH_SIZE: Final = 200  # messages per batch at most (one store transaction)
FETCH_SIZE: Final = 1000  # UIDs per pass-1 FETCH: fewer round trips on a slow link
FIRST_LOT: Final = 100  # UIDs of a folder's first lot
BATCH_BYTES: Final = 8 << 20  # bytes of mail handed on together at most: memory stays bounded, whatever the mail
MAX_BODY_BYTES: Final = 1 << 20  # bigger messages are read up to here (text and invites come first)
DEFAULT_TIMEOUT: Final = 60.0
FOLDERS_KEPT: Final = timedelta(days=1)  # folders found by LIST are listed again after this
WATCHED_ROLES: Final = (FolderRole.INBOX, FolderRole.SENT)

_HEADER_ITEM: Final = f"BODY.PEEK[HEADER.FIELDS ({' '.join(HEADER_FIELDS)})]"
_FULL_ITEM: Final = "BODY.PEEK[]"
_PARTIAL_ITEM: Final = f"BODY.PEEK[]<0.{MAX_BODY_BYTES}>"
_GMAIL_ITEMS: Final = ("X-GM-MSGID", "X-GM-THRID")
_WHOLE_CALENDAR: Final = imap_parts.MAX_CALENDAR_BYTES + 1
_PART_ROUNDS: Final = 6  # fetches of one message's parts at most: the first look, more text, and a few more
PIPE_CHUNK: Final = 100  # messages per FETCH of parts: a message's next read is sent while others' answers come
READS_AHEAD: Final = 200  # messages whose first reads are in flight: a few times what a 50 Mbit/s, 30 ms link holds
LOT_AHEAD: Final = 800  # messages left to read when the next lot's pass 1 is asked for: its answer comes in time
SETTLED_MIN: Final = 50  # messages read to the end, at the front, that are handed on together (the rest at the end)
_APPENDUID_RE: Final = re.compile(rb"\[APPENDUID (\d+) (\d+)\]", re.IGNORECASE)
_BYTES_REPR_RE: Final = re.compile(r"""b'([^']*)'$""")
_TRANSIENT_CODES: Final = (
    "[UNAVAILABLE]",
    "[INUSE]",
    "[LIMIT]",
    "[SERVERBUG]",
    "[OVERQUOTA]",
    # Gmail says these with a bare [ALERT]: another client holds the connections, or a rate limit hit.
    "TOO MANY SIMULTANEOUS CONNECTIONS",
    "EXCEEDED COMMAND OR BANDWIDTH LIMITS",
)
_T = TypeVar("_T")


class _Head(NamedTuple):
    """What pass 1 learnt of one message."""

    uid: int
    size: int
    header: bytes
    data: dict[bytes, Any]
    candidate: bool
    leaves: list[Leaf] | None = None  # the parts to read (a candidate with a structure they can mirror)


@dataclass(frozen=True)
class FolderCursor:
    """Where a scan of one folder stopped: every UID below ``uidnext`` was handled."""

    folder: str
    uidvalidity: int
    uidnext: int
    highestmodseq: int | None = None

    def dump(self) -> str:
        data: dict[str, Any] = {"folder": self.folder, "uidvalidity": self.uidvalidity, "uidnext": self.uidnext}
        if self.highestmodseq is not None:
            data["highestmodseq"] = self.highestmodseq
        return json.dumps(data, sort_keys=True)

    @classmethod
    def load(cls, text: str | None) -> FolderCursor | None:
        """The cursor in ``text``; ``None`` when absent or unreadable (a bounded full rescan follows)."""
        if not text:
            return None
        try:
            data = json.loads(text)
            modseq = data.get("highestmodseq")
            return cls(
                folder=str(data["folder"]),
                uidvalidity=int(data["uidvalidity"]),
                uidnext=max(1, int(data["uidnext"])),
                highestmodseq=int(modseq) if modseq is not None else None,
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            return None


def _utc_now() -> datetime:
    return datetime.now(UTC)


class IMAPSource(PushSource):
    """One IMAP account. Connects lazily, keeps one connection, reconnects after a transient failure."""

    idle_reissue_seconds: float = 25 * 60  # re-issue IDLE well before the 29-minute limit of RFC 2177

    @classmethod
    def from_config(cls, account: AccountConfig) -> IMAPSource:
        return cls(account)

    def __init__(
        self,
        account: AccountConfig,
        *,
        clock: Callable[[], datetime] = _utc_now,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        super().__init__(account.name)
        if not account.host:
            raise SourceError(f"account {account.name!r}: no IMAP host configured")
        if not account.username:
            raise AuthError(f"account {account.name!r}: no IMAP username configured")
        if account.security not in ("tls", "starttls", "none"):
            raise SourceError(f"account {account.name!r}: unknown security {account.security!r}")
        if account.security == "none" and not is_localhost(account.host):
            raise SourceError(f"account {account.name!r}: plaintext IMAP is only allowed to localhost")
        self.config = account
        self.host = account.host
        self.port = account.port or (993 if account.security == "tls" else 143)
        self.backfill = account.backfill
        self.clock = clock
        self.timeout = timeout
        self._overrides: dict[FolderRole, str | None] = {
            FolderRole.INBOX: account.inbox,
            FolderRole.SENT: account.sent,
            FolderRole.DRAFTS: account.drafts,
        }
        self._client: IMAPClient | None = None
        self._folders: dict[FolderRole, str] | None = None
        self._selected: str | None = None
        self._secret: str | None = None  # kept only to scrub it from error texts
        self._known: dict[FolderRole, tuple[int, int]] = {}  # (uidvalidity, uidnext) after the last scan
        self._worker: tuple[threading.Thread, threading.Event] | None = None  # the prefetching thread
        self._enabled: IMAPClient | None = None  # the connection CONDSTORE was enabled on
        self._listed_at: datetime | None = None  # when the folders were last listed
        self._recalled = False  # the folders came from an earlier process (see recall)

    # --- connection ---------------------------------------------------------------------------------

    def ssl_context(self) -> ssl.SSLContext:
        """Certificates are verified, against ``ca_file`` when given, else the system's store."""
        return ssl.create_default_context(cafile=self.config.ca_file)

    def create_client(self) -> IMAPClient:
        """A new, not yet logged-in connection. Tests override this to wrap or replace the client."""
        security = self.config.security
        if security == "tls":
            return IMAPClient(self.host, port=self.port, ssl=True, ssl_context=self.ssl_context(), timeout=self.timeout)
        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=self.timeout)
        if security == "starttls":
            try:
                client.starttls(self.ssl_context())
            except BaseException:
                _shutdown(client)
                raise
        return client

    def password(self) -> str:
        """The secret, from password_command, password_env or the keyring (``imap:<account>``)."""
        return resolve_password(
            command=self.config.password_command,
            env=self.config.password_env,
            keyring_user=keyring_username("imap", self.account),
        )

    def _connection(self) -> IMAPClient:
        if self._client is not None:
            return self._client
        _preload_reading()  # while the connection is made and the first answers come
        secret = self.password()
        self._secret = secret
        client = self.create_client()
        try:
            username = self.config.username or ""
            if self.config.auth == "xoauth2":
                client.oauth2_login(username, secret)
            elif username.isascii() and secret.isascii():
                client.login(username, secret)
            else:
                self._utf8_login(client, username, secret)
        except BaseException:
            _shutdown(client)
            raise
        self._client = client
        self._selected = None
        log.debug("account %s: logged in to %s:%d (%s)", self.account, self.host, self.port, self.config.security)
        return client

    def _utf8_login(self, client: IMAPClient, username: str, secret: str) -> None:
        """LOGIN carries ASCII only: a UTF-8 name or password goes with AUTHENTICATE PLAIN (RFC 4616, UTF-8)."""
        where = f"account {self.account!r} ({self.host}:{self.port})"
        if not client.has_capability("AUTH=PLAIN"):
            raise AuthError(
                f"{where}: the password or user name has non-ASCII characters, which IMAP LOGIN cannot carry, "
                "and the server does not offer AUTHENTICATE PLAIN"
            )
        try:
            client.plain_login(username, secret)
        except LoginError as e:
            raise AuthError(f"{where}: login refused for {username!r}: {self._scrub(e)}") from e

    def _drop(self) -> None:
        client, self._client, self._selected = self._client, None, None
        if client is not None:
            _shutdown(client)

    def _drop_own(self, client: IMAPClient) -> None:
        """Drop ``client``, which a fetch given up on may still hold: never a connection made since."""
        if self._client is client:
            self._drop()
        else:
            _shutdown(client)

    @contextlib.contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """Turn library errors into inboxwatch errors (``raise … from e``), never showing the secret."""
        where = f"account {self.account!r} ({self.host}:{self.port}), {doing}"
        try:
            yield
        except InboxwatchError:
            raise
        except LoginError as e:
            self._drop()
            text = self._scrub(e)
            if any(code in text.upper() for code in _TRANSIENT_CODES):
                raise TransientSourceError(f"{where}: server cannot log in now: {text}") from e
            raise AuthError(f"{where}: login refused for {self.config.username!r}: {text}") from e
        except CapabilityError as e:
            raise SourceError(f"{where}: {self._scrub(e)}") from e
        except IMAPClientAbortError as e:
            self._drop()
            raise TransientSourceError(f"{where}: connection lost: {self._scrub(e)}") from e
        except IMAPClientError as e:
            text = self._scrub(e)
            if any(code in text.upper() for code in _TRANSIENT_CODES):
                raise TransientSourceError(f"{where}: {text}") from e
            raise SourceError(f"{where}: {text}") from e
        except ssl.SSLCertVerificationError as e:
            self._drop()
            raise SourceError(f"{where}: the server's certificate was not accepted: {e.verify_message}") from e
        except (ssl.SSLEOFError, ssl.SSLZeroReturnError, ssl.SSLSyscallError) as e:
            self._drop()
            raise TransientSourceError(f"{where}: TLS connection lost: {e}") from e
        except ssl.SSLError as e:
            self._drop()
            raise SourceError(f"{where}: TLS failed: {e}") from e
        except (OSError, EOFError) as e:  # refused, reset, unreachable, DNS, timeouts
            self._drop()
            raise TransientSourceError(f"{where}: {type(e).__name__}: {self._scrub(e)}") from e

    def _scrub(self, error: BaseException) -> str:
        """The error's text for a message: without the secret, without imaplib's ``b'…'`` wrapping."""
        text = str(error) or type(error).__name__
        match = _BYTES_REPR_RE.search(text)
        if match:
            text = text[: match.start()] + match.group(1) + text[match.end() :]
        return scrub(text, self._secret)[:500]

    def close(self) -> None:
        self._stop_worker()  # a scan abandoned mid-way may still be fetching on the connection
        client, self._client, self._selected = self._client, None, None
        if client is None:
            return
        try:
            client.logout()
        except Exception:  # already gone: nothing to release but the socket
            _shutdown(client)

    # --- folders ------------------------------------------------------------------------------------

    def remembered(self) -> str | None:
        """The folder of each role, with the overrides and the time they were found by (LIST)."""
        if self._folders is None or self._listed_at is None:
            return None
        return json.dumps(
            {
                "folders": {str(role): name for role, name in sorted(self._folders.items())},
                "overrides": {str(role): name for role, name in sorted(self._overrides.items()) if name},
                "listed_at": self._listed_at.isoformat(),
            },
            sort_keys=True,
        )

    def recall(self, memory: str | None) -> None:
        """Use the folders found by an earlier process, so a rescan need not LIST again; they are listed
        again after a day, when the overrides changed, or when one of them has gone."""
        if not memory or self._folders is not None:
            return
        try:
            data = json.loads(memory)
            listed_at = datetime.fromisoformat(data["listed_at"])
            overrides = {str(role): name for role, name in sorted(self._overrides.items()) if name}
            folders = {FolderRole(role): str(name) for role, name in data["folders"].items()}
        except (ValueError, KeyError, TypeError, AttributeError):
            return
        if data.get("overrides") != overrides or not timedelta(0) <= self.clock() - listed_at <= FOLDERS_KEPT:
            return
        if FolderRole.INBOX not in folders:
            return
        self._folders, self._listed_at, self._recalled = folders, listed_at, True

    def _forget_folders(self) -> bool:
        """A recalled folder failed: list again. False when the folders were listed by this process."""
        if not self._recalled:
            return False
        log.info("account %s: a remembered folder is gone; listing folders again", self.account)
        self._folders, self._listed_at, self._recalled = None, None, False
        return True

    def folders(self) -> dict[FolderRole, str]:
        """Role → folder name, resolved once per connection from overrides, SPECIAL-USE and known names."""
        if self._folders is None:
            with self._errors("listing folders"):
                listing: list[tuple[Any, Any, str]] = []
                if needs_listing(self._overrides, (*WATCHED_ROLES, FolderRole.DRAFTS)):
                    listing = self._connection().list_folders()
                self._folders = resolve_folders(listing, self._overrides)
                self._listed_at, self._recalled = self.clock(), False
                if FolderRole.SENT not in self._folders:
                    log.warning("account %s: no sent folder found; name it (sent = …) to watch replies", self.account)
        return self._folders

    def folder(self, role: FolderRole) -> str:
        name = self.folders().get(role)
        if name is None:
            raise SourceError(f"account {self.account!r} has no {role} folder (name it in the config)")
        return name

    def roles(self) -> tuple[FolderRole, ...]:
        found = self.folders()
        return tuple(role for role in WATCHED_ROLES if role in found)

    def _release(self, client: IMAPClient, folder: str) -> None:
        """Leave ``folder`` if it is selected (STATUS should not be asked of the selected folder)."""
        if self._selected != folder:
            return
        if client.has_capability("UNSELECT"):
            client.unselect_folder()
        else:
            client.close_folder()  # on an EXAMINEd folder CLOSE expunges nothing
        self._selected = None

    def _examine(self, client: IMAPClient, folder: str) -> dict[bytes, Any]:
        if client is not self._enabled and client.has_capability("CONDSTORE"):
            # So EXAMINE reports HIGHESTMODSEQ, kept in the cursor. Only here: STATUS needs no ENABLE,
            # and a rescan with nothing new should cost one round trip per folder, no more.
            client.enable("CONDSTORE")
            self._enabled = client
        info: dict[bytes, Any] = client.select_folder(folder, readonly=True)
        self._selected = folder
        return info

    # --- fetching -----------------------------------------------------------------------------------

    def fetch_changes(self, role: FolderRole, cursor: str | None, *, since: datetime | None = None) -> Iterator[Batch]:
        return self._changes(role, cursor, since)

    def _changes(self, role: FolderRole, cursor: str | None, since: datetime | None) -> Iterator[Batch]:
        started = False
        try:
            for batch in self._folder_changes(role, cursor, since):
                started = True
                yield batch
        except SourceError as e:
            # Refused before anything was read, with folders from an earlier process: one may be gone.
            if started or isinstance(e, (AuthError, TransientSourceError)) or not self._forget_folders():
                raise
            yield from self._folder_changes(role, cursor, since)  # the folders as they are now

    def _folder_changes(self, role: FolderRole, cursor: str | None, since: datetime | None) -> Iterator[Batch]:
        folder = self.folder(role)
        with self._errors(f"scanning {folder!r}"):
            client = self._connection()
            condstore = client.has_capability("CONDSTORE")
            state = FolderCursor.load(cursor)
            if state is not None and state.folder != folder:
                log.info("account %s: %s is now folder %r; rescanning it", self.account, role, folder)
                state = None
            if cursor is not None and state is None:
                since = self.clock() - self.backfill  # unreadable or foreign cursor: bounded rescan
            if state is not None:
                self._release(client, folder)
                what = ["UIDVALIDITY", "UIDNEXT", *(["HIGHESTMODSEQ"] if condstore else [])]
                status = client.folder_status(folder, what)
                uidvalidity = int(status[b"UIDVALIDITY"])
                uidnext = int(status.get(b"UIDNEXT", 0)) or None
                modseq = int(status[b"HIGHESTMODSEQ"]) if b"HIGHESTMODSEQ" in status else None
                if uidvalidity != state.uidvalidity:
                    log.info(
                        "account %s: UIDVALIDITY of %r changed; rescanning the last %s",
                        self.account,
                        folder,
                        self.backfill,
                    )
                    state, since = None, self.clock() - self.backfill
                elif uidnext is not None and uidnext <= state.uidnext:
                    self._known[role] = (uidvalidity, state.uidnext)
                    if modseq is not None and modseq != state.highestmodseq:
                        # Flags changed or mail was removed: nothing to read, only the cursor moves on.
                        yield Batch([], FolderCursor(folder, uidvalidity, state.uidnext, modseq).dump())
                    return
            info = self._examine(client, folder)
            uidvalidity = int(info[b"UIDVALIDITY"])
            modseq = int(info[b"HIGHESTMODSEQ"]) if b"HIGHESTMODSEQ" in info else None
            if state is not None and uidvalidity != state.uidvalidity:  # changed between STATUS and EXAMINE
                state, since = None, self.clock() - self.backfill
            start = state.uidnext if state is not None else 1
            if state is not None:
                criteria: list[Any] = ["UID", f"{start}:*"]
            elif since is not None:
                criteria = ["SINCE", since.astimezone(UTC).date()]
            else:
                criteria = ["ALL"]
            uids = sorted(uid for uid in client.search(criteria) if uid >= start)
            server_next = int(info.get(b"UIDNEXT") or 0)
            final_next = max(server_next, uids[-1] + 1 if uids else start, start)
            log.debug("account %s: %d new message(s) in %r", self.account, len(uids), folder)
            if not uids:
                self._known[role] = (uidvalidity, final_next)
                yield Batch([], FolderCursor(folder, uidvalidity, final_next, modseq).dump())
            next_uid = start
            for fetched, fetched_next in self._prefetched(self._fetch_all(client, role, uids)):
                for messages, next_uid in _in_batches(fetched, fetched_next):
                    yield Batch(messages, FolderCursor(folder, uidvalidity, next_uid, modseq).dump())
            self._known[role] = (uidvalidity, final_next)
            if uids and final_next > next_uid:  # UIDs above the last message were used and expunged
                yield Batch([], FolderCursor(folder, uidvalidity, final_next, modseq).dump())
            # Leave the folder, so the next rescan is a single STATUS (not UNSELECT + STATUS). Everything
            # was read by now: a connection lost here is noticed (and remade) on the next use instead.
            try:
                self._release(client, folder)
            except (IMAPClientError, OSError) as e:
                log.debug("account %s: leaving %r failed (%s); reconnecting next time", self.account, folder, e)
                self._drop()

    def _prefetched(self, batches: Iterator[_T]) -> Iterator[_T]:
        """Run ``batches`` in a worker thread, one item ahead, so fetching overlaps the caller's work.

        The worker is the only user of the connection until it has stopped: closing this generator (or
        :meth:`close`) stops it after its current command and waits for it.
        """
        slot: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=1)
        stop = threading.Event()

        def put(kind: str, value: Any) -> bool:
            while not stop.is_set():
                try:
                    slot.put((kind, value), timeout=0.1)
                    return True
                except queue.Full:
                    continue
            return False

        def work() -> None:
            try:
                for item in batches:
                    if not put("item", item):
                        return
                put("done", None)
            except BaseException as e:  # handed to the caller's thread, raised (and wrapped) there
                put("error", e)
            finally:
                with contextlib.suppress(Exception):
                    batches.close()  # type: ignore[attr-defined]

        worker = threading.Thread(target=work, name=f"imap-prefetch-{self.account}", daemon=True)
        self._worker = (worker, stop)
        worker.start()
        try:
            while True:
                kind, value = slot.get()
                if kind == "item":
                    yield value
                elif kind == "error":
                    raise value
                else:
                    return
        finally:
            self._stop_worker()

    def _stop_worker(self) -> None:
        running, self._worker = self._worker, None
        if running is None:
            return
        worker, stop = running
        stop.set()
        worker.join(self.timeout + 5)
        if worker.is_alive():  # still reading what it asked for (a very slow link): the connection is not shared
            log.info("account %s: the reads in flight did not end in time; reconnecting next time", self.account)
            self._drop()

    def _fetch_all(
        self, client: IMAPClient, role: FolderRole, uids: Sequence[int]
    ) -> Iterator[tuple[list[FetchedMessage], int]]:
        """(messages, next UID) in UID order, handed on as the reads of the messages at the front are over.

        Pass 1 fetches size, header fields and structure of a lot of UIDs (``FIRST_LOT``, then ``FETCH_SIZE``);
        the prefilter picks the candidates; pass 2 reads their parts as far as the analysis reads them, or the
        whole message (the first ``MAX_BODY_BYTES`` of big ones) when the structure is one the parts cannot
        mirror. Commands are sent ahead of their answers (:class:`~inboxwatch.sources.imap_pipe.FetchPipe`), one
        stream for the folder: first reads go out about ``READS_AHEAD`` messages ahead of the answers, a message's
        next read as soon as its answer is judged, and the next lot's pass 1 while fewer than ``LOT_AHEAD``
        messages are left to read, so the link stays busy from one lot to the next. The caller stores the mail in
        batches of ``BATCH_SIZE`` (:func:`_in_batches`).
        """
        gmail = client.has_capability("X-GM-EXT-1")
        items = ["RFC822.SIZE", _HEADER_ITEM, "BODYSTRUCTURE", *(_GMAIL_ITEMS if gmail else ())]
        pipe = FetchPipe(client, lambda group, wanted: self._fetch(client, group, wanted))
        # A short first lot: its mail is being analysed while the rest is read.
        lots = [uids[:FIRST_LOT], *(uids[i : i + FETCH_SIZE] for i in range(FIRST_LOT, len(uids), FETCH_SIZE))]
        try:
            yield from self._read(pipe, role, gmail, items, deque(lot for lot in lots if lot))
        finally:
            # Stopped early (the caller closed it, or an error): the answers still coming are read, so the
            # connection can be used again; one that cannot be read to the end is not used again.
            try:
                pipe.close()
            except (IMAPClientError, OSError):
                self._drop_own(client)

    def _read(
        self, pipe: FetchPipe, role: FolderRole, gmail: bool, items: list[str], lots: deque[Sequence[int]]
    ) -> Iterator[tuple[list[FetchedMessage], int]]:
        from inboxwatch.core.detect.reading import FIRST_LOOK_CHARS  # (see _preload_reading)

        front: deque[_Head] = deque()  # read or being read, not handed on yet, in UID order
        unsent: deque[tuple[int, list[tuple[Leaf, int]]]] = deque()  # first reads not sent yet
        reading: set[int] = set()  # UIDs whose reads are not over
        in_parts: set[int] = set()  # UIDs read in parts, to the end
        by_uid: dict[int, _Head] = {}
        wanted: dict[int, int] = {}
        rounds: dict[int, int] = {}
        # What was sent, in order, answered in order: a lot's pass 1 (its UIDs), or reads of parts (the reads
        # asked, whether they are first reads).
        sent: deque[tuple[Ticket, Sequence[int] | None, dict[int, list[tuple[Leaf, int]]], bool]] = deque()
        first_in_flight = 0
        # The mail being read or read and not handed on, by its size (up to MAX_BODY_BYTES a message): BATCH_BYTES,
        # give or take the message that passes it, so what is held stays bounded whatever the mail (a message whose
        # reads go on while later ones are read keeps them waiting). RFC822.SIZE counts attachments never read: the
        # bound errs on the safe side.
        weights: dict[int, int] = {}
        in_window = 0
        lot_asked = False
        lot_end = 0  # the last UID of the lots read so far
        handed = 0  # the UID after the last message handed on

        def send(requests: dict[int, list[tuple[Leaf, int]]], opening: bool) -> None:
            groups: dict[tuple[str, ...], list[int]] = {}
            for uid, reads in requests.items():
                rounds[uid] = rounds.get(uid, 0) + 1
                groups.setdefault(tuple(imap_parts.item(leaf, count) for leaf, count in reads), []).append(uid)
            for parts, uids in groups.items():
                for i in range(0, len(uids), PIPE_CHUNK):
                    chunk = uids[i : i + PIPE_CHUNK]
                    sent.append((pipe.send(chunk, parts), None, {uid: requests[uid] for uid in chunk}, opening))

        def top_up() -> None:
            nonlocal first_in_flight, in_window, lot_asked
            while unsent and first_in_flight < READS_AHEAD and in_window < BATCH_BYTES:
                window: list[tuple[int, list[tuple[Leaf, int]]]] = []
                while unsent and len(window) < PIPE_CHUNK and (not window or in_window < BATCH_BYTES):
                    uid, reads = unsent.popleft()
                    window.append((uid, reads))
                    weights[uid] = min(by_uid[uid].size, MAX_BODY_BYTES)
                    in_window += weights[uid]
                send(dict(window), True)
                first_in_flight += len(window)
            # The next lot's pass 1 behind the first reads sent (not ahead: they would wait for it).
            if not lot_asked and lots and len(unsent) + first_in_flight < LOT_AHEAD and len(front) < 2 * FETCH_SIZE:
                lot = lots.popleft()
                sent.append((pipe.send(lot, items), lot, {}, False))
                lot_asked = True

        top_up()
        while sent:
            ticket, lot, asked, opening = sent.popleft()
            if lot is not None:
                lot_asked = False
                lot_end = lot[-1]
                for head in self._lot_heads(role, lot, pipe.result(ticket)):
                    front.append(head)
                    by_uid[head.uid] = head
                    if not head.candidate or head.leaves is None:
                        continue  # nothing to read in parts (a structure the parts cannot mirror is read whole)
                    if first := _first_reads(head.leaves, FIRST_LOOK_CHARS):
                        unsent.append((head.uid, first))
                        reading.add(head.uid)
                    else:
                        in_parts.add(head.uid)  # nothing to read but the header
            else:
                answered = self._take(pipe.result(ticket), asked)
                if opening:
                    first_in_flight -= len(asked)
                more: dict[int, list[tuple[Leaf, int]]] = {}
                for uid in asked:
                    if uid not in answered or rounds[uid] >= _PART_ROUNDS:
                        continue
                    if (read := self._more(by_uid[uid], wanted)) is not None:
                        more[uid] = [read]
                if more:
                    send(more, False)
                # Asked and not answered (NIL: expunged meanwhile, or a server that would not): read whole instead
                # of kept with part of what the analysis reads.
                settled = set(asked) - more.keys()
                reading -= settled
                in_parts |= settled & answered
            top_up()  # before handing on, which may wait for the caller: the link carries on meanwhile
            ready = 0
            while ready < len(front) and front[ready].uid not in reading:
                ready += 1
            # Handed on: SETTLED_MIN or more together; what is read when the window is full; the rest at the end.
            if ready < SETTLED_MIN and in_window < BATCH_BYTES and (ready < len(front) or sent):
                ready = 0
            while ready:
                heads = self._handed(front, ready, in_parts)
                ready -= len(heads)
                for head in heads:
                    del by_uid[head.uid]
                    wanted.pop(head.uid, None)
                    rounds.pop(head.uid, None)
                    in_window -= weights.pop(head.uid, 0)
                handed = lot_end + 1 if not front and not sent else heads[-1].uid + 1
                yield self._messages(pipe, role, heads, in_parts, gmail), handed
                in_parts.difference_update(h.uid for h in heads)
            top_up()  # (what was handed on made room)
        if lot_end and handed <= lot_end:  # the last lot's last UIDs were expunged since the search
            yield [], lot_end + 1

    @classmethod
    def _handed(cls, front: deque[_Head], ready: int, in_parts: set[int]) -> list[_Head]:
        """The next of the ``ready`` messages at the ``front`` to hand on, taken off it: BATCH_BYTES of them at most
        to hold (one message, however big, at least)."""
        heads = [front.popleft()]
        held = cls._cost(heads[0], in_parts)
        while len(heads) < ready and held + (cost := cls._cost(front[0], in_parts)) <= BATCH_BYTES:
            heads.append(front.popleft())
            held += cost
        return heads

    @staticmethod
    def _cost(head: _Head, in_parts: set[int]) -> int:
        """The bytes ``head`` holds once read (``FetchedMessage.size``): its header and the parts read, or its body
        (up to MAX_BODY_BYTES) read whole."""
        if not head.candidate:
            return len(head.header)
        if head.uid in in_parts:
            return len(head.header) + sum(len(leaf.data) for leaf in head.leaves or ())
        return min(head.size, MAX_BODY_BYTES)

    def _lot_heads(self, role: FolderRole, lot: Sequence[int], first: dict[int, dict[bytes, Any]]) -> list[_Head]:
        """What pass 1 (``first``) learnt of a lot's messages; those expunged since the search left out."""
        heads: list[_Head] = []
        for uid in lot:
            data = first.get(uid)
            header = _item(data, b"BODY[HEADER") if data else None
            if data is None or header is None:
                continue  # expunged since the search
            candidate = might_be_job_mail(header, role)
            leaves = imap_parts.plan(data.get(b"BODYSTRUCTURE")) if candidate else None
            heads.append(_Head(uid, int(data.get(b"RFC822.SIZE") or 0), header, data, candidate, leaves))
        return heads

    def _messages(
        self, pipe: FetchPipe, role: FolderRole, heads: list[_Head], in_parts: set[int], gmail: bool
    ) -> list[FetchedMessage]:
        """``heads`` as fetched messages: those of ``in_parts`` with their parts, other candidates read whole."""
        # Read whole: a structure the parts cannot mirror, and parts the server did not give as asked (NIL, or
        # under another name): expunged meanwhile, or a server that reads sections its own way.
        whole = [(h.uid, h.size) for h in heads if h.candidate and (h.leaves is None or h.uid not in in_parts)]
        bodies = self._fetch_bodies(pipe, whole)
        messages: list[FetchedMessage] = []
        for head in heads:
            parts = None
            if not head.candidate:
                raw: bytes | None = head.header
            elif head.leaves is not None and head.uid in in_parts:
                raw = head.header
                parts = imap_parts.parts(head.leaves)
            else:
                raw = bodies.get(head.uid)
            if raw is None:
                continue  # expunged between the passes: nothing to read, nothing to record
            identity = thread_id = None
            if gmail:
                msgid, thrid = head.data.get(b"X-GM-MSGID"), head.data.get(b"X-GM-THRID")
                # The Gmail API's id for the same message, so IMAP and API accounts agree on identity.
                identity = f"gmail:{int(msgid):x}" if msgid is not None else None
                thread_id = f"{int(thrid):x}" if thrid is not None else None
            messages.append(
                FetchedMessage(
                    str(head.uid),
                    raw,
                    role,
                    thread_id=thread_id,
                    identity=identity,
                    headers_only=not head.candidate,
                    parts=parts,
                )
            )
        return messages

    def _more(self, head: _Head, wanted: dict[int, int]) -> tuple[Leaf, int] | None:
        """The next read of ``head``'s parts, when the text read so far is shorter than the analysis reads."""
        leaves = head.leaves or []
        text, whole = parts_text(imap_parts.parts(leaves), [])
        if whole:
            return None
        fields = parse_header_lines(head.header)
        calendar = any(leaf.kind == "calendar" for leaf in leaves)
        subject = decoded(fields.get("subject", ""))
        # Judged from all that was read, and as the classifier judges it too (its first look, cut mid-line).
        from inboxwatch.core.detect.reading import read_wanted  # (see _preload_reading)

        need = max(wanted.get(head.uid, 0), read_wanted(fields, subject, text, calendar=calendar))
        wanted[head.uid] = need
        if len(text) >= need:  # the classifier reads the first characters of the text, CRs included
            return None
        texts = [leaf for leaf in leaves if leaf.kind == "text"]
        if texts and (not all(leaf.complete for leaf in texts) or text.strip()):
            pending = [leaf for leaf in texts if not leaf.complete]
        else:
            pending = [leaf for leaf in leaves if leaf.kind == "html" and not leaf.complete]
        if not pending:
            return None
        leaf = pending[0]
        count = min(imap_parts.MAX_TEXT_BYTES, leaf.bytes_for(need)) - len(leaf.data)
        return leaf, max(count, len(leaf.data), 4096)

    @staticmethod
    def _take(answers: dict[int, dict[bytes, Any]], asked: dict[int, list[tuple[Leaf, int]]]) -> set[int]:
        """Keep each answered read of ``asked`` ({uid: reads}) in its leaf; the UIDs answered in full."""
        answered: set[int] = set()
        for uid, data in answers.items():
            reads = asked.get(uid, [])
            chunks = [data.get(imap_parts.response_key(leaf)) for leaf, _ in reads]
            if not reads or not all(isinstance(chunk, bytes) for chunk in chunks):
                continue  # NIL: expunged meanwhile
            answered.add(uid)
            for (leaf, count), chunk in zip(reads, chunks, strict=True):
                imap_parts.take(leaf, chunk, count)
        return answered

    def _fetch_bodies(self, pipe: FetchPipe, candidates: Sequence[tuple[int, int]]) -> dict[int, bytes]:
        """Bodies of ``(uid, size)`` candidates: whole ones in one FETCH, the first MiB of big ones in another."""
        bodies: dict[int, bytes] = {}
        for item, key, group in _body_groups(candidates):
            for uid, data in pipe.result(pipe.send(group, [item])).items():
                body = data.get(key)
                if isinstance(body, bytes):
                    bodies[uid] = body
        return bodies

    def _fetch(self, client: IMAPClient, uids: Sequence[int], items: Sequence[str]) -> dict[int, dict[bytes, Any]]:
        """UID FETCH; when the server refuses because some message was just expunged, sync and retry once."""
        try:
            result: dict[int, dict[bytes, Any]] = client.fetch(list(uids), list(items))
            return result
        except IMAPClientAbortError:
            raise
        except IMAPClientError as e:
            if "EXPUNGE" not in str(e).upper():
                raise
        client.noop()
        result = client.fetch(list(uids), list(items))
        return result

    # --- drafts -------------------------------------------------------------------------------------

    def append_draft(self, raw: bytes) -> str:
        """APPEND ``raw`` to the drafts folder, flagged ``\\Draft`` and ``\\Seen``; returns ``folder/uid``."""
        folder = self.folders().get(FolderRole.DRAFTS)
        if folder is None:
            raise SourceError(f'account {self.account!r} has no drafts folder (set drafts = "…")')
        with self._errors(f"saving a draft to {folder!r}"):
            response = self._connection().append(folder, raw, flags=(b"\\Draft", b"\\Seen"), msg_time=self.clock())
            text = response if isinstance(response, bytes) else str(response).encode()
            match = _APPENDUID_RE.search(text)
            return f"{folder}/{int(match.group(2))}" if match else folder

    # --- waiting ------------------------------------------------------------------------------------

    def wait_for_changes(self, role: FolderRole, timeout: float) -> bool:
        """Block up to ``timeout`` seconds until mail arrives in ``role``'s folder; True if it did.

        Uses IDLE, re-issued every ``idle_reissue_seconds`` with a NOOP in between to prove the connection
        alive. Mail that arrived since the last :meth:`fetch_changes` (or, on a connection used only for
        waiting, since the previous wait) counts at once. Raises ``SourceError`` when the server lacks
        IDLE (poll instead), ``TransientSourceError`` when the connection drops.
        """
        folder = self.folder(role)
        deadline = time.monotonic() + max(0.0, timeout)
        with self._errors(f"waiting for mail in {folder!r}"):
            client = self._connection()
            if not client.has_capability("IDLE"):
                raise SourceError(f"account {self.account!r}: the server does not support IDLE")
            info = self._examine(client, folder)
            known = self._known.get(role)
            state = (int(info[b"UIDVALIDITY"]), int(info.get(b"UIDNEXT") or 0))
            self._known[role] = state if known is None or state[0] != known[0] else max(known, state)
            if known is not None and (state[0] != known[0] or state[1] > known[1]):
                return True  # arrived while nobody was waiting
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                client.idle()
                try:
                    responses = client.idle_check(timeout=min(remaining, self.idle_reissue_seconds))
                finally:
                    _, more = client.idle_done()
                _, pending = client.noop()  # liveness: a dead connection raises here, not in half an hour
                if any(_is_arrival(r) for r in [*responses, *more, *pending]):
                    # Reported once: the next wait takes the folder as it then is for its starting point.
                    self._known.pop(role, None)
                    return True


def _first_reads(leaves: list[Leaf], look: int) -> list[tuple[Leaf, int]]:
    """A message's first reads: its invitations whole, the first ``look`` characters of its text parts (of its HTML
    ones when it has none)."""
    texts = any(leaf.kind == "text" for leaf in leaves)
    return [
        (leaf, _WHOLE_CALENDAR if leaf.kind == "calendar" else leaf.bytes_for(look))
        for leaf in leaves
        if leaf.kind in {"calendar", "text"} or not texts
    ]


@functools.cache  # once
def _preload_reading() -> None:
    """Start loading what says how much of a text to read (``core.detect.reading``: with the classifier's phrase
    tables, a fifth of a second of work), in a thread, once: the connection's round trips are waited for meanwhile,
    instead of after it. (Its users import it where they read it: they wait for it if it is not loaded yet.)"""
    if "inboxwatch.core.detect.reading" not in sys.modules:
        threading.Thread(target=importlib.import_module, args=("inboxwatch.core.detect.reading",), daemon=True).start()


def _is_arrival(response: Any) -> bool:
    return isinstance(response, tuple) and len(response) >= 2 and response[1] in (b"EXISTS", b"RECENT")


def _item(data: dict[bytes, Any], prefix: bytes) -> bytes | None:
    for key, value in data.items():
        if isinstance(key, bytes) and key.upper().startswith(prefix) and isinstance(value, bytes):
            return value
    return None


def _body_groups(candidates: Sequence[tuple[int, int]]) -> Iterator[tuple[str, bytes, list[int]]]:
    """(fetch item, response key, uids) groups: whole small messages, then first MiB of big ones."""
    small = [(uid, size) for uid, size in candidates if size <= MAX_BODY_BYTES]
    big = [(uid, size) for uid, size in candidates if size > MAX_BODY_BYTES]
    for item, key, members in ((_FULL_ITEM, b"BODY[]", small), (_PARTIAL_ITEM, b"BODY[]<0>", big)):
        group: list[int] = []
        budget = 0
        for uid, size in members:
            cost = min(size, MAX_BODY_BYTES)
            if group and budget + cost > BATCH_BYTES:
                yield item, key, group
                group, budget = [], 0
            group.append(uid)
            budget += cost
        if group:
            yield item, key, group


def _shutdown(client: IMAPClient) -> None:
    with contextlib.suppress(Exception):
        client.shutdown()


def _in_batches(messages: list[FetchedMessage], next_uid: int) -> Iterator[tuple[list[FetchedMessage], int]]:
    """A fetched lot as batches of at most ``BATCH_SIZE`` messages, each with the UID to resume after it."""
    if not messages:
        yield messages, next_uid
    for i in range(0, len(messages), BATCH_SIZE):
        part = messages[i : i + BATCH_SIZE]
        yield part, next_uid if i + BATCH_SIZE >= len(messages) else int(part[-1].uid) + 1


__all__ = ["BATCH_SIZE", "MAX_BODY_BYTES", "FolderCursor", "IMAPSource"]

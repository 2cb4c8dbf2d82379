"""A Gmail mailbox through the Gmail API, read-only: inbox and sent by label, new mail through history.

- **Read-only.** Scopes are ``gmail.readonly`` (plus ``gmail.compose`` when drafts are enabled); no label
  is ever changed. The only write is :meth:`GmailSource.append_draft`.
- **First scan.** ``users.getProfile`` gives the history id to continue from; then ``messages.list``
  (``labelIds=INBOX`` or ``SENT``, ``q=newer_than:Nd`` from the backfill) pages through the window,
  newest first. Each page becomes one batch: ``format=metadata`` for every message, then ``format=full``
  (the headers and text parts; attachments by reference only) for candidates of the header prefilter
  (:func:`~inboxwatch.sources.prefilter.might_be_job_mail`): cheaper than ``format=raw``, measured by
  ``benchmarks/gmail_formats.py``. Other messages are handed on with their
  header lines as ``raw``. The gets go out in HTTP batches (``BatchHttpRequest``).
- **Cursor.** JSON ``{"historyId": …}``; while a first scan is unfinished it also holds the part of the
  window still to list, so an interrupted first scan resumes instead of starting again.
- **Incremental scans** ask ``users.history.list(startHistoryId, historyTypes=messageAdded, labelId)``:
  one call (2 quota units) when nothing changed. An expired history id (HTTP 404) leads to a rescan of
  the backfill window; the store de-duplicates by identity (``gmail:<message id>``).
- **Errors.** 429, 403 rate limits and 5xx are retried with exponential backoff and jitter, honouring
  Retry-After, for at most :attr:`GmailSource.max_total_wait` seconds per call, then
  ``TransientSourceError``; failed parts of a batch are retried one by one. 401 and refused renewals
  raise ``AuthError``; network failures ``TransientSourceError``; anything else ``SourceError``.
"""

from __future__ import annotations

import contextlib
import logging
import ssl
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Final
from urllib.parse import urlsplit

import google_auth_httplib2  # type: ignore[import-untyped]
import httplib2  # type: ignore[import-untyped]
from google.auth.exceptions import RefreshError, TransportError
from googleapiclient.discovery import build
from googleapiclient.errors import BatchError, HttpError
from googleapiclient.http import BatchHttpRequest

from inboxwatch.config import AccountConfig
from inboxwatch.config.schema import is_localhost
from inboxwatch.errors import AuthError, InboxwatchError, SourceError, TransientSourceError
from inboxwatch.models import FolderRole
from inboxwatch.sources.base import Batch, FetchedMessage, Source
from inboxwatch.sources.gmail_auth import COMPOSE_SCOPE, load_credentials, reauth_hint, refusal_message
from inboxwatch.sources.gmail_sync import (
    LABELS,
    METADATA_HEADERS,
    SCOPE_REASONS,
    UNITS,
    GmailCursor,
    backoff,
    chunks,
    encode_raw,
    epoch,
    error_message,
    error_reasons,
    header_block,
    header_value,
    is_retryable,
    message_id_key,
    newer_than_query,
    rebuild_from_full,
    retry_after,
    window_query,
)
from inboxwatch.sources.prefilter import might_be_job_mail, parse_header_lines

log = logging.getLogger(__name__)

DEFAULT_ENDPOINT: Final = "https://gmail.googleapis.com/"
BATCH_PATH: Final = "batch"  # the static discovery document's batchPath, joined to rootUrl as the client does
DEFAULT_TIMEOUT: Final = 60.0
WATCHED_ROLES: Final = (FolderRole.INBOX, FolderRole.SENT)
_WRITE_SCOPES: Final = (COMPOSE_SCOPE, "https://www.googleapis.com/auth/gmail.modify", "https://mail.google.com/")


def _utc_now() -> datetime:
    return datetime.now(UTC)


class GmailSource(Source):
    """One Gmail account through the Gmail API. Builds its client lazily; never prompts for consent."""

    page_size: int = 100  # messages per messages.list page, and per batch handed to the store
    batch_parts: int = 25  # requests per HTTP batch (Google advises at most 50 for Gmail)
    max_total_wait: float = 90.0  # seconds of backoff for one call before giving up (TransientSourceError)
    max_single_wait: float = 32.0

    @classmethod
    def from_config(cls, account: AccountConfig) -> GmailSource:
        return cls(account)

    def __init__(
        self,
        account: AccountConfig,
        *,
        credentials_factory: Callable[[AccountConfig], Any] = load_credentials,
        http: httplib2.Http | None = None,
        clock: Callable[[], datetime] = _utc_now,
        sleep: Callable[[float], None] = time.sleep,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        super().__init__(account.name)
        endpoint = account.api_endpoint
        if endpoint is not None:
            parts = urlsplit(endpoint)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise SourceError(f"account {account.name!r}: api_endpoint {endpoint!r} is not an http(s) URL")
            if parts.scheme == "http" and not is_localhost(parts.hostname):
                raise SourceError(f"account {account.name!r}: a plain http api_endpoint is only allowed to localhost")
            endpoint = endpoint.rstrip("/") + "/"
        self.config = account
        self.endpoint = endpoint
        self.backfill = account.backfill
        self.credentials_factory = credentials_factory
        self.clock = clock
        self.sleep = sleep
        self.timeout = timeout
        self.quota_units = 0  # since this source was made; each scan's share is logged at DEBUG
        self._http = http
        self._service: Any = None
        self._credentials: Any = None
        self._batch_uri = (endpoint or DEFAULT_ENDPOINT) + BATCH_PATH
        self._threads: dict[str, str] = {}  # Message-ID → Gmail thread id, of the messages seen

    # --- the client ---------------------------------------------------------------------------------

    def _api(self) -> Any:
        """``users()`` of the Gmail v1 client, built on first use from the bundled discovery document."""
        if self._service is None:
            credentials = self.credentials_factory(self.config)
            transport = self._http or httplib2.Http(timeout=self.timeout, ca_certs=self.config.ca_file)
            authorized = google_auth_httplib2.AuthorizedHttp(credentials, http=transport)
            options = {"api_endpoint": self.endpoint} if self.endpoint else None
            with self._errors("building the Gmail client"):
                self._service = build(
                    "gmail", "v1", http=authorized, static_discovery=True, cache_discovery=False, client_options=options
                )
            self._credentials = credentials
        return self._service.users()

    def close(self) -> None:
        service, self._service = self._service, None
        if service is not None:
            with contextlib.suppress(Exception):
                service.close()

    @contextlib.contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """Turn library errors into inboxwatch errors (``raise … from e``), never showing a token."""
        where = f"account {self.account!r} (Gmail), {doing}"
        try:
            yield
        except InboxwatchError:
            raise
        except HttpError as e:
            raise self._http_error(where, e) from e
        except RefreshError as e:
            if self.config.token_env:
                raise AuthError(f"{where}: the access token in {self.config.token_env} was refused or expired") from e
            raise AuthError(refusal_message(self.account, e)) from e
        except TransportError as e:
            raise TransientSourceError(f"{where}: cannot reach Google: {type(e).__name__}") from e
        except BatchError as e:
            raise SourceError(f"{where}: malformed batch response: {e}") from e
        except ssl.SSLCertVerificationError as e:
            raise SourceError(f"{where}: the server's certificate was not accepted: {e.verify_message}") from e
        except (httplib2.HttpLib2Error, OSError) as e:  # refused, reset, DNS, timeouts, TLS drops
            raise TransientSourceError(f"{where}: {type(e).__name__}: {e}") from e
        except (ValueError, KeyError, TypeError) as e:
            raise SourceError(f"{where}: unexpected answer from Gmail: {type(e).__name__}: {e}") from e

    def _http_error(self, where: str, e: HttpError) -> InboxwatchError:
        status = int(e.resp.status)
        message = error_message(e.content) or str(getattr(e, "reason", "")) or "no details"
        if status == 401:
            if self.config.token_env:
                return AuthError(f"{where}: Gmail refused the access token in {self.config.token_env} (HTTP 401)")
            return AuthError(f"{where}: Gmail refused the saved authorisation (HTTP 401); {reauth_hint(self.account)}")
        if status == 403 and error_reasons(e.content) & SCOPE_REASONS:
            hint = reauth_hint(self.account)
            return AuthError(f"{where}: the Gmail authorisation does not allow this ({message}); {hint}")
        if is_retryable(status, e.content):
            return TransientSourceError(f"{where}: HTTP {status}: {message}")
        return SourceError(f"{where}: HTTP {status}: {message}")

    # --- calls with retries -------------------------------------------------------------------------

    def _pause(self, e: HttpError, attempt: int, waited: float, what: str) -> float:
        """Seconds to wait before repeating a request that failed with ``e``; raises when it is time to stop."""
        delay = retry_after(e.resp, e.content, self.clock())
        if delay is None:
            delay = backoff(attempt, cap=self.max_single_wait)
        if waited + delay > self.max_total_wait:
            raise TransientSourceError(
                f"account {self.account!r} (Gmail), {what}: HTTP {e.resp.status} still after {waited:.0f} s of "
                f"retries (next wait {delay:.0f} s): {error_message(e.content) or 'rate limited'}"
            ) from e
        log.info("account %s: %s: HTTP %s, retrying in %.1f s", self.account, what, e.resp.status, delay)
        return delay

    def _execute(self, request: Any, what: str, *, idempotent: bool = True) -> Any:
        """``request.execute()``, repeated after 429, 403 rate limits and (when ``idempotent``) 5xx."""
        waited, attempt = 0.0, 0
        while True:
            self.quota_units += UNITS.get(what, 5)
            try:
                return request.execute(num_retries=0)
            except HttpError as e:
                if not is_retryable(int(e.resp.status), e.content, idempotent=idempotent):
                    raise
                delay = self._pause(e, attempt, waited, what)
            self.sleep(delay)
            waited += delay
            attempt += 1

    def _get_request(self, message_id: str, fmt: str) -> Any:
        params: dict[str, Any] = {"userId": "me", "id": message_id, "format": fmt}
        if fmt == "metadata":
            params["metadataHeaders"] = list(METADATA_HEADERS)
        return self._api().messages().get(**params)

    def _get_many(self, ids: Sequence[str], fmt: str) -> dict[str, Any]:
        """``messages.get`` of ``ids`` in one HTTP batch; failed parts are retried one by one.

        Messages deleted meanwhile (404) are left out of the result.
        """
        got: dict[str, Any] = {}
        retry: list[tuple[str, HttpError]] = []
        fatal: list[HttpError] = []

        def done(request_id: str, response: Any, exception: Exception | None) -> None:
            if exception is None:
                got[request_id] = response
            elif not isinstance(exception, HttpError):
                raise exception
            elif int(exception.resp.status) == 404:
                log.debug("account %s: message %s is gone", self.account, request_id)
            elif is_retryable(int(exception.resp.status), exception.content):
                retry.append((request_id, exception))
            else:
                fatal.append(exception)

        waited, attempt = 0.0, 0
        while True:
            batch = BatchHttpRequest(callback=done, batch_uri=self._batch_uri)
            for message_id in ids:
                batch.add(self._get_request(message_id, fmt), request_id=message_id)
            self.quota_units += UNITS["messages.get"] * len(ids)
            try:
                batch.execute()
                break
            except HttpError as e:  # the whole batch was refused: nothing was called back
                if not is_retryable(int(e.resp.status), e.content):
                    raise
                delay = self._pause(e, attempt, waited, f"messages.get batch ({fmt})")
            self.sleep(delay)
            waited += delay
            attempt += 1
        if fatal:
            raise fatal[0]
        if retry:
            log.debug("account %s: %d part(s) of a batch failed; retrying them one by one", self.account, len(retry))
            asked = max((retry_after(e.resp, e.content, self.clock()) or 0.0 for _, e in retry), default=0.0)
            if asked > self.max_total_wait:
                raise TransientSourceError(
                    f"account {self.account!r} (Gmail), messages.get: Gmail asks to wait {asked:.0f} s"
                ) from retry[0][1]
            if asked > 0:
                self.sleep(asked)
            for message_id, _ in retry:
                try:
                    got[message_id] = self._execute(self._get_request(message_id, fmt), "messages.get")
                except HttpError as e:
                    if int(e.resp.status) != 404:
                        raise
        return got

    # --- folders ------------------------------------------------------------------------------------

    def roles(self) -> tuple[FolderRole, ...]:
        return WATCHED_ROLES

    def check(self) -> None:
        """One cheap call proving the credentials work and the mailbox has its system labels."""
        with self._errors("listing labels"):
            labels = self._execute(self._api().labels().list(userId="me"), "labels.list").get("labels", [])
        ids = {str(label.get("id")) for label in labels}
        missing = [LABELS[role] for role in WATCHED_ROLES if LABELS[role] not in ids]
        if missing:
            raise SourceError(f"account {self.account!r} (Gmail): no {', '.join(missing)} label")

    # --- fetching -----------------------------------------------------------------------------------

    def fetch_changes(self, role: FolderRole, cursor: str | None, *, since: datetime | None = None) -> Iterator[Batch]:
        if role not in LABELS:
            raise SourceError(f"account {self.account!r} has no {role} folder")
        return self._changes(role, cursor, since)

    def _changes(self, role: FolderRole, cursor: str | None, since: datetime | None) -> Iterator[Batch]:
        label = LABELS[role]
        start_units = self.quota_units
        state = GmailCursor.load(cursor)
        try:
            with self._errors(f"scanning {label}"):
                if state is None or state.backfill is not None:
                    if cursor is not None and state is None:
                        log.info(
                            "account %s: unreadable %s cursor; rescanning the last %s",
                            self.account,
                            role,
                            self.backfill,
                        )
                        since = None
                    yield from self._first_scan(role, state, since)
                    return
                batches = self._history_scan(role, state)
                if batches is None:
                    log.info(
                        "account %s: Gmail history %d has expired; rescanning %s of the last %s",
                        self.account,
                        state.history_id,
                        label,
                        self.backfill,
                    )
                    yield from self._first_scan(role, None, None)
                    return
                yield from batches
        finally:
            log.debug(
                "account %s: scanning %s cost %d Gmail quota units", self.account, label, self.quota_units - start_units
            )

    def _first_scan(self, role: FolderRole, state: GmailCursor | None, since: datetime | None) -> Iterator[Batch]:
        """List the window newest first; each page is one batch. ``state`` resumes an unfinished scan."""
        api = self._api()
        now = self.clock()
        if state is not None and state.backfill is not None:
            history_id = state.history_id
            after, before = state.backfill
            query = window_query(after, before)
        else:
            start = since if since is not None else now - self.backfill
            profile = self._execute(api.getProfile(userId="me"), "getProfile")
            history_id = int(profile["historyId"])  # before listing: what arrives now shows in history too
            after, before = epoch(start), epoch(now) + 1
            query = newer_than_query(start, now)
        page_token: str | None = None
        while True:
            request = api.messages().list(
                userId="me", labelIds=[LABELS[role]], q=query, maxResults=self.page_size, pageToken=page_token
            )
            page = self._execute(request, "messages.list")
            ids = list(dict.fromkeys(str(m["id"]) for m in page.get("messages") or []))
            page_token = page.get("nextPageToken")
            messages, oldest = self._fetch(role, ids)
            if oldest is not None:
                before = min(before, oldest // 1000 + 1)  # this second again: ties are read twice, not lost
            if not page_token:
                yield Batch(messages, GmailCursor(history_id).dump())
                return
            yield Batch(messages, GmailCursor(history_id, (after, before)).dump())

    def _history_scan(self, role: FolderRole, state: GmailCursor) -> Iterator[Batch] | None:
        """Batches of messages added to the label since ``state``; ``None`` when the history expired."""
        api = self._api()
        added: dict[str, int] = {}  # message id → id of the history record that added it, oldest first
        latest = state.history_id
        page_token: str | None = None
        while True:
            request = api.history().list(
                userId="me",
                startHistoryId=str(state.history_id),
                historyTypes=["messageAdded"],
                labelId=LABELS[role],
                maxResults=500,
                pageToken=page_token,
            )
            try:
                page = self._execute(request, "history.list")
            except HttpError as e:
                if int(e.resp.status) == 404:
                    return None
                raise
            for record in page.get("history") or []:
                record_id = int(record["id"])
                for item in record.get("messagesAdded") or []:
                    added.setdefault(str(item["message"]["id"]), record_id)
            latest = max(latest, int(page.get("historyId") or latest))
            page_token = page.get("nextPageToken")
            if not page_token:
                break
        return self._history_batches(role, state, added, latest)

    def _history_batches(
        self, role: FolderRole, state: GmailCursor, added: Mapping[str, int], latest: int
    ) -> Iterator[Batch]:
        ids = list(added)
        log.debug("account %s: %d new message(s) in %s", self.account, len(ids), LABELS[role])
        if not ids:
            if latest != state.history_id:  # other changes: move on, so the next call is cheaper
                yield Batch([], GmailCursor(latest).dump())
            return
        groups = list(chunks(ids, self.page_size))
        for i, group in enumerate(groups):
            messages, _ = self._fetch(role, group)
            last = i == len(groups) - 1
            # A record can add several messages: resume just before the record of the next one.
            resume = latest if last else max(state.history_id, added[groups[i + 1][0]] - 1)
            yield Batch(messages, GmailCursor(resume).dump())

    def _fetch(self, role: FolderRole, ids: Sequence[str]) -> tuple[list[FetchedMessage], int | None]:
        """Metadata of every id, then the body of candidates. Returns the messages, oldest internalDate (ms)."""
        metas: dict[str, Any] = {}
        for group in chunks(ids, self.batch_parts):
            metas.update(self._get_many(group, "metadata"))
        heads: dict[str, bytes] = {}
        candidates: list[str] = []
        oldest: int | None = None
        for message_id in ids:
            meta = metas.get(message_id)
            if meta is None:
                continue  # deleted since it was listed
            headers = (meta.get("payload") or {}).get("headers") or []
            heads[message_id] = header = header_block(headers)
            if meta.get("internalDate") is not None:
                stamp = int(meta["internalDate"])
                oldest = stamp if oldest is None else min(oldest, stamp)
            key = message_id_key(header_value(headers, "Message-ID"))
            if key and meta.get("threadId"):
                self._threads[key] = str(meta["threadId"])
            if might_be_job_mail(header, role):
                candidates.append(message_id)
        # format=full, not raw: the payload's parts with attachments by reference only, which measured cheaper
        # (benchmarks/gmail_formats.py: personal mail 0.77x the bytes, 0.55x gzip-compressed; bulk 1.0x).
        bodies: dict[str, bytes] = {}
        for group in chunks(candidates, self.batch_parts):
            for message_id, data in self._get_many(group, "full").items():
                bodies[message_id] = rebuild_from_full(data.get("payload") or {})
        chosen = set(candidates)
        messages: list[FetchedMessage] = []
        for message_id, header in heads.items():
            if message_id in chosen:
                raw = bodies.get(message_id)
                if raw is None:
                    continue  # deleted between the passes: nothing to read, nothing to record
            else:
                raw = header
            thread = metas[message_id].get("threadId")
            messages.append(
                FetchedMessage(
                    uid=message_id,
                    raw=raw,
                    role=role,
                    thread_id=str(thread) if thread else None,
                    identity=f"gmail:{message_id}",
                    headers_only=message_id not in chosen,
                )
            )
        return messages, oldest

    # --- drafts -------------------------------------------------------------------------------------

    def append_draft(self, raw: bytes) -> str:
        """Save ``raw`` as a Gmail draft, in the thread it replies to when known; returns ``drafts/<id>``."""
        with self._errors("saving a draft"):
            api = self._api()
            scopes = getattr(self._credentials, "scopes", None)
            if scopes and not set(scopes) & set(_WRITE_SCOPES):
                raise AuthError(
                    f"account {self.account!r} (Gmail): drafts need the gmail.compose permission; enable drafts "
                    f"and {reauth_hint(self.account)}"
                )
            message: dict[str, Any] = {"raw": encode_raw(raw)}
            thread = self._thread_of(raw)
            if thread:
                message["threadId"] = thread
            # Not repeated after a 5xx: the draft may have been made, and a second one would be a duplicate.
            request = api.drafts().create(userId="me", body={"message": message})
            draft = self._execute(request, "drafts.create", idempotent=False)
            return f"drafts/{draft['id']}"

    def _thread_of(self, raw: bytes) -> str | None:
        """The Gmail thread of the message ``raw`` replies to: from the messages seen, else one search."""
        head, _, _ = raw.partition(b"\r\n\r\n") if b"\r\n\r\n" in raw else raw.partition(b"\n\n")
        fields = parse_header_lines(head + b"\n\n")
        parent = message_id_key(fields.get("in-reply-to"))
        if parent is None:
            return None
        if parent in self._threads:
            return self._threads[parent]
        request = self._api().messages().list(userId="me", q=f"rfc822msgid:{parent}", maxResults=1)
        found = self._execute(request, "messages.list").get("messages") or []
        return str(found[0]["threadId"]) if found else None


__all__ = ["GmailCursor", "GmailSource"]

"""A small Gmail REST API on 127.0.0.1, for driving the real google-api-python-client in tests.

It implements what inboxwatch uses, answering the way Google does (JSON shapes, string history ids,
Google's error bodies, the multipart/mixed batch format ``googleapiclient.http.BatchHttpRequest`` sends
and parses):

- ``GET  /gmail/v1/users/me/profile``
- ``GET  /gmail/v1/users/me/messages`` (``q`` with ``newer_than:Nd``, ``after:``, ``before:`` (epoch
  seconds) and ``rfc822msgid:``; ``labelIds``; ``pageToken``/``maxResults``)
- ``GET  /gmail/v1/users/me/messages/{id}?format=minimal|metadata|raw|full`` (``metadataHeaders``)
- ``GET  /gmail/v1/users/me/history`` (``startHistoryId``, ``historyTypes``, ``labelId``; 404 when older
  than the oldest history kept)
- ``GET  /gmail/v1/users/me/threads/{id}``, ``POST /gmail/v1/users/me/drafts``, ``GET …/labels``
- ``POST /batch`` (the path the client derives from the discovery document: rootUrl + batchPath) and
  ``POST /batch/gmail/v1`` (the path in Gmail's documentation)
- ``POST /token``: OAuth refresh-token and authorization-code (with PKCE) grants

Every request needs ``Authorization: Bearer <token>`` with a token in :attr:`FakeGmail.tokens` (else 401).
Faults are injected with :meth:`FakeGmail.fail`; every request answered is recorded in :attr:`FakeGmail.seen`.
"""

from __future__ import annotations

import base64
import email
import email.policy
import hashlib
import itertools
import json
import re
import threading
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import Message
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from inboxwatch.config import AccountConfig

SYSTEM_LABELS = ("INBOX", "SENT", "DRAFT", "SPAM", "TRASH", "UNREAD", "STARRED", "IMPORTANT", "CATEGORY_PERSONAL")
API = "/gmail/v1/users/me/"
REASONS = {
    400: ("invalidArgument", "INVALID_ARGUMENT", "Invalid argument"),
    401: ("authError", "UNAUTHENTICATED", "Request had invalid authentication credentials."),
    403: ("forbidden", "PERMISSION_DENIED", "Forbidden"),
    404: ("notFound", "NOT_FOUND", "Requested entity was not found."),
    429: ("rateLimitExceeded", "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota)."),
    500: ("backendError", "INTERNAL", "Internal error encountered."),
    503: ("backendError", "UNAVAILABLE", "The service is currently unavailable."),
}
HISTORY_KEYS = {
    "messageAdded": "messagesAdded",
    "messageDeleted": "messagesDeleted",
    "labelAdded": "labelsAdded",
    "labelRemoved": "labelsRemoved",
}
STATUS_TEXT = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


@dataclass
class StoredMessage:
    id: str
    thread_id: str
    raw: bytes
    labels: set[str]
    internal_ms: int
    history_id: int


@dataclass
class Fault:
    method: str
    pattern: re.Pattern[str]
    status: int
    times: int
    headers: dict[str, str]
    reason: str | None
    where: str  # "any", "batch" (only parts of a batch) or "direct" (only requests on their own)


@dataclass(frozen=True)
class Seen:
    """One request the fake answered (the parts of a batch each count, with ``in_batch``)."""

    method: str
    path: str
    query: dict[str, list[str]]
    in_batch: bool
    status: int

    @property
    def format(self) -> str | None:
        return self.query.get("format", [None])[0]

    @property
    def message_id(self) -> str | None:
        match = re.fullmatch(re.escape(API) + r"messages/([^/]+)", self.path)
        return match.group(1) if match else None


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json; charset=UTF-8"


def error_body(status: int, reason: str | None = None, message: str | None = None) -> bytes:
    default_reason, code_status, default_message = REASONS.get(status, ("error", "UNKNOWN", "Error"))
    text = message or default_message
    errors = [{"message": text, "domain": "global", "reason": reason or default_reason}]
    return json.dumps({"error": {"code": status, "message": text, "errors": errors, "status": code_status}}).encode()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii")


class FakeGmail:
    """One in-memory mailbox behind a Gmail REST API. Use as a context manager, or start()/stop()."""

    def __init__(self, *, token: str = "fake-access-token", email_address: str = "alex.morgan@example.net") -> None:
        self.lock = threading.RLock()
        self.email_address = email_address
        self.messages: dict[str, StoredMessage] = {}
        self.deleted: dict[str, StoredMessage] = {}
        self.history: list[tuple[int, str, str]] = []  # (history id, kind, message id)
        self.history_id = 1000
        self.oldest_history = 1000  # a startHistoryId below this is answered with 404
        self.tokens: set[str] = {token}
        self.refresh_tokens: dict[str, str] = {}  # refresh token → scopes
        self.codes: dict[str, tuple[str, str]] = {}  # authorization code → (scopes, PKCE code challenge)
        self.drafts: dict[str, str] = {}  # draft id → message id
        self.seen: list[Seen] = []
        self.batch_paths: list[str] = []
        self.faults: list[Fault] = []
        self._ids = itertools.count(0x18F3A0000000)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ------------------------------------------------------------------------------------

    def start(self) -> FakeGmail:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out in two writes

            def do_GET(self) -> None:
                self._answer()

            def do_POST(self) -> None:
                self._answer()

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                response = fake.handle(self.command, self.path, headers, body)
                self.send_response(response.status, STATUS_TEXT.get(response.status))
                self.send_header("Content-Type", response.content_type)
                self.send_header("Content-Length", str(len(response.body)))
                for name, value in response.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(response.body)

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-gmail", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeGmail:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the fake first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # --- the mailbox --------------------------------------------------------------------------------

    def add_message(
        self,
        raw: bytes,
        labels: Iterable[str] = ("INBOX",),
        thread_id: str | None = None,
        internal_date: float | None = None,
    ) -> str:
        """Deliver ``raw`` with ``labels``; returns its Gmail id. The thread follows In-Reply-To unless given.

        ``internal_date`` (epoch seconds) defaults to the Date header, else now.
        """
        with self.lock:
            message_id = f"{next(self._ids):x}"
            headers = email.message_from_bytes(raw, policy=email.policy.compat32)
            if thread_id is None:
                parent = _msgid(headers.get("In-Reply-To"))
                thread_id = next(
                    (
                        m.thread_id
                        for m in self.messages.values()
                        if parent and _msgid(_header(m.raw, "Message-ID")) == parent
                    ),
                    message_id,
                )
            if internal_date is None:
                try:
                    internal_date = parsedate_to_datetime(str(headers["Date"])).timestamp()
                except (TypeError, ValueError, KeyError):
                    internal_date = time.time()
            self.history_id += 1
            self.messages[message_id] = StoredMessage(
                message_id, thread_id, raw, set(labels), int(internal_date * 1000), self.history_id
            )
            self.history.append((self.history_id, "messageAdded", message_id))
            return message_id

    def delete_message(self, message_id: str) -> None:
        with self.lock:
            self.deleted[message_id] = self.messages.pop(message_id)
            self.history_id += 1
            self.history.append((self.history_id, "messageDeleted", message_id))

    def bump_history(self, n: int = 1) -> int:
        """Other mailbox activity (labels read, mail elsewhere): the history id moves on."""
        with self.lock:
            for _ in range(n):
                self.history_id += 1
                self.history.append((self.history_id, "labelAdded", ""))
            return self.history_id

    def expire_history(self) -> None:
        """Forget all history so far: any earlier startHistoryId now gets 404 (the current one still works)."""
        with self.lock:
            self.oldest_history = self.history_id
            self.history = []

    def fail(
        self,
        path: str,
        status: int,
        *,
        times: int = 1,
        method: str = "GET",
        headers: dict[str, str] | None = None,
        reason: str | None = None,
        where: str = "any",
    ) -> None:
        """Answer the next ``times`` requests whose "path?query" matches regex ``path`` with ``status``."""
        with self.lock:
            self.faults.append(Fault(method, re.compile(path), status, times, headers or {}, reason, where))

    # --- what was asked -----------------------------------------------------------------------------

    def gets(self, fmt: str, *, in_batch: bool | None = None) -> list[str]:
        """Ids of messages.get calls with ``format=fmt`` (answered ones and failed ones)."""
        return [
            s.message_id
            for s in self.seen
            if s.message_id and s.format == fmt and (in_batch is None or s.in_batch == in_batch)
        ]

    def calls(self, path_suffix: str | None = None) -> list[Seen]:
        return [s for s in self.seen if path_suffix is None or s.path.endswith(path_suffix)]

    def clear(self) -> None:
        with self.lock:
            self.seen.clear()
            self.batch_paths.clear()

    # --- dispatch -----------------------------------------------------------------------------------

    def handle(
        self, method: str, target: str, headers: dict[str, str], body: bytes, in_batch: bool = False
    ) -> Response:
        split = urlsplit(target)
        path, query = split.path, parse_qs(split.query, keep_blank_values=True)
        with self.lock:
            response = self._route(method, path, query, headers, body, in_batch, split.query)
            self.seen.append(Seen(method, path, query, in_batch, response.status))
            return response

    def _route(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        headers: dict[str, str],
        body: bytes,
        in_batch: bool,
        raw_query: str,
    ) -> Response:
        if path == "/token" and method == "POST":
            return self._token(parse_qs(body.decode()))
        auth = headers.get("authorization", "")
        if not auth.startswith("Bearer ") or auth[len("Bearer ") :] not in self.tokens:
            return Response(401, error_body(401), {"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'})
        for fault in self.faults:
            wanted = fault.where == "any" or (fault.where == "batch") == in_batch
            if fault.times > 0 and fault.method == method and wanted and fault.pattern.search(f"{path}?{raw_query}"):
                fault.times -= 1
                return Response(fault.status, error_body(fault.status, fault.reason), dict(fault.headers))
        if method == "POST" and path in ("/batch", "/batch/gmail/v1"):
            self.batch_paths.append(path)
            return self._batch(headers, body)
        if not path.startswith(API):
            return Response(404, error_body(404))
        rest = path[len(API) :]
        def one(name: str) -> str | None:
            return query.get(name, [None])[0]

        if method == "GET" and rest == "profile":
            threads = {m.thread_id for m in self.messages.values()}
            return _json(
                {
                    "emailAddress": self.email_address,
                    "messagesTotal": len(self.messages),
                    "threadsTotal": len(threads),
                    "historyId": str(self.history_id),
                }
            )
        if method == "GET" and rest == "messages":
            return self._list(query)
        if method == "GET" and rest.startswith("messages/"):
            message = self.messages.get(rest.split("/", 1)[1])
            if message is None:
                return Response(404, error_body(404))
            return _json(self._format(message, one("format") or "full", query.get("metadataHeaders")))
        if method == "GET" and rest == "history":
            return self._history(query)
        if method == "GET" and rest.startswith("threads/"):
            thread_id = rest.split("/", 1)[1]
            members = sorted(
                (m for m in self.messages.values() if m.thread_id == thread_id), key=lambda m: m.internal_ms
            )
            if not members:
                return Response(404, error_body(404))
            fmt = one("format") or "full"
            return _json(
                {
                    "id": thread_id,
                    "historyId": str(max(m.history_id for m in members)),
                    "messages": [self._format(m, fmt, query.get("metadataHeaders")) for m in members],
                }
            )
        if method == "GET" and rest == "labels":
            return _json({"labels": [{"id": name, "name": name, "type": "system"} for name in SYSTEM_LABELS]})
        if method == "POST" and rest == "drafts":
            return self._create_draft(body)
        return Response(404, error_body(404))

    def _list(self, query: dict[str, list[str]]) -> Response:
        wanted = set(query.get("labelIds", []))
        terms = (query.get("q", [""])[0] or "").split()
        try:
            matches = [m for m in self.messages.values() if wanted <= m.labels and _matches(m, terms)]
        except ValueError as e:
            return Response(400, error_body(400, message=str(e)))
        if "true" not in query.get("includeSpamTrash", []):
            matches = [m for m in matches if not m.labels & {"SPAM", "TRASH"}]
        matches.sort(key=lambda m: (m.internal_ms, m.id), reverse=True)
        start = int(query.get("pageToken", ["0"])[0] or 0)
        size = min(500, int(query.get("maxResults", ["100"])[0]))
        page = matches[start : start + size]
        data: dict[str, Any] = {"resultSizeEstimate": len(matches)}
        if page:
            data["messages"] = [{"id": m.id, "threadId": m.thread_id} for m in page]
        if start + size < len(matches):
            data["nextPageToken"] = str(start + size)
        return _json(data)

    def _history(self, query: dict[str, list[str]]) -> Response:
        try:
            start = int(query["startHistoryId"][0])
        except (KeyError, ValueError):
            return Response(400, error_body(400, message="Missing or invalid startHistoryId"))
        if start < self.oldest_history:
            return Response(404, error_body(404))
        types = set(query.get("historyTypes", [])) or {"messageAdded", "messageDeleted", "labelAdded", "labelRemoved"}
        label = query.get("labelId", [None])[0]
        records = []
        for history_id, kind, message_id in self.history:
            if history_id <= start or kind not in types or not message_id:
                continue
            message = self.messages.get(message_id) or self.deleted.get(message_id)
            if message is None or (label and label not in message.labels):
                continue
            stub = {"id": message.id, "threadId": message.thread_id}
            change = [{"message": {**stub, "labelIds": sorted(message.labels)}}]
            records.append({"id": str(history_id), "messages": [stub], HISTORY_KEYS[kind]: change})
        offset = int(query.get("pageToken", ["0"])[0] or 0)
        size = min(500, int(query.get("maxResults", ["100"])[0]))
        data: dict[str, Any] = {"historyId": str(self.history_id)}
        if records[offset : offset + size]:
            data["history"] = records[offset : offset + size]
        if offset + size < len(records):
            data["nextPageToken"] = str(offset + size)
        return _json(data)

    def _create_draft(self, body: bytes) -> Response:
        try:
            message = json.loads(body)["message"]
            raw = base64.urlsafe_b64decode(message["raw"] + "=" * (-len(message["raw"]) % 4))
        except (ValueError, KeyError, TypeError):
            return Response(400, error_body(400, message="Invalid draft"))
        thread_id = message.get("threadId")
        if thread_id is not None and not any(m.thread_id == thread_id for m in self.messages.values()):
            return Response(404, error_body(404))
        message_id = self.add_message(raw, labels=("DRAFT",), thread_id=thread_id, internal_date=time.time())
        if thread_id is None:
            self.messages[message_id].thread_id = message_id
        draft_id = f"r{len(self.drafts) + 1:019d}"
        self.drafts[draft_id] = message_id
        stored = self.messages[message_id]
        return _json(
            {"id": draft_id, "message": {"id": message_id, "threadId": stored.thread_id, "labelIds": ["DRAFT"]}}
        )

    def _format(self, m: StoredMessage, fmt: str, wanted_headers: Sequence[str] | None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": m.id,
            "threadId": m.thread_id,
            "labelIds": sorted(m.labels),
            "snippet": "",
            "historyId": str(m.history_id),
            "internalDate": str(m.internal_ms),
            "sizeEstimate": len(m.raw),
        }
        parsed = email.message_from_bytes(m.raw, policy=email.policy.compat32)
        if fmt == "metadata":
            wanted = {h.lower() for h in wanted_headers} if wanted_headers else None
            headers = [h for h in _headers(parsed) if wanted is None or h["name"].lower() in wanted]
            data["payload"] = {"partId": "", "mimeType": parsed.get_content_type(), "filename": "", "headers": headers}
        elif fmt == "raw":
            data["raw"] = b64url(m.raw)
        elif fmt == "full":
            data["payload"] = _payload(parsed, "")
        elif fmt != "minimal":
            raise ValueError(f"unknown format {fmt}")
        return data

    def _batch(self, headers: dict[str, str], body: bytes) -> Response:
        """Parse a multipart/mixed batch, answer each application/http part, reply multipart/mixed."""
        outer = email.message_from_bytes(
            b"Content-Type: " + headers.get("content-type", "").encode() + b"\r\n\r\n" + body,
            policy=email.policy.compat32,
        )
        if not outer.is_multipart():
            return Response(400, error_body(400, message="Failed to parse batch request"))
        boundary = f"batch_{uuid.uuid4().hex}"
        chunks: list[bytes] = []
        for part in outer.get_payload():
            assert isinstance(part, Message)
            content_id = str(part["Content-ID"])
            text = part.get_payload()
            assert isinstance(text, str)
            request_line, _, rest = text.replace("\r\n", "\n").partition("\n")
            head, _, inner_body = rest.partition("\n\n")
            method, target, _version = request_line.split(" ", 2)
            inner_headers: dict[str, str] = {}
            for line in head.split("\n"):
                name, sep, value = line.partition(":")
                if sep:
                    inner_headers[name.strip().lower()] = value.strip()
            answer = self.handle(method, target, inner_headers, inner_body.encode(), in_batch=True)
            extra = "".join(f"{k}: {v}\r\n" for k, v in answer.headers.items())
            chunks.append(
                (
                    f"--{boundary}\r\nContent-Type: application/http\r\n"
                    f"Content-ID: <response-{content_id[1:-1]}>\r\n\r\n"
                    f"HTTP/1.1 {answer.status} {STATUS_TEXT.get(answer.status, 'Status')}\r\n"
                    f"Content-Type: {answer.content_type}\r\n{extra}Content-Length: {len(answer.body)}\r\n\r\n"
                ).encode()
                + answer.body
                + b"\r\n"
            )
        chunks.append(f"--{boundary}--\r\n".encode())
        return Response(200, b"".join(chunks), content_type=f"multipart/mixed; boundary={boundary}")

    def _token(self, form: dict[str, list[str]]) -> Response:
        grant = form.get("grant_type", [""])[0]
        if grant == "refresh_token":
            scopes = self.refresh_tokens.get(form.get("refresh_token", [""])[0])
            if scopes is None:
                body = {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}
                return Response(400, json.dumps(body).encode())
            return _json(self._issue(scopes))
        if grant == "authorization_code":
            code = form.get("code", [""])[0]
            if code not in self.codes:
                return Response(400, json.dumps({"error": "invalid_grant", "error_description": "Bad code"}).encode())
            scopes, challenge = self.codes.pop(code)
            verifier = form.get("code_verifier", [""])[0]
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
            if digest != challenge:
                return Response(400, json.dumps({"error": "invalid_grant", "error_description": "PKCE"}).encode())
            refresh = f"1//refresh-{uuid.uuid4().hex}"
            self.refresh_tokens[refresh] = scopes
            return _json({**self._issue(scopes), "refresh_token": refresh})
        return Response(400, json.dumps({"error": "unsupported_grant_type"}).encode())

    def _issue(self, scopes: str) -> dict[str, Any]:
        token = f"ya29.fake-{uuid.uuid4().hex}"
        self.tokens.add(token)
        return {"access_token": token, "expires_in": 3599, "scope": scopes, "token_type": "Bearer"}


def _json(data: Any) -> Response:
    return Response(200, json.dumps(data).encode())


def _headers(message: Message) -> list[dict[str, str]]:
    return [
        {"name": name, "value": re.sub(r"\r?\n[ \t]+", " ", _utf8(str(value)))} for name, value in message.raw_items()
    ]


def _utf8(value: str) -> str:
    """Raw 8-bit header bytes (kept by the parser as surrogate escapes) as Gmail shows them: read as UTF-8."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.encode("ascii", "surrogateescape").decode("utf-8", "replace")
    return value


def _header(raw: bytes, name: str) -> str | None:
    value = email.message_from_bytes(raw, policy=email.policy.compat32).get(name)
    return str(value) if value is not None else None


def _msgid(value: str | None) -> str | None:
    return value.strip().strip("<>") if value else None


def _payload(part: Message, part_id: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "partId": part_id,
        "mimeType": part.get_content_type(),
        "filename": part.get_filename() or "",
        "headers": _headers(part),
    }
    if part.is_multipart():
        children = part.get_payload()
        assert isinstance(children, list)
        data["body"] = {"size": 0}
        data["parts"] = [_payload(child, f"{part_id}.{i}" if part_id else str(i)) for i, child in enumerate(children)]
        return data
    content = part.get_payload(decode=True)
    content = content if isinstance(content, bytes) else b""
    if data["filename"]:
        data["body"] = {"attachmentId": f"ANGjdJ{uuid.uuid4().hex}", "size": len(content)}
    else:
        data["body"] = {"size": len(content), "data": b64url(content)}
    return data


def _matches(message: StoredMessage, terms: Sequence[str]) -> bool:
    now = time.time()
    for term in terms:
        name, _, value = term.partition(":")
        if name == "newer_than":
            if not value.endswith("d"):
                raise ValueError(f"unsupported newer_than:{value}")
            if message.internal_ms < (now - int(value[:-1]) * 86400) * 1000:
                return False
        elif name == "after":
            if message.internal_ms < int(value) * 1000:
                return False
        elif name == "before":
            if message.internal_ms >= int(value) * 1000:
                return False
        elif name == "rfc822msgid":
            if _msgid(_header(message.raw, "Message-ID")) != value.strip("<>"):
                return False
        else:
            raise ValueError(f"the fake does not understand {term!r}")
    return True


# --- for the tests: an account on the fake, a sleep that only records ---------------------------------

TOKEN = "fake-access-token"
TOKEN_ENV = "INBOXWATCH_TEST_GMAIL_TOKEN"


def gmail_account(fake: FakeGmail, **overrides: Any) -> AccountConfig:
    values: dict[str, Any] = {
        "name": "work",
        "kind": "gmail",
        "api_endpoint": fake.url,
        "token_env": TOKEN_ENV,
        "auth": "xoauth2",
        "backfill": timedelta(days=120),
    }
    values.update(overrides)
    return AccountConfig(**values)


class Sleeps:
    """A sleep that only records: backoff is asserted, not waited for."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)

"""The pure parts of the Gmail source: its cursor, search queries, message payloads and retry decisions.

Nothing here does I/O; :mod:`inboxwatch.sources.gmail` does the calls.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import random
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Final

from inboxwatch.backoff import Backoff
from inboxwatch.models import FolderRole
from inboxwatch.sources.headers import PREFILTER_HEADERS

LABELS: Final = {FolderRole.INBOX: "INBOX", FolderRole.SENT: "SENT", FolderRole.DRAFTS: "DRAFT"}

# Asked for with format=metadata: the one list of first-pass headers (sources.headers).
METADATA_HEADERS: Final = PREFILTER_HEADERS

# Quota units per call (https://developers.google.com/gmail/api/reference/quota).
UNITS: Final = {
    "messages.list": 5,
    "messages.get": 5,
    "history.list": 2,
    "getProfile": 1,
    "labels.list": 1,
    "drafts.create": 10,
}

RATE_LIMIT_REASONS: Final = frozenset({"rateLimitExceeded", "userRateLimitExceeded", "RATE_LIMIT_EXCEEDED"})
SCOPE_REASONS: Final = frozenset({"insufficientPermissions", "ACCESS_TOKEN_SCOPE_INSUFFICIENT"})
_RETRY_AT_RE: Final = re.compile(r"Retry after (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)")


# --- the cursor ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GmailCursor:
    """Where a scan of one label stopped.

    ``history_id``: every change up to it was handled (or, during a first scan, will be by the listing).
    ``backfill``: a first scan that has not finished; ``(after, before)`` in epoch seconds is what is left
    to list. Listing goes newest first, so after each batch ``before`` moves down to the oldest message read.
    """

    history_id: int
    backfill: tuple[int, int] | None = None

    def dump(self) -> str:
        data: dict[str, Any] = {"historyId": str(self.history_id)}
        if self.backfill is not None:
            data["backfill"] = {"after": self.backfill[0], "before": self.backfill[1]}
        return json.dumps(data, sort_keys=True)

    @classmethod
    def load(cls, text: str | None) -> GmailCursor | None:
        """The cursor in ``text``; ``None`` when absent or unreadable (a bounded full rescan follows)."""
        if not text:
            return None
        try:
            data = json.loads(text)
            history_id = int(data["historyId"])
            backfill = data.get("backfill")
            window = (int(backfill["after"]), int(backfill["before"])) if backfill is not None else None
        except (ValueError, KeyError, TypeError, AttributeError):
            return None
        if history_id <= 0:
            return None
        return cls(history_id, window)


# --- queries --------------------------------------------------------------------------------------------


def newer_than_query(since: datetime, now: datetime) -> str:
    """``newer_than:Nd`` covering ``since`` in whole days, rounded up (an hour over a day does not count:
    the window's edge is fuzzy anyway, and the caller's clock runs a little ahead of the clock of ``since``)."""
    days = max(1, math.ceil((now - since).total_seconds() / 86400 - 1 / 24))
    return f"newer_than:{days}d"


def window_query(after: int, before: int) -> str:
    """Messages received in [after, before) (epoch seconds): the rest of an interrupted first scan."""
    return f"after:{after} before:{before}"


def epoch(moment: datetime) -> int:
    return math.floor(moment.astimezone(UTC).timestamp())


def chunks(items: Sequence[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), max(1, size)):
        yield list(items[i : i + size])


# --- payloads -------------------------------------------------------------------------------------------


def decode_raw(data: str) -> bytes:
    """Gmail's base64url ``raw`` (padding optional) as bytes. Raises ``ValueError`` when malformed."""
    try:
        return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
    except (binascii.Error, TypeError) as e:
        raise ValueError(f"malformed base64url data: {e}") from e


def encode_raw(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii")


def header_block(headers: Iterable[Mapping[str, Any]]) -> bytes:
    """Gmail's ``[{"name", "value"}]`` as header lines ending in an empty line, like an IMAP header fetch."""
    lines = [f"{h.get('name', '')}: {_one_line(str(h.get('value', '')))}\r\n" for h in headers if h.get("name")]
    return "".join(lines).encode("utf-8") + b"\r\n"


def header_value(headers: Iterable[Mapping[str, Any]], name: str) -> str | None:
    wanted = name.lower()
    for h in headers:
        if str(h.get("name", "")).lower() == wanted:
            return str(h.get("value", ""))
    return None


def message_id_key(value: str | None) -> str | None:
    """``<abc@host>`` → ``abc@host`` (the first id when several are given)."""
    if not value:
        return None
    match = re.search(r"<([^<>\s]+)>", value)
    text = match.group(1) if match else value.strip().strip("<>")
    return text or None


def rebuild_from_full(payload: Mapping[str, Any]) -> bytes:
    """A MIME message from a ``format=full`` payload: every header and text part, attachments left empty.

    Used for messages too big to read whole: Gmail sends attachments only by reference in this format,
    so what comes back is the text the classifier reads. Bodies are written base64-encoded again (Gmail
    hands them out decoded), so the part headers say ``Content-Transfer-Encoding: base64``.
    """
    out: list[bytes] = []
    _write_part(payload, out)
    return b"".join(out)


def _write_part(part: Mapping[str, Any], out: list[bytes]) -> None:
    headers = [h for h in part.get("headers") or [] if str(h.get("name", "")).lower() != "content-transfer-encoding"]
    children = part.get("parts") or []
    mime_type = str(part.get("mimeType") or "text/plain")
    if mime_type.startswith("multipart/") and children:
        boundary = _boundary(header_value(headers, "Content-Type")) or f"inboxwatch-{random.getrandbits(64):016x}"
        if header_value(headers, "Content-Type") is None:
            headers = [*headers, {"name": "Content-Type", "value": f'{mime_type}; boundary="{boundary}"'}]
        out.append(header_block(headers))
        for child in children:
            out.append(b"--" + boundary.encode() + b"\r\n")
            _write_part(child, out)
            out.append(b"\r\n")
        out.append(b"--" + boundary.encode() + b"--\r\n")
        return
    data = (part.get("body") or {}).get("data")
    body = decode_raw(data) if isinstance(data, str) else b""
    out.append(header_block([*headers, {"name": "Content-Transfer-Encoding", "value": "base64"}]))
    out.append(base64.encodebytes(body).replace(b"\n", b"\r\n"))


def _boundary(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = re.search(r'boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))', content_type, re.IGNORECASE)
    return (match.group(1) or match.group(2)) if match else None


def _one_line(value: str) -> str:
    return " ".join(value.split()) if ("\n" in value or "\r" in value) else value


# --- retries --------------------------------------------------------------------------------------------


def error_reasons(content: bytes | str | None) -> set[str]:
    """The ``reason`` and ``status`` values of a Google JSON error body."""
    try:
        data = json.loads(content or b"{}")
    except (ValueError, TypeError):
        return set()
    error = data.get("error") if isinstance(data, dict) else None
    if not isinstance(error, dict):
        return set()
    found = {str(e.get("reason")) for e in error.get("errors") or [] if isinstance(e, dict) and e.get("reason")}
    found |= {str(d.get("reason")) for d in error.get("details") or [] if isinstance(d, dict) and d.get("reason")}
    if isinstance(error.get("status"), str):
        found.add(error["status"])
    return found


def error_message(content: bytes | str | None) -> str:
    try:
        data = json.loads(content or b"{}")
        return str(data["error"]["message"])[:300]
    except (ValueError, TypeError, KeyError):
        return ""


def is_retryable(status: int, content: bytes | str | None, *, idempotent: bool = True) -> bool:
    """429, 403 rate limits, and (for requests safe to repeat) 5xx."""
    if status == 429:
        return True
    if status == 403:
        return bool(error_reasons(content) & RATE_LIMIT_REASONS)
    return idempotent and status >= 500


def retry_after(headers: Mapping[str, Any], content: bytes | str | None, now: datetime) -> float | None:
    """Seconds the server asked to wait: ``Retry-After`` (seconds or HTTP date), else Gmail's
    "Retry after 2024-05-01T10:00:00.000Z" in the error message; ``None`` when it did not say."""
    value = headers.get("retry-after") or headers.get("Retry-After")
    if value is not None:
        text = str(value).strip()
        try:
            return max(0.0, float(text))
        except ValueError:
            pass
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            when = None
        if when is not None:
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            return max(0.0, (when - now).total_seconds())
    match = _RETRY_AT_RE.search(error_message(content))
    if match:
        when = datetime.fromisoformat(match.group(1).replace("Z", "+00:00"))
        return max(0.0, (when - now).total_seconds())
    return None


def backoff(attempt: int, *, base: float = 1.0, cap: float = 32.0, rand: Callable[[], float] = random.random) -> float:
    """Exponential backoff with jitter: between half and all of ``base * 2**attempt`` (at most ``cap``); the one
    formula of ``inboxwatch.backoff`` (``attempt`` counts from 0 here)."""
    return Backoff(base, cap, jitter=(0.5, 1.0)).delay(attempt + 1, rand)

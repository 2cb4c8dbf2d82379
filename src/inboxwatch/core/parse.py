"""Raw RFC 822 bytes → ``Message``. Any bytes in, a Message out; defects are recorded, never raised.

Built on the standard ``email`` package (the base mail-parser also stands on). We walk the MIME tree
ourselves rather than through ``mailparser.MailParser`` because that one decodes and re-encodes every
attachment eagerly; here work and memory are bounded: the raw input, the number of parts, the nesting
depth and the extracted text are all capped.
"""

from __future__ import annotations

import codecs
import functools
import hashlib
import html
import importlib
import quopri
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email import policy
from email.header import decode_header, make_header
from email.message import Message as EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser
from typing import Any

from inboxwatch.core.calendar_parts import parse_calendar
from inboxwatch.models import Address, CalendarEvent, FolderRole, Message

MAX_RAW_BYTES = 1 << 20  # the text and invite of a mail come first; attachments beyond are not needed
MAX_TEXT_CHARS = 64_000
MAX_PARTS = 200
MAX_DEPTH = 4
MAX_HEADER_CHARS = 4_000

# Headers kept for the classifier (lower-case).
KEPT_HEADERS = (
    "auto-submitted",
    "x-autoreply",
    "x-autorespond",
    "precedence",
    "list-id",
    "list-unsubscribe",
    "x-mailer",
    "x-campaign",
    "x-mailgun-tag",
    "feedback-id",
    "x-ms-has-attach",
    "sender",
    "return-path",
    "content-type",
    "x-gm-thrid",
)

_MSGID_RE = re.compile(r"<([^<>\s]+)>")


def parse_message(raw: bytes, folder: FolderRole = FolderRole.INBOX, source_uid: str = "") -> Message:
    """Parse raw bytes; never raises for any input."""
    defects: list[str] = []
    if len(raw) > MAX_RAW_BYTES:
        defects.append(f"message is larger than {MAX_RAW_BYTES} bytes; only the first {MAX_RAW_BYTES} were read")
        raw = raw[:MAX_RAW_BYTES]
    try:
        msg = BytesParser(policy=policy.compat32).parsebytes(raw)
    except Exception as e:  # the parser is lenient; this is for the truly unexpected
        defects.append(f"unparseable: {type(e).__name__}")
        msg = EmailMessage()
    for d in msg.defects[:5]:
        defects.append(f"mime: {type(d).__name__}")

    heads = _HeaderIndex(msg)
    subject = _header_text(heads, "subject", defects)
    sender = _first_address(heads, "from", defects)
    date = _parse_date(heads.get("date"), defects)
    message_id = _first_msgid(_header_text(heads, "message-id", defects))
    in_reply_to = _first_msgid(_header_text(heads, "in-reply-to", defects))
    references = tuple(_MSGID_RE.findall(_header_text(heads, "references", defects)))[-20:]
    headers = {}
    for name in KEPT_HEADERS:
        value = _header_text(heads, name, defects)
        if value:
            headers[name] = value

    texts: list[str] = []
    htmls: list[str] = []
    calendars: list[CalendarEvent] = []
    try:
        _walk(msg, texts, htmls, calendars, defects, depth=0, budget=[MAX_PARTS], ics_seen={})
    except Exception as e:  # a MIME tree broken in a way not foreseen: keep what was read, report it
        defects.append(f"unreadable MIME structure: {type(e).__name__}")
    text = "\n\n".join(t for t in texts if t.strip())
    if not text.strip() and htmls:
        text = "\n\n".join(html_to_text(h) for h in htmls)
    if len(text) > MAX_TEXT_CHARS:
        text = text[:MAX_TEXT_CHARS]

    key = message_id or _content_hash(sender, date, subject, text)
    gm_thread = _gmail_thread(headers.get("x-gm-thrid"))
    return Message(
        key=key,
        message_id=message_id,
        folder=folder,
        subject=subject,
        sender=sender,
        reply_to=_addresses(heads, "reply-to", defects),
        to=_addresses(heads, "to", defects),
        cc=_addresses(heads, "cc", defects),
        date=date,
        in_reply_to=in_reply_to,
        references=references,
        headers=headers,
        text=text,
        calendar=tuple(calendars),
        defects=tuple(dict.fromkeys(defects))[:20],
        thread_id=gm_thread,
        source_uid=source_uid,
    )


@dataclass(frozen=True)
class FetchedPart:
    """One part of a message as a source read it alone (IMAP ``BODY.PEEK[1.2]<0.N>``): its type, charset and
    transfer encoding as the server's BODYSTRUCTURE gives them, and its data, whole or its first bytes."""

    content_type: str  # lower-case: "text/plain", "text/html", "text/calendar"
    charset: str | None
    encoding: str  # the transfer encoding, lower-case: "7bit", "quoted-printable", "base64", …
    data: bytes
    complete: bool = True  # False: ``data`` is the first bytes only


def part_kind(content_type: str) -> str:
    """What the parser makes of a part that is not an attachment: "calendar", "html" or "text" ("" for none)."""
    if content_type in ("text/calendar", "application/ics"):
        return "calendar"
    if content_type == "text/html":
        return "html"
    return "text" if content_type.startswith("text/") else ""


def parse_parts(
    header: bytes, parts: Sequence[FetchedPart], folder: FolderRole = FolderRole.INBOX, source_uid: str = ""
) -> Message:
    """The message whose header lines are ``header`` and whose text and invitations are ``parts`` (the parts
    :func:`parse_message` reads, in the order of the message, attachments left out): what parsing the whole
    message gives, for the first ``len(text)`` characters of its text when a part was read in part."""
    message = parse_message(header, folder, source_uid)
    defects = [d for d in message.defects if not d.startswith("mime:")]  # a header block has no MIME body
    text, _ = parts_text(parts, defects)
    calendars: list[CalendarEvent] = []
    for part in parts:
        if part_kind(part.content_type) == "calendar" and len(calendars) < 10:
            calendars.extend(parse_calendar(_decoded_text(_part_message(part), defects), defects))
    key = message.key if message.message_id else _content_hash(message.sender, message.date, message.subject, text)
    return replace(message, key=key, text=text, calendar=tuple(calendars), defects=tuple(dict.fromkeys(defects))[:20])


def parts_text(parts: Sequence[FetchedPart], defects: list[str]) -> tuple[str, bool]:
    """The text :func:`parse_message` gives the whole message, from its text parts; and whether it is all of
    it (else it is the start of it: a part read in part ends the text with its last whole line)."""
    texts: list[str] = []
    htmls: list[str] = []
    text_whole = html_whole = True
    for part in parts:
        kind = part_kind(part.content_type)
        if kind == "text" and text_whole:
            texts.append(_part_text(part, defects))
            text_whole = part.complete
        elif kind == "html" and html_whole:
            htmls.append(_part_text(part, defects))
            html_whole = part.complete
    text = "\n\n".join(t for t in texts if t.strip())
    whole = text_whole
    if not text.strip() and htmls and text_whole:
        converted = [html_to_text(h) for h in htmls]
        if not html_whole:  # the markup was cut: its last line of text may go on
            converted[-1] = converted[-1][: max(0, converted[-1].rfind("\n"))].rstrip()
        text, whole = "\n\n".join(converted), html_whole
    if len(text) > MAX_TEXT_CHARS:
        text, whole = text[:MAX_TEXT_CHARS], True
    return text, whole


def _part_text(part: FetchedPart, defects: list[str]) -> str:
    payload = _plain_payload(part)
    if payload is not None:
        text = _payload_text(payload, part.charset.lower() if part.charset else None, defects, part.complete)
    else:
        text = _decoded_text(_part_message(part), defects, final=part.complete)
    if part.complete:
        return text
    if part_kind(part.content_type) == "html":  # its converted text is cut at its last line instead
        return _markup_prefix(text)
    return text[: text.rfind("\n") + 1]  # the last line may go on beyond what was read


def _markup_prefix(markup: str) -> str:
    """The start of an HTML body read in part, without the comment or tag the end cut open (the converter would
    give their insides as text)."""
    comment = markup.rfind("<!--")
    if comment >= 0 and markup.find("-->", comment + 4) < 0:
        markup = markup[:comment]
    tag = markup.rfind("<")
    return markup[:tag] if tag > markup.rfind(">") else markup


# email's own base64 decoder for a body (private, so typeshed does not describe it).
_encoded_words: Any = importlib.import_module("email._encoded_words")
_PLAIN_ENCODING = re.compile(r"[a-z0-9-]*")
_PLAIN_CHARSET = re.compile(r"[A-Za-z0-9._:+-]*")
_UUENCODE = frozenset({"x-uuencode", "uuencode", "uue", "x-uue"})


def _plain_payload(part: FetchedPart) -> bytes | None:
    """The part's payload decoded as ``email`` decodes :func:`_part_message`'s (``get_payload(decode=True)``),
    without parsing it into a message first; None for a transfer encoding or charset out of the ordinary,
    which are left to ``email``."""
    if not _PLAIN_ENCODING.fullmatch(part.encoding) or part.encoding in _UUENCODE:
        return None
    if part.charset is not None and not _PLAIN_CHARSET.fullmatch(part.charset):
        return None
    data = _readable_prefix(part)
    if part.encoding == "quoted-printable":
        return quopri.decodestring(data)
    if part.encoding == "base64":
        value: bytes = _encoded_words.decode_b(b"".join(data.splitlines()))[0]
        return value
    return data


def _readable_prefix(part: FetchedPart) -> bytes:
    """The part's data, cut where decoding it gives the start of the whole part's bytes (read in part)."""
    data = part.data
    if not part.complete:
        if part.encoding == "base64":
            data = b"".join(data.split())
            data = data[: len(data) // 4 * 4]
        elif part.encoding == "quoted-printable":
            data = data[: data.rfind(b"\n") + 1]  # an escape or a soft line break is never cut in two
    return data


def _part_message(part: FetchedPart) -> EmailMessage:
    """The part as the parser sees it inside the whole message; data read in part cut where decoding it
    gives the start of the whole part's bytes (base64: four characters at a time; quoted-printable: lines;
    a character cut in two by the end is left out when the text is decoded)."""
    data = _readable_prefix(part)
    head = f"Content-Type: {part.content_type}"
    if part.charset:
        head += f'; charset="{part.charset}"'
    head += f"\r\nContent-Transfer-Encoding: {part.encoding}\r\n\r\n"
    return BytesParser(policy=policy.compat32).parsebytes(head.encode("ascii", "replace") + data)


def _walk(
    part: EmailMessage,
    texts: list[str],
    htmls: list[str],
    calendars: list[CalendarEvent],
    defects: list[str],
    depth: int,
    budget: list[int],
    ics_seen: dict[str, tuple[list[CalendarEvent], list[str]]],
) -> None:
    budget[0] -= 1
    if budget[0] < 0:
        if budget[0] == -1:
            defects.append(f"more than {MAX_PARTS} MIME parts; the rest were skipped")
        return
    if depth > MAX_DEPTH:
        defects.append(f"MIME nesting deeper than {MAX_DEPTH}; inner parts skipped")
        return
    try:
        ctype = part.get_content_type()
    except Exception:
        ctype = "text/plain"
    payload = part.get_payload()
    if part.is_multipart() and isinstance(payload, list):
        for sub in payload:
            if isinstance(sub, EmailMessage):
                _walk(sub, texts, htmls, calendars, defects, depth + 1, budget, ics_seen)
        return
    if ctype == "message/rfc822" and isinstance(payload, list):
        for sub in payload:
            if isinstance(sub, EmailMessage):
                header = _forward_header(sub, defects)
                if header:
                    texts.append(header)
                _walk(sub, texts, htmls, calendars, defects, depth + 1, budget, ics_seen)
        return
    filename = ""
    try:
        filename = part.get_filename() or ""
    except Exception:
        defects.append("undecodable attachment name")
    disposition = str(part.get("content-disposition") or "").split(";")[0].strip().lower()
    is_ics = ctype in ("text/calendar", "application/ics") or filename.lower().endswith(".ics")
    if is_ics:
        if len(calendars) < 10:
            # Invitations carry one calendar twice (the text/calendar alternative and an invite.ics): read once.
            text = _decoded_text(part, defects)
            known = ics_seen.get(text)
            if known is None:
                problems: list[str] = []
                known = ics_seen[text] = (parse_calendar(text, problems), problems)
            calendars.extend(known[0])
            defects.extend(known[1])
        return
    if disposition == "attachment" or filename:
        return
    if ctype == "text/plain":
        texts.append(_decoded_text(part, defects))
    elif ctype == "text/html":
        htmls.append(_decoded_text(part, defects))
    elif ctype.startswith("text/"):
        texts.append(_decoded_text(part, defects))


def _forward_header(sub: EmailMessage, defects: list[str]) -> str:
    lines = []
    for name in ("From", "Date", "Subject", "To"):
        value = _header_text(sub, name.lower(), defects)
        if value:
            lines.append(f"{name}: {value}")
    return ("---------- Forwarded message ----------\n" + "\n".join(lines)) if lines else ""


def _decoded_text(part: EmailMessage, defects: list[str], final: bool = True) -> str:
    """The part's text; ``final=False``: its data is a prefix, so a character cut at the end is left out."""
    try:
        data = part.get_payload(decode=True)
    except Exception:
        defects.append("undecodable transfer encoding")
        return ""
    if not isinstance(data, bytes):
        return ""
    charset = None
    try:
        charset = part.get_content_charset()
    except Exception:
        defects.append("unreadable charset parameter")
    return _payload_text(data, charset, defects, final)


def _payload_text(data: bytes, charset: str | None, defects: list[str], final: bool) -> str:
    """A part's decoded payload as text, in its ``charset`` (lower-case), else UTF-8, else with replacement."""
    if len(data) > MAX_TEXT_CHARS * 4:
        data, final = data[: MAX_TEXT_CHARS * 4], True  # the whole message is cut here too: same text
    for candidate in (charset, "utf-8"):
        if not candidate:
            continue
        try:
            return _decode(data, _charset_alias(candidate), final)
        except (LookupError, UnicodeDecodeError):
            continue
    defects.append(f"text not valid in charset {charset or 'utf-8'}; decoded with replacement")
    fallback = "cp1252" if charset in (None, "us-ascii", "iso-8859-1") else "utf-8"
    return _decode(data, fallback, final, "replace")


def _decode(data: bytes, charset: str, final: bool, errors: str = "strict") -> str:
    if final:
        return data.decode(charset, errors)
    return codecs.getincrementaldecoder(charset)(errors).decode(data, final=False)


def _charset_alias(charset: str) -> str:
    # Mail in the wild labels cp1252 text as latin-1 and GB18030 text as GB2312.
    charset = charset.strip().strip('"').lower()
    return {"iso-8859-1": "cp1252", "latin1": "cp1252", "gb2312": "gb18030", "gbk": "gb18030"}.get(charset, charset)


_ESCAPED = re.compile("[\udc80-\udcff]")


def _raw_utf8(value: Any) -> Any:
    """Raw 8-bit header bytes (the parser keeps them as surrogate escapes) read as UTF-8, as RFC 6532 mail
    means them (José <josé@acme.example>); bytes that are not UTF-8 are read as cp1252, as mail in the wild."""
    if not isinstance(value, str) or not _ESCAPED.search(value):
        return value
    data = value.encode("ascii", "surrogateescape")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


class _HeaderIndex:
    """A message's headers by lower-cased name, read once: ``Message.get`` scans every header per call."""

    def __init__(self, msg: EmailMessage) -> None:
        self.policy = msg.policy
        self.by_name: dict[str, list[tuple[str, Any]]] = {}
        for name, value in msg.raw_items():
            self.by_name.setdefault(name.lower(), []).append((name, _raw_utf8(value)))

    def get(self, name: str) -> Any:
        """The first value, as ``Message.get`` gives it; None when absent."""
        found = self.by_name.get(name)
        return self.policy.header_fetch_parse(*found[0]) if found else None

    def get_all(self, name: str) -> list[Any]:
        return [self.policy.header_fetch_parse(*pair) for pair in self.by_name.get(name, ())]


def _header_text(msg: EmailMessage | _HeaderIndex, name: str, defects: list[str]) -> str:
    try:
        raw = msg.get(name)
    except Exception:
        defects.append(f"unreadable header {name}")
        return ""
    if raw is None:
        return ""
    raw = str(raw)[:MAX_HEADER_CHARS]
    if "=?" not in raw:  # no encoded words: decoding would give the same text, only slower
        return " ".join(raw.split())
    try:
        text = str(make_header(decode_header(raw)))
    except Exception:
        defects.append(f"undecodable header {name}")
        text = raw
    return " ".join(text.split())


def _gmail_thread(value: str | None) -> str | None:
    """Google Takeout writes X-GM-THRID in decimal; IMAP and the API sources give it in hex: one form."""
    value = (value or "").strip()
    if value.isdigit() and value.isascii():
        return f"{int(value):x}"
    return value or None


def _first_msgid(value: str) -> str | None:
    m = _MSGID_RE.search(value)
    if m:
        return m.group(1)
    value = value.strip()
    return value or None


def _addresses(msg: EmailMessage | _HeaderIndex, name: str, defects: list[str]) -> tuple[Address, ...]:
    try:
        values = tuple(str(v)[:MAX_HEADER_CHARS] for v in msg.get_all(name) or [])
    except Exception:
        defects.append(f"unreadable header {name}")
        return ()
    if not values:
        return ()
    found, problems = _parsed_addresses(values)
    defects.extend(f"{problem} {name}" for problem in problems)
    return found


@functools.lru_cache(maxsize=1024)  # the same few senders and the owner, message after message
def _parsed_addresses(values: tuple[str, ...]) -> tuple[tuple[Address, ...], tuple[str, ...]]:
    """The addresses of a header's values, and what could not be read of them."""
    try:
        pairs = getaddresses(list(values))
    except Exception:
        return (), ("unparseable addresses in",)
    out: list[Address] = []
    problems: list[str] = []
    for display, email in pairs[:100]:
        email = email.strip().lower()
        if "@" not in email:
            continue
        try:
            if "=?" in display:
                display = str(make_header(decode_header(display)))
        except Exception:
            problems.append("undecodable name in")
        out.append(Address(" ".join(display.split()).strip("'\" "), email))
    return tuple(out), tuple(problems)


def _first_address(msg: EmailMessage | _HeaderIndex, name: str, defects: list[str]) -> Address | None:
    found = _addresses(msg, name, defects)
    return found[0] if found else None


def _parse_date(value: object, defects: list[str]) -> datetime | None:
    if value is None:
        defects.append("no Date header")
        return None
    try:
        parsed = parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError, OverflowError):
        defects.append(f"unparseable Date header: {str(value)[:60]!r}")
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
        defects.append("Date header without a time zone; read as UTC")
    written = re.search(r"(?<![+\-\d:])(\d{4})\b", str(value))
    year = int(written.group(1)) if written else parsed.year  # "0001" must not become 2001
    if not 1980 <= year <= 2100 or year != parsed.year:
        defects.append(f"absurd Date header year {year}")
        return None
    return parsed


def _content_hash(sender: Address | None, date: datetime | None, subject: str, text: str) -> str:
    basis = "\x00".join([sender.email if sender else "", date.isoformat() if date else "", subject, text[:4000]])
    return "sha256:" + hashlib.sha256(basis.encode("utf-8", "replace")).hexdigest()[:32]


class _TextExtractor(HTMLParser):
    _BLOCK = frozenset({"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "table", "td", "section"})
    _SKIP = frozenset({"style", "script", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skip += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skip:
            self._skip -= 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Readable text of an HTML body: block elements become line breaks, styles and scripts vanish."""
    parser = _TextExtractor()
    try:
        parser.feed(markup[: MAX_TEXT_CHARS * 4])
        parser.close()
    except Exception:
        return html.unescape(re.sub(r"<[^>]+>", " ", markup))
    text = "".join(parser.parts).replace("\xa0", " ")
    lines = (" ".join(line.split()) for line in text.splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()

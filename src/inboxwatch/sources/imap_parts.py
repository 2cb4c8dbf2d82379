"""Which parts of a message to fetch, from its BODYSTRUCTURE, and how many bytes of each.

The parts are those ``core.parse`` reads of the whole message, in the same order and by the same rules
(attachments and named parts left out, an ``.ics`` part read as an invitation whatever its type), so that
``core.parse.parse_parts`` gives the same message. A structure this cannot mirror exactly (a forwarded
``message/rfc822`` part, a digest, nesting or a part count beyond the parser's limits, an encoding or charset
it does not know) gives ``None``: the message is fetched whole, as before.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import unquote

from inboxwatch.core.parse import MAX_DEPTH, MAX_PARTS, MAX_TEXT_CHARS, FetchedPart, part_kind

MAX_CALENDAR_BYTES: Final = 256 << 10  # an invitation is read whole; a bigger one: the whole message instead
MAX_TEXT_BYTES: Final = MAX_TEXT_CHARS * 6  # the most read of one text part (base64 of the parser's cap)
_ENCODINGS: Final = frozenset({"7bit", "8bit", "binary", "quoted-printable", "base64"})
_CHARSET_RE: Final = re.compile(r"[A-Za-z0-9._:+-]{1,40}")
_LINE: Final = 160
_MARKUP_PER_CHAR: Final = 3  # HTML: markup bytes per character of text, for a first guess


@dataclass
class Leaf:
    """One part to read: where it is, what it is, what was read of it so far."""

    section: str  # "1", "1.2", …
    content_type: str  # as the parser will see it ("application/ics" for a part named *.ics)
    charset: str | None
    encoding: str
    size: int  # its size on the server, encoded (BODYSTRUCTURE)
    data: bytes = b""
    complete: bool = False

    @property
    def kind(self) -> str:
        return part_kind(self.content_type)

    def part(self) -> FetchedPart:
        return FetchedPart(self.content_type, self.charset, self.encoding, self.data, self.complete)

    def bytes_for(self, chars: int) -> int:
        """Bytes of this part that should hold its first ``chars`` characters of text."""
        per_char = {"base64": 4 / 3 * 78 / 76, "quoted-printable": 1.06}.get(self.encoding, 1.0)
        if self.kind == "html":
            per_char *= _MARKUP_PER_CHAR
        # Plus a line: what is read ends at its last whole line.
        return min(MAX_TEXT_BYTES, math.ceil(chars * per_char) + _LINE)


def plan(structure: Any) -> list[Leaf] | None:
    """The parts to read of a message with this BODYSTRUCTURE (imapclient's ``BodyData``), in order."""
    leaves: list[Leaf] = []
    try:
        ok = _walk(structure, "", 0, [MAX_PARTS], leaves)
    except (TypeError, ValueError, IndexError, AttributeError, UnicodeDecodeError):
        return None
    return leaves if ok else None


def _walk(node: Any, section: str, depth: int, budget: list[int], leaves: list[Leaf]) -> bool:
    budget[0] -= 1
    if budget[0] < 0 or depth > MAX_DEPTH or not isinstance(node, tuple):
        return False
    if isinstance(node[0], list):  # multipart: (children, subtype, params, ...)
        if not node[0] or _text(node[1]) == "digest":  # a digest's parts default to message/rfc822
            return False
        return all(
            _walk(child, f"{section}.{i}" if section else str(i), depth + 1, budget, leaves)
            for i, child in enumerate(node[0], 1)
        )
    ctype = f"{_text(node[0])}/{_text(node[1])}"
    if ctype == "message/rfc822" or ctype.startswith("multipart/"):
        return False  # a forwarded message's header becomes text; an empty multipart is parsed apart
    params = _params(node[2])
    encoding = _text(node[5]) or "7bit"
    size = int(node[6] or 0)
    at = 9 if ctype.startswith("text/") else 8  # text parts carry a line count before the extension data
    disposition, names = _disposition(node[at] if len(node) > at else None)
    # The parser's get_filename: the disposition's filename when it has one (even empty), else the type's name
    # (RFC 2231 "filename*" too).
    filename = _named(names, "filename") if _has(names, "filename") else _named(params, "name")
    if any(key.endswith(("*0", "*0*")) for key in (*names, *params)):
        return False  # a name in RFC 2231 pieces: the parser joins them, this would not
    charset = params.get("charset")
    if encoding not in _ENCODINGS or (charset is not None and not _CHARSET_RE.fullmatch(charset)):
        return False
    if part_kind(ctype) == "calendar" or filename.lower().endswith(".ics"):
        if size > MAX_CALENDAR_BYTES:
            return False
        leaves.append(Leaf(section or "1", "application/ics" if part_kind(ctype) != "calendar" else ctype,
                           charset, encoding, size))
        return True
    if disposition == "attachment" or filename:
        return True
    if part_kind(ctype):
        leaves.append(Leaf(section or "1", ctype, charset, encoding, size))
    return True


def _has(params: dict[str, str], name: str) -> bool:
    return name in params or f"{name}*" in params


def _named(params: dict[str, str], name: str) -> str:
    """The parameter's value ("" when absent, and when empty or blank: ``get_filename`` gives "" then, which names
    nothing). Only ASCII blanks are stripped: the parser sees other bytes as undecoded, which stay."""
    for key, value in params.items():
        if key == name:
            return value.strip(" \t\r\n")
        if key == f"{name}*":  # RFC 2231: charset'language'percent-encoded
            return unquote(value.split("'", 2)[-1]).strip(" \t\r\n")
    return ""


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("ascii").strip().lower()
    return "" if value is None else str(value).strip().lower()


def _params(value: Any) -> dict[str, str]:
    if not isinstance(value, tuple):
        return {}
    items = list(value)
    out: dict[str, str] = {}
    for key, val in zip(items[::2], items[1::2], strict=False):
        if isinstance(key, bytes) and isinstance(val, bytes):
            out.setdefault(key.decode("ascii", "replace").lower(), val.decode("utf-8", "replace"))
    return out


def _disposition(value: Any) -> tuple[str, dict[str, str]]:
    if not isinstance(value, tuple) or not value:
        return "", {}
    return _text(value[0]), _params(value[1]) if len(value) > 1 else {}


def item(leaf: Leaf, count: int) -> str:
    """The FETCH item for the next ``count`` bytes of ``leaf``."""
    return f"BODY.PEEK[{leaf.section}]<{len(leaf.data)}.{count}>"


def response_key(leaf: Leaf) -> bytes:
    """How the server names what :func:`item` asked for, in its FETCH response."""
    return f"BODY[{leaf.section}]<{len(leaf.data)}>".encode()


def take(leaf: Leaf, data: Any, count: int) -> None:
    """Add what the server returned for ``item(leaf, count)``: fewer bytes than asked is the end of the part."""
    chunk = data if isinstance(data, bytes) else b""
    leaf.data += chunk
    leaf.complete = len(chunk) < count or len(leaf.data) >= MAX_TEXT_BYTES


def parts(leaves: Sequence[Leaf]) -> tuple[FetchedPart, ...]:
    return tuple(leaf.part() for leaf in leaves)

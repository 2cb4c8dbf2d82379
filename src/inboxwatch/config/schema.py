"""Low-level pieces of config parsing: durations, clock times, and a TOML table reader that collects problems.

Kept apart from ``config.py`` so the dataclasses and section rules stay readable there. Nothing here raises
for a bad value: every problem is recorded with its key path, so the user sees all of them in one run.
"""

from __future__ import annotations

import difflib
import enum
import ipaddress
import json
import os
import re
from collections.abc import Collection, Mapping
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

# ---------------------------------------------------------------------------------------------------------
# Durations and clock times


_DURATION_RE: Final = re.compile(
    r"(?:(?P<w>\d+)w)?(?:(?P<d>\d+)d)?(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?(?:(?P<s>\d+)s)?", re.IGNORECASE
)
_UNIT_SECONDS: Final = {"w": 604_800, "d": 86_400, "h": 3_600, "m": 60, "s": 1}
_ZERO_DURATION: Final = "duration must be longer than zero"
DURATION_HINT: Final = 'a duration like "7d", "24h" or "90m"'


def parse_duration(text: str) -> timedelta:
    """Parse ``"90m"``, ``"1d12h"``, ``"2w"`` …: units w/d/h/m/s, largest first, each at most once."""
    if not isinstance(text, str):
        raise ValueError(f"not a duration: {text!r}")
    match = _DURATION_RE.fullmatch(text.strip())
    if match is None or not any(match.groupdict().values()):
        raise ValueError(f"not a duration: {text!r} (use units w, d, h, m, s, e.g. '7d' or '1h30m')")
    seconds = sum(int(v) * _UNIT_SECONDS[u] for u, v in match.groupdict().items() if v)
    if seconds <= 0:
        raise ValueError(_ZERO_DURATION)
    try:
        return timedelta(seconds=seconds)
    except OverflowError:
        raise ValueError(f"duration too long: {text!r}") from None


def format_duration(td: timedelta) -> str:
    """Inverse of :func:`parse_duration`, compact and without weeks (``7d`` reads better than ``1w``)."""
    if td <= timedelta(0) or td.microseconds:
        raise ValueError(f"cannot format {td!r}: only positive whole seconds are durations")
    rest = td.days * 86_400 + td.seconds
    parts = []
    for unit in "dhms":
        count, rest = divmod(rest, _UNIT_SECONDS[unit])
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)


_CLOCK_RE: Final = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


def parse_clock(text: str) -> time:
    """Parse a 24-hour ``"HH:MM"`` wall-clock time."""
    match = _CLOCK_RE.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"not a time of day: {text!r} (use 24-hour HH:MM)")
    return time(int(match[1]), int(match[2]))


def parse_clock_range(text: str) -> tuple[time, time]:
    """Parse ``"21:00-08:00"``; the end may be earlier than the start, meaning the range wraps midnight."""
    if not isinstance(text, str) or text.count("-") != 1:
        raise ValueError(f"not a time range: {text!r} (use HH:MM-HH:MM)")
    start_text, end_text = text.split("-")
    start, end = parse_clock(start_text), parse_clock(end_text)
    if start == end:
        # Ambiguous: nothing at all, or the whole day. Make the user say which by other means.
        raise ValueError(f"time range {text!r} starts and ends at the same time")
    return start, end


# ---------------------------------------------------------------------------------------------------------
# Small validators shared by the sections


_EMAIL_RE: Final = re.compile(r"[^@\s<>(),;:\"\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")
_HOST_LABEL: Final = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST_RE: Final = re.compile(rf"{_HOST_LABEL}(?:\.{_HOST_LABEL})*\.?")
_ENV_NAME_RE: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def is_email(text: str) -> bool:
    # Deliberately loose: catches "jane" and "jane@" without rejecting unusual but valid local parts.
    return _EMAIL_RE.fullmatch(text) is not None and ".." not in text.rpartition("@")[2]


_MAILBOX_RE: Final = re.compile(
    r'\s*(?:(?P<name>"(?:[^"\\]|\\.)*"|[^<>"]*?)\s*<(?P<addr>[^<>\s]+)>|(?P<bare>[^<>\s]+))\s*'
)


def parse_mailbox(text: str) -> tuple[str, str] | None:
    """``"Jane Doe <jane@example.com>"`` or ``"jane@example.com"`` as (display name, address); None unless the
    text is exactly one address, with or without an RFC 5322 display name (quoted or not)."""
    match = _MAILBOX_RE.fullmatch(text)
    if match is None:
        return None
    address = match["addr"] or match["bare"]
    if not is_email(address):
        return None
    name = (match["name"] or "").strip()
    if name.startswith('"'):
        name = re.sub(r"\\(.)", r"\1", name[1:-1])
    elif any(c in name for c in ",;@"):
        return None  # two addresses, or an address where a name belongs: say so instead of guessing
    return name, address


def is_mailbox(text: str) -> bool:
    return parse_mailbox(text) is not None


MAILBOX_HINT: Final = 'an email address like "jane@example.com" or "Jane Doe <jane@example.com>"'


def is_host(text: str) -> bool:
    return _HOST_RE.fullmatch(text) is not None or _ip(text) is not None


def is_env_name(text: str) -> bool:
    return _ENV_NAME_RE.fullmatch(text) is not None


def is_http_url(text: str) -> bool:
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return None


def is_localhost(host: str) -> bool:
    """True for ``localhost``, 127.0.0.0/8 and ::1 — the only places plaintext never crosses a network."""
    if host.lower().rstrip(".") == "localhost":
        return True
    ip = _ip(host)
    return ip is not None and ip.is_loopback


# ---------------------------------------------------------------------------------------------------------
# The table reader


class _Missing(enum.Enum):
    MISSING = enum.auto()


Missing = _Missing
MISSING: Final[Missing] = _Missing.MISSING

_SECRET_PREFIXES: Final = ("password", "passwd", "token", "secret")
_BARE_KEY_RE: Final = re.compile(r"[A-Za-z0-9_-]+")


def is_secret_key(key: str) -> bool:
    return key.lower().startswith(_SECRET_PREFIXES)


def join(prefix: str, key: str | int) -> str:
    """The TOML-style path of ``key`` inside ``prefix``: ``accounts[0].host``, ``overrides."Acme Corp"``."""
    if isinstance(key, int):
        return f"{prefix}[{key}]"
    part = key if _BARE_KEY_RE.fullmatch(key) else json.dumps(key, ensure_ascii=False)
    return f"{prefix}.{part}" if prefix else part


def kind_of(value: Any) -> str:
    """A TOML-flavoured name for the type of ``value``, for "expected X, got Y" messages."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, datetime):
        return "a date-time"
    if isinstance(value, date):
        return "a date"
    if isinstance(value, time):
        return "a time"
    return type(value).__name__


def show(value: Any, *, secret: bool = False) -> str:
    """Render a found value the way it was written in TOML; secrets only by type, never by value."""
    if secret:
        return f"{kind_of(value)} (value hidden)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return json.dumps(shown, ensure_ascii=False)
    if isinstance(value, date | time):
        return f"{kind_of(value)} {value.isoformat()}"
    return kind_of(value)


class Problems:
    """Every problem found so far, each one line starting with its key path."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}" if where else message)


class Table:
    """One TOML table being read.

    Each getter remembers the key it was asked for, so :meth:`finish` can report everything else as an unknown
    key, with a suggestion drawn from the keys that are valid here. Getters return ``None`` both for an absent
    key and for a bad value (the problem is recorded); callers then fall back to the default, which is fine
    because any recorded problem makes the whole load fail.
    """

    def __init__(self, data: Mapping[str, Any], where: str, problems: Problems) -> None:
        self.data = data
        self.where = where
        self.problems = problems
        self.known: set[str] = set()

    def path(self, key: str | int) -> str:
        return join(self.where, key)

    def problem(self, key: str, message: str) -> None:
        self.problems.add(self.path(key), message)

    def expected(self, key: str, what: str, value: Any) -> None:
        self.problem(key, f"expected {what}, got {show(value, secret=is_secret_key(key))}")

    def accept(self, keys: Collection[str]) -> None:
        """Mark keys as valid without reading them (used when the rest of the table cannot be judged)."""
        self.known.update(keys)

    def has(self, key: str) -> bool:
        self.known.add(key)
        return key in self.data

    def get(self, key: str, *, required: str | None = None) -> Any:
        """The raw value, or ``MISSING``; with ``required``, a missing key is a problem with that message."""
        self.known.add(key)
        if key in self.data:
            return self.data[key]
        if required is not None:
            self.problem(key, required)
        return MISSING

    def string(self, key: str, *, required: str | None = None, choices: Collection[str] = ()) -> str | None:
        value = self.get(key, required=required)
        if value is MISSING:
            return None
        if not isinstance(value, str):
            self.expected(key, "one of " + ", ".join(choices) if choices else "a string", value)
            return None
        if choices and value not in choices:
            self.expected(key, "one of " + ", ".join(choices), value)
            return None
        if not choices and not value.strip():
            self.expected(key, "a non-empty string", value)
            return None
        return value

    def checked(self, key: str, test: Any, what: str, *, required: str | None = None) -> str | None:
        """A non-empty string that also passes ``test`` (one of the ``is_*`` validators)."""
        value = self.string(key, required=required)
        if value is not None and not test(value):
            self.expected(key, what, value)
            return None
        return value

    def boolean(self, key: str) -> bool | None:
        value = self.get(key)
        if value is MISSING:
            return None
        if not isinstance(value, bool):
            self.expected(key, "true or false", value)
            return None
        return value

    def integer(self, key: str, low: int, high: int) -> int | None:
        value = self.get(key)
        if value is MISSING:
            return None
        # bool is a subclass of int in Python; in TOML `true` is never a number.
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.expected(key, f"an integer from {low} to {high}", value)
            return None
        return value

    def duration(self, key: str) -> timedelta | None:
        value = self.duration_or_off(key, allow_off=False)
        return None if value is MISSING else value

    def duration_or_off(self, key: str, *, allow_off: bool = True) -> timedelta | Missing | None:
        """A duration; ``None`` for ``"off"``; ``MISSING`` when absent or bad (so overrides can inherit)."""
        value = self.get(key)
        if value is MISSING:
            return _Missing.MISSING
        if allow_off and isinstance(value, str) and value.strip().lower() == "off":
            return None
        what = DURATION_HINT + (' or "off"' if allow_off else "")
        if not isinstance(value, str):
            self.expected(key, what, value)
            return MISSING
        try:
            return parse_duration(value)
        except ValueError as exc:
            if str(exc) == _ZERO_DURATION:
                what = "a duration longer than zero"
            self.expected(key, what, value)
            return MISSING

    def clock(self, key: str) -> time | None:
        value = self.get(key)
        if value is MISSING:
            return None
        # TOML has a native local-time type (`digest_at = 08:30:00`); take it as well as the string form.
        if isinstance(value, time) and value.tzinfo is None:
            return value
        try:
            return parse_clock(value)
        except ValueError:
            self.expected(key, 'a 24-hour time like "08:30"', value)
            return None

    def clock_range(self, key: str) -> tuple[time, time] | None:
        value = self.get(key)
        if value is MISSING:
            return None
        try:
            return parse_clock_range(value)
        except ValueError:
            self.expected(key, 'a time range like "21:00-08:00" (start and end differ)', value)
            return None

    def file_path(self, key: str, base_dir: Path, *, must_be: str | None = None) -> Path | None:
        """A path, ``~`` expanded, relative to ``base_dir``; ``must_be`` is "file", "folder" or None."""
        value = self.string(key)
        if value is None:
            return None
        path = Path(os.path.expanduser(value))
        if str(path).startswith("~"):
            self.expected(key, "a path whose ~user can be expanded", value)
            return None
        path = path if path.is_absolute() else base_dir / path
        # The full path, never shortened: it is what the user has to go and check.
        shown = json.dumps(str(path), ensure_ascii=False)
        if must_be == "file" and not path.is_file():
            self.problem(key, f"expected an existing file, got {shown}")
            return None
        if must_be == "folder" and not path.is_dir():
            self.problem(key, f"expected an existing folder, got {shown}")
            return None
        return path

    def table(self, key: str) -> Table | None:
        value = self.get(key)
        if value is MISSING:
            return None
        if not isinstance(value, Mapping):
            self.expected(key, f"a table ([{self.path(key)}])", value)
            return None
        return Table(value, self.path(key), self.problems)

    def array(self, key: str) -> list[Any] | None:
        value = self.get(key)
        if value is MISSING:
            return None
        if not isinstance(value, list):
            self.expected(key, "an array", value)
            return None
        return value

    def forbid(self, forbidden: Mapping[str, str]) -> None:
        """Report keys that must never be in the file (literal secrets) with a message saying what to do."""
        for key, message in forbidden.items():
            if key in self.data:
                self.known.add(key)
                self.problem(key, message)

    def finish(self, elsewhere: Mapping[str, str] | None = None) -> None:
        """Report keys nobody asked for; ``elsewhere`` maps keys valid in other contexts to a reason."""
        for key in self.data:
            if key in self.known:
                continue
            if elsewhere and key in elsewhere:
                self.problem(key, elsewhere[key])
                continue
            close = difflib.get_close_matches(key, sorted(self.known), n=1, cutoff=0.6)
            hint = f'did you mean "{close[0]}"?' if close else "valid keys: " + ", ".join(sorted(self.known))
            self.problem(key, f"unknown key ({hint})")

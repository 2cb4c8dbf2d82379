"""Time-zone names as people write them in email, mapped to ``tzinfo``. Pure; used by ``inboxwatch.dates``.

Two families, on purpose:

* abbreviations (``EST``, ``CEST``, ``IST``) are fixed offsets, exactly as written: someone who types
  "EST" in July still gets -05:00;
* generic names (``ET``, ``PT``, "Eastern Time", "Central European Time", IANA names) follow daylight
  saving for the date in question, because that is what people mean by them.
"""

from __future__ import annotations

import re
from datetime import UTC, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

__all__ = ["TZ_PATTERN", "resolve_timezone"]

_FIXED_HOURS: dict[str, float] = {
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "AKST": -9, "AKDT": -8, "HST": -10, "GMT": 0, "UTC": 0, "UT": 0, "WET": 0, "WEST": 1,
    "BST": 1, "CET": 1, "CEST": 2, "MEZ": 1, "MESZ": 2, "EET": 2, "EEST": 3, "MSK": 3,
    "IST": 5.5, "SGT": 8, "HKT": 8, "AWST": 8, "JST": 9, "KST": 9, "ACST": 9.5, "ACDT": 10.5,
    "AEST": 10, "AEDT": 11, "NZST": 12, "NZDT": 13,
}  # fmt: skip

_GENERIC: dict[str, str] = {
    "ET": "America/New_York", "CT": "America/Chicago", "MT": "America/Denver",
    "PT": "America/Los_Angeles", "AKT": "America/Anchorage",
}  # fmt: skip

# Spelled-out names, normalised: lower case, single spaces, no trailing "time" or "(US & Canada)".
_WORDS: dict[str, str] = {}
for _zone, _names in (
    ("America/New_York", "eastern|eastern standard|eastern daylight|us eastern|new york"),
    ("America/Chicago", "central|central standard|central daylight|us central|chicago"),
    ("America/Denver", "mountain|mountain standard|mountain daylight|us mountain|denver"),
    ("America/Los_Angeles", "pacific|pacific standard|pacific daylight|us pacific|san francisco|los angeles"),
    ("America/Anchorage", "alaska|alaska standard|alaska daylight"),
    ("Pacific/Honolulu", "hawaii|hawaii standard|hawaii-aleutian"),
    ("Europe/Berlin", "central european|central european standard|central european summer|berlin"),
    ("Europe/Paris", "paris"),
    ("Europe/Helsinki", "eastern european|eastern european standard|eastern european summer"),
    ("Europe/Lisbon", "western european|western european summer"),
    ("Europe/London", "british|british summer|uk|london"),
    ("Europe/Dublin", "irish|irish standard|dublin"),
    ("UTC", "greenwich mean|coordinated universal|universal"),
    ("Asia/Kolkata", "india|indian|india standard|indian standard"),
    ("Asia/Tokyo", "japan|japan standard|tokyo"),
    ("Asia/Seoul", "korea|korea standard|korean standard"),
    ("Asia/Shanghai", "china|china standard|beijing"),
    ("Asia/Singapore", "singapore|singapore standard"),
    ("Asia/Hong_Kong", "hong kong"),
    ("Australia/Sydney", "australian eastern|australian eastern standard|australian eastern daylight|sydney"),
    ("Pacific/Auckland", "new zealand|new zealand standard|new zealand daylight"),
):
    for _name in _names.split("|"):
        _WORDS[_name] = _zone

# Case-insensitive only for abbreviations that are not also common words ("wet", "ist", "est" in French…
# "est" stays: "2pm est" is far more common in job mail than French after a clock time).
_LOWER_OK = ("EST", "EDT", "CST", "CDT", "MST", "MDT", "PST", "PDT", "GMT", "UTC")


def _alt(names: list[str]) -> str:
    # Longest first, because the regex engine takes the first alternative that matches.
    return "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(names, key=len, reverse=True))


_WORDS_RE = rf"(?:{_alt(list(_WORDS))})\b(?:\s+time\b)?(?:\s*\(US\s*(?:&|and)\s*Canada\))?"
_ABBR_UPPER = _alt([*_FIXED_HOURS, *_GENERIC])
_OFFSET_RE = r"(?:UTC|GMT)\s*[+\-−]\s*[0-9]{1,2}(?::?[0-9]{2})?(?![0-9])"

# One zone as it may follow a clock time; non-capturing so callers can embed it anywhere.
TZ_PATTERN = (
    rf"(?:{_OFFSET_RE}(?:\s*\)?\s*{_WORDS_RE})?"
    r"|(?<=[\s(\[])[+\-−](?:0[0-9]|1[0-4])[0-5][0-9](?![0-9])"
    rf"|{_WORDS_RE}"
    r"|(?-i:[A-Z][a-z]+(?:_[A-Z][a-z]+)*/[A-Z][A-Za-z_]+(?:/[A-Z][A-Za-z_]+)?)"
    rf"|(?-i:(?:{_ABBR_UPPER})\b)"
    rf"|(?:{'|'.join(_LOWER_OK)})\b)"
)

_OFFSET_PARSE = re.compile(r"(?:(?:UTC|GMT)\s*)?([+\-−])\s*([0-9]{1,2}):?([0-9]{2})?", re.I)
_OUTLOOK = re.compile(r"\(?\s*((?:UTC|GMT)[^)]*)\)\s*(.+)", re.I)
_IANA_SAFE = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+){0,2}")
_WORD_TAIL = re.compile(r"\s*\(us\s*(?:&|and)\s*canada\)?\s*$|\s+time$")


def _fixed(hours: float, name: str | None = None) -> timezone:
    delta = timedelta(minutes=round(hours * 60))
    return timezone(delta, name) if name else timezone(delta)


@lru_cache(maxsize=1024)
def resolve_timezone(name: str) -> tzinfo | None:
    """A tzinfo for an abbreviation, offset, spelled-out or IANA name; None when unknown."""
    s = " ".join(str(name).split())
    if not s or len(s) > 80:
        return None
    outlook = _OUTLOOK.fullmatch(s)  # "(UTC-05:00) Eastern Time (US & Canada)": the name knows about DST
    if outlook:
        return resolve_timezone(outlook.group(2)) or resolve_timezone(outlook.group(1))
    up = s.upper()
    if up in _FIXED_HOURS:
        return UTC if _FIXED_HOURS[up] == 0 else _fixed(_FIXED_HOURS[up], up)
    if up in _GENERIC:
        return ZoneInfo(_GENERIC[up])
    offset = _OFFSET_PARSE.fullmatch(s)
    if offset:
        hours, minutes = int(offset.group(2)), int(offset.group(3) or 0)
        if hours > 14 or minutes > 59:
            return None
        sign = -1 if offset.group(1) in "-−" else 1
        return _fixed(sign * (hours + minutes / 60))
    low = s.lower()
    for _ in range(2):  # "Eastern Time (US & Canada)" → "eastern"
        low = _WORD_TAIL.sub("", low)
    if low in _WORDS:
        return UTC if _WORDS[low] == "UTC" else ZoneInfo(_WORDS[low])
    if "/" in s and _IANA_SAFE.fullmatch(s):
        try:
            return ZoneInfo(s)
        except (ValueError, KeyError, OSError, UnicodeError):
            return None
    return None

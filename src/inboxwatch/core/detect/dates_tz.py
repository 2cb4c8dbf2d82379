"""Clock times and time zones as people write them in email. Pure; used by ``inboxwatch.dates``.

Two families, on purpose:

* abbreviations (``EST``, ``CEST``, ``IST``) are fixed offsets, exactly as written: someone who types
  "EST" in July still gets -05:00;
* generic names (``ET``, ``PT``, "Eastern Time", "Central European Time", IANA names) follow daylight
  saving for the date in question, because that is what people mean by them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

__all__ = ["TZ_PATTERN", "Clock", "find_clocks", "resolve_timezone"]

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

# Outlook and Exchange name zones the Windows way ("W. Europe Standard Time"): CLDR's windowsZones
# mapping for the common ones, keyed like ``_WORDS`` (lower case, no trailing " time").
_WINDOWS: dict[str, str] = {
    "eastern standard": "America/New_York", "us eastern standard": "America/Indiana/Indianapolis",
    "central standard": "America/Chicago", "mountain standard": "America/Denver",
    "us mountain standard": "America/Phoenix", "pacific standard": "America/Los_Angeles",
    "alaskan standard": "America/Anchorage", "hawaiian standard": "Pacific/Honolulu",
    "atlantic standard": "America/Halifax", "newfoundland standard": "America/St_Johns",
    "canada central standard": "America/Regina", "central standard (mexico)": "America/Mexico_City",
    "mountain standard (mexico)": "America/Mazatlan", "pacific standard (mexico)": "America/Tijuana",
    "eastern standard (mexico)": "America/Cancun", "central america standard": "America/Guatemala",
    "sa pacific standard": "America/Bogota", "sa western standard": "America/La_Paz",
    "sa eastern standard": "America/Cayenne", "pacific sa standard": "America/Santiago",
    "e. south america standard": "America/Sao_Paulo", "argentina standard": "America/Buenos_Aires",
    "venezuela standard": "America/Caracas", "utc": "UTC", "coordinated universal": "UTC",
    "gmt standard": "Europe/London", "greenwich standard": "Atlantic/Reykjavik",
    "w. europe standard": "Europe/Berlin", "romance standard": "Europe/Paris",
    "central europe standard": "Europe/Budapest", "central european standard": "Europe/Warsaw",
    "e. europe standard": "Europe/Chisinau", "fle standard": "Europe/Kiev", "gtb standard": "Europe/Bucharest",
    "russian standard": "Europe/Moscow", "turkey standard": "Europe/Istanbul", "israel standard": "Asia/Jerusalem",
    "egypt standard": "Africa/Cairo", "south africa standard": "Africa/Johannesburg",
    "w. central africa standard": "Africa/Lagos", "e. africa standard": "Africa/Nairobi",
    "morocco standard": "Africa/Casablanca", "arab standard": "Asia/Riyadh", "arabian standard": "Asia/Dubai",
    "iran standard": "Asia/Tehran", "pakistan standard": "Asia/Karachi", "india standard": "Asia/Kolkata",
    "sri lanka standard": "Asia/Colombo", "nepal standard": "Asia/Katmandu", "bangladesh standard": "Asia/Dhaka",
    "se asia standard": "Asia/Bangkok", "singapore standard": "Asia/Singapore", "china standard": "Asia/Shanghai",
    "taipei standard": "Asia/Taipei", "tokyo standard": "Asia/Tokyo", "korea standard": "Asia/Seoul",
    "w. australia standard": "Australia/Perth", "cen. australia standard": "Australia/Adelaide",
    "aus central standard": "Australia/Darwin", "e. australia standard": "Australia/Brisbane",
    "aus eastern standard": "Australia/Sydney", "tasmania standard": "Australia/Hobart",
    "new zealand standard": "Pacific/Auckland", "philippines standard": "Asia/Manila",
    "north asia standard": "Asia/Krasnoyarsk", "n. central asia standard": "Asia/Novosibirsk",
    "ekaterinburg standard": "Asia/Yekaterinburg", "west asia standard": "Asia/Tashkent",
    "central asia standard": "Asia/Almaty", "arabic standard": "Asia/Baghdad", "jordan standard": "Asia/Amman",
    "middle east standard": "Asia/Beirut", "syria standard": "Asia/Damascus", "azores standard": "Atlantic/Azores",
    "cape verde standard": "Atlantic/Cape_Verde", "w. mongolia standard": "Asia/Hovd",
    "ulaanbaatar standard": "Asia/Ulaanbaatar", "hong kong standard": "Asia/Hong_Kong",
}  # fmt: skip
for _name, _zone in _WINDOWS.items():
    _WORDS.setdefault(_name, _zone)
# Cities people name for a time ("8:00 AM (your time in Tokyo)", "4pm CDMX time").
_CITIES: dict[str, str] = {
    "new york": "America/New_York", "boston": "America/New_York", "toronto": "America/Toronto",
    "chicago": "America/Chicago", "austin": "America/Chicago", "denver": "America/Denver",
    "seattle": "America/Los_Angeles", "san francisco": "America/Los_Angeles", "los angeles": "America/Los_Angeles",
    "vancouver": "America/Vancouver", "mexico city": "America/Mexico_City", "ciudad de méxico": "America/Mexico_City",
    "ciudad de mexico": "America/Mexico_City", "cdmx": "America/Mexico_City", "são paulo": "America/Sao_Paulo",
    "sao paulo": "America/Sao_Paulo", "london": "Europe/London", "dublin": "Europe/Dublin",
    "lisbon": "Europe/Lisbon", "madrid": "Europe/Madrid", "paris": "Europe/Paris", "amsterdam": "Europe/Amsterdam",
    "brussels": "Europe/Brussels", "berlin": "Europe/Berlin", "munich": "Europe/Berlin", "zurich": "Europe/Zurich",
    "zürich": "Europe/Zurich", "geneva": "Europe/Zurich", "genève": "Europe/Zurich", "vienna": "Europe/Vienna",
    "stockholm": "Europe/Stockholm", "warsaw": "Europe/Warsaw", "moscow": "Europe/Moscow", "москва": "Europe/Moscow",
    "istanbul": "Europe/Istanbul", "tel aviv": "Asia/Jerusalem", "dubai": "Asia/Dubai", "bangalore": "Asia/Kolkata",
    "bengaluru": "Asia/Kolkata", "mumbai": "Asia/Kolkata", "delhi": "Asia/Kolkata", "singapore": "Asia/Singapore",
    "hong kong": "Asia/Hong_Kong", "shanghai": "Asia/Shanghai", "beijing": "Asia/Shanghai", "seoul": "Asia/Seoul",
    "tokyo": "Asia/Tokyo", "sydney": "Australia/Sydney", "melbourne": "Australia/Melbourne",
    "auckland": "Pacific/Auckland",
}  # fmt: skip
for _name, _zone in _CITIES.items():
    _WORDS.setdefault(_name, _zone)

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
    r"|(?<=[\s(\[])[+\-−](?:0[0-9]|1[0-4]):?[0-5][0-9](?![0-9])"
    r"|(?<=[0-9]:[0-9][0-9]:[0-9][0-9])(?:[+\-−](?:0[0-9]|1[0-4]):?[0-5][0-9](?![0-9])|Z\b)"  # ISO 8601
    rf"|{_WORDS_RE}"
    r"|(?-i:[A-Z][a-z]+(?:_[A-Z][a-z]+)*/[A-Z][A-Za-z_]+(?:/[A-Z][A-Za-z_]+)?)"
    rf"|(?-i:(?:{_ABBR_UPPER})\b)"
    rf"|(?:{'|'.join(_LOWER_OK)})\b)"
)

_OFFSET_PARSE = re.compile(r"(?:(?:UTC|GMT)\s*)?([+\-−])\s*([0-9]{1,2}):?([0-9]{2})?", re.I)
_OUTLOOK = re.compile(r"\(?\s*((?:UTC|GMT)[^)]*)\)\s*(.+)", re.I)
_IANA_SAFE = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+){0,2}")
_WORD_TAIL = re.compile(
    r"\s*\(us\s*(?:&|and)\s*canada\)?\s*$|\s+time$|\s+time(?=\s*\(mexico\)$)"
    r"|^(?:hora\s+de|heure\s+de|(?:your|local)\s+time(?:\s+in)?,?)\s+"
)


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
    if up == "Z":
        return UTC
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


# ------------------------------------------------------------------------------------------ clock times

# Clock times. A time needs a distinctive shape (colon, am/pm, "h", "Uhr", noon) unless it follows
# "at"/"@"/"from" or opens an am/pm range ("2-3pm"): a lone number is usually not a time.
_AP = r"[ap]\.?\s?m\b\.?"
_UNITS = r"(?:%|[-/]|(?:min|mins|minutes?|hours?|hrs?|days?|weeks?|months?|years?|people|persons?|candidates)\b)"
_CLOCK = (
    r"(?:(?:12\s*)?(?:noon|midday)\b"
    rf"|[0-9]{{1,2}}[:.][0-5][0-9](?::[0-5][0-9])?(?![0-9])(?:\s?{_AP})?(?:\s*uhr\b)?"
    r"|[0-9]{1,2}h[0-5][0-9](?![0-9])|[0-9]{1,2}h\b"
    rf"|[0-9]{{1,2}}\s?{_AP}|[0-9]{{1,2}}\s*uhr\b"
)
# The first clock starts by consuming one digit, so the engine can jump between digits in C; the checks
# on what precedes it are lookbehinds over that digit.
_FIRST_DIGIT = r"[0-9](?<![0-9$€£¥.:/+\-−][0-9])(?<![A-SU-Za-su-z][0-9])"
_AFTER_WORD = "|".join(rf"(?<={w}[0-9])" for w in (r"\bat\s", r"@\s", "@", r"\bum\s", r"\bfrom\s", r"\bà\s"))
_CLOCK1 = (
    rf"{_FIRST_DIGIT}(?:[0-9]?[:.][0-5][0-9](?::[0-5][0-9])?(?![0-9])(?:\s?{_AP})?(?:\s*uhr\b)?"
    r"|[0-9]?h[0-5][0-9](?![0-9])|[0-9]?h\b"
    rf"|[0-9]?\s?{_AP}|[0-9]?\s*uhr\b|(?<=1)2\s*(?:noon|midday)\b"
    rf"|(?:{_AFTER_WORD})[0-9]?(?![0-9:.,])(?!\s*{_UNITS})"
    rf"|[0-9]?(?=\s*(?:-|–|—|to)\s*[0-9]{{1,2}}(?:[:.][0-5][0-9])?\s?{_AP}))"
)
_CLOCK2 = rf"{_CLOCK}|[0-9]{{1,2}}(?![0-9:.])(?!\s*[^\W\d_]))"
_TZ_SLOT = rf"\s*\.?\s*[(\[]?\s*(?:(?i:your|local)\s+time(?:\s+in)?,?\s+|(?i:hora|heure)\s+de\s+)?{TZ_PATTERN}\s*[)\]]?"
_TIME_TAIL = (
    rf"(?P<z1>{_TZ_SLOT})?"
    rf"(?:\s*(?:-|–|—|−|~|to|until|till|bis|à)\s*(?P<t2>{_CLOCK2})(?P<z2>{_TZ_SLOT})?)?"
)
_TIME_RE = re.compile(rf"(?P<t1>{_CLOCK1}){_TIME_TAIL}", re.I)  # original text
_NOON_RE = re.compile(rf"(?<![^\W\d_])(?P<t1>noon|midday)\b{_TIME_TAIL}", re.I)
_CLOCK_PARTS = re.compile(r"(?P<noon>noon|midday)|(?P<h>[0-9]{1,2})(?:(?P<sep>[:.h])(?P<m>[0-9]{2}))?", re.I)
_AP_PARTS = re.compile(r"([ap])\.?\s?m\b", re.I)


@dataclass(frozen=True, slots=True)
class Clock:
    start: int
    end: int  # of the evidence: includes the zone only when it resolved
    hm: tuple[int, int]
    end_hm: tuple[int, int] | None
    zone: str | None
    has_ap: bool


def _hm(raw: str, ap: str | None) -> tuple[int, int] | None:
    parts = _CLOCK_PARTS.search(raw)
    if parts is None:
        return None
    if parts.group("noon"):
        return 12, 0
    h, m, sep, low = int(parts.group("h")), int(parts.group("m") or 0), parts.group("sep"), raw.lower()
    if ap:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if ap == "p" else 0)
    elif sep == "." and "uhr" not in low:
        return None  # "10.30" without am/pm is a price or a version more often than a time
    elif sep == "h" or "h" in low:  # "14h30", "9h", "14 Uhr": 24-hour clocks
        if sep is None and "uhr" not in low and h < 7:
            return None  # "2h" is a duration
    elif 1 <= h <= 6 and not parts.group("h").startswith("0"):
        h += 12  # "at 2:00", "Monday at 3": business hours, so the afternoon
    return (h, m) if h <= 23 and m <= 59 else None


def _ap_of(raw: str | None) -> str | None:
    found = _AP_PARTS.search(raw) if raw else None
    return found.group(1).lower() if found else None


def _clock(m: re.Match[str]) -> Clock | None:
    t1, t2 = m.group("t1"), m.group("t2")
    ap1, ap2 = _ap_of(t1), _ap_of(t2)
    start = _hm(t1, ap1 or ap2)
    if start is None:
        return None
    end_hm: tuple[int, int] | None = None
    if t2:
        end_hm = _hm(t2, ap2 or ap1)
        if end_hm is None:
            return None
        if ap2 and not ap1 and start > end_hm:  # "11-1pm": the 11 is in the morning
            start = _hm(t1, "a" if ap2 == "p" else "p") or start
    zone, end = None, m.end("t2") if t2 else m.end("t1")
    for group in ("z2", "z1"):
        raw = m.group(group)
        name = raw.strip().strip(".([)]").strip() if raw else ""
        if name and resolve_timezone(name) is not None:
            zone, end = name, max(end, m.end(group))
            break
    return Clock(m.start(), end, start, end_hm, zone, bool(ap1 or ap2))


def find_clocks(text: str, low: str) -> list[Clock]:
    """Clock times (with their ranges and zones) in text order; ``low`` is ``text`` lower-cased."""
    matches = list(_TIME_RE.finditer(text))
    if "noon" in low or "midday" in low:  # "12 noon" is already a digit match
        matches += [m for m in _NOON_RE.finditer(text) if not any(o.start() <= m.start() < o.end() for o in matches)]
        matches.sort(key=lambda m: m.start())
    return [c for c in map(_clock, matches) if c is not None]

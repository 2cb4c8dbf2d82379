"""text/calendar parts → ``CalendarEvent`` values (icalendar), tolerant of broken invites."""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from inboxwatch.core.detect.dates_tz import resolve_timezone
from inboxwatch.models import Address, CalendarEvent

if TYPE_CHECKING:
    from icalendar import Calendar

MAX_ICS_CHARS = 200_000


def parse_calendar(text: str, defects: list[str]) -> list[CalendarEvent]:
    """Every VEVENT in an iCalendar text; problems go to ``defects``, never raised."""
    if not text.strip():
        return []
    try:
        from icalendar import Calendar  # loaded with the first invitation: most mail has none

        cal = Calendar.from_ical(text[:MAX_ICS_CHARS])
    except Exception as e:
        defects.append(f"unparseable calendar part: {type(e).__name__}")
        return []
    method = str(cal.get("METHOD", "")).upper()
    events: list[CalendarEvent] = []
    try:
        zones = _own_zones(cal)
        components = list(cal.walk("VEVENT"))[:10]
    except Exception:
        defects.append("unreadable calendar components")
        return []
    for ev in components:
        try:
            events.append(_event(ev, method, zones))
        except Exception as e:
            defects.append(f"unreadable calendar event: {type(e).__name__}")
    return events


def _event(ev: object, method: str, zones: dict[str, list[_Onset]]) -> CalendarEvent:
    get = ev.get  # type: ignore[attr-defined]
    try:
        sequence = int(str(get("SEQUENCE", 0)))
    except ValueError:
        sequence = 0
    return CalendarEvent(
        method=method,
        uid=str(get("UID", "")),
        sequence=sequence,
        summary=str(get("SUMMARY", "")),
        start=_when(get("DTSTART"), zones),
        end=_when(get("DTEND"), zones),
        location=str(get("LOCATION", "")),
        description=str(get("DESCRIPTION", ""))[:4000],
        organizer=_address(get("ORGANIZER")),
        attendees=tuple(a for a in (_address(x) for x in _as_list(get("ATTENDEE"))) if a is not None),
        status=str(get("STATUS", "")).upper(),
    )


@functools.lru_cache(maxsize=256)
def _zone(name: str) -> tzinfo | None:
    """A TZID as a zone: an IANA name, a Windows name ("W. Europe Standard Time"), an Outlook label
    ("(UTC-05:00) Eastern Time (US & Canada)"); None when the name says nothing we know."""
    name = name.strip().strip('"')
    if not name or len(name) > 120:
        return None
    try:
        return ZoneInfo(name)
    except (ValueError, ZoneInfoNotFoundError, OSError):
        pass
    tail = name.rsplit("/", 1)[-1] if name.startswith("/") else name  # "/mozilla.org/20050126_1/Europe/Paris"
    if tail != name:
        parts = name.strip("/").split("/")
        for k in range(len(parts) - 1):
            try:
                return ZoneInfo("/".join(parts[k:]))
            except (ValueError, ZoneInfoNotFoundError, OSError):
                continue
    return resolve_timezone(name)


@dataclass(frozen=True, slots=True)
class _Onset:
    """One STANDARD or DAYLIGHT rule of an invite's own VTIMEZONE, read without expanding it."""

    start: datetime  # naive local wall time of the first onset
    offset: timedelta  # TZOFFSETTO
    month: int | None  # yearly rules: the month and the weekday rule ("2SU", "-1SU")
    byday: str | None
    monthday: int | None
    until: datetime | None


_BYDAY = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
_WEEKDAY = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}


def _own_zones(cal: Calendar) -> dict[str, list[_Onset]]:
    """The invite's VTIMEZONE blocks, as onsets. Their recurrence rules are never expanded: a yearly
    rule is solved for the year asked about, any other frequency (an ``RRULE:FREQ=MINUTELY`` from 1601
    would take hours and gigabytes to walk) counts as its first onset only."""
    zones: dict[str, list[_Onset]] = {}
    for tz in list(cal.walk("VTIMEZONE"))[:20]:
        tzid = str(tz.get("TZID", "")).strip()
        onsets: list[_Onset] = []
        for sub in tz.subcomponents[:20]:
            if sub.name not in ("STANDARD", "DAYLIGHT"):
                continue
            start = getattr(sub.get("DTSTART"), "dt", None)
            offset = getattr(sub.get("TZOFFSETTO"), "td", None)
            if not isinstance(start, datetime) or not isinstance(offset, timedelta):
                continue
            rule = sub.get("RRULE")
            month = byday = monthday = until = None
            if rule is not None and str(_first(rule.get("FREQ")) or "").upper() == "YEARLY":
                month = _int(_first(rule.get("BYMONTH")))
                byday = str(_first(rule.get("BYDAY")) or "").upper() or None
                monthday = _int(_first(rule.get("BYMONTHDAY")))
                found = _first(rule.get("UNTIL"))
                until = found.replace(tzinfo=None) if isinstance(found, datetime) else None
            onsets.append(_Onset(start.replace(tzinfo=None), offset, month, byday, monthday, until))
        if tzid and onsets:
            zones[tzid] = onsets
    return zones


def _first(value: object) -> object:
    return value[0] if isinstance(value, list) and value else value


def _int(value: object) -> int | None:
    try:
        return int(str(value)) if value is not None else None
    except ValueError:
        return None


def _onset_in(onset: _Onset, year: int) -> datetime | None:
    """The onset's moment in ``year`` (local wall time), or None when its rule says none."""
    if onset.month is None or not 1 <= onset.month <= 12:
        return onset.start if onset.start.year <= year else None
    if year < onset.start.year or (onset.until is not None and year > onset.until.year):
        return None
    clock = onset.start.time()
    if onset.monthday is not None:
        try:
            return datetime.combine(date(year, onset.month, onset.monthday), clock)
        except ValueError:
            return None
    hit = _BYDAY.match(onset.byday or "")
    if hit is None:
        try:
            return datetime.combine(date(year, onset.month, onset.start.day), clock)
        except ValueError:
            return None
    nth, weekday = int(hit.group(1) or 1), _WEEKDAY[hit.group(2)]
    days = calendar.monthrange(year, onset.month)[1]
    matching = [d for d in range(1, days + 1) if date(year, onset.month, d).weekday() == weekday]
    if not matching or abs(nth) > len(matching) or nth == 0:
        return None
    return datetime.combine(date(year, onset.month, matching[nth - 1 if nth > 0 else nth]), clock)


def _offset_at(local: datetime, onsets: list[_Onset]) -> timedelta:
    """The UTC offset an invite's own zone gives a local time: the latest onset at or before it."""
    best: tuple[datetime, timedelta] | None = None
    for onset in onsets:
        for year in (local.year, local.year - 1):
            moment = _onset_in(onset, year)
            if moment is not None and moment <= local:
                if best is None or moment > best[0]:
                    best = (moment, onset.offset)
                break
    if best is None:  # before every onset: the earliest rule is the best guess
        return min(onsets, key=lambda o: o.start).offset
    return best[1]


def _as_list(value: object) -> list[object]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _when(prop: object, zones: dict[str, list[_Onset]] | None = None) -> datetime | None:
    if prop is None:
        return None
    value = getattr(prop, "dt", None)
    params = getattr(prop, "params", None)
    tzid = params.get("TZID") if params is not None and hasattr(params, "get") else None
    if isinstance(value, datetime) and tzid:
        # Never ask icalendar's own zone for an offset: for an invite's VTIMEZONE it walks the recurrence
        # rules from their start (1601 in Outlook's), which costs milliseconds, or hours for a hostile one.
        local = value.replace(tzinfo=None)
        zone = _zone(str(tzid))
        if zone is not None:
            return local.replace(tzinfo=zone)
        onsets = (zones or {}).get(str(tzid).strip())
        if onsets:
            return local.replace(tzinfo=timezone(_offset_at(local, onsets)))
        return local.replace(tzinfo=UTC)  # an unknown zone, not described: read as UTC, like a floating time
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)  # a floating time has no zone; UTC is the least surprising reading
        if value.tzinfo is UTC or isinstance(value.tzinfo, (timezone, ZoneInfo)):
            return value
        return value.replace(tzinfo=None).replace(tzinfo=UTC)  # "Z" read through another tz library
    if isinstance(value, date):
        return datetime.combine(value, time(0), tzinfo=UTC)
    return None


def _address(prop: object) -> Address | None:
    if prop is None:
        return None
    value = str(prop)
    email = value[7:] if value.lower().startswith("mailto:") else value
    email = email.strip().lower()
    if not _ONE_ADDRESS.fullmatch(email):  # "a@x.example,b@y.example" would smuggle a second recipient in
        return None
    params = getattr(prop, "params", {})
    name = str(params.get("CN", "")) if hasattr(params, "get") else ""
    name = " ".join(_CONTROL.sub(" ", name.strip('"')).split())[:200]
    return Address(name, email)


_ONE_ADDRESS = re.compile(r"[^\s@,;:<>()\[\]\\\"]{1,64}@[^\s@,;:<>()\[\]\\\"]{1,255}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

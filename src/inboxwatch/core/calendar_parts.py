"""text/calendar parts → ``CalendarEvent`` values (icalendar), tolerant of broken invites."""

from __future__ import annotations

import functools
import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar

from inboxwatch.models import Address, CalendarEvent

MAX_ICS_CHARS = 200_000


def parse_calendar(text: str, defects: list[str]) -> list[CalendarEvent]:
    """Every VEVENT in an iCalendar text; problems go to ``defects``, never raised."""
    if not text.strip():
        return []
    try:
        cal = Calendar.from_ical(text[:MAX_ICS_CHARS])
    except Exception as e:
        defects.append(f"unparseable calendar part: {type(e).__name__}")
        return []
    method = str(cal.get("METHOD", "")).upper()
    events: list[CalendarEvent] = []
    try:
        components = list(cal.walk("VEVENT"))[:10]
    except Exception:
        defects.append("unreadable calendar components")
        return []
    for ev in components:
        try:
            events.append(_event(ev, method))
        except Exception as e:
            defects.append(f"unreadable calendar event: {type(e).__name__}")
    return events


def _event(ev: object, method: str) -> CalendarEvent:
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
        start=_when(get("DTSTART")),
        end=_when(get("DTEND")),
        location=str(get("LOCATION", "")),
        description=str(get("DESCRIPTION", ""))[:4000],
        organizer=_address(get("ORGANIZER")),
        attendees=tuple(a for a in (_address(x) for x in _as_list(get("ATTENDEE"))) if a is not None),
        status=str(get("STATUS", "")).upper(),
    )


@functools.lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name.strip('"'))
    except (ValueError, ZoneInfoNotFoundError):
        return None


def _as_list(value: object) -> list[object]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _when(prop: object) -> datetime | None:
    if prop is None:
        return None
    value = getattr(prop, "dt", None)
    tzid = getattr(prop, "params", {}).get("TZID") if hasattr(getattr(prop, "params", None), "get") else None
    if isinstance(value, datetime) and tzid:
        # An invite's own VTIMEZONE is evaluated through recurrence rules on every offset lookup, which
        # costs milliseconds; the IANA zone of the same name gives the same answer in microseconds.
        zone = _zone(str(tzid))
        if zone is not None:
            return value.replace(tzinfo=zone)
    if isinstance(value, datetime):
        # A floating time has no zone; UTC is the least surprising reading.
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
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

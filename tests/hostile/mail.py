"""Hostile mail, built here from scratch: what anyone who can send the user an email could send.

Every message is legitimate-looking RFC 5322 that some library on the way might choke on: calendar
invites whose time zones are defined by recurrence rules from 1601 (dateutil iterates them on the first
UTC-offset lookup), floods of RDATEs, huge COUNTs, unknown and malformed TZIDs, internationalised
addresses, markup and terminal escape sequences in subjects. Names and companies are fictional.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tests.support.mailfactory import ME, make_message


@dataclass(frozen=True)
class Hostile:
    name: str
    raw: bytes


def _vtimezone(tzid: str, rule: str, extra: tuple[str, ...] = ()) -> list[str]:
    """A VTIMEZONE whose two observances both recur by ``rule`` from 1601: every offset lookup walks it."""
    return [
        "BEGIN:VTIMEZONE",
        f"TZID:{tzid}",
        "BEGIN:STANDARD",
        "DTSTART:16010101T000000",
        f"RRULE:{rule}",
        *extra,
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0000",
        "END:STANDARD",
        "BEGIN:DAYLIGHT",
        "DTSTART:16010101T000030",
        f"RRULE:{rule}",
        *extra,
        "TZOFFSETFROM:+0000",
        "TZOFFSETTO:+0100",
        "END:DAYLIGHT",
        "END:VTIMEZONE",
    ]


def _calendar(tzid: str, zone: list[str], start: datetime, uid: str) -> str:
    stamp = start.strftime("%Y%m%dT%H%M%S")
    end = (start + timedelta(hours=1)).strftime("%Y%m%dT%H%M%S")
    return "\r\n".join(
        [
            "BEGIN:VCALENDAR",
            "PRODID:-//Hostile test//EN",
            "VERSION:2.0",
            "METHOD:REQUEST",
            *zone,
            "BEGIN:VEVENT",
            f"UID:{uid}",
            "DTSTAMP:20260101T000000Z",
            f"DTSTART;TZID={tzid}:{stamp}",
            f"DTEND;TZID={tzid}:{end}",
            "SUMMARY:Interview: Alex Morgan / Data Engineer",
            "ORGANIZER;CN=Recruiter:mailto:talent@quarrystone.example",
            f"ATTENDEE;CN=Alex Morgan:mailto:{ME}",
            "STATUS:CONFIRMED",
            "END:VEVENT",
            "END:VCALENDAR",
            "",
        ]
    )


def invite(name: str, calendar: str, date: datetime) -> Hostile:
    return Hostile(
        name,
        make_message(
            sender="Quarrystone Talent <talent@quarrystone.example>",
            subject="Interview invitation: Data Engineer at Quarrystone",
            body="Hi Alex,\n\nPlease find the invitation for your interview attached.\n\nQuarrystone Talent\n",
            date=date,
            calendar=calendar,
        ),
    )


UNKNOWN = "Quarrystone Standard Time"

# (name, TZID, RRULE, extra lines in each observance)
CALENDAR_BOMBS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("minutely", UNKNOWN, "FREQ=MINUTELY", ()),
    ("secondly", UNKNOWN, "FREQ=SECONDLY", ()),
    ("hourly-byminute-bysecond", UNKNOWN, "FREQ=HOURLY;BYMINUTE=0,10,20,30,40,50;BYSECOND=0,15,30,45", ()),
    ("daily-byhour-byminute", UNKNOWN, "FREQ=DAILY;BYHOUR=0,3,6,9,12,15,18,21;BYMINUTE=0,5,10,15,20,25,30", ()),
    ("yearly-byyearday-everyday", UNKNOWN, "FREQ=YEARLY;BYYEARDAY=" + ",".join(map(str, range(1, 366))), ()),
    ("huge-count", UNKNOWN, "FREQ=SECONDLY;COUNT=999999999", ()),
    ("interval-1-until-far", UNKNOWN, "FREQ=MINUTELY;INTERVAL=1;UNTIL=99991231T235959", ()),
    ("malformed-tzid", "\"/../../etc/localtime\"", "FREQ=MINUTELY", ()),
    ("tzid-with-spaces-and-unicode", "Zeitzone Östlich ✓", "FREQ=SECONDLY", ()),
    ("very-long-tzid", "Z" * 900, "FREQ=MINUTELY", ()),
    ("rdate-flood", UNKNOWN, "FREQ=MINUTELY", tuple(
        "RDATE:" + ",".join(f"{1601 + y:04d}0101T{h:02d}0000" for h in range(24)) for y in range(0, 300)
    )),
)


def calendar_bombs(date: datetime) -> list[Hostile]:
    start = date + timedelta(days=3)
    return [
        invite(f"calendar-{name}", _calendar(tzid, _vtimezone(tzid, rule, extra), start, f"bomb-{name}"), date)
        for name, tzid, rule, extra in CALENDAR_BOMBS
    ]


def good_neighbour(date: datetime, n: int = 1) -> bytes:
    """An ordinary interview request from a different employer, next to the hostile one."""
    return make_message(
        sender=f"Imogen Vale <imogen{n}@larchmont-analytics.example>",
        subject=f"Interview invitation - Analytics Engineer at Larchmont Analytics ({n})",
        body="Hi Alex, we would like to invite you to an interview for the Analytics Engineer role. "
        "Please share your availability for next week.",
        date=date,
    )


def looping(date: datetime, n: int = 1) -> bytes:
    """A message the injected fault (tests/hostile/inject) makes the parser loop on for ever."""
    return make_message(
        sender=f"Loop {n} <loop{n}@pathological.example>",
        subject=f"Interview invitation {n}",
        body="Hi Alex, when are you available?\nX-Test-Loop: forever\n",  # in the text too: IMAP reads parts
        date=date,
        headers={"X-Test-Loop": "forever"},
    )

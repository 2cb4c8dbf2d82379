"""Builds realistic raw messages for tests: fictional people and companies, real header shapes."""

from __future__ import annotations

import itertools
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

ME = "alex.morgan@example.net"
ME_NAME = "Alex Morgan"
_counter = itertools.count(1)


def make_message(
    *,
    sender: str,
    to: str = f"{ME_NAME} <{ME}>",
    subject: str,
    body: str,
    date: datetime,
    message_id: str | None = None,
    in_reply_to: str | None = None,
    cc: str | None = None,
    headers: dict[str, str] | None = None,
    calendar: str | None = None,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    if cc:
        msg["Cc"] = cc
    msg["Subject"] = subject
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = message_id or f"<test-{next(_counter)}@mail.example>"
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
        msg["References"] = in_reply_to
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)
    if calendar:
        msg.add_alternative(calendar, subtype="calendar", params={"method": "REQUEST"})
    return bytes(msg)


def ics(
    uid: str,
    start: str,
    end: str,
    summary: str,
    method: str = "REQUEST",
    sequence: int = 0,
    organizer: str = "recruiter@acme.example",
    attendee: str = ME,
) -> str:
    """A minimal, valid iCalendar invite; ``start``/``end`` like 20260303T200000Z."""
    return "\r\n".join(
        [
            "BEGIN:VCALENDAR",
            "PRODID:-//Test//EN",
            "VERSION:2.0",
            f"METHOD:{method}",
            "BEGIN:VEVENT",
            f"UID:{uid}",
            f"SEQUENCE:{sequence}",
            "DTSTAMP:20260101T000000Z",
            f"DTSTART:{start}",
            f"DTEND:{end}",
            f"SUMMARY:{summary}",
            f"ORGANIZER;CN=Recruiter:mailto:{organizer}",
            f"ATTENDEE;CN={ME_NAME};ROLE=REQ-PARTICIPANT:mailto:{attendee}",
            f"STATUS:{'CANCELLED' if method == 'CANCEL' else 'CONFIRMED'}",
            "END:VEVENT",
            "END:VCALENDAR",
            "",
        ]
    )

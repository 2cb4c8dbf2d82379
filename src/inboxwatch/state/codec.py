"""JSON round trips for the values the store keeps (a message's headers and its classification)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from inboxwatch.models import Address, CalendarEvent, Classification, FolderRole, Label, Message


def _dt(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _parse_dt(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _parse_date(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def _addr(a: Address | None) -> list[str] | None:
    return [a.name, a.email] if a else None


def _parse_addr(value: Any) -> Address | None:
    return Address(value[0], value[1]) if value else None


def _addrs(values: tuple[Address, ...]) -> list[list[str]]:
    return [[a.name, a.email] for a in values]


def _parse_addrs(values: Any) -> tuple[Address, ...]:
    return tuple(Address(n, e) for n, e in values or [])


def message_to_json(m: Message) -> dict[str, Any]:
    """Everything but the body: the store never keeps message text."""
    return {
        "key": m.key,
        "message_id": m.message_id,
        "folder": str(m.folder),
        "subject": m.subject,
        "sender": _addr(m.sender),
        "reply_to": _addrs(m.reply_to),
        "to": _addrs(m.to),
        "cc": _addrs(m.cc),
        "date": _dt(m.date),
        "in_reply_to": m.in_reply_to,
        "references": list(m.references),
        "headers": m.headers,
        "calendar": [_event_to_json(e) for e in m.calendar],
        "defects": list(m.defects),
        "thread_id": m.thread_id,
        "source_uid": m.source_uid,
    }


def message_from_json(d: dict[str, Any]) -> Message:
    return Message(
        key=d["key"],
        message_id=d.get("message_id"),
        folder=FolderRole(d["folder"]),
        subject=d.get("subject", ""),
        sender=_parse_addr(d.get("sender")),
        reply_to=_parse_addrs(d.get("reply_to")),
        to=_parse_addrs(d.get("to")),
        cc=_parse_addrs(d.get("cc")),
        date=_parse_dt(d.get("date")),
        in_reply_to=d.get("in_reply_to"),
        references=tuple(d.get("references") or ()),
        headers=dict(d.get("headers") or {}),
        text="",
        calendar=tuple(_event_from_json(e) for e in d.get("calendar") or []),
        defects=tuple(d.get("defects") or ()),
        thread_id=d.get("thread_id"),
        source_uid=d.get("source_uid", ""),
    )


def _event_to_json(e: CalendarEvent) -> dict[str, Any]:
    return {
        "method": e.method,
        "uid": e.uid,
        "sequence": e.sequence,
        "summary": e.summary,
        "start": _dt(e.start),
        "end": _dt(e.end),
        "location": e.location,
        "organizer": _addr(e.organizer),
        "attendees": _addrs(e.attendees),
        "status": e.status,
    }


def _event_from_json(d: dict[str, Any]) -> CalendarEvent:
    return CalendarEvent(
        method=d.get("method", ""),
        uid=d.get("uid", ""),
        sequence=int(d.get("sequence", 0)),
        summary=d.get("summary", ""),
        start=_parse_dt(d.get("start")),
        end=_parse_dt(d.get("end")),
        location=d.get("location", ""),
        description="",
        organizer=_parse_addr(d.get("organizer")),
        attendees=_parse_addrs(d.get("attendees")),
        status=d.get("status", ""),
    )


def classification_to_json(c: Classification) -> dict[str, Any]:
    return {
        "label": str(c.label),
        "confidence": round(c.confidence, 3),
        "evidence": list(c.evidence),
        "company": c.company,
        "role": c.role,
        "contact": _addr(c.contact),
        "interview_at": _dt(c.interview_at),
        "interview_end": _dt(c.interview_end),
        "location": c.location,
        "reply_by": c.reply_by.isoformat() if c.reply_by else None,
        "return_date": c.return_date.isoformat() if c.return_date else None,
        "calendar_uid": c.calendar_uid,
        "calendar_sequence": c.calendar_sequence,
        "people": _addrs(c.people),
    }


def classification_from_json(d: dict[str, Any]) -> Classification:
    return Classification(
        label=Label(d["label"]),
        confidence=float(d.get("confidence", 0.0)),
        evidence=tuple(d.get("evidence") or ()),
        company=d.get("company"),
        role=d.get("role"),
        contact=_parse_addr(d.get("contact")),
        interview_at=_parse_dt(d.get("interview_at")),
        interview_end=_parse_dt(d.get("interview_end")),
        location=d.get("location"),
        reply_by=_parse_date(d.get("reply_by")),
        return_date=_parse_date(d.get("return_date")),
        calendar_uid=d.get("calendar_uid"),
        calendar_sequence=d.get("calendar_sequence"),
        people=_parse_addrs(d.get("people")),
    )

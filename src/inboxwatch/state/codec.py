"""JSON round trips for the values the store keeps: a message's headers, its classification, the conversations
built from them (the cache between scans). The one codec for addresses and datetimes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from inboxwatch.core.track import Conversation, Event, EventKind, Interview
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


# --- conversations, kept between scans -----------------------------------------------------------
#
# Conversations depend only on the stored messages and the owner's identity (user controls are attached
# after), so a scan that stored nothing reuses the last ones instead of reading every message again. The
# datetimes are those the store gives back (ISO 8601 with a fixed offset), so a round trip is exact.

CACHE_VERSION = 1  # bump when the shape below changes


def conversations_to_json(convs: Sequence[Conversation]) -> list[dict[str, Any]]:
    return [_conversation_json(c) for c in convs]


def conversations_from_json(data: Sequence[dict[str, Any]]) -> list[Conversation]:
    return [_conversation_from(c) for c in data]


def _iso(v: datetime | date | None) -> str | None:
    return v.isoformat() if v is not None else None


def _conversation_json(c: Conversation) -> dict[str, Any]:
    return {
        "id": c.id,
        "company": c.company,
        "role": c.role,
        "contact": _addr(c.contact),
        "events": [
            _event_json(e)
            for e in c.events
        ],
        "people": [[k, *(_addr(a) or [])] for k, a in c.people.items()],
        "domains": sorted(c.domains),
        "message_keys": c.message_keys,
        "message_ids": sorted(c.message_ids),
        "thread_ids": sorted(c.thread_ids),
        "interviews": [
            [_iso(i.start), _iso(i.end), i.uid, i.sequence, i.cancelled, i.tentative] for i in c.interviews
        ],
        "reply_by": _iso(c.reply_by),
        "subject": c.subject,
        "last_message_id": c.last_message_id,
        "references": c.references,
    }


def _event_json(e: Event) -> list[Any]:
    times = [_iso(e.interview_at), _iso(e.interview_end), _iso(e.until)]
    return [e.at.isoformat(), str(e.kind), e.message_key, e.detail, *times]


def _conversation_from(d: dict[str, Any]) -> Conversation:
    return Conversation(
        id=d["id"],
        company=d["company"],
        role=d["role"],
        contact=_parse_addr(d["contact"]),
        events=[
            Event(
                datetime.fromisoformat(at),
                EventKind(kind),
                key,
                detail,
                _parse_dt(start),
                _parse_dt(end),
                _parse_date(until),
            )
            for at, kind, key, detail, start, end, until in d["events"]
        ],
        people={k: Address(name, email) for k, name, email in d["people"]},
        domains=set(d["domains"]),
        message_keys=list(d["message_keys"]),
        message_ids=set(d["message_ids"]),
        thread_ids=set(d["thread_ids"]),
        interviews=[
            Interview(datetime.fromisoformat(start), datetime.fromisoformat(end), uid, seq, cancelled, tentative)
            for start, end, uid, seq, cancelled, tentative in d["interviews"]
        ],
        reply_by=_parse_date(d["reply_by"]),
        subject=d["subject"],
        last_message_id=d["last_message_id"],
        references=list(d["references"]),
    )


def vector_to_bytes(vector: Mapping[int, float]) -> bytes:
    """A sparse vector of counts (hashed features → how often), compactly: each bucket as the varint of its
    distance from the previous one, repeated as often as it counts. A few hundred bytes for a message."""
    out = bytearray()
    previous = 0
    for bucket in sorted(vector):
        for _ in range(max(1, round(vector[bucket]))):
            delta = bucket - previous
            previous = bucket
            while True:
                byte = delta & 0x7F
                delta >>= 7
                out.append(byte | 0x80 if delta else byte)
                if not delta:
                    break
    return bytes(out)


def vector_from_bytes(data: bytes) -> dict[int, float]:
    out: dict[int, float] = {}
    bucket = shift = delta = 0
    for byte in data:
        delta |= (byte & 0x7F) << shift
        if byte & 0x80:
            shift += 7
            continue
        bucket += delta
        out[bucket] = out.get(bucket, 0.0) + 1.0
        delta = shift = 0
    return out

"""Exports of the whole search: ``csv``/``json`` (one row per conversation, for a spreadsheet or a job tracker)
and ``ics`` (the interviews and the follow-ups coming due, for a calendar; the dashboard serves it too).

A row is the conversation as ``status --json`` shows it, flattened: the next nudge's kind, attempt and time
become three columns. Calendar events carry UIDs made from what they are (the conversation, the interview's
start, the nudge's key), so a calendar that subscribes updates its events instead of duplicating them.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping
from datetime import UTC, timedelta
from typing import Final

from inboxwatch.runtime.pipeline import Overview
from inboxwatch.runtime.views import conversation_json

COLUMNS: Final = (
    "id",
    "company",
    "role",
    "contact",
    "stage",
    "closed_reason",
    "interview_at",
    "last_inbound_at",
    "last_outbound_at",
    "follow_ups_sent",
    "reply_by",
    "next_nudge_kind",
    "next_nudge_attempt",
    "next_nudge_due_at",
    "messages",
    "control",
    "why",
)
UID_DOMAIN: Final = "inboxwatch.local"
NUDGE_MINUTES: Final = 30  # a follow-up is a short task in the calendar, not an all-day event


def rows(view: Overview) -> list[dict[str, object]]:
    """One flat row per conversation, in ``status`` order."""
    out = []
    for conv in view.conversations:
        data = conversation_json(conv, view.ladders[conv.id])
        nxt = data.pop("next_nudge")
        n = nxt if isinstance(nxt, Mapping) else {}
        data["next_nudge_kind"] = n.get("kind")
        data["next_nudge_attempt"] = n.get("attempt")
        data["next_nudge_due_at"] = n.get("due_at")
        out.append({key: data[key] for key in COLUMNS})
    return out


def to_csv(view: Overview) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows(view):
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return buffer.getvalue()


def to_json(view: Overview) -> str:
    return json.dumps(rows(view), indent=2, ensure_ascii=False) + "\n"


def interview_uid(conversation_id: str, start_utc: str) -> str:
    return f"interview-{conversation_id}-{start_utc}@{UID_DOMAIN}"


def nudge_uid(key: tuple[str, str, int]) -> str:
    conversation_id, kind, attempt = key
    return f"nudge-{conversation_id}-{kind}-{attempt}@{UID_DOMAIN}"


def to_ics(view: Overview) -> str:
    """The interviews (held, booked, or cancelled: marked so) and each conversation's next follow-up."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//inboxwatch//job search//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "inboxwatch: interviews and follow-ups")
    stamp = view.now.astimezone(UTC)
    due = {d.nudge.key: d for d in view.due}
    for conv in view.conversations:
        ladder = view.ladders[conv.id]
        role = f" ({conv.role})" if conv.role else ""
        standing = conv.active_interviews
        for iv in conv.interviews:
            if not iv.cancelled and iv not in standing:
                continue  # a proposed time that a confirmed one replaced
            event = Event()
            event.add("uid", interview_uid(conv.id, f"{iv.start.astimezone(UTC):%Y%m%dT%H%M%SZ}"))
            event.add("dtstamp", stamp)
            event.add("dtstart", iv.start.astimezone(UTC))
            event.add("dtend", iv.end.astimezone(UTC))
            event.add("summary", f"Interview: {conv.company}{role}")
            if iv.cancelled:  # kept, so that a subscribed calendar drops the event it had
                event.add("status", "CANCELLED")
            elif iv.tentative:
                event.add("status", "TENTATIVE")
            event.add("description", f"inboxwatch conversation {conv.id}")
            cal.add_component(event)
        n = ladder.next_nudge
        if n is None:
            continue
        event = Event()
        event.add("uid", nudge_uid(n.key))
        event.add("dtstamp", stamp)
        event.add("dtstart", n.due_at.astimezone(UTC))
        event.add("dtend", n.due_at.astimezone(UTC) + timedelta(minutes=NUDGE_MINUTES))
        step = _STEP_WORDS[str(n.kind)](n.attempt)
        event.add("summary", f"{step}: {conv.company}{role}")
        lines = [f"Why now: {n.reason}", f"inboxwatch conversation {conv.id}"]
        if (item := due.get(n.key)) is not None:
            to = ", ".join(str(a) for a in item.suggestion.to)
            lines += ["", f"To: {to}", f"Subject: {item.suggestion.subject}", "", item.suggestion.body]
        event.add("description", "\n".join(lines))
        cal.add_component(event)
    text: bytes = cal.to_ical()
    return text.decode("utf-8")


_STEP_WORDS: Final[dict[str, Callable[[int], str]]] = {
    "thank_you": lambda _: "Send a thank-you",
    "follow_up": lambda attempt: f"Follow up (#{attempt})",
    "move_on": lambda _: "Send a last note",
    "application_silence": lambda _: "Ask about your application",
}

FORMATS: Final[dict[str, tuple[Callable[[Overview], str], str]]] = {
    "csv": (to_csv, "text/csv; charset=utf-8"),
    "json": (to_json, "application/json"),
    "ics": (to_ics, "text/calendar; charset=utf-8"),
}

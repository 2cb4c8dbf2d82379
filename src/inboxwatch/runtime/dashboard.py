"""What the dashboard shows, as plain values: the funnel, what is due, how employers answer, the table, one
conversation's timeline. Built from the same ``Overview`` and rows as ``status --json``, so the page and the
command never disagree; the web layer only renders these.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Final

from inboxwatch.config import Config
from inboxwatch.core.compose import Templates, compose
from inboxwatch.core.detect.corrections import message_ref
from inboxwatch.core.track import Conversation, EventKind
from inboxwatch.models import FolderRole, Nudge, Suggestion
from inboxwatch.runtime.pipeline import Overview
from inboxwatch.runtime.views import conversation_json
from inboxwatch.state.store import Store

SILENT_AFTER: Final = timedelta(days=14)  # no word from the employer this long: the stage "ended in silence"
FUNNEL: Final = ("applied", "acknowledged", "interviewed", "offer", "rejected", "ghosted")
STAGE_GROUPS: Final = {  # the funnel step each ladder stage belongs to, for "how often each stage ends in silence"
    "applied": "applied",
    "acknowledged": "acknowledged",
    "interview_requested": "interviewed",
    "interview_scheduled": "interviewed",
    "interview_cancelled": "interviewed",
    "awaiting_response": "interviewed",
    "followed_up": "interviewed",
}
STARTS: Final = frozenset({EventKind.APPLIED, EventKind.USER_SENT, EventKind.ACKNOWLEDGED})
ANSWERS: Final = frozenset(  # from a person on the employer's side (an acknowledgment is the ATS's)
    {
        EventKind.INTERVIEW_REQUESTED,
        EventKind.INTERVIEW_SCHEDULED,
        EventKind.ASSESSMENT,
        EventKind.EMPLOYER_REPLIED,
        EventKind.REJECTION,
        EventKind.OFFER,
    }
)
MAX_BARS: Final = 40
SORTS: Final = ("company", "role", "stage", "last_contact", "next_nudge")


def funnel(rows: Sequence[Mapping[str, object]]) -> dict[str, int]:
    """applied → acknowledged → interviewed → offer / rejected / ghosted, from ``status --json`` rows.

    Every job conversation counts as applied (ignored ones are not job conversations); acknowledged: the
    employer's side wrote at least once; interviewed: an interview was on the calendar; then the outcomes.
    """
    jobs = [r for r in rows if r["closed_reason"] != "ignored"]
    return {
        "applied": len(jobs),
        "acknowledged": sum(1 for r in jobs if r["last_inbound_at"]),
        "interviewed": sum(1 for r in jobs if r["interview_at"]),
        "offer": sum(1 for r in jobs if r["stage"] == "offer"),
        "rejected": sum(1 for r in jobs if r["stage"] == "rejected"),
        "ghosted": sum(1 for r in jobs if r["closed_reason"] == "ghosted"),
    }


@dataclass(frozen=True)
class DueItem:
    conversation_id: str
    company: str
    what: str
    at: datetime
    overdue: bool


def _step(kind: str, attempt: int) -> str:
    return {
        "thank_you": "thank-you",
        "follow_up": f"follow-up #{attempt}",
        "move_on": "last note",
        "application_silence": "ask about the application",
    }.get(kind, kind)


def due_soon(view: Overview) -> tuple[list[DueItem], list[DueItem]]:
    """(due today, including what is overdue; due later this week): nudges and interviews, soonest first."""
    now = view.now
    end_of_day = datetime.combine(now.date() + timedelta(days=1), time(0), now.tzinfo)
    week = now + timedelta(days=7)
    items: list[DueItem] = []
    for conv in view.conversations:
        ladder = view.ladders[conv.id]
        n = ladder.next_nudge
        if n is not None and n.due_at < week:  # a ghosted conversation's last note too: `nudges` lists it
            items.append(DueItem(conv.id, conv.company, _step(str(n.kind), n.attempt), n.due_at, n.due_at <= now))
        for iv in conv.active_interviews:
            if now <= iv.start < week:
                items.append(DueItem(conv.id, conv.company, "interview", iv.start, False))
    items.sort(key=lambda i: (i.at, i.company))
    return [i for i in items if i.at < end_of_day], [i for i in items if i.at >= end_of_day]


@dataclass(frozen=True)
class Bar:
    label: str
    value: float  # what the bar's length shows
    text: str  # the figure written beside it
    conversation_id: str | None = None


def first_reply_days(view: Overview) -> list[Bar]:
    """Each employer's time to first reply: days from the application (the user's first message, or the
    applicant-tracking system's acknowledgment, which comes at once) to the first answer from a person (an
    interview, an assessment, a reply, a rejection, an offer); fastest first. Employers who never answered
    are listed last, with their silence so far; conversations the employer started (a recruiter) are left out."""
    answered: list[Bar] = []
    silent: list[Bar] = []
    for conv in view.conversations:
        if not conv.events or (conv.control is not None and conv.control.action == "ignore"):
            continue
        first = conv.events[0]
        if first.kind not in STARTS:
            continue  # they wrote first: there is no reply time to measure
        reply = next((e.at for e in conv.events if e.kind in ANSWERS and e.at >= first.at), None)
        if reply is not None:
            days = (reply - first.at).total_seconds() / 86400
            answered.append(Bar(conv.company, days, f"{days:.1f} d", conv.id))
        else:
            days = max(0.0, (view.now - first.at).total_seconds() / 86400)
            silent.append(Bar(conv.company, days, f"no reply in {days:.0f} d", conv.id))
    bars = sorted(answered, key=lambda b: b.value) + sorted(silent, key=lambda b: -b.value)
    if len(bars) > MAX_BARS:  # a long search: the fastest and the slowest, the rest is in the table
        half = MAX_BARS // 2
        bars = [*bars[:half], Bar(f"… {len(bars) - MAX_BARS} more", 0.0, ""), *bars[-half:]]
    return bars


def silence_by_stage(view: Overview) -> list[Bar]:
    """For each step of the funnel before an outcome: the share of its conversations that went silent there
    (closed as ghosted, or no word from the employer for two weeks)."""
    counts: dict[str, list[int]] = {step: [0, 0] for step in ("applied", "acknowledged", "interviewed")}
    for conv in view.conversations:
        ladder = view.ladders[conv.id]
        ghosted = ladder.closed_reason == "ghosted"
        group = "interviewed" if ghosted else STAGE_GROUPS.get(ladder.stage)
        if group is None:
            continue
        last = conv.last_inbound_at or conv.last_outbound_at
        silent = ghosted or (last is not None and view.now - last >= SILENT_AFTER)
        counts[group][0] += 1
        counts[group][1] += int(silent)
    return [
        Bar(step, silent / total if total else 0.0, f"{silent} of {total}") for step, (total, silent) in counts.items()
    ]


# ---------------------------------------------------------------------------------------------------------
# The table


@dataclass(frozen=True)
class Row:
    id: str
    company: str
    role: str
    stage: str
    last_contact: datetime | None
    next_nudge: datetime | None
    next_what: str
    due: bool


def table(
    view: Overview, *, sort: str = "next_nudge", descending: bool = False, stage: str = "", q: str = ""
) -> list[Row]:
    """The conversations table, filtered by stage and by words in company or role, sorted by a column."""
    out = []
    words = q.casefold().split()
    for conv in view.conversations:
        ladder = view.ladders[conv.id]
        if stage and ladder.stage != stage:
            continue
        hay = f"{conv.company} {conv.role or ''}".casefold()
        if any(w not in hay for w in words):
            continue
        contacts = [t for t in (conv.last_inbound_at, conv.last_outbound_at) if t is not None]
        n = ladder.next_nudge
        out.append(
            Row(
                conv.id,
                conv.company,
                conv.role or "",
                ladder.stage,
                max(contacts) if contacts else None,
                n.due_at if n else None,
                _step(str(n.kind), n.attempt) if n else "",
                n is not None and n.due_at <= view.now,
            )
        )
    key = sort if sort in SORTS else "next_nudge"
    present = [r for r in out if getattr(r, key) not in (None, "")]
    missing = [r for r in out if getattr(r, key) in (None, "")]
    present.sort(key=lambda r: (_sortable(getattr(r, key)), r.company.casefold()), reverse=descending)
    return present + missing  # rows without the value last, whichever the direction


def _sortable(value: object) -> object:
    return value.casefold() if isinstance(value, str) else value


# ---------------------------------------------------------------------------------------------------------
# One conversation


@dataclass(frozen=True)
class Moment:
    """One line of a conversation's timeline."""

    at: datetime
    kind: str  # message-in | message-out | interview | deadline | nudge
    title: str
    detail: str = ""
    label: str = ""
    confidence: float | None = None
    evidence: tuple[str, ...] = ()
    ref: str = ""  # the message reference relabel takes
    message_key: str = ""
    corrected: bool = False


@dataclass(frozen=True)
class Detail:
    conversation: Conversation
    row: dict[str, object]
    timeline: list[Moment]
    suggestion: Suggestion | None
    suggestion_due: bool
    suggestion_what: str
    nudge: Nudge | None = None


def conversation_detail(config: Config, store: Store, view: Overview, conversation_id: str) -> Detail | None:
    conv = next((c for c in view.conversations if c.id == conversation_id), None)
    if conv is None:
        return None
    ladder = view.ladders[conv.id]
    corrected = {c.message_key for c in store.corrections()}
    moments: list[Moment] = []
    for key in conv.message_keys:
        record = store.message(key)
        if record is None or record.message.date is None:
            continue
        m, c, date = record.message, record.classification, record.message.date
        out = m.folder is FolderRole.SENT
        who = ", ".join(a.email for a in m.to) if out else (str(m.sender) if m.sender else "?")
        moments.append(
            Moment(
                date,
                "message-out" if out else "message-in",
                m.subject or "(no subject)",
                f"{'to' if out else 'from'} {who}",
                str(c.label),
                c.confidence,
                c.evidence,
                message_ref(m.key),
                m.key,
                m.key in corrected,
            )
        )
    for iv in conv.interviews:
        state = "cancelled" if iv.cancelled else ("proposed" if iv.tentative else "booked")
        moments.append(Moment(iv.start, "interview", f"Interview ({state})", f"until {iv.end:%H:%M}"))
    if conv.reply_by:
        at = datetime.combine(conv.reply_by, time(17, 0), view.now.tzinfo)
        moments.append(Moment(at, "deadline", "They said they would answer by this day", ""))
    for kind, attempt, channel, when in store.delivered_nudges(conv.id):
        moments.append(Moment(when, "nudge", f"Nudge delivered: {kind.split('@')[0]} #{attempt}", f"on {channel}"))
    moments.sort(key=lambda m: m.at)
    due = next((d for d in view.due if d.nudge.conversation_id == conv.id), None)
    suggestion: Suggestion | None = None
    nudge: Nudge | None = None
    what = ""
    if due is not None:
        suggestion, nudge, what = due.suggestion, due.nudge, f"due now: {due.nudge.reason}"
    elif ladder.next_nudge is not None:
        n = nudge = ladder.next_nudge
        offers = [c for c in view.conversations if view.ladders[c.id].stage == "offer"]
        suggestion = compose(
            n, conv, config.identity, Templates.load(config.templates_dir), now=view.now, other_offers=offers
        )
        what = f"due {n.due_at:%a %d %b %H:%M}: {n.reason}"
    return Detail(conv, conversation_json(conv, ladder), moments, suggestion, due is not None, what, nudge)

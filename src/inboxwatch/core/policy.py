"""The follow-up ladder. Pure: a conversation + thresholds + ``now`` → its stage and next nudge.

thank-you within 24 h of the interview → follow-up after a week of silence (or the day after the
employer's own stated date, if later) → another a week after each follow-up, up to ``max_follow_ups``
→ one ``move_on`` nudge, then the conversation is closed as ghosted. An employer reply starts a new
stretch of silence (its own ``round``), counted from the user's answer when there is one; a next
interview already booked holds the ladder until it has happened; a rejection or offer ends the ladder;
an out-of-office pauses it until its return date; a snooze defers it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from inboxwatch.core.track import Conversation, Event, EventKind, Interview
from inboxwatch.models import Nudge, NudgeKind

# Mail from the employer's side that counts as an answer (an auto-reply does not).
RESPONSES = frozenset(
    {
        EventKind.EMPLOYER_REPLIED,
        EventKind.INTERVIEW_REQUESTED,
        EventKind.INTERVIEW_SCHEDULED,
        EventKind.ASSESSMENT,
        EventKind.INTERVIEW_CANCELLED,
        EventKind.REOPENED,
    }
)
MORNING = time(9, 0)


@dataclass(frozen=True)
class FollowUpRules:
    """When a conversation deserves a nudge."""

    thank_you_within: timedelta = timedelta(hours=24)
    first_follow_up_after: timedelta = timedelta(days=7)
    next_follow_up_after: timedelta = timedelta(days=7)
    max_follow_ups: int = 2
    business_days: bool = False
    application_silence_after: timedelta | None = None
    announce_backlog: timedelta = timedelta(days=3)


def _company_key(company: str) -> str:
    # "Acme  Corp" and "acme corp" are the same employer; casefold also handles ß and friends.
    return " ".join(company.split()).casefold()


@dataclass(frozen=True)
class FollowUpConfig:
    rules: FollowUpRules = field(default_factory=FollowUpRules)
    overrides: dict[str, FollowUpRules] = field(default_factory=dict)  # keys as written in the file

    def rules_for(self, company: str | None) -> FollowUpRules:
        """The rules for ``company``, matched case-insensitively; the base rules when there is no override."""
        if company:
            wanted = _company_key(company)
            for name, rules in self.overrides.items():
                if _company_key(name) == wanted:
                    return rules
        return self.rules


@dataclass(frozen=True)
class Ladder:
    """Where a conversation stands at ``now`` and what comes next."""

    stage: str
    next_nudge: Nudge | None
    explanation: str
    follow_ups_sent: int
    interview: Interview | None
    closed_reason: str | None = None

    def due(self, now: datetime) -> bool:
        return self.next_nudge is not None and self.next_nudge.due_at <= now


def add_time(start: datetime, span: timedelta, business_days: bool) -> datetime:
    """``start + span``; with business days, Saturdays and Sundays do not count."""
    if not business_days:
        return start + span
    remaining = span
    current = start
    while remaining > timedelta(0):
        if current.weekday() >= 5:  # jump to Monday 00:00, keeping the wall clock's zone
            days = 7 - current.weekday()
            current = datetime.combine(current.date() + timedelta(days=days), time(0), current.tzinfo)
            continue
        midnight = datetime.combine(current.date() + timedelta(days=1), time(0), current.tzinfo)
        step = min(remaining, midnight - current)
        current += step
        remaining -= step
    return current


def _morning_after(day: date, like: datetime) -> datetime:
    return datetime.combine(day + timedelta(days=1), MORNING, like.tzinfo)


def _morning_of(day: date, like: datetime) -> datetime:
    return datetime.combine(day, MORNING, like.tzinfo)


def evaluate(conv: Conversation, rules: FollowUpRules, now: datetime) -> Ladder:
    """The ladder of one conversation at ``now``."""
    ladder = _evaluate(conv, rules, now)
    control = conv.control
    if (
        control is not None
        and control.action == "reopen"
        and ladder.closed_reason == "ghosted"
        and ladder.next_nudge is not None
        and ladder.next_nudge.due_at <= control.at
    ):
        # Reopened after it was closed as ghosted: the silence is counted again from the reopening.
        events = sorted(
            [*conv.events, Event(control.at, EventKind.REOPENED, "", "reopened by the user")], key=lambda e: e.at
        )
        ladder = _evaluate(replace(conv, events=events), rules, now)
    n = ladder.next_nudge
    if n is not None and control and control.action == "snooze" and control.until == n.due_at:
        # The user asked to be reminded later: a new reminder, announced again when the snooze ends.
        return replace(ladder, next_nudge=replace(n, snoozed_until=control.until))
    return ladder


def _evaluate(conv: Conversation, rules: FollowUpRules, now: datetime) -> Ladder:
    ended = conv.ended
    held = sorted((iv for iv in conv.active_interviews if iv.end <= now), key=lambda iv: iv.end)
    if ended:
        stage = {"rejected": "rejected", "offer": "offer"}.get(ended, "closed")
        return Ladder(stage, None, f"ladder ended: {ended}", 0, held[-1] if held else None, ended)
    if not held:
        return _before_interview(conv, rules, now)
    ladder = _after_interview(conv, rules, now, held)
    booked = any(iv.end > now for iv in conv.active_interviews)
    if booked and (ladder.next_nudge is None or ladder.next_nudge.kind is not NudgeKind.THANK_YOU):
        # The next round is already booked: there is no silence to chase until it has happened (a
        # thank-you still owed for the last one stays the step; nothing else does).
        return _before_interview(conv, rules, now)
    return ladder


def _after_interview(conv: Conversation, rules: FollowUpRules, now: datetime, held: list[Interview]) -> Ladder:
    latest = held[-1]
    round_base = 100 * (len(held) - 1)
    anchor, anchor_what = latest.end, f"the interview on {latest.start:%a %d %b}"
    thank_you_due = add_time(latest.end, rules.thank_you_within, rules.business_days)
    first_due = _first_follow_up_due(conv, rules, anchor, latest)
    # The user's first message of a stretch acknowledges it: the thank-you after the interview, or the
    # answer to the employer's reply. More notes soon after belong to it (a thank-you to each
    # interviewer, a forgotten attachment); only later messages are follow-ups.
    acknowledged_until: datetime | None = None
    follow_ups = 0
    last_follow_up: datetime | None = None
    replies = 0
    paused_until: date | None = None
    for e in conv.events:
        if e.at < latest.start:
            continue  # accepting the invitation, "see you Thursday": not about the interview held
        if e.kind is EventKind.USER_SENT:
            courtesy = follow_ups == 0 and e.detail != "follow_up" and e.at < first_due
            if courtesy and acknowledged_until is None:
                acknowledged_until = add_time(e.at, rules.thank_you_within, rules.business_days)
                if replies == 0:
                    acknowledged_until = max(acknowledged_until, thank_you_due)
                else:
                    # Their reply asked something and this answers it: the silence runs from here.
                    anchor, anchor_what = e.at, f"your answer on {e.at:%a %d %b}"
                    first_due = _first_follow_up_due(conv, rules, anchor, latest)
                continue
            if courtesy and acknowledged_until and (e.at <= acknowledged_until or e.detail == "thank_you"):
                continue  # another note of the same acknowledgment
            follow_ups += 1
            last_follow_up = e.at
        elif e.kind in RESPONSES and e.at > latest.end:
            replies += 1
            what = "you reopened it" if e.kind is EventKind.REOPENED else "their reply"
            anchor, anchor_what = e.at, f"{what} on {e.at:%a %d %b}"
            acknowledged_until, follow_ups, last_follow_up = None, 0, None
            first_due = _first_follow_up_due(conv, rules, anchor, latest)
        elif e.kind is EventKind.AUTO_REPLY and e.until and (paused_until is None or e.until > paused_until):
            paused_until = e.until
    round_ = round_base + replies

    def nudge(kind: NudgeKind, attempt: int, due_at: datetime, reason: str) -> Nudge:
        if paused_until and due_at < _morning_of(paused_until, due_at):
            due_at = _morning_of(paused_until, due_at)
            reason += f"; paused by an out-of-office reply until {paused_until:%a %d %b}"
        due_at, reason = _snoozed(conv, due_at, reason)
        return Nudge(conv.id, conv.company, conv.role, kind, attempt, due_at, reason, round_)

    stage = "followed_up" if follow_ups else "awaiting_response"
    if replies == 0 and acknowledged_until is None and now < first_due:
        n = nudge(
            NudgeKind.THANK_YOU,
            1,
            thank_you_due,
            f"no message to {conv.company} within {_words(rules.thank_you_within)} of {anchor_what}",
        )
        return Ladder(stage, n, n.reason, 0, latest)
    if follow_ups < rules.max_follow_ups:
        if follow_ups == 0:
            due = first_due
            reason = f"{_words(rules.first_follow_up_after)} of silence after {anchor_what}"
            if conv.reply_by and first_due > add_time(anchor, rules.first_follow_up_after, rules.business_days):
                reason = f"they said they would answer by {conv.reply_by:%a %d %b}; a day later is silence"
        else:
            assert last_follow_up is not None
            due = add_time(last_follow_up, rules.next_follow_up_after, rules.business_days)
            reason = f"{_words(rules.next_follow_up_after)} since your follow-up on {last_follow_up:%a %d %b}"
        n = nudge(NudgeKind.FOLLOW_UP, follow_ups + 1, due, reason)
        return Ladder(stage, n, n.reason, follow_ups, latest)
    if last_follow_up is None:
        # No follow-ups allowed (max_follow_ups = 0): the first stretch of silence is the limit.
        due, since_what = first_due, f"{_words(rules.first_follow_up_after)} of silence after {anchor_what}"
    else:
        due = add_time(last_follow_up, rules.next_follow_up_after, rules.business_days)
        since_what = f"{_words(rules.next_follow_up_after)} since the last"
    n = nudge(NudgeKind.MOVE_ON, 1, due, f"{follow_ups} follow-up(s) unanswered; {since_what}")
    if n.due_at <= now:
        return Ladder("closed", n, n.reason + "; closed as ghosted", follow_ups, latest, "ghosted")
    return Ladder(stage, n, n.reason, follow_ups, latest)


def _snoozed(conv: Conversation, due_at: datetime, reason: str) -> tuple[datetime, str]:
    """A snooze moves any step due before its end to its end."""
    control = conv.control
    if control and control.action == "snooze" and control.until and control.until > due_at:
        return control.until, f"{reason}; snoozed until {control.until:%a %d %b}"
    return due_at, reason


def _first_follow_up_due(conv: Conversation, rules: FollowUpRules, anchor: datetime, latest: Interview) -> datetime:
    due = add_time(anchor, rules.first_follow_up_after, rules.business_days)
    if conv.reply_by and conv.reply_by >= latest.start.date():
        due = max(due, _morning_after(conv.reply_by, anchor))
    return due


def _before_interview(conv: Conversation, rules: FollowUpRules, now: datetime) -> Ladder:
    upcoming = sorted((iv for iv in conv.active_interviews if iv.end > now), key=lambda iv: iv.start)
    if upcoming:
        iv = upcoming[0]
        due, reason = _snoozed(
            conv,
            add_time(iv.end, rules.thank_you_within, rules.business_days),
            f"interview on {iv.start:%a %d %b}; thank-you due within {_words(rules.thank_you_within)} of its end",
        )
        n = Nudge(
            conv.id,
            conv.company,
            conv.role,
            NudgeKind.THANK_YOU,
            1,
            due,
            reason,
            100 * len([i for i in conv.active_interviews if i.end <= now]),
        )
        return Ladder("interview_scheduled", n, n.reason, 0, iv)
    if conv.interviews:
        return Ladder("interview_cancelled", None, "the interview was cancelled", 0, conv.interviews[-1])
    if conv.of_kind(EventKind.INTERVIEW_REQUESTED):
        return Ladder("interview_requested", None, "waiting for the interview to be scheduled", 0, None)
    acks = conv.of_kind(EventKind.ACKNOWLEDGED, EventKind.APPLIED, EventKind.ASSESSMENT)
    stage = "acknowledged" if conv.of_kind(EventKind.ACKNOWLEDGED) else "applied"
    if rules.application_silence_after and acks:
        # An answer from them ends the silence; so does the user's own note after the acknowledgment
        # (the nudge asks for exactly that note, and it is one step, not a ladder).
        later = [e for e in conv.events if e.kind in (*RESPONSES, EventKind.USER_SENT) and e.at > acks[0].at]
        if not later:
            due, reason = _snoozed(
                conv,
                add_time(acks[0].at, rules.application_silence_after, rules.business_days),
                f"no answer {_words(rules.application_silence_after)} after your application",
            )
            n = Nudge(conv.id, conv.company, conv.role, NudgeKind.APPLICATION_SILENCE, 1, due, reason)
            return Ladder(stage, n, n.reason, 0, None)
    return Ladder(stage, None, "no interview yet; nothing to follow up", 0, None)


def due_nudges(ladders: Iterable[Ladder], now: datetime) -> list[Nudge]:
    """The nudges due at ``now`` and still open, oldest first."""
    due = [lad.next_nudge for lad in ladders if lad.next_nudge is not None and lad.next_nudge.due_at <= now]
    return sorted(due, key=lambda n: (n.due_at, n.conversation_id))


def evaluate_all(convs: Iterable[Conversation], cfg: FollowUpConfig, now: datetime) -> dict[str, Ladder]:
    return {c.id: evaluate(c, cfg.rules_for(c.company), now) for c in convs}


def _words(span: timedelta) -> str:
    if span % timedelta(days=7) == timedelta(0) and span >= timedelta(days=7):
        weeks = span // timedelta(days=7)
        return f"{weeks} week{'s' if weeks > 1 else ''}"
    if span % timedelta(days=1) == timedelta(0):
        days = span.days
        return f"{days} day{'s' if days > 1 else ''}"
    hours = int(span.total_seconds() // 3600)
    return f"{hours} hours"

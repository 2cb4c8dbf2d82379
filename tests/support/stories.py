"""Mailboxes at the level ``track`` reads them: stored messages with a classification written by hand, so the
track, ladder and cache tests never depend on the classifier's accuracy; and a channel that records what it gets.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from inboxwatch.config import Config, FollowUpConfig, FollowUpRules
from inboxwatch.core.policy import Ladder, evaluate
from inboxwatch.core.records import Control, StoredMessage
from inboxwatch.core.track import Conversation, build_conversations
from inboxwatch.models import (
    Address,
    CalendarEvent,
    Classification,
    FolderRole,
    Identity,
    Label,
    Message,
    Nudge,
)
from inboxwatch.notify.base import Alert, Channel
from inboxwatch.runtime.pipeline import DeliveryReport, deliver, overview
from inboxwatch.state.store import Store

# --- the cast and the calendar -------------------------------------------------------------------------

ME = Address("Alex Morgan", "alex.morgan@example.net")
IDENTITY = Identity("Alex Morgan", frozenset({ME.email}))
ACME = "Acme Analytics"
ROLE = "Data Engineer"
DANA = Address("Dana Whitfield", "dana@acme.example")  # the recruiter
MARCUS = Address("Marcus Lee", "marcus@acme.example")  # the hiring manager
RULES = FollowUpRules()

INVITED = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)  # Monday
IV = datetime(2026, 3, 5, 15, 0, tzinfo=UTC)  # Thursday, one hour
END = IV + timedelta(hours=1)
H = timedelta(hours=1)
M = timedelta(minutes=1)
D = timedelta(days=1)
_ids = itertools.count(1)


@dataclass
class Story:
    """One mailbox's worth of messages, added in any order, read back as of a moment."""

    company: str = ACME
    role: str | None = ROLE
    contact: Address = DANA  # who writes, and whom the user writes to, unless a message says otherwise
    records: list[StoredMessage] = field(default_factory=list)

    def _message(
        self,
        at: datetime,
        folder: FolderRole,
        sender: Address,
        to: Sequence[Address],
        subject: str,
        in_reply_to: str | None,
        calendar: tuple[CalendarEvent, ...] = (),
        thread_id: str | None = None,
    ) -> Message:
        mid = f"m{next(_ids)}@mail.example"
        return Message(
            key=mid,
            message_id=mid,
            folder=folder,
            subject=subject,
            sender=sender,
            reply_to=(),
            to=tuple(to),
            cc=(),
            date=at,
            in_reply_to=in_reply_to,
            references=(in_reply_to,) if in_reply_to else (),
            headers={},
            text="",
            calendar=calendar,
            thread_id=thread_id,
        )

    def receive(
        self,
        at: datetime,
        label: Label,
        *,
        sender: Address | None = None,
        subject: str | None = None,
        reply_to: StoredMessage | None = None,
        thread_id: str | None = None,
        uid: str | None = None,
        organizer: Address | None = None,
        **facts: Any,
    ) -> StoredMessage:
        """An inbound message; ``facts`` are Classification fields (company and role default to the story's)."""
        sender = sender or self.contact
        facts.setdefault("company", self.company)
        facts.setdefault("role", self.role)
        calendar: tuple[CalendarEvent, ...] = ()
        if uid is not None:
            facts.setdefault("calendar_uid", uid)
            start = facts.get("interview_at")
            calendar = (
                CalendarEvent(
                    "CANCEL" if label is Label.INTERVIEW_CANCELLED else "REQUEST",
                    uid,
                    facts.get("calendar_sequence") or 0,
                    "Interview",
                    start,
                    facts.get("interview_end"),
                    "",
                    "",
                    organizer or sender,
                    (ME,),
                    "CANCELLED" if label is Label.INTERVIEW_CANCELLED else "CONFIRMED",
                ),
            )
        msg = self._message(
            at,
            FolderRole.INBOX,
            sender,
            (ME,),
            subject or f"{self.role or 'Your application'} at {self.company}",
            reply_to.message.message_id if reply_to else None,
            calendar,
            thread_id,
        )
        record = StoredMessage("test", msg, Classification(label, 0.9, ("written by the test",), **facts))
        self.records.append(record)
        return record

    def interview(
        self,
        start: datetime = IV,
        *,
        at: datetime = INVITED,
        minutes: int = 60,
        uid: str | None = "iv-1",
        seq: int = 0,
        sender: Address | None = None,
        **facts: Any,
    ) -> StoredMessage:
        """A confirmed interview, with a calendar invite when ``uid`` is set."""
        return self.receive(
            at,
            Label.INTERVIEW_CONFIRMED,
            sender=sender,
            uid=uid,
            interview_at=start,
            interview_end=start + timedelta(minutes=minutes),
            calendar_sequence=seq,
            **facts,
        )

    def send(
        self,
        at: datetime,
        label: Label = Label.OTHER,
        *,
        to: Address | None = None,
        reply_to: StoredMessage | None = None,
        subject: str | None = None,
    ) -> StoredMessage:
        """A message from the Sent folder; threaded under ``reply_to`` when given."""
        to = to or self.contact
        msg = self._message(
            at,
            FolderRole.SENT,
            ME,
            (to,),
            subject or f"Re: {self.role} at {self.company}",
            reply_to.message.message_id if reply_to else None,
        )
        record = StoredMessage("test", msg, Classification(label, 0.8, ("sent",), contact=to))
        self.records.append(record)
        return record

    def upto(self, now: datetime) -> list[StoredMessage]:
        return [r for r in self.records if r.message.date is not None and r.message.date <= now]

    def convs(self, now: datetime, controls: dict[str, Control] | None = None) -> list[Conversation]:
        return build_conversations(self.upto(now), IDENTITY, controls)

    def conv(self, now: datetime, controls: dict[str, Control] | None = None) -> Conversation:
        (conv,) = self.convs(now, controls)
        return conv

    def ladder(self, now: datetime, rules: FollowUpRules = RULES, controls: dict[str, Control] | None = None) -> Ladder:
        return evaluate(self.conv(now, controls), rules, now)

    def due(self, now: datetime, rules: FollowUpRules = RULES) -> Nudge | None:
        lad = self.ladder(now, rules)
        return lad.next_nudge if lad.due(now) else None


def step(nudge: Nudge | None) -> tuple[str, int] | None:
    return (str(nudge.kind), nudge.attempt) if nudge else None


def next_of(lad: Ladder) -> Nudge:
    assert lad.next_nudge is not None, lad.explanation
    return lad.next_nudge


def interviewed(story: Story | None = None) -> Story:
    """The common start: invited Monday, interviewed Thursday 15:00-16:00 UTC."""
    story = story or Story()
    story.interview()
    return story


GREENHOUSE = Address("Acme Analytics", "no-reply@greenhouse.io")
CALENDLY = Address("Calendly", "notifications@calendly.com")


class Recorder(Channel):
    name = "recorder"

    def __init__(self) -> None:
        self.alerts: list[Alert] = []

    def send(self, alert: Alert) -> None:
        self.alerts.append(alert)


def config(rules: FollowUpRules = RULES, overrides: dict[str, FollowUpRules] | None = None) -> Config:
    base = Config.default(IDENTITY, source="<test>")
    return replace(base, follow_up=FollowUpConfig(rules, overrides or {}))


def scan_into(store: Store, records: Sequence[StoredMessage], now: datetime) -> None:
    """What a scan at ``now`` adds: every message already dated, once."""
    fresh = [r for r in records if r.message.date is not None and r.message.date <= now]
    store.commit_batch("test", "inbox", fresh, None, now)


def run_deliveries(
    store: Store, cfg: Config, records: Sequence[StoredMessage], nows: Sequence[datetime], channel: Recorder
) -> list[DeliveryReport]:
    reports = []
    for now in nows:
        scan_into(store, records, now)
        reports.append(deliver(cfg, store, overview(cfg, store, now), [channel], now))
    return reports



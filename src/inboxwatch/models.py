"""Typed values that flow through the pipeline: Message → Classification → Conversation → Nudge → Suggestion."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime


class Label(enum.StrEnum):
    INTERVIEW_REQUEST = "interview_request"
    INTERVIEW_CONFIRMED = "interview_confirmed"
    INTERVIEW_CANCELLED = "interview_cancelled"
    ASSESSMENT = "assessment"
    APPLICATION_RECEIVED = "application_received"
    REJECTION = "rejection"
    OFFER = "offer"
    RECRUITER_OUTREACH = "recruiter_outreach"
    JOB_ALERT = "job_alert"
    AUTO_REPLY = "auto_reply"
    THANK_YOU = "thank_you"
    FOLLOW_UP = "follow_up"
    OTHER = "other"


# Labels that start or belong to an employer conversation.
CONVERSATION_LABELS = frozenset(
    {
        Label.INTERVIEW_REQUEST,
        Label.INTERVIEW_CONFIRMED,
        Label.INTERVIEW_CANCELLED,
        Label.ASSESSMENT,
        Label.APPLICATION_RECEIVED,
        Label.REJECTION,
        Label.OFFER,
    }
)


class FolderRole(enum.StrEnum):
    INBOX = "inbox"
    SENT = "sent"
    DRAFTS = "drafts"
    ALL = "all"


@dataclass(frozen=True)
class Address:
    """A mailbox address; ``email`` is lower-cased, ``name`` may be empty."""

    name: str
    email: str

    @property
    def domain(self) -> str:
        return self.email.rpartition("@")[2]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email


@dataclass(frozen=True)
class Identity:
    """The mailbox owner: the candidate whose side every message is judged from."""

    name: str
    addresses: frozenset[str]

    def is_me(self, address: Address | None) -> bool:
        return address is not None and address.email in self.addresses


@dataclass(frozen=True)
class CalendarEvent:
    """One VEVENT of a text/calendar part."""

    method: str  # REQUEST, CANCEL, REPLY, PUBLISH … ("" when absent)
    uid: str
    sequence: int
    summary: str
    start: datetime | None
    end: datetime | None
    location: str
    description: str
    organizer: Address | None
    attendees: tuple[Address, ...]
    status: str  # CONFIRMED, CANCELLED, TENTATIVE … ("" when absent)


@dataclass(frozen=True)
class Message:
    """A parsed message, reduced to what the core needs. Built by ``parse.parse_message``."""

    key: str  # stable identity: normalised Message-ID, or a content hash when there is none
    message_id: str | None
    folder: FolderRole
    subject: str
    sender: Address | None
    reply_to: tuple[Address, ...]
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    date: datetime | None  # timezone-aware, or None when missing or absurd
    in_reply_to: str | None
    references: tuple[str, ...]
    headers: dict[str, str]  # selected headers, lower-case names (auto-submitted, list-id, …)
    text: str  # best plain-text body (HTML converted), capped in size
    calendar: tuple[CalendarEvent, ...] = ()
    defects: tuple[str, ...] = ()
    thread_id: str | None = None  # the source's own thread id (Gmail), when it has one
    source_uid: str = ""  # where the source keeps it (file name, UID, Gmail id)
    # Its hashed word features (bucket → count), for matching the user's corrections; set when the message
    # is stored for job mail only, never part of its stored summary (the state file keeps them apart).
    features: Mapping[int, float] | None = None

    @property
    def recipients(self) -> tuple[Address, ...]:
        return self.to + self.cc


@dataclass(frozen=True)
class Classification:
    """What a message is, from the candidate's side, with the facts it states and the evidence."""

    label: Label
    confidence: float
    evidence: tuple[str, ...]
    company: str | None = None
    role: str | None = None
    contact: Address | None = None
    interview_at: datetime | None = None
    interview_end: datetime | None = None
    location: str | None = None
    reply_by: date | None = None
    return_date: date | None = None  # auto-replies: when the person is back
    calendar_uid: str | None = None
    calendar_sequence: int | None = None
    people: tuple[Address, ...] = field(default=())  # everyone on the employer's side seen in it


class NudgeKind(enum.StrEnum):
    THANK_YOU = "thank_you"
    FOLLOW_UP = "follow_up"
    MOVE_ON = "move_on"
    APPLICATION_SILENCE = "application_silence"


@dataclass(frozen=True)
class Suggestion:
    """A ready-to-send reply: the user copies it, or finds it as a draft."""

    to: tuple[Address, ...]
    subject: str
    body: str
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    tips: tuple[str, ...] = ()  # advice beside the text (reach someone else, mention your offer …)


@dataclass(frozen=True)
class Nudge:
    """A step of the ladder that is due (or will be) for one conversation."""

    conversation_id: str
    company: str
    role: str | None
    kind: NudgeKind
    attempt: int
    due_at: datetime
    reason: str  # why it is due when it is, in words
    round: int = 0  # which stretch of silence: each new interview or employer reply starts another
    snoozed_until: datetime | None = None  # a snooze makes it a new reminder, announced again when it ends

    @property
    def key(self) -> tuple[str, str, int]:
        """Identity for exactly-once delivery: (conversation, kind with its round and snooze, attempt)."""
        kind = str(self.kind) if self.round == 0 else f"{self.kind}@{self.round}"
        if self.snoozed_until is not None:
            kind += f"~{self.snoozed_until.astimezone(UTC):%Y%m%dT%H%M}"
        return (self.conversation_id, kind, self.attempt)

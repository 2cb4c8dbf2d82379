"""Classified messages → employer conversations with a timeline. Pure: no I/O, no clock.

A conversation is everything between the user and one employer about one role. Messages join one by
thread (Gmail thread id, In-Reply-To/References), by calendar UID, by company and role, and — for mail
the classifier has no job label for (a short "thanks, we'll be in touch", the user's own notes) — by the
people and domains already seen on the employer's side.
"""

from __future__ import annotations

import base64
import enum
import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from inboxwatch.core.detect.senders import is_intermediary, is_noreply, normalise_company, organisation_domain
from inboxwatch.core.links import address_keys, link_sets
from inboxwatch.core.records import Control, LinkRow, StoredMessage
from inboxwatch.models import CONVERSATION_LABELS, Address, FolderRole, Identity, Label


class EventKind(enum.StrEnum):
    APPLIED = "applied"
    ACKNOWLEDGED = "acknowledged"
    INTERVIEW_REQUESTED = "interview_requested"
    INTERVIEW_SCHEDULED = "interview_scheduled"
    INTERVIEW_CANCELLED = "interview_cancelled"
    ASSESSMENT = "assessment"
    EMPLOYER_REPLIED = "employer_replied"
    AUTO_REPLY = "auto_reply"
    USER_SENT = "user_sent"
    REJECTION = "rejection"
    OFFER = "offer"
    REOPENED = "reopened"  # the user brought a ghosted conversation back: a new stretch starts


@dataclass(frozen=True)
class Event:
    at: datetime
    kind: EventKind
    message_key: str
    detail: str = ""
    interview_at: datetime | None = None
    interview_end: datetime | None = None
    until: date | None = None  # auto-reply return date


@dataclass
class Interview:
    start: datetime
    end: datetime
    uid: str | None
    sequence: int
    cancelled: bool = False
    tentative: bool = False  # a time proposed in an invitation ("would Friday at 9 work?"), not yet confirmed


@dataclass
class Conversation:
    id: str
    company: str
    role: str | None
    contact: Address | None = None
    events: list[Event] = field(default_factory=list)
    people: dict[str, Address] = field(default_factory=dict)  # employer-side addresses seen
    domains: set[str] = field(default_factory=set)  # employer's own domains (never an ATS or free mail)
    message_keys: list[str] = field(default_factory=list)
    message_ids: set[str] = field(default_factory=set)
    thread_ids: set[str] = field(default_factory=set)
    interviews: list[Interview] = field(default_factory=list)
    reply_by: date | None = None
    subject: str = ""
    last_message_id: str | None = None
    references: list[str] = field(default_factory=list)
    control: Control | None = None

    # --- derived views -----------------------------------------------------------------------------

    def of_kind(self, *kinds: EventKind) -> list[Event]:
        return [e for e in self.events if e.kind in kinds]

    @property
    def last_inbound_at(self) -> datetime | None:
        inbound = self.of_kind(
            EventKind.ACKNOWLEDGED,
            EventKind.INTERVIEW_REQUESTED,
            EventKind.INTERVIEW_SCHEDULED,
            EventKind.INTERVIEW_CANCELLED,
            EventKind.ASSESSMENT,
            EventKind.EMPLOYER_REPLIED,
            EventKind.REJECTION,
            EventKind.OFFER,
        )
        return inbound[-1].at if inbound else None

    @property
    def last_outbound_at(self) -> datetime | None:
        sent = self.of_kind(EventKind.USER_SENT, EventKind.APPLIED)
        return sent[-1].at if sent else None

    @property
    def active_interviews(self) -> list[Interview]:
        """Interviews that stand: not cancelled; proposals only while nothing was confirmed."""
        standing = [i for i in self.interviews if not i.cancelled]
        if any(not i.tentative for i in self.interviews):
            standing = [i for i in standing if not i.tentative]
        return standing

    @property
    def ended(self) -> str | None:
        """Why the ladder is over, if it is: rejected, offer, done, ignored."""
        if self.control and self.control.action in ("done", "ignore"):
            return "ignored" if self.control.action == "ignore" else "done"
        last = self.of_kind(EventKind.REJECTION, EventKind.OFFER)
        if last:
            return "rejected" if last[-1].kind is EventKind.REJECTION else "offer"
        return None


_LABEL_EVENTS = {
    Label.APPLICATION_RECEIVED: EventKind.ACKNOWLEDGED,
    Label.INTERVIEW_REQUEST: EventKind.INTERVIEW_REQUESTED,
    Label.INTERVIEW_CONFIRMED: EventKind.INTERVIEW_SCHEDULED,
    Label.INTERVIEW_CANCELLED: EventKind.INTERVIEW_CANCELLED,
    Label.ASSESSMENT: EventKind.ASSESSMENT,
    Label.REJECTION: EventKind.REJECTION,
    Label.OFFER: EventKind.OFFER,
    Label.AUTO_REPLY: EventKind.AUTO_REPLY,
}

DEFAULT_INTERVIEW_MINUTES = 60
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def build_conversations(
    messages: Iterable[StoredMessage], identity: Identity, controls: Mapping[str, Control] | None = None
) -> list[Conversation]:
    """Group messages (any order) into conversations, oldest first. Deterministic for the same input."""
    ordered = sorted(messages, key=_timeline_order)
    convs: list[Conversation] = []
    by_msgid: dict[str, Conversation] = {}
    by_thread: dict[str, Conversation] = {}
    by_uid: dict[str, Conversation] = {}
    used_ids: set[str] = set()
    read_ids: set[str] = set()
    for stored in ordered:
        m, c = stored.message, stored.classification
        if m.date is None:
            continue  # a message with no usable date cannot be placed on a timeline
        if m.message_id:
            if m.message_id in read_ids:
                continue  # one message through two accounts (a forward, a Takeout archive, mail to self)
            read_ids.add(m.message_id)
        # The owner's mail with an employer's label is an employer's message the owner forwarded to
        # themselves (the classifier read what was forwarded): it counts as received.
        outbound = (m.folder is FolderRole.SENT or identity.is_me(m.sender)) and c.label not in CONVERSATION_LABELS
        conv = _linked(stored, by_msgid, by_thread, by_uid)
        if conv is None and c.label in CONVERSATION_LABELS and not outbound:
            conv = _by_company(convs, c.company, c.role)
        if conv is None and c.label not in (Label.JOB_ALERT, Label.RECRUITER_OUTREACH):
            conv = _by_people(convs, stored, identity, outbound)
        if conv is None:
            if c.label not in CONVERSATION_LABELS or outbound:
                continue
            conv = _new_conversation(stored, used_ids)
            convs.append(conv)
        elif (
            c.role
            and not outbound
            and (conv.role is None or (_same_role(conv.role, c.role) and len(c.role) > len(conv.role)))
        ):
            conv.role = c.role  # "Engineer" becomes "Senior Data Engineer" when a later message says so
        _add(conv, stored, identity, outbound)
        if m.message_id:
            by_msgid[m.message_id] = conv
        if m.thread_id:
            by_thread[m.thread_id] = conv
        for ev in m.calendar:
            if ev.uid:
                by_uid[ev.uid] = conv
    for conv in convs:
        conv.control = (controls or {}).get(conv.id)
    return convs


def joinable(rows: Sequence[LinkRow], identity: Identity) -> set[int]:
    """Indexes of the stored messages that can be part of some conversation: what tracking must read.

    Every message with a label (or forced, or stored before links were kept) may start or join one. A
    message with none can only join by a link to a message already in one: an id it answers, its thread,
    an invitation, a person, or an organisation the employer's side writes from (as ``_learn_people``
    counts them). So: start from the labelled messages and add, until nothing changes, every unlabelled one
    that shares a link with those taken. What is left can join nothing: leaving it out changes nothing.
    """
    mine = address_keys(identity.addresses)
    taken: set[int] = set()
    reached: set[str] = set()
    waiting: list[tuple[int, set[str], set[str]]] = []
    for index, row in enumerate(rows):
        probe, offer = link_sets(row.links, mine)
        if row.links is None or row.forced or row.label != Label.OTHER:
            taken.add(index)
            reached |= offer
        else:
            waiting.append((index, probe, offer))
    grew = True
    while grew:
        grew, still = False, []
        for index, probe, offer in waiting:
            if probe.isdisjoint(reached):
                still.append((index, probe, offer))
            else:
                taken.add(index)
                reached |= offer
                grew = True
        waiting = still
    return taken


def reachable(
    seeds: Iterable[tuple[str, str | None]],
    find: Callable[[set[str]], Iterable[tuple[str, str | None]]],
    identity: Identity,
) -> set[str]:
    """What :func:`joinable` picks, reading only what it picks: ``seeds`` are the (key, links) of the messages
    that may start a conversation (labelled, forced, or stored without links); ``find(link keys)`` gives the
    (key, links) of the other messages that can be found by any of those keys (``links.index_keys``).

    A message joins when one of its links (``link_sets``' probe, the owner's addresses left out) is lent by a
    message taken already; what it lends is looked up in turn, until nothing new is lent.
    """
    mine = address_keys(identity.addresses)
    taken: set[str] = set()
    reached: set[str] = set()
    for key, links in seeds:
        taken.add(key)
        reached |= link_sets(links, mine)[1]
    frontier = set(reached)
    while frontier:
        lent: set[str] = set()
        for key, links in find(frontier):
            if key in taken:
                continue
            probe, offer = link_sets(links, mine)
            if probe.isdisjoint(reached):
                continue  # found by an owner's address or its organisation: that ties nothing
            taken.add(key)
            lent |= offer - reached
            reached |= offer
        frontier = lent
    return taken


def _timeline_order(stored: StoredMessage) -> tuple[datetime, int, str]:
    """Date first; at equal dates (they have second, often minute, resolution) a reply after what it
    answers — else it would be read before its parent, miss its thread and could be dropped — then key."""
    m = stored.message
    depth = max(len(m.references), 1 if m.in_reply_to else 0)
    return (m.date or _EPOCH, depth, m.key)


def _linked(
    stored: StoredMessage,
    by_msgid: Mapping[str, Conversation],
    by_thread: Mapping[str, Conversation],
    by_uid: Mapping[str, Conversation],
) -> Conversation | None:
    m = stored.message
    if m.thread_id and m.thread_id in by_thread:
        return by_thread[m.thread_id]
    for ref in (m.in_reply_to, *reversed(m.references)):
        if ref and ref in by_msgid:
            return by_msgid[ref]
    for ev in m.calendar:
        if ev.uid and ev.uid in by_uid:
            return by_uid[ev.uid]
    return None


def _same_role(a: str | None, b: str | None) -> bool:
    """Unknown matches anything; "Engineer" and "Senior Data Engineer" are one role; "Analyst" and
    "Engineer" are two."""
    if not a or not b:
        return True
    wa, wb = set(a.lower().split()), set(b.lower().split())
    return wa <= wb or wb <= wa


def _by_company(convs: list[Conversation], company: str | None, role: str | None) -> Conversation | None:
    if not company:
        return None
    key = normalise_company(company)
    for conv in reversed(convs):
        if normalise_company(conv.company) == key and _same_role(conv.role, role) and conv.ended is None:
            return conv
    return None


def _by_people(
    convs: list[Conversation], stored: StoredMessage, identity: Identity, outbound: bool
) -> Conversation | None:
    m = stored.message
    inbound_people = (m.sender, *m.reply_to, *(ev.organizer for ev in m.calendar))
    others = [a for a in (m.recipients if outbound else inbound_people) if a and not identity.is_me(a)]
    role = stored.classification.role
    for conv in reversed(convs):
        if not _same_role(conv.role, role):
            continue  # one recruiter often hires for several roles: a role that differs is another conversation
        for a in others:
            if a.email in conv.people and not is_noreply(a.email):
                return conv
            if organisation_domain(a.domain) in conv.domains:
                return conv
    return None


def _short_id(seed: str, used: set[str]) -> str:
    digest = base64.b32encode(hashlib.sha1(seed.encode()).digest()).decode().lower()
    length = 6
    while digest[:length] in used:
        length += 1
    used.add(digest[:length])
    return digest[:length]


def _new_conversation(stored: StoredMessage, used_ids: set[str]) -> Conversation:
    c = stored.classification
    sender = stored.message.sender
    company = c.company or (sender.domain if sender else "unknown")
    return Conversation(id=_short_id(stored.message.key, used_ids), company=company, role=c.role)


def _add(conv: Conversation, stored: StoredMessage, identity: Identity, outbound: bool) -> None:
    m, c = stored.message, stored.classification
    assert m.date is not None
    conv.message_keys.append(m.key)
    if m.message_id:
        conv.message_ids.add(m.message_id)
    # A suggested reply answers the latest message written by a person, never a robot's notification.
    from_person = outbound or (
        m.sender is not None and not is_noreply(m.sender.email) and not is_intermediary(m.sender.domain)
    )
    if from_person and m.message_id:
        conv.last_message_id = m.message_id
        conv.references = [*m.references, m.message_id][-10:]
        conv.subject = m.subject or conv.subject
    elif not conv.subject:
        conv.subject = m.subject
    if m.thread_id:
        conv.thread_ids.add(m.thread_id)
    if outbound:
        conv.events.append(Event(m.date, EventKind.USER_SENT, m.key, str(c.label)))
        return
    _learn_people(conv, stored, identity)
    if c.reply_by and (conv.reply_by is None or c.reply_by > conv.reply_by):
        conv.reply_by = c.reply_by
    kind = _LABEL_EVENTS.get(c.label, EventKind.EMPLOYER_REPLIED)
    if kind is EventKind.INTERVIEW_SCHEDULED and c.interview_at:
        _schedule(conv, stored, tentative=False)
    elif kind is EventKind.INTERVIEW_CANCELLED:
        _cancel(conv, stored)
    elif kind is EventKind.INTERVIEW_REQUESTED and c.interview_at:
        _schedule(conv, stored, tentative=True)
    if kind is EventKind.AUTO_REPLY:
        conv.events.append(Event(m.date, kind, m.key, "automatic reply", until=c.return_date))
        return
    conv.events.append(
        Event(m.date, kind, m.key, str(c.label), interview_at=c.interview_at, interview_end=c.interview_end)
    )


def _learn_people(conv: Conversation, stored: StoredMessage, identity: Identity) -> None:
    m, c = stored.message, stored.classification
    candidates = [m.sender, *m.reply_to, *m.cc, *c.people]
    for ev in m.calendar:
        candidates.extend([ev.organizer, *ev.attendees])
    for a in candidates:
        if a is None or identity.is_me(a):
            continue
        if a.email not in conv.people:
            conv.people[a.email] = a
        if not is_intermediary(a.domain) and not is_noreply(a.email):
            conv.domains.add(organisation_domain(a.domain))
    if c.contact and not identity.is_me(c.contact):
        conv.contact = c.contact
    elif conv.contact is None and m.sender and not is_noreply(m.sender.email) and not is_intermediary(m.sender.domain):
        conv.contact = m.sender


def _schedule(conv: Conversation, stored: StoredMessage, tentative: bool) -> None:
    c = stored.classification
    assert c.interview_at is not None
    end = c.interview_end or c.interview_at + timedelta(minutes=DEFAULT_INTERVIEW_MINUTES)
    uid = c.calendar_uid
    seq = c.calendar_sequence or 0
    for iv in conv.interviews:
        if uid and iv.uid == uid:
            if seq >= iv.sequence:  # a reschedule moves it; an older copy arriving late changes nothing
                iv.start, iv.end, iv.sequence, iv.cancelled = c.interview_at, end, seq, False
            return
        if abs((iv.start - c.interview_at).total_seconds()) < 60:
            iv.tentative = iv.tentative and tentative  # the proposal, now confirmed (or a reminder)
            if uid and not iv.uid:
                iv.uid, iv.sequence = uid, seq
            return
    conv.interviews.append(Interview(c.interview_at, end, uid, seq, tentative=tentative))


def _cancel(conv: Conversation, stored: StoredMessage) -> None:
    c = stored.classification
    targets = [iv for iv in conv.interviews if c.calendar_uid and iv.uid == c.calendar_uid]
    if not targets and c.interview_at:
        targets = [iv for iv in conv.interviews if abs((iv.start - c.interview_at).total_seconds()) < 60]
    if not targets and conv.interviews:
        targets = [conv.interviews[-1]]  # "your interview is cancelled" names no time: the latest one
    for iv in targets:
        iv.cancelled = True

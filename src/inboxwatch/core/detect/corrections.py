"""The user's corrections, applied to mail like the corrected message: nearest neighbours among them.

A correction is the label the user gave one message (``inboxwatch relabel``, ``ignore``, ``track``), kept
with that message's hashed word features (never its text) and its *scope*: who sent it, as narrowly as the
sender can be told apart — the employer's own domain, an applicant-tracking system's tenant (``intel`` of
``intel@myworkday.com``), or the address itself when nothing narrower is known. A later message follows a
correction only when both hold:

- it has the same scope (the same employer, or the same ATS tenant), and
- its words are close to the corrected message's: cosine similarity of the hashed uni- and bigrams of
  the subject and the top of the body at least ``THRESHOLD`` (what "the same template" measures as; see
  ``benchmarks/corrections.py``, which chose it).

The nearest correction wins (the newer one on a tie); the corrected message itself always follows its own
correction. Pure: no I/O, no clock.
"""

from __future__ import annotations

import hashlib
import math
import re
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from inboxwatch.core.detect.senders import (
    ats_vendor,
    is_freemail,
    is_noreply,
    job_board,
    normalise_company,
    organisation_domain,
    scheduling_tool,
)
from inboxwatch.models import CONVERSATION_LABELS, Classification, FolderRole, Label, Message

__all__ = [
    "THRESHOLD",
    "Correction",
    "Match",
    "apply",
    "describe",
    "keeps_features",
    "message_ref",
    "nearest",
    "scope_of",
    "similarity",
    "template_vector",
    "unapplied",
]

THRESHOLD = 0.9  # measured: see the module docstring and benchmarks/corrections.py
BUCKETS = 1 << 18
BODY_CHARS = 2000  # the template is in the top of the message; the rest is history and footers
REF_PREFIX = "m-"
REF_LENGTH = 8  # hex digits of a message's reference: collisions need ~65 000 stored messages to be likely

Vector = Mapping[int, float]


@dataclass(frozen=True)
class Correction:
    """A label the user gave one message, as the state file keeps it."""

    message_key: str
    label: Label
    at: datetime  # when the user gave it
    sender: str  # the corrected message's sender address ("" when it had none)
    scope: str  # see scope_of
    features: Vector  # its hashed word features (empty: stored before they were kept; matches itself only)
    was: Label | None = None  # what inboxwatch had said
    origin: str = ""  # "relabel", "track", or "ignore:<conversation id>"


@dataclass(frozen=True)
class Match:
    correction: Correction
    similarity: float  # 1.0 for the corrected message itself
    itself: bool = False  # the corrected message, not one like it


# --- references ---------------------------------------------------------------------------------------------


def message_ref(key: str) -> str:
    """The short, stable reference of a message that commands print and accept: ``m-`` and 8 hex digits."""
    return REF_PREFIX + hashlib.sha256(key.encode("utf-8")).hexdigest()[:REF_LENGTH]


# --- scope --------------------------------------------------------------------------------------------------

# Local parts an ATS uses for every tenant: they say nothing of the employer.
_GENERIC_LOCAL = re.compile(
    r"^(no[-_.]?reply|do[-_.]?not[-_.]?reply|noreply|notifications?|notify|system|mailer|mail|info|careers?|jobs?|"
    r"talent|recruit(ing|ment)?|hiring|hr|team|support|alerts?|messages?|candidates?|applications?|apply|"
    r"automated|auto|workday|customer\d*)([-_.+].*)?$",
    re.I,
)
_REGION = re.compile(r"^[a-z]{2}\d?$")  # us., eu., us2. …: a data centre, not a tenant
_VENDOR_WORDS = re.compile(
    r"\b(workday|notifications?|auto ?notification|do[- ]not[- ]reply|no[- ]reply|noreply|via|@|system|mailer)\b", re.I
)


def _intermediary(domain: str) -> str | None:
    return ats_vendor(domain) or job_board(domain) or scheduling_tool(domain)


def scope_of(message: Message) -> str:
    """Who sent ``message``, as narrowly as can be told: what a correction must share to apply.

    ``acme.com`` for an employer's own mail (any subdomain); ``workday:intel`` for an applicant-tracking
    system's tenant, read from the address (``intel@myworkday.com``), a subdomain (``acme.icims.com``) or
    the display name ("Skechers" <notification@smartrecruiters.com>); the address itself for free mail and
    for intermediaries whose mail names no tenant.
    """
    sender = message.sender
    if sender is None or not sender.email:
        return ""
    email = sender.email.lower()
    local, _, domain = email.rpartition("@")
    vendor = _intermediary(domain)
    if vendor is None:
        return email if is_freemail(domain) else organisation_domain(domain)
    tenant = ""
    if local and not is_noreply(email) and not _GENERIC_LOCAL.match(local):
        tenant = re.split(r"[+]", local)[0]
    if not tenant:
        labels = domain.split(".")
        registered = next((i for i in range(len(labels)) if _intermediary(".".join(labels[i:])) == vendor and i > 0), 0)
        sub = [x for x in labels[:registered] if not _REGION.match(x) and not _GENERIC_LOCAL.match(x)]
        tenant = sub[0] if sub else ""
    if not tenant and sender.name:
        tenant = normalise_company(_VENDOR_WORDS.sub(" ", sender.name.replace(vendor, " ")))
    if not tenant:
        return email
    return f"{vendor.lower().replace(' ', '')}:{tenant}"


# --- features -----------------------------------------------------------------------------------------------

_QUOTE_HEAD = re.compile(
    r"^\s*(on .{0,200}wrote:|-{2,} ?original message ?-{2,}|-{2,} ?forwarded message ?-{2,}|from: .+@.+)\s*$",
    re.I | re.M,
)
_URL = re.compile(r"(?:https?://|www\.)\S+", re.I)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_TOKEN = re.compile(r"[^\W\d_]+|\d+")
_PREFIX = re.compile(r"^\s*((re|fwd?|aw|wg|tr|rv|sv|antw|res)\s*:\s*)+", re.I)


def _tokens(text: str) -> list[str]:
    text = _EMAIL.sub(" <email> ", _URL.sub(" <url> ", text)).lower().replace("’", "'")
    return ["0" if t.isdigit() else t for t in _TOKEN.findall(text)]


def _own_top(body: str) -> str:
    cut = _QUOTE_HEAD.search(body[: BODY_CHARS * 2])
    head = body[: cut.start()] if cut else body[: BODY_CHARS * 2]
    return "\n".join(line for line in head.splitlines() if not line.lstrip().startswith(">"))[:BODY_CHARS]


def _bucket(name: str) -> int:
    return zlib.crc32(name.encode("utf-8")) % BUCKETS


def template_vector(message: Message) -> dict[int, float]:
    """The hashed word uni- and bigrams of the subject and the top of the body (quoted history cut):
    bucket → count. What two messages of one template share, whatever names and dates fill it."""
    out: dict[int, float] = {}
    for toks in (_tokens(_PREFIX.sub("", message.subject)), _tokens(_own_top(message.text))):
        for i, tok in enumerate(toks):
            for name in (f"w:{tok}", f"w:{tok} {toks[i + 1]}" if i + 1 < len(toks) else ""):
                if name:
                    b = _bucket(name)
                    out[b] = out.get(b, 0.0) + 1.0
    return out


def similarity(a: Vector, b: Vector) -> float:
    """Cosine similarity of two sparse vectors (0 when either is empty)."""
    if not a or not b:
        return 0.0
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    dot = sum(v * large.get(k, 0.0) for k, v in small.items())
    na = math.sqrt(sum(v * v for v in a.values()))
    nb = math.sqrt(sum(v * v for v in b.values()))
    return dot / (na * nb) if na and nb else 0.0


def keeps_features(message: Message, result: Classification, corrections: Sequence[Correction] = ()) -> bool:
    """Should the state file keep ``message``'s features, for a correction the user may make later?
    For received job mail (anything with a label), and for mail a correction could reach."""
    if message.folder is FolderRole.SENT:
        return False
    if result.label is not Label.OTHER:
        return True
    scope = scope_of(message) if corrections else ""
    return bool(scope) and any(c.scope == scope for c in corrections)


# --- matching -----------------------------------------------------------------------------------------------


def nearest(
    key: str,
    scope: str,
    features: Vector | None,
    corrections: Iterable[Correction],
    threshold: float = THRESHOLD,
) -> Match | None:
    """The correction that applies to a message (its key, scope and features), if any.

    Its own correction first; else the most similar correction of the same scope at ``threshold`` or
    above, the newer on a tie. ``features`` is read only when a correction shares the scope.
    """
    best: Match | None = None
    for c in corrections:
        if c.message_key == key:
            return Match(c, 1.0, itself=True)
        if not scope or c.scope != scope or not c.features or not features:
            continue
        score = similarity(features, c.features)
        if score < threshold:
            continue
        if best is None or (score, c.at) > (best.similarity, best.correction.at):
            best = Match(c, score)
    return best


_AS = {
    Label.OTHER: "not a job conversation",
    Label.REJECTION: "a rejection",
    Label.APPLICATION_RECEIVED: "an acknowledgment of your application",
    Label.INTERVIEW_REQUEST: "an interview request",
    Label.INTERVIEW_CONFIRMED: "a confirmed interview",
    Label.INTERVIEW_CANCELLED: "a cancelled interview",
    Label.ASSESSMENT: "an assessment",
    Label.OFFER: "an offer",
    Label.RECRUITER_OUTREACH: "a recruiter's approach",
    Label.JOB_ALERT: "a job alert",
    Label.AUTO_REPLY: "an automatic reply",
    Label.THANK_YOU: "a thank-you",
    Label.FOLLOW_UP: "a follow-up",
}


def describe(label: Label) -> str:
    """How a label reads in a sentence: "marked as {describe(label)}"."""
    return _AS[label]


def _day(at: datetime, sent: datetime | None) -> str:
    day = f"{at.day} {at:%b}"
    return day if sent is not None and sent.year == at.year else f"{day} {at.year}"


def evidence(match: Match, sent: datetime | None = None) -> str:
    """The line the evidence shows: which correction the message followed, and why it applied."""
    c = match.correction
    day = _day(c.at, sent)
    if match.itself:
        return f"you marked it as {describe(c.label)} on {day}"
    alike = f"same sender {c.scope}, {match.similarity:.0%} alike"
    return f"like the message you marked as {describe(c.label)} on {day} ({alike})"


def apply(message: Message, result: Classification, corrections: Sequence[Correction]) -> Classification:
    """``result`` as the user's corrections have it: the nearest applicable correction's label, and the
    evidence naming it; ``result`` unchanged when none applies."""
    if not corrections:
        return result
    scope = scope_of(message)
    features: Vector | None = None
    if any(c.scope == scope and c.features for c in corrections) and scope:
        features = message.features or template_vector(message)
    match = nearest(message.key, scope, features, corrections)
    if match is None:
        return result
    why = evidence(match, message.date)
    if match.correction.label is result.label:
        return replace(result, evidence=(*result.evidence, f"{why}: inboxwatch agrees"))
    label = match.correction.label
    corrected = replace(
        result,
        label=label,
        confidence=round(min(1.0, match.similarity), 2),
        evidence=(why, f"{_ALONE}{result.label}", *result.evidence),
    )
    return _with_facts(message, corrected) if label in CONVERSATION_LABELS else corrected


_ALONE = "inboxwatch alone would say "


def unapplied(result: Classification) -> Classification | None:
    """What ``apply`` had made of a message before a correction relabelled it: the classifier's own label
    and evidence; None when no correction relabelled it."""
    if len(result.evidence) < 2 or not result.evidence[1].startswith(_ALONE):
        return None
    try:
        label = Label(result.evidence[1].removeprefix(_ALONE))
    except ValueError:
        return None
    return replace(result, label=label, evidence=result.evidence[2:])


_INTERVIEWS = (Label.INTERVIEW_REQUEST, Label.INTERVIEW_CONFIRMED, Label.INTERVIEW_CANCELLED)


def _with_facts(message: Message, result: Classification) -> Classification:
    """What a conversation needs that the classifier did not look for under its own label: the company,
    and for an interview its time."""
    from inboxwatch.core.detect import dates
    from inboxwatch.core.detect.extract import find_company

    body = _own_top(message.text)
    if result.company is None:
        result = replace(result, company=find_company(message, body)[0])
    if result.label in _INTERVIEWS and result.interview_at is None:
        span = dates.find_interview_time(f"{message.subject}\n{body}", message.date)
        if span is not None:
            result = replace(result, interview_at=span.start, interview_end=span.end)
    return result

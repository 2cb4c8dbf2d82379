"""Message → Classification, from the mailbox owner's side as a candidate: rules and a trained model.

The rules (:mod:`inboxwatch.core.detect.rules`) read what rules read best: calendar structure, the sender's
kind, automatic-reply and list headers, threads, the owner as interviewer or coordinator, business senses of
"offer" and "application", interviews for the press or a study. What they find becomes features of the
trained linear model (:mod:`inboxwatch.core.detect.model`) beside the message's own words, and their vetoes
mask the labels they rule out; the model decides the rest. Every decision keeps the rules that fired, the
words that weighed most for and against it, and the probability of every label.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time
from email.utils import getaddresses

from inboxwatch.core.detect import dates
from inboxwatch.core.detect import features as feats
from inboxwatch.core.detect.bulk import EVIDENCE as BULK_EVIDENCE
from inboxwatch.core.detect.bulk import is_bulk
from inboxwatch.core.detect.corrections import Correction
from inboxwatch.core.detect.corrections import apply as apply_corrections
from inboxwatch.core.detect.extract import find_company, find_contact, find_role
from inboxwatch.core.detect.fastre import Phrases
from inboxwatch.core.detect.model import LinearModel, default_model
from inboxwatch.core.detect.rules import (
    ADJUSTMENTS,
    AVAILABILITY_ASK,
    CALENDAR_INTERVIEW,
    CANDIDATE_LABELS,
    INTEREST,
    INTERVIEWER_SIDE,
    JOB_CONTEXT,
    NOT_A_JOB_APPLICATION,
    NOT_A_JOB_INTERVIEW,
    NOT_A_JOB_OFFER,
    OUTBOUND_CONTEXT,
    OUTBOUND_FOLLOW_UP,
    OUTBOUND_THANKS,
    OUTLOOK_WHEN,
    REPLY_SUBJECT,
    ROLE_LINE,
    RULES,
    SCHEDULE_FOR_SOMEONE,
    SOMEONE_ELSES_OFFER,
    P,
)
from inboxwatch.core.detect.senders import ats_vendor, is_noreply, job_board, scheduling_tool
from inboxwatch.models import Address, CalendarEvent, Classification, FolderRole, Identity, Label, Message

BODY_WINDOW = 4000  # the decision is near the top; quoted history and footers add cost, not signal
FIRST_WINDOW = 1500  # what is read of mail that shows no sign of a job search in it
DATES_WINDOW = 8000  # dates and stated timelines: a little further down (itineraries, signatures)
EXPLAIN = 4  # how many words for and against the label the evidence names
# Where quoted history starts. Its literals are looked for on their own: it reads the whole text, others its top.
QUOTE_CUT = Phrases.any_of(
    *(
        rf"^[ \t]*{start}"
        for start in (
            r"On .{5,200}wrote:",
            r"-{2,} ?Original Message ?-{2,}",
            r"From: .+\nSent: ",
            r"_{10,}",
            r"Le .{5,100} a écrit",
            r"Am .{5,100} schrieb",
        )
    ),
    flags=re.M,
    indexed=False,
)
INTERVIEW_LABELS = (Label.INTERVIEW_REQUEST, Label.INTERVIEW_CONFIRMED, Label.INTERVIEW_CANCELLED)
OUTBOUND_LABELS = frozenset({Label.THANK_YOU, Label.FOLLOW_UP, Label.OTHER})


@dataclass
class _Scores:
    points: dict[Label, float] = field(default_factory=lambda: defaultdict(float))
    evidence: dict[Label, list[str]] = field(default_factory=lambda: defaultdict(list))
    common: list[str] = field(default_factory=list)
    fired: list[str] = field(default_factory=list)  # names of the adjustments that fired
    phrases: list[str] = field(default_factory=list)  # names of the phrase families that matched
    vetoed: dict[Label, str] = field(default_factory=dict)  # labels ruled out, with the reason

    def add(self, label: Label, weight: float, why: str) -> None:
        self.points[label] += weight
        self.evidence[label].append(why)

    def adjust(self, name: str, label: Label, why: str = "", weight: float | None = None) -> None:
        """Apply the named adjustment of the table (its weight, unless given) to ``label``."""
        adjustment = ADJUSTMENTS[name]
        self.add(label, adjustment.weight if weight is None else weight, why or adjustment.reason)
        self.note(name)

    def note(self, name: str) -> None:
        if name not in self.fired:
            self.fired.append(name)

    def veto(self, labels: tuple[Label, ...], why: str) -> None:
        for label in labels:
            self.vetoed.setdefault(label, why)

    def copy(self) -> _Scores:
        out = _Scores(common=list(self.common), fired=list(self.fired), phrases=list(self.phrases),
                      vetoed=dict(self.vetoed))
        out.points.update(self.points)
        for label, why in self.evidence.items():
            out.evidence[label] = list(why)
        return out


@dataclass(frozen=True)
class RuleResult:
    """What the rules made of an incoming message: the scores, the event, and what the model needs."""

    scores: _Scores
    event: CalendarEvent | None
    bulk: bool
    body: str
    verdict: Label

    def view(self) -> feats.RuleView:
        verdict = str(self.verdict) if self.verdict is not Label.OTHER else ""
        return feats.RuleView(tuple(self.scores.fired), tuple(self.scores.phrases), verdict)


def reading_window(m: Message) -> int:
    """How far into ``m``'s text the classifier reads: ``DATES_WINDOW`` when its top shows a sign of a job (or is a
    reply, a forward, an invitation, an auto-reply), else ``BODY_WINDOW``. Judged as a source judges what to fetch
    (``reading.text_wanted`` over the first ``BODY_WINDOW`` characters), so a message read in part from its start
    gives what the whole message gives."""
    from inboxwatch.core.detect.reading import text_wanted  # reading reads this module's windows

    fields = {
        **m.headers,
        "from": m.sender.email if m.sender else "",
        "reply-to": " ".join(a.email for a in m.reply_to),
        "in-reply-to": m.in_reply_to or "",
        "references": " ".join(m.references),
    }
    wanted = text_wanted(fields, m.subject, m.text[:BODY_WINDOW], calendar=bool(m.calendar))
    return DATES_WINDOW if wanted > BODY_WINDOW else BODY_WINDOW


def own_text(text: str, limit: int | None = None) -> str:
    """The message's own words (within the first ``limit`` characters): quoted history cut off."""
    text = text[:limit]
    cut = QUOTE_CUT.search(text)
    head = text[: cut.start()] if cut else text
    if ">" not in head:  # no quoted line to drop (most letters): the lines as they are, joined at C speed
        return "\n".join(head.splitlines())
    return "\n".join(line for line in head.splitlines() if not line.lstrip().startswith(">"))


def _lowered(text: str) -> str:
    return text.lower().replace("’", "'")


# A decision said of a case that may come ("if you are not selected, we will keep your résumé on file"; "should
# your profile match, a recruiter will contact you for an interview") is the process explained, not the decision.
CONDITIONAL = re.compile(r"\b(if|unless|whether|in (the )?(event|case)|should (you|your|we|there|the|our|a|an))\b")
SENTENCE_START = re.compile(r"[.!?;:\n]")
CONDITIONAL_LABELS = frozenset(
    {Label.REJECTION, Label.INTERVIEW_REQUEST, Label.INTERVIEW_CONFIRMED, Label.OFFER, Label.ASSESSMENT}
)


def _conditional(text: str, start: int) -> bool:
    """Whether the phrase at ``start`` stands in a conditional clause of its sentence."""
    begin = max(0, start - 160)
    clause = text[begin:start]
    cut = max((m.end() for m in SENTENCE_START.finditer(clause)), default=0)
    return CONDITIONAL.search(clause, cut) is not None


def _match_rules(
    scores: _Scores, text: str, where: str, factor: float = 1.0, within: frozenset[str] | None = None
) -> None:
    """``text`` is lower-cased already (``_lowered``). A phrase found only in conditional clauses counts as the
    feature ``phrase:NAME.if`` and adds no points. ``within``: the literals of a text ``text`` is a slice of."""
    for rule in RULES:
        hit = rule.pattern.search(text, within)
        if hit is None:
            continue
        if rule.label in CONDITIONAL_LABELS:
            tries = 0
            while hit is not None and _conditional(text, hit.start()) and tries < 4:
                hit, tries = rule.pattern.regex.search(text, hit.end()), tries + 1
            if hit is None or tries == 4:
                name = f"{rule.name}.if"
                if name not in scores.phrases:
                    scores.phrases.append(name)
                continue
        scores.add(rule.label, rule.weight * factor, f"{where}: {hit.group(0).strip()[:80]!r} ({rule.name})")
        if rule.name not in scores.phrases:
            scores.phrases.append(rule.name)


def _interview_event(events: tuple[CalendarEvent, ...]) -> CalendarEvent | None:
    """The event a calendar part is about: of each UID its latest version (the highest SEQUENCE, a
    reschedule's new time), a live one over a cancelled one (a move sent as cancel + new invite), and of
    several sessions (an itinerary) the first."""
    if not events:
        return None
    latest: dict[str, CalendarEvent] = {}
    for i, ev in enumerate(events):
        key = ev.uid or f"#{i}"
        if key not in latest or ev.sequence >= latest[key].sequence:
            latest[key] = ev
    current = list(latest.values())
    live = [ev for ev in current if ev.method != "CANCEL" and ev.status != "CANCELLED"]
    pool = live or current
    far = datetime.max.replace(tzinfo=UTC)
    return min(pool, key=lambda ev: (ev.start or far, pool.index(ev)))


def _is_outbound(m: Message, identity: Identity) -> bool:
    return m.folder is FolderRole.SENT or identity.is_me(m.sender)


@dataclass(frozen=True)
class ModelInput:
    """What the model decides from: every named feature, the labels the rules rule out, those the direction
    excludes (the owner's own mail is a thank-you, a follow-up or other; mail to the owner is never those)."""

    named: dict[str, float]
    vetoed: dict[Label, str]
    excluded: frozenset[Label]


INBOUND_EXCLUDED = frozenset({Label.THANK_YOU, Label.FOLLOW_UP})
OUTBOUND_EXCLUDED = frozenset(set(Label) - OUTBOUND_LABELS)


def model_input(message: Message, identity: Identity) -> ModelInput:
    """The model's input for ``message``, as :func:`classify` builds it (training and validation use this)."""
    m = message
    body = own_text(m.text, reading_window(m))
    if _is_outbound(m, identity):
        forwarded = _forwarded_to_self(m, identity)
        if forwarded is not None:
            return model_input(forwarded, identity)
        view, vetoed = _outbound_rules(m, body)
        return ModelInput(feats.extract_all(m, identity, body, view), vetoed, OUTBOUND_EXCLUDED)
    result = rule_scores(m, identity, body)
    return ModelInput(feats.extract_all(m, identity, body, result.view()), dict(result.scores.vetoed), INBOUND_EXCLUDED)


def features(message: Message, identity: Identity) -> dict[int, float]:
    """The message's sparse feature vector (bucket → value) as the shipped model reads it, for nearest-neighbour
    matching (corrections); :func:`feature_names` gives the same vector by name."""
    return feats.hashed(feature_names(message, identity))


def feature_names(message: Message, identity: Identity) -> dict[str, float]:
    return feats.select(model_input(message, identity).named, default_model().options)


def classify(
    message: Message,
    identity: Identity,
    corrections: Sequence[Correction] = (),
    *,
    model: LinearModel | None = None,
) -> Classification:
    """Label a parsed message and extract its facts. Never raises for a parsed message.

    ``corrections``: the user's own labels; mail like a corrected message follows it (see corrections.py).
    ``model`` replaces the shipped one (cross-source validation trains its own)."""
    if corrections:
        return apply_corrections(message, classify(message, identity, model=model), corrections)
    m = message
    body = own_text(m.text, reading_window(m))  # nothing further down is read
    evidence_common = [f"defect: {d}" for d in m.defects[:3]]
    if _is_outbound(m, identity):
        forwarded = _forwarded_to_self(m, identity)
        if forwarded is not None:  # the owner keeping an employer's mail: judge what was forwarded
            inner = classify(forwarded, identity, model=model)
            why = f"forwarded by the owner to themselves, from {forwarded.sender.email if forwarded.sender else '?'}"
            return replace(inner, evidence=(*inner.evidence, why))
        return _classify_outbound(m, body, evidence_common, identity, model)
    result = rule_scores(m, identity, body)
    scores = result.scores
    inp = ModelInput(feats.extract_all(m, identity, body, result.view()), scores.vetoed, INBOUND_EXCLUDED)
    label, probabilities, explained = decide(inp, model, explain=True)
    evidence = [*scores.evidence.get(label, []), *explained, *scores.common, *evidence_common]
    evidence.extend(f"ruled out {lab}: {why}" for lab, why in scores.vetoed.items())
    sender = m.sender
    personal = not result.bulk and bool(sender) and not is_noreply(sender.email if sender else "")
    classification = _with_facts(
        m, body, identity, label, round(probabilities[str(label)], 2), evidence, result.event, personal
    )
    return replace(classification, scores=probabilities)


def decide(
    inp: ModelInput, model: LinearModel | None = None, explain: bool = False
) -> tuple[Label, dict[str, float], list[str]]:
    """The model's label among those the rules allow, the probabilities (ruled-out labels 0) and, with
    ``explain``, why: the best two labels and the features that weighed most between them."""
    model = model or default_model()
    named = feats.select(inp.named, model.options)
    rows = model.rows(named)
    prediction = model.predict(named, rows)
    allowed = {
        lab: p
        for lab, p in prediction.probabilities.items()
        if Label(lab) not in inp.vetoed and Label(lab) not in inp.excluded
    }
    if not allowed:
        allowed = {str(Label.OTHER): 1.0}
    total = sum(allowed.values())
    probabilities = {lab: round(allowed.get(lab, 0.0) / total, 3) for lab in prediction.probabilities}
    best = max(allowed, key=lambda lab: (allowed[lab], lab))
    if not explain:
        return Label(best), probabilities, []
    runner = max((lab for lab in allowed if lab != best), key=lambda lab: (allowed[lab], lab), default=None)
    why = [f"model: {best} {probabilities[best]:.2f}" + (f", next {runner} {probabilities[runner]:.2f}" if runner else "")]
    if runner is not None:
        weights = model.explain(named, best, runner, rows)
        words = [(n, v) for n, v in weights if n[:2] in ("w:", "s:")]
        structure = [(n, v) for n, v in weights if n[:2] not in ("w:", "s:") and v > 0][:EXPLAIN]
        support = [(n, v) for n, v in words[:EXPLAIN] if v > 0]
        against = [(n, v) for n, v in reversed(words[-EXPLAIN:]) if v < 0]
        if support:
            why.append(f"words for {best}: " + ", ".join(f"{_show(n)} (+{v:.2f})" for n, v in support))
        if against:
            why.append(f"words for {runner}: " + ", ".join(f"{_show(n)} ({v:.2f})" for n, v in against))
        if structure:
            why.append(f"signs for {best}: " + ", ".join(f"{_show(n)} (+{v:.2f})" for n, v in structure))
    return Label(best), probabilities, why


def _show(name: str) -> str:
    """A feature as the evidence names it: words quoted, structure as it is."""
    kind, _, value = name.partition(":")
    if kind == "w":
        return repr(value)
    if kind == "s":
        return f"subject {value!r}"
    return name


def rule_scores(m: Message, identity: Identity, body: str) -> RuleResult:
    """Score an incoming message by the rules alone; every rule and adjustment that fires is named."""
    subject = m.subject
    # Read the top of the message first; only mail that shows some sign of a job search is read further,
    # so the long letters that make up most of a personal inbox cost a fraction.
    from_subject = _Scores()
    _match_rules(from_subject, _lowered(subject), "subject", 1.2)
    window = subject + "\n" + body[:FIRST_WINDOW]
    low = _lowered(window)  # lower-cased once: every phrase table below reads it
    longer = len(body) > FIRST_WINDOW
    read_further = longer and JOB_CONTEXT.search(low) is not None
    if not read_further:
        scores = from_subject.copy()
        _match_rules(scores, low[len(subject) + 1 :], "text", within=Phrases.literals_in(low))
        read_further = longer and bool(scores.points)
    if read_further:  # job mail (the first window said so): the rules read the whole window, once
        scores = from_subject.copy()
        window = subject + "\n" + body[:BODY_WINDOW]
        low = _lowered(window)
        _match_rules(scores, low[len(subject) + 1 :], "text", within=Phrases.literals_in(low))
    headers = m.headers
    sender = m.sender
    domain = sender.domain if sender else ""
    auto = headers.get("auto-submitted", "").lower()
    if (auto and auto != "no") or "x-autoreply" in headers or "x-autorespond" in headers:
        scores.adjust("auto_header", Label.AUTO_REPLY, f"header Auto-Submitted/X-Autoreply: {auto or 'yes'}")
        if auto.startswith("auto-generated"):
            scores.adjust("auto_generated", Label.AUTO_REPLY)
    bulk = is_bulk(headers)
    if bulk:
        scores.common.append(BULK_EVIDENCE)
    board = job_board(domain)
    vendor = ats_vendor(domain)
    tool = scheduling_tool(domain)
    if vendor:
        scores.common.append(f"sender is the applicant-tracking system {vendor}")
    if board:
        scores.common.append(f"sender is the job board {board}")
        if bulk:
            scores.adjust("board_bulk", Label.JOB_ALERT, f"bulk mail from job board {board}")
    if tool:
        scores.common.append(f"sender is the scheduling tool {tool}")

    # Calendar invitations: a time for the owner's interview when the event is about an interview.
    event = _interview_event(m.calendar)
    if event is not None:
        about = f"{event.summary}\n{event.description[:500]}"
        surname = _surname(identity)
        organised_by_owner = event.organizer is not None and identity.is_me(event.organizer)
        interviewy = CALENDAR_INTERVIEW.search(_lowered(about + subject)) or (
            surname and not organised_by_owner and re.search(rf"\b{re.escape(surname)}\b", event.summary, P)
        )
        lowered_about = (about + "\n" + subject).lower()
        if (
            interviewy
            and not organised_by_owner
            and not INTERVIEWER_SIDE.search(lowered_about)
            and not NOT_A_JOB_INTERVIEW.search(lowered_about)
        ):
            if event.method == "CANCEL" or event.status == "CANCELLED":
                scores.adjust("calendar_cancel", Label.INTERVIEW_CANCELLED, f"calendar CANCEL of {event.summary!r}")
            elif event.method in ("REQUEST", "PUBLISH", ""):
                scores.adjust(
                    "calendar_invite",
                    Label.INTERVIEW_CONFIRMED,
                    f"calendar invite {event.method or 'event'}: {event.summary!r}",
                )
        else:
            scores.common.append(f"calendar event {event.summary!r} is not an interview")

    _outlook_block(scores, m, body, identity)
    interviewer = INTERVIEWER_SIDE.search(low) or SCHEDULE_FOR_SOMEONE.search(window)
    if interviewer:
        why = f"owner is not the candidate: {interviewer.group(0).strip()!r}"
        for label in (Label.INTERVIEW_REQUEST, Label.INTERVIEW_CONFIRMED, Label.INTERVIEW_CANCELLED, Label.ASSESSMENT):
            if scores.points.get(label):
                scores.adjust("interviewer_side", label, why)
        scores.note("interviewer_side")
        scores.veto((*INTERVIEW_LABELS, Label.ASSESSMENT), why)
    elsewhere = NOT_A_JOB_INTERVIEW.search(low)
    if elsewhere:
        why = f"not a job interview: {elsewhere.group(0).strip()!r}"
        for label in (*INTERVIEW_LABELS, Label.ASSESSMENT):
            if scores.points.get(label):
                scores.adjust("not_a_job_interview", label, why)
        scores.note("not_a_job_interview")
        scores.veto((*INTERVIEW_LABELS, Label.ASSESSMENT), why)
    if veto := NOT_A_JOB_OFFER.search(low) or SOMEONE_ELSES_OFFER.search(window):
        why = f"not a job offer: {veto.group(0)!r}"
        if scores.points.get(Label.OFFER):
            scores.adjust("not_a_job_offer", Label.OFFER, why)
        scores.note("not_a_job_offer")
        scores.veto((Label.OFFER,), why)
    if veto := NOT_A_JOB_APPLICATION.search(low):
        why = f"not a job application: {veto.group(0)!r}"
        if scores.points.get(Label.APPLICATION_RECEIVED):
            scores.adjust("not_a_job_application", Label.APPLICATION_RECEIVED, why)
        scores.note("not_a_job_application")
        scores.veto((Label.APPLICATION_RECEIVED,), why)
    in_interview_thread = _interview_thread(scores, m, low, identity)
    _owner_side(scores, m, low, identity)
    _thread_position(scores, m, identity)
    job_context = (
        JOB_CONTEXT.search(low)
        or in_interview_thread
        or vendor  # an ATS sends job mail only
        or (_is_reply(m) and JOB_CONTEXT.search(_lowered(m.text[:DATES_WINDOW])))  # the thread's history
    )
    if not job_context:
        for label in (Label.REJECTION, Label.OFFER, Label.INTERVIEW_REQUEST, Label.APPLICATION_RECEIVED):
            if scores.points.get(label):
                scores.adjust("no_job_context", label)
        scores.note("no_job_context")
        personal_answer = _is_reply(m) or (_greets_owner(body, identity) and not bulk and not is_noreply(
            sender.email if sender else ""))
        if (
            not scores.points.get(Label.INTERVIEW_CONFIRMED)
            and not scores.points.get(Label.INTERVIEW_CANCELLED)
            and not personal_answer  # a reply or a personal note may leave the job unsaid: the model reads it
        ):
            # Calendar structure alone makes no interview: without a word of a job, no label of one.
            scores.veto(
                (Label.REJECTION, Label.OFFER, *INTERVIEW_LABELS, Label.APPLICATION_RECEIVED),
                ADJUSTMENTS["no_job_context"].reason,
            )
    if bulk and not vendor:
        for label in (Label.INTERVIEW_REQUEST, Label.INTERVIEW_CONFIRMED, Label.OFFER, Label.REJECTION):
            if scores.points.get(label):
                scores.adjust("bulk_not_personal", label)
    # A rejection letter thanks for the application too: the decision wins over the acknowledgment.
    if scores.points.get(Label.REJECTION, 0) >= 3 and scores.points.get(Label.APPLICATION_RECEIVED):
        scores.adjust("decision_over_ack", Label.APPLICATION_RECEIVED)
    interview_points = max(
        scores.points.get(Label.INTERVIEW_REQUEST, 0), scores.points.get(Label.INTERVIEW_CONFIRMED, 0)
    )
    if interview_points >= 2.5 and scores.points.get(Label.APPLICATION_RECEIVED):
        scores.adjust("interview_over_ack", Label.APPLICATION_RECEIVED)
    if scores.points.get(Label.INTERVIEW_CONFIRMED, 0) >= 3 and scores.points.get(Label.INTERVIEW_REQUEST):
        scores.adjust("set_time_over_request", Label.INTERVIEW_REQUEST)
    if scores.points.get(Label.RECRUITER_OUTREACH) and (m.in_reply_to or "your application" in low):
        scores.adjust("reply_not_outreach", Label.RECRUITER_OUTREACH)
    if scores.points.get(Label.JOB_ALERT, 0) >= 2.5:
        for label in (Label.INTERVIEW_REQUEST, Label.APPLICATION_RECEIVED, Label.OFFER):
            if scores.points.get(label):
                scores.adjust("alert_not_application", label)

    titles = len(ROLE_LINE.findall(body[:BODY_WINDOW]))
    if titles >= 3:
        scores.adjust("titles_listed_bulk" if bulk else "titles_listed", Label.JOB_ALERT, f"lists {titles} job titles")
    outreach = scores.points.get(Label.RECRUITER_OUTREACH, 0)
    unsolicited = not m.in_reply_to and not re.search(
        r"\b(your application|you applied|applying|our (call|chat|conversation))\b", low
    )
    if outreach >= 2 and unsolicited:
        if scores.points.get(Label.INTERVIEW_REQUEST):
            scores.adjust("unsolicited_not_invitation", Label.INTERVIEW_REQUEST)
        scores.note("unsolicited_not_invitation")
        scores.veto(INTERVIEW_LABELS, ADJUSTMENTS["unsolicited_not_invitation"].reason)
    if scores.points.get(Label.REJECTION, 0) >= 3 and scores.points.get(Label.JOB_ALERT):
        scores.adjust("decision_not_alert", Label.JOB_ALERT)
    if _greets_owner(body, identity) and not bulk:
        scores.common.append("personal greeting to the owner")
        scores.note("greets_owner")
        if scores.points.get(Label.JOB_ALERT):
            scores.adjust("personal_not_list", Label.JOB_ALERT)
    verdict, best = Label.OTHER, 0.0
    for candidate, points in scores.points.items():
        if points > best:
            verdict, best = candidate, points
    if best < 2.0:
        verdict = Label.OTHER
    return RuleResult(scores, event, bulk, body, verdict)


def _greets_owner(body: str, identity: Identity) -> bool:
    first = identity.name.split()[0] if identity.name.split() else ""
    if len(first) < 2:
        return False
    head = body.lstrip()[:80]
    return bool(re.match(rf"^((hi|hello|dear|hey|good (morning|afternoon))\s+)?{re.escape(first)}\b", head, P))


def _surname(identity: Identity) -> str | None:
    parts = [p for p in re.split(r"[\s,]+", identity.name) if len(p) > 2]
    return parts[-1] if parts else None


def _owner_side(scores: _Scores, m: Message, low: str, identity: Identity) -> None:
    """Mail addressed to someone else is about the owner's work, not the owner's job search.

    Named in the text or only in Cc, the owner is the interviewer or the coordinator; absent from To and
    Cc, the owner may be a Bcc'd candidate, which proves little.
    """
    if not m.to or any(identity.is_me(a) for a in m.to) or not identity.addresses:
        return
    surname = _surname(identity)
    named = bool(surname and re.search(rf"\b{re.escape(surname.lower())}\b", low))
    copied = any(identity.is_me(a) for a in m.cc)
    name = "owner_named_elsewhere" if named else "owner_cc" if copied else "owner_absent"
    for label in CANDIDATE_LABELS:
        if scores.points.get(label):
            scores.adjust(name, label)
    scores.note(name)
    if named:  # the owner as interviewer or coordinator, named to the person the mail is for
        scores.veto(INTERVIEW_LABELS, ADJUSTMENTS[name].reason)


def _is_reply(m: Message) -> bool:
    return bool(m.in_reply_to or REPLY_SUBJECT.match(m.subject))


def _thread_position(scores: _Scores, m: Message, identity: Identity) -> None:
    """A short answer to the owner's own application or expression of interest acknowledges it."""
    if not _is_reply(m):
        return
    cut = QUOTE_CUT.search(m.text[:DATES_WINDOW])  # a short answer: its quote starts near the top
    if not cut:
        return
    own, quoted = m.text[: cut.start()], m.text[cut.start() : cut.start() + 6000]
    first_header = quoted[:400]
    surname = _surname(identity)
    from_owner = any(a in first_header.lower() for a in identity.addresses) or (
        surname is not None and re.search(rf"^(>\s*)?from:.*\b{re.escape(surname)}\b", first_header, P | re.M)
    )
    if not from_owner or len(own.strip()) > 600:
        return
    interest = INTEREST.search(_lowered(quoted[:3000]))
    after_interview = re.search(
        r"\b(interview|our conversation|speaking with|meeting with|follow(ing)? up)\b", quoted[:3000], P
    )
    if interest and not after_interview and not any(scores.points.get(lab, 0) >= 2 for lab in CANDIDATE_LABELS):
        scores.adjust(
            "short_reply_to_interest", Label.APPLICATION_RECEIVED, f"short reply to the owner's own message: {interest.group(0)!r}"
        )




def _outlook_block(scores: _Scores, m: Message, body: str, identity: Identity) -> None:
    """A meeting request pasted as text (Outlook's "When: … / Where: …") for the owner's own interview: one
    that names the owner (the candidate), not one that names somebody else to an interviewer."""
    when = OUTLOOK_WHEN.search(body[:BODY_WINDOW])
    if when is None:
        return
    about = _lowered(m.subject + "\n" + body[:600])
    if not CALENDAR_INTERVIEW.search(about) or m.calendar:
        return
    surname = _surname(identity)
    names_owner = bool(surname and re.search(rf"\b{re.escape(surname.lower())}\b", about))
    if names_owner or re.search(r"\byour (\w+ )?interview\b", about):
        scores.adjust(
            "outlook_block", Label.INTERVIEW_CONFIRMED, f"meeting request for the owner's interview: When: {when.group(1)[:60]!r}"
        )


def _interview_day(m: Message, body: str) -> dates.DateFact | None:
    """The day the text gives for the interview: the body's word first, the subject's (in a reply often
    the plan the body changes) only when the body names none."""
    return dates.find_interview_day(body.lstrip(), m.date) or dates.find_interview_day(m.subject, m.date)


def _interview_thread(scores: _Scores, m: Message, low: str, identity: Identity) -> bool:
    """A reply that asks when the owner is free, in a thread about the owner's interview, asks to book one.

    True when that is so: the thread gives the job context the message's own words may lack.
    """
    if any(scores.points.get(label, 0) >= 2 for label in CANDIDATE_LABELS):
        return False
    if not _is_reply(m):
        return False
    ask = AVAILABILITY_ASK.search(low)
    if not ask or (m.to and not any(identity.is_me(a) for a in m.to)):
        return False
    thread = _lowered(m.subject + "\n" + m.text[:DATES_WINDOW])  # the quoted history included
    about = CALENDAR_INTERVIEW.search(thread)
    if about and not INTERVIEWER_SIDE.search(thread) and not SCHEDULE_FOR_SOMEONE.search(m.text[:DATES_WINDOW]):
        scores.adjust(
            "interview_thread",
            Label.INTERVIEW_REQUEST,
            f"asks {ask.group(0)!r} in a thread about an interview ({about.group(0)!r})",
        )
        return True
    return False


_FORWARD_LINE = re.compile(
    r"^[ \t]*(?:-{2,}\s*(?:forwarded message|original message|weitergeleitete nachricht|message transféré|"
    r"mensaje reenviado)\s*-*|begin forwarded message:?)[ \t]*$",
    re.M | re.I,
)


def forward_mark(text: str) -> re.Match[str] | None:
    """The line that starts a forwarded message. (Every such line holds "--" or "forwarded", whatever its case:
    most text is ruled out by two quick looks, before the case-insensitive search.)"""
    if "--" not in text and "orwarded" not in text.lower():
        return None
    return _FORWARD_LINE.search(text)
FORWARDED_FIELD = re.compile(
    r"^[ \t>]*\*?(from|von|de|date|sent|datum|gesendet|envoyé|fecha|enviado|subject|betreff|objet|asunto|to|an|à|para|cc)"
    r"\s*:\*?[ \t]*(.*)$",
    re.I,
)


def _forwarded_to_self(m: Message, identity: Identity) -> Message | None:
    """The message an owner forwarded to their own address (from a work account, to keep it together),
    as if it had arrived directly; None unless that is what this is."""
    if not m.recipients or not all(identity.is_me(a) for a in m.recipients):
        return None
    head = m.text[:DATES_WINDOW]
    mark = forward_mark(head)
    if mark is None or len(head[: mark.start()].strip()) > 600:  # a note of a few lines at most
        return None
    fields: dict[str, str] = {}
    lines = m.text[mark.end() :].lstrip("\n").split("\n")
    for count, line in enumerate(lines):
        if not line.strip():
            break
        hit = FORWARDED_FIELD.match(line)
        if hit is None:
            if count == 0:
                return None
            continue  # a header folded onto a second line
        key = hit.group(1).lower()
        key = {"von": "from", "de": "from", "an": "to", "à": "to", "para": "to", "betreff": "subject", "objet": "subject",
               "asunto": "subject"}.get(key, key)
        fields.setdefault(key, hit.group(2).strip())
    else:
        count = len(lines)
    senders = [Address(name.strip(' "'), email.lower()) for name, email in getaddresses([fields.get("from", "")])]
    sender = next((a for a in senders if "@" in a.email), None)
    if sender is None or identity.is_me(sender):
        return None
    subject = fields.get("subject") or re.sub(r"^\s*(fwd?|wg|tr|rv)\s*:\s*", "", m.subject, flags=re.I)
    return replace(
        m,
        sender=sender,
        subject=subject,
        text="\n".join(lines[count:]).strip("\n"),
        folder=FolderRole.INBOX,
        to=tuple(a for a in m.recipients if identity.is_me(a))[:1],
        cc=(),
        reply_to=(),
        in_reply_to=None,
        references=(),
    )


def _outbound_rules(m: Message, body: str) -> tuple[feats.RuleView, dict[Label, str]]:
    """What the rules make of the owner's own mail: thanks, a follow-up, an invitation (the owner hiring)."""
    lowered = _lowered(m.subject + "\n" + body[:4000])
    fired: list[str] = []
    context = JOB_CONTEXT.search(lowered) or OUTBOUND_CONTEXT.search(lowered)
    if context:
        fired.append("out_job_context")
    phrases: list[str] = []
    inviting = any(r.label is Label.INTERVIEW_REQUEST and r.pattern.search(lowered) for r in RULES)
    if inviting:
        phrases.append("out_inviting")
    follow = OUTBOUND_FOLLOW_UP.search(lowered)
    thanks = OUTBOUND_THANKS.search(lowered)
    if follow:
        phrases.append("out_follow_up")
    thanks_first = thanks is not None and (follow is None or thanks.start() < follow.start())
    if thanks:
        phrases.append("out_thanks_first" if thanks_first else "out_thanks")
    verdict = ""
    if context and not inviting:
        verdict = "thank_you" if thanks_first else "follow_up" if follow else ""
    vetoed: dict[Label, str] = {}
    if not context:
        vetoed = {Label.THANK_YOU: "sent by the owner, about no job", Label.FOLLOW_UP: "sent by the owner, about no job"}
    return feats.RuleView(tuple(fired), tuple(phrases), verdict), vetoed


def _classify_outbound(
    m: Message, body: str, common: list[str], identity: Identity, model: LinearModel | None
) -> Classification:
    """The owner's own mail: a thank-you, a follow-up, or anything else (including inviting a candidate)."""
    view, vetoed = _outbound_rules(m, body)
    inp = ModelInput(feats.extract_all(m, identity, body, view), vetoed, OUTBOUND_EXCLUDED)
    label, probabilities, explained = decide(inp, model, explain=True)
    contact = m.recipients[0] if m.recipients else None
    evidence = ["sent by the owner", *(f"rule: {name}" for name in (*view.fired, *view.phrases)), *explained, *common]
    return Classification(label, round(probabilities[str(label)], 2), tuple(evidence), contact=contact, scores=probabilities)


def _with_facts(
    m: Message,
    body: str,
    identity: Identity,
    label: Label,
    confidence: float,
    evidence: list[str],
    event: CalendarEvent | None,
    personal: bool,
) -> Classification:
    if label is Label.JOB_ALERT or (label is Label.OTHER and not personal):
        return Classification(label, confidence, tuple(evidence))
    if label is Label.OTHER:  # a plain reply may still state the employer's timeline, near its top
        stated = dates.find_reply_by(body, m.date, limit=BODY_WINDOW)
        if stated:
            evidence.append(f"their timeline: {stated.evidence!r} → {stated.day.isoformat()}")
        return Classification(label, confidence, tuple(evidence), reply_by=stated.day if stated else None)
    if label is Label.AUTO_REPLY:
        back = dates.find_return_date(body, m.date, limit=DATES_WINDOW)
        if back:
            evidence.append(f"back on {back.day}: {back.evidence!r}")
        return Classification(
            label, confidence, tuple(evidence), return_date=back.day if back else None, contact=m.sender
        )
    company, why = find_company(m, body)
    if why:
        evidence.append(why)
    role = find_role(m.subject, body)
    contact = find_contact(m, body, identity)
    interview_at = interview_end = None
    location = None
    uid = sequence = None
    people: list[Address] = []
    if event is not None and label in (Label.INTERVIEW_CONFIRMED, Label.INTERVIEW_CANCELLED, Label.INTERVIEW_REQUEST):
        interview_at, interview_end, location = event.start, event.end, event.location or None
        uid, sequence = event.uid or None, event.sequence
        people = [a for a in (event.organizer, *event.attendees) if a and not identity.is_me(a)]
        if event.start:
            evidence.append(f"interview time from calendar: {event.start.isoformat()}")
    elif label in (Label.INTERVIEW_CONFIRMED, Label.INTERVIEW_REQUEST, Label.INTERVIEW_CANCELLED):
        about = f"{m.subject}\n{body.lstrip()}"
        span = dates.find_interview_time(about, m.date, limit=DATES_WINDOW)
        asking = label is Label.INTERVIEW_REQUEST
        choice = dates.find_alternatives(about, m.date, limit=DATES_WINDOW) if asking else None
        if choice:
            evidence.append(f"several times proposed ({choice!r}): no single interview time yet")
        elif span:
            interview_at, interview_end = span.start, span.end
            evidence.append(f"interview time from text: {span.evidence!r}")
        elif (day := _interview_day(m, body)) is not None:
            # No clock time stated: the morning of that day, so the ladder still has an anchor.
            interview_at = datetime.combine(day.day, time(9), m.date.tzinfo if m.date else UTC)
            evidence.append(f"interview day from text (no time given): {day.evidence!r}")
    reply_by = None
    if label not in (Label.REJECTION, Label.OFFER):
        stated = dates.find_reply_by(body, m.date, limit=DATES_WINDOW)
        if stated:
            reply_by = stated.day
            evidence.append(f"their timeline: {stated.evidence!r} → {stated.day.isoformat()}")
    if m.sender and not identity.is_me(m.sender) and not is_noreply(m.sender.email):
        people.append(m.sender)
    return Classification(
        label=label,
        confidence=confidence,
        evidence=tuple(evidence),
        company=company,
        role=role,
        contact=contact,
        interview_at=interview_at,
        interview_end=interview_end,
        location=location,
        reply_by=reply_by,
        calendar_uid=uid,
        calendar_sequence=sequence,
        people=tuple(dict.fromkeys(people)),
    )

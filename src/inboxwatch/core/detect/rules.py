"""The rules: named phrase families with a weight for a label, the tables that veto, and named adjustments.

Each :class:`Rule` is a family of phrasings that points to one label with a weight (log-odds-like: >= 2 is
decisive alone for the rules' own verdict, 1 needs company). The trained model reads which rules fired as
features; the vetoes (the owner as interviewer, press/podcast/radio/user-research/admissions/exit interviews,
business senses of "offer" and "application", no job context at all) act on the model's probabilities too.
:data:`ADJUSTMENTS` names every correction the scoring applies, with its weight and its reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from inboxwatch.core.detect.fastre import Phrases
from inboxwatch.models import Label

P = re.IGNORECASE


def _lower_rx(*patterns: str) -> Phrases:
    """For lower-cased text: matching without IGNORECASE is several times faster in ``re``."""
    return Phrases.any_of(*patterns)


def _split_alternatives(alternation: str) -> list[str]:
    """The top-level branches of ``a|b(c|d)|e``: ``["a", "b(c|d)", "e"]``."""
    parts, depth, current = [], 0, ""
    for char in alternation:
        if char == "|" and depth == 0:
            parts.append(current)
            current = ""
            continue
        depth += {"(": 1, ")": -1}.get(char, 0)
        current += char
    return [*parts, current]


@dataclass(frozen=True)
class Rule:
    """A named family of phrasings: a hit adds ``weight`` to ``label``."""

    name: str
    label: Label
    weight: float
    pattern: Phrases


@dataclass(frozen=True)
class Adjustment:
    """A named correction of the scores, applied when its condition (in classify) holds."""

    name: str
    weight: float
    reason: str


# (label, weight, pattern): weights are log-odds-like; ≥ 2 is decisive alone, 1 needs company.
RULES: list[Rule] = [
    # --- interview requests
    Rule(
        "ask_to_schedule",
        Label.INTERVIEW_REQUEST,
        2.5,
        _lower_rx(
            r"\b(invite|invitation|like to invite|pleased to invite|happy to invite) you (to|for) (an? |the |your )?"
            r"(\w+[- ]){0,3}(interview|phone screen|screen|screening call|conversation|chat|call|portfolio review|"
            r"onsite|on-site|interview day|meeting|panel)",
            r"\b(would|'d) (like|love) to (schedule|set up|arrange|book|invite you for) (an? |some |the )?"
            r"(\w+[- ]){0,3}(interview|phone screen|screen|call|chat|conversation|meeting)",
            r"\bmove (you )?(forward )?(to|into|with) (the )?(next|first|final|onsite|technical) (round|stage|step)",
            r"\b(next step|next stage)s? (in|of) (the|our) (process|hiring process|interview process)",
            r"\b(selected|chosen|shortlisted|invited) (you )?(to be interviewed|to interview|for (an? |the )?(\w+ )?interview)",
            r"\b(set up|arrange|schedule|coordinate|line up) (your|an|the|a) (\w+ )?(interview|visit|on-?site)",
            r"\b(send|email|e-mail|give) (me|us) (your )?(un)?availability\b",
            r"\b(please|kindly) (use|click|follow) (the|this) (link|button) (below )?to (schedule|book|select|choose|pick)",
            r"\b(schedule|book|pick|select|choose) (a|your|an) (time|slot|interview( time| slot)?)\b",
            r"\b(share|send|let (me|us) know|provide) (me |us )?(your|some|a few) (availability|available times|times)",
            r"\bwhat (times|days) (work|would work|are you available)",
            r"\binterview (request|invitation)\b",
            r"\b(send|share|give) (me |us )?(over )?(a few|a couple of|some|your) (windows|times|slots|options)( of availability)?",
            r"\bwhat does your (availability|schedule|calendar) look like",
            r"\b(are|would) you (be )?(free|around|available) [^.?!\n]{0,60}\b(chat|call|conversation|interview|screen|meet|zoom|video)",
            r"\b(grab|pick|book|choose) (a|any|one) (slot|time)\b",
            r"\b(would like|'d like|want) to (do|set up|have|schedule) a [^.?!\n]{0,30}\b(phone screen|screen|interview|call|video chat)",
            r"\b(would|'d) like to move you (forward|ahead|on)\b",
            r"\bnext step (is|will be|would be) (a|an) [^.?!\n]{0,50}\b(interview|conversation|call|chat|screen)",
            r"\bwould (mon|tues|wednes|thurs|fri|satur|sun)day\b[^?\n]{0,80}\bwork\b",
            r"\b(would|'d) (like|love) to (meet|speak with|talk (with|to)|chat with) you\b[^.?!\n]{0,60}"
            r"\b(interview|call|chat|conversation)",
            r"\b(bring|have) you (in|back|down|over|out) (to|for) (meet|interview|speak|talk|an? (\w+ )?(interview|visit))",
            r"\b(could|can|would) you (come|come in|come by|stop by|fly (in|out)) (for|to) (an? |the |your )?(\w+ ){0,2}interview",
            r"\binvite you (back|in|out) (for|to) (an? |the )?(second|final|next|another|follow-up|third)? ?"
            r"(round|interview|visit|conversation)",
            r"\bset up (some )?time for you to (meet|speak|talk) with\b[^.?!\n]{0,60}\b(opening|role|position|interview|job)",
            r"\bschedule you for (an? |the )?(\w+ ){0,3}(interviews?|onsite|on-site|site visit)",
            r"\b(come|fly) (in|out|down|over) (to|and) (meet|interview|speak|talk)( with)?\b",
            r"\bwhen (you are|you're|you'd be|you would be) (available|free) to (come in|come by|fly in|visit|interview)",
            r"\b(be )?prepared to (discuss|talk about|walk (us|me|them|him|her) through|present) (your|the)\b[^.?!\n]{0,50}"
            r"\b(experiences?|skills|background|qualifications|projects?|resume|résumé|cv|career|accomplishments)\b",
        ),
    ),
    Rule(
        "scheduling_hint",
        Label.INTERVIEW_REQUEST,
        1.2,
        _lower_rx(
            r"\b(are|would) you (be )?(available|free|open) (for|to) (an? |a quick )?(\w+ ){0,2}(call|chat|interview|conversation)",
            r"\bphone screen\b",
            r"\bwhat (times|days|day|time) [^.?!\n]{0,30}\b(work|works|would work) (best )?for you\b",
            r"\bcalendly\.com/",
            r"\bgoodtime\.io\b",
            r"\bmodernloop\b",
            r"\bavailability\b",
        ),
    ),
    # --- interview confirmations
    Rule(
        "interview_set",
        Label.INTERVIEW_CONFIRMED,
        3.0,
        _lower_rx(
            r"\b(your|the) (\w+ ){0,3}interview (is|has been|was) (confirmed|scheduled|booked|rescheduled|moved|set)",
            r"\b(confirm(ing|ation of)?|confirmed) (your |the |our )?(\w+ ){0,3}(interview|phone screen|video call)",
            r"\byour (\w+ )?interview with ([\w.'-]+ ){1,3}(is |will be )?(held |scheduled |set )?(on|at|for|this|next|tomorrow)\b",
            r"\binterview (confirmation|itinerary|schedule|details|reminder)\b",
            r"\breminder:? (your |upcoming )?(\w+ ){0,3}interview\b",
            r"\byou('re| are) (all )?(set|scheduled|confirmed|booked) (for|to interview)",
            r"\b(look(ing)? forward to (speaking|meeting|talking|chatting) with you (on|at|tomorrow|next))",
            r"\binterview (has been|was) (re)?scheduled\b",
            r"\b(put|added|booked) you on (\w+'s |the |our )?(calendar|schedule)s? for (the|your|an) (\w+ )?interview",
            r"\b(this|to|i|we) (email |note |message )?confirms? (your|the|our) (\w+ ){0,3}(interview|phone screen|visit|onsite)\b",
            r"\b(i|we)('ve| have) (scheduled|booked|set) you (up )?(to|for) (interview|an? (\w+ )?interview)",
            r"\b((i|we)('ve| have) (scheduled|booked|set) you (up )?|you (are|have been|'re) (scheduled|booked|set up) )to"
            r" (meet|speak|talk) with\b[^.?!\n]{0,80}\b(interview\w*|opportunity|hiring|the (role|position) you)",
            r"\binterview\b[^.?!\n]{0,80}\b(is|has been|was|is now) (confirmed|scheduled|booked|rescheduled|set)\b",
            r"\b(we're|we are|you're|you are) (all )?(set|confirmed|booked|scheduled|on) (for|with) ",
            r"\bsee you (on|at|tomorrow|then|next|monday|tuesday|wednesday|thursday|friday)\b",
            r"\blet's do (it )?(tomorrow|today|monday|tuesday|wednesday|thursday|friday|at|on)\b",
            r"\b(your|the) (virtual |on-?site |final |technical )*(onsite|on-site|interview|phone screen|screen|call) (is|will be) (tomorrow|today|on|at)\b",
            r"\b(itinerary|agenda) for (your|the) (visit|onsite|interview|day)\b",
            r"\bnew (event|interview) (scheduled|confirmed)\b",
            r"\b(your|the) (interview|meeting) with [a-z]+( [a-z]+)? (is |will be )?(on |at |this |next |tomorrow)",
            r"\b(travel|flight|hotel) arrangements\b.{0,80}\b(interview|meetings?|visit)\b",
            r"\b(scheduling|schedule|scheduled) (the |your )?(meetings|interviews) (for|on)\b",
            r"\b(interview|visit) (schedule|itinerary|agenda) (is )?attached\b",
        ),
    ),
    # --- cancellations
    Rule(
        "interview_off",
        Label.INTERVIEW_CANCELLED,
        3.0,
        _lower_rx(
            r"\b(interview|phone screen|call)( \w+){0,3} (has been |is |was )?(cancel+ed|postponed|called off)",
            r"\b(need|have|had) to (cancel|postpone) (your |our |the )?(\w+ ){0,2}(interview|call|phone screen)",
            r"\bcancel+ed (event|interview)\b",
            r"\b(need|needs|have|has|had|asked) to (cancel|postpone|push|call off|put on hold)( back)? (your |our |the |"
            r"tomorrow's |today's |this week's )?(\w+ ){0,3}(interview|call|phone screen|review|onsite|on-site|meeting|"
            r"conversation|chat|\d+ ?(am|pm))",
            r"\binterview (is|has been) (off|called off|on hold)\b",
        ),
    ),
    # --- assessments
    Rule(
        "assessment_task",
        Label.ASSESSMENT,
        3.0,
        _lower_rx(
            r"\b(coding|technical|online|skills?|cognitive|personality|take[- ]home) (challenge|assessment|exercise|test|assignment|task)\b",
            r"\b(one[- ]way|recorded|on[- ]demand|asynchronous) video (interview|screen|assessment)",
            r"\bcomplete (the|this|your|an|our|a) (\w+ ){0,2}(assessment|challenge|test|exercise|assignment|case study)",
            r"\b(design|case[- ]study|coding|technical|written|analytics|data) (exercise|assignment|challenge|case)\b",
            r"\b(hackerrank|codility|codesignal|hirevue|testgorilla|coderbyte|karat|spark ?hire|willo)\b",
        ),
    ),
    # --- application received
    Rule(
        "application_thanks",
        Label.APPLICATION_RECEIVED,
        2.5,
        _lower_rx(
            r"\b(thank(s| you)|thanks) for (applying|your application|submitting your application|your interest in (joining|working))",
            r"\b(thank(s| you)|thanks) for (submitting|sending( us)?) your (resume|résumé|cv) (for|to)\b",
            r"\b(we('ve| have)|has been|was|is) (successfully )?(received|submitted)\b.{0,40}\bapplication",
            r"\bapplication (has been |was )?(received|submitted|confirmed|complete)\b",
            r"\byour application (was sent|has been sent|to) ",
            r"\bwe (have )?received your (application|resume|résumé|cv)\b",
            r"\bapplication (confirmation|acknowledg(e)?ment)\b",
            r"\bsuccessfully (applied|submitted)\b",
            r"\b(sent|forwarded|passed|submitted) your (resume|résumé|cv|application|profile) (on |along )?to (the |our )?"
            r"(hiring manager|hiring team|team|recruiter|manager)",
        ),
    ),
    # --- rejections
    Rule(
        "decision_against",
        Label.REJECTION,
        3.0,
        _lower_rx(
            r"\b(decided|chosen|elected) (not )?to (move|proceed|go) (forward|ahead) with (other|another|a different) (candidate|applicant)",
            r"\bdecided (not to|to not) (move|proceed|go|continue|progress)( forward| ahead| further)? (with you\b|with your|"
            r"at this (time|point|stage)|in the (\w+ )?process|to the next (round|stage|step))",
            r"\bdecided to (pursue|proceed with|move forward with|go with|continue with) (other|another|a different|the other)? ?(candidates?|applicants?|profiles?)",
            r"\b(offered|extended an offer for|filled) the (role|position|job|vacancy) (to|with) (another|a different|an internal|an?) ?(\w+ )?candidate",
            r"\bclos(e|ing) (the|our) (process|search|position|role|requisition|recruitment)\b",
            r"\bnot (be )?extending (you )?an offer",
            r"\b(won't|will not|aren't|are not) be (moving|progressing|proceeding|taking) (you |your application )?(forward|further|ahead)",
            r"\b(will not|won't|not be|are not|aren't|unable to|cannot) (be )?(moving|move|proceed(ing)?|progress(ing)?) "
            r"(forward |further )?with your (application|candidacy)",
            r"\bnot (to )?(move|moving|proceed|proceeding) (forward )?with your (application|candidacy)",
            r"\b(position|role|vacancy|requisition) (has been|was|is now) (filled|closed|cancel+ed|put on hold)",
            r"\b(keep|retain|hold) your (resume|résumé|cv|information|details|application) on file",
            r"\bpursue (other|another) (candidates|applicants)",
            r"\b(you were|you have) not (been )?(selected|successful)",
            r"\bnot (been )?selected (to|for) (move|proceed|the next|further|an interview|this)",
            r"\bunsuccessful\b.{0,40}\b(application|candidacy)",
            r"\b(didn't|did not|don't|do not) have (a )?(good |suitable )?(fit|match|opening|position)s? (for you )?(right now|at (this|the moment|present))",
            r"\bno longer (under consideration|being considered|considering your)",
            r"\b(other candidates|another candidate) whose (experience|qualifications|skills|background)",
            r"\bdecided to (move|go) (forward )?in a different direction",
            r"\b(we|i)('ve| have) (now |already )?filled (the|this|that|our) (\w+ ){0,3}(position|role|opening|job|vacancy)",
            r"\b(we|i)('ve| have) (now |already )?closed (the|this|that|our) (\w+ ){0,3}(role|opening|job|vacancy|search)\b",
            r"\b(there is|there's|it is|it's|you are|you're) not a (good |strong )?(match|fit) (for|with) (the|this|that|our) "
            r"(\w+ ){0,2}(position|role|opening|job)",
            r"\bnot (a|the right) (fit|match) (for|at) this (time|role|position)",
        ),
    ),
    Rule(
        "regret_words",
        Label.REJECTION,
        1.0,
        _lower_rx(
            r"\bregret to (inform|let you know|tell you)",
            r"\bunfortunately\b",
            r"\b(not the news you were hoping|wish i had better news|sorry to (share|tell you|let you know))",
        ),
    ),
    Rule(  # said of the process, with no object: "the team has decided not to move forward."
        "decided_not_to_proceed",
        Label.REJECTION,
        1.5,
        _lower_rx(
            r"\bdecided (not to|to not) (move|proceed|go|continue|progress) (forward|ahead|further)(?= ?[.!;]| at this| for now)",
        ),
    ),
    # --- offers
    Rule(
        "offer_made",
        Label.OFFER,
        3.0,
        _lower_rx(
            r"\b(pleased|delighted|happy|excited|thrilled) to (extend|offer|make) (you )?(an |the |a |our )?(formal |official |verbal )?"
            r"(offer|position|role|job)",
            r"\b(offer of employment|employment offer|job offer|offer letter|formal offer|verbal offer)\b",
            r"\b(we'd|we would) like to offer you (the|a|an) (position|role|job)",
            r"\b(?<!not )(?<!not be )(?<!won't be )extend(ing)? (you )?an offer\b",
            r"\b(making|make|made) you (a |an )?(formal |verbal |written )?offer\b",
            r"\b(written|formal) offer (will|is|should)\b",
            r"\b(your|the) (signed )?(offer|transfer) letter (is ready|to sign|for your (review|records))",
            r"\bsigned,? (\w+ )?offer letter\b",
        ),
    ),
    # --- recruiter outreach
    Rule(
        "recruiter_pitch",
        Label.RECRUITER_OUTREACH,
        2.0,
        _lower_rx(
            r"\b(came across|found|saw|reviewed|noticed) your (profile|resume|résumé|cv|background|experience)",
            r"\b(on behalf of|for) (my|our|a) client\b",
            r"\bmy client\b",
            r"\b(are|would) you (be )?(open|interested) (to|in) (hearing|exploring|learning|discussing|a new|new|an?) ",
            r"\bexciting (new )?(opportunity|role|position)\b",
            r"\bi('m| am) (a |an )?(\w+ ){0,2}(recruiter|headhunter|talent partner|sourcer|recruiting consultant)\b",
            r"\b(staffing|recruitment|search) (firm|agency)\b",
            r"\byour (background|experience|profile) (is|seems|looks) (a )?(great|perfect|strong|good) (fit|match)",
            r"\bi (represent|work with|am working with|'m working with) (a |an |several |many )?(\w+ ){0,3}(firm|clients?|companies|organi[sz]ations|employers)",
            r"\b(send|forward|e-?mail) me (a copy of )?your (resume|résumé|cv)\b",
            r"\b(executive|retained) search\b",
            r"\bsearch consultant\b",
            r"\bplacement (firm|agency|specialist)s?\b",
            r"\b(position|opportunit(y|ies)|role)s? (that )?i (would like|'d like|want) to (discuss|talk|share)",
            r"\b(join|joining) (our|my) talent (network|community|pool)\b",
            r"\b(would|are) you (be )?open to (a|an) (quick |short |brief |informal )?(chat|call|conversation|coffee)",
            r"\b(open to|considering|exploring) (new|other|a new) (opportunit|role|position|challenge)",
            r"\b(saw|read|came across|loved|enjoyed) your (talk|work|github|post|portfolio|article|open[- ]source)",
            r"\b(your|the) (profile|background|experience|work) (on linkedin |on github )?(caught my eye|stood out|impressed)",
            r"\bi('m| am) (the )?(founder|co-?founder|cto|ceo|head of (talent|engineering|recruiting))\b.{0,80}\b(hiring|building|looking)",
            r"\b(we're|we are) (hiring|growing|building out|looking for)\b",
            r"\b(headhunt|chasseur de têtes|personalberat|cazatalentos|スカウト|рекрутер|кадров\w+ агентств)",
            r"\b(my|our) (firm|company|agency|team) (specializ|specialis|focus)\w* (in|on) (plac|recruit|search|staffing)",
            r"\b(staffing|recruiting|recruitment|search|placement) (firm|agency|group|company|partners|associates|consultants)\b",
            r"\b(working on )?fill(ing)? (several|a number of|multiple|various) (\w+ ){0,3}(positions|roles|openings)",
            r"\b(when|once|after) i (receive|get|have) your (resume|résumé|cv|email)",
            r"\bsend your (resume|résumé|cv) (back )?to me\b",
            r"\b(explor|discuss)\w* (new |other |some )?(job |career )?opportunities\b",
            r"\bclients? (in \w+ )?(are |start |starting )?(hiring|looking|seeking)\b",
        ),
    ),
    Rule(
        "recruiter_hint",
        Label.RECRUITER_OUTREACH,
        1.0,
        _lower_rx(
            r"^\s*(executive |senior |technical )?(recruiter|recruiting consultant|search consultant|talent (partner|scout))\s*$",
            r"\b(is|are) (seeking|looking for) (a|an) (\w+ ){0,4}(individual|analyst|manager|engineer|trader|candidate|professional)",
            r"\bcompensation\b.{0,40}\b(k|000)\b",
            r"\bposition description\b",
        ),
    ),
    # --- job alerts and career newsletters
    Rule(
        "openings_shared",
        Label.JOB_ALERT,
        2.0,
        _lower_rx(
            r"\b(positions|jobs|openings|opportunities|vacancies) (available|open|currently open)\b",
            r"\b(open|new|current) (positions?|openings?|vacanc(y|ies)) (at|in|with|on)\b",
            r"\bif (anyone|anybody|you know (anyone|someone|somebody)) (is |who is |who's )?(interested|looking)\b",
            r"\b(please )?(send|forward|pass|circulate) (this |it )?(on |along |around )?to (people|anyone|others|friends|"
            r"your (network|contacts|colleagues))",
            r"\b(looking|wanting|seeking) to hire\b",
        ),
    ),
    Rule(
        "jobs_digest",
        Label.JOB_ALERT,
        2.5,
        _lower_rx(
            r"\b(new|latest|top|featured|recommended) (\w+ ){0,2}(jobs|openings|roles|positions|vacancies|listings)\b",
            r"\b(jobs|roles|openings) (this week|of the week|weekly|digest)\b",
            r"\bweekly (jobs|roles|openings)\b",
            r"\b(stellenangebote|neue jobs|jobangebote|offres d'emploi|ofertas (de empleo|para ti)|nuevas ofertas)\b",
            r"(新着求人|おすすめ求人|求人情報)",
            r"\b(новые вакансии|подходящие вакансии|вакансии для вас)\b",
            r"\bjob alert\b",
            r"\bnew jobs? (for you|matching|that match|in )",
            r"\bjobs? (you may|you might) (be interested|like)",
            r"\brecommended jobs\b",
            r"\b(\d+|new) (new )?(jobs|positions|openings|roles) (for|in|near|matching)",
            r"\bbased on your (profile|search|preferences|job search)",
            r"\bjobs? (digest|newsletter|roundup)\b",
            r"\btop (job )?picks for you\b",
            r"\bunsubscribe from (these|this|job) (alerts?|emails?)",
            r"\bjob ?(watch|bank|board|mail|postings? (list|digest))\b",
            r"\b(available|current|open|new) (job|career|employment) (opportunities|openings|postings|listings)\b",
            r"\b(job|position|vacancy) (announcement|posting|listing)s?\b",
            r"\bjobs? network\b",
            r"\bcareer (center|centre|services) (job|posting)",
        ),
    ),
    # --- automatic replies
    Rule(
        "away_notice",
        Label.AUTO_REPLY,
        3.0,
        _lower_rx(
            r"^(automatic reply|auto(matic)?[- ]?(reply|response)|out of (the )?office|ooo|abwesenheitsnotiz|"
            r"réponse automatique|respuesta automática|autosvar)\b",
            r"\bi (am|will be|'m) (currently )?(out of (the )?office|away from (the office|my desk)|on (annual |parental )?leave|on vacation|on holiday)",
            r"\bthis is an auto(matic|mated)[- ]?(reply|response)",
            r"\b(limited|no) access to (my )?e-?mail\b",
        ),
    ),
    # --- the same families in German, French, Spanish, Japanese and Russian (the most common asks only)
    Rule(
        "ask_to_schedule_intl",
        Label.INTERVIEW_REQUEST,
        2.5,
        _lower_rx(
            r"\b(einladen|einladung) (zu|zum) (einem |einem ersten )?(\w+ )?(vorstellungsgespräch|gespräch|interview)",
            r"\b(vous )?invit(er|ons) (à|a) (un )?(premier )?entretien\b",
            r"\bvos disponibilités\b",
            r"\binvitar(te|le)? a una entrevista\b",
            r"\b(tu|su) disponibilidad\b",
            r"面接.{0,20}(ご案内|日程|候補日|ご都合)",
            r"(ご都合|候補日).{0,20}(お知らせ|教えて)",
            r"приглас\w* (вас )?на (\w+ )?(собеседование|интервью)",
            r"удобн\w+ (для вас )?врем",
        ),
    ),
    Rule(
        "interview_set_intl",
        Label.INTERVIEW_CONFIRMED,
        3.0,
        _lower_rx(
            r"\b(bestätig\w*|bestätigung)\b.{0,60}\b(vorstellungsgespräch|bewerbungsgespräch|interview)",
            r"\b(vorstellungsgespräch|bewerbungsgespräch|interview)\b.{0,40}\bbestätigt",
            r"\bconfirm\w* (de )?(votre|notre|l')\s?entretien",
            r"\bentretien\b.{0,40}\bconfirmé",
            r"\bconfirm\w* (de )?(tu|su|la) entrevista",
            r"\bentrevista\b.{0,40}\bconfirmad",
            r"面接.{0,20}(確定|決定|確認)",
            r"(確定|決定)しました.{0,20}面接",
            r"подтвержд\w+.{0,40}(собеседовани|интервью)",
            r"(собеседовани|интервью)\w*.{0,40}подтвержд",
        ),
    ),
    Rule(
        "interview_off_intl",
        Label.INTERVIEW_CANCELLED,
        3.0,
        _lower_rx(
            r"\b(vorstellungsgespräch|bewerbungsgespräch|interview)\b.{0,40}\b(abgesagt|verschoben|absagen|verschieben)",
            r"\b(annul|report)\w* (de )?(votre|notre|l')\s?entretien",
            r"\bentretien\b.{0,40}\b(annulé|reporté)",
            r"\b(cancelar|posponer|aplazar)\w* (la |tu |su )?entrevista",
            r"\bentrevista\b.{0,40}\b(cancelad|pospuest|aplazad)",
            r"面接.{0,20}(キャンセル|中止|延期)",
            r"(отмен|перенес|перенос)\w*.{0,40}(собеседовани|интервью)",
        ),
    ),
    Rule(
        "decision_against_intl",
        Label.REJECTION,
        3.0,
        _lower_rx(
            r"\b(leider|bedauerlicherweise)\b.{0,120}\b(absage|nicht (weiter )?berücksichtigen|anderen (kandidat|bewerb))",
            r"\b(nicht|keine) (in die engere auswahl|weiter berücksichtig)",
            r"\b(malheureusement|regret)\w*\b.{0,120}\b(pas (pu )?(retenu|donner suite)|autre candidat)",
            r"\bne pas donner suite\b",
            r"\b(lamentablemente|lamentamos)\b.{0,120}\b(no (ha sido|has sido|continuar|seguir)|otr[oa]s? candidat)",
            r"(お祈り申し上げ|見送らせて|ご期待に添えない|不採用)",
            r"к сожалению.{0,120}(не готовы|отказ|другого кандидата|не можем предложить)",
        ),
    ),
    Rule(
        "offer_made_intl",
        Label.OFFER,
        3.0,
        _lower_rx(
            r"\b(vertragsangebot|arbeitsvertrag|angebot für die (position|stelle))\b",
            r"\bproposition d'embauche\b",
            r"\b(promesse|offre) d'(embauche|emploi)\b",
            r"\boferta (de empleo|de trabajo|laboral|formal)\b",
            r"(内定|採用内定|オファー)",
            r"(предложение о работе|оффер|job offer)",
        ),
    ),
    Rule(
        "application_thanks_intl",
        Label.APPLICATION_RECEIVED,
        2.5,
        _lower_rx(
            r"\b(bewerbung|ihre unterlagen)\b.{0,60}\b(erhalten|eingegangen)",
            r"\bvielen dank für ihre bewerbung\b",
            r"\b(candidature)\b.{0,60}\b(bien )?(reçue|enregistrée)",
            r"\bmerci (pour|de) votre candidature\b",
            r"\b(accusons|accuse) (bonne )?réception de votre candidature\b",
            r"\b(wir )?bestätigen (den )?(eingang|erhalt) ihrer bewerbung\b",
            r"\bconfirmamos (la )?recepción de (tu|su) (solicitud|candidatura)",
            r"\bмы получили ваш[ае]? (резюме|отклик|заявк)",
            r"\b(hemos recibido|recibimos) tu (solicitud|candidatura)",
            r"\b(tu|su) (solicitud|candidatura) (se ha enviado|ha sido enviada|fue enviada|se envió)",
            r"\bgracias por (tu|su) (solicitud|candidatura|postulación)",
            r"(ご応募いただき|応募を受け付け|エントリーを受け付け)",
            r"(ваш[ае]? (резюме|отклик|заявк)\w*.{0,40}(получен|принят))",
        ),
    ),
]

# Where the owner is the interviewer or coordinator, or "interview" is about something else.
INTERVIEWER_SIDE = _lower_rx(
    r"\binterview (panel|kit|feedback|scorecard|debrief|loop for)\b",
    r"\b(submit|complete|leave) (your )?(interview )?(feedback|scorecard)",
    r"\byou('re| are| have been) (on|added to|scheduled (to|for)) (the )?(interview|panel|interview panel)",
    r"\b(please|can you|could you) (interview|meet with) (the |our |this )?candidate",
    r"\binterview (\w+ )?(with|of) (the |a |our )?candidate\b",
    r"\b(as|the) interviewer\b",
    r"\b(this|the|a) candidate's (results|submission|assessment|answers|test|code)\b",
    r"\breview (the|this|a) candidate\b",
    r"\bexit[- ]interview\b",
    r"\b(press|media|podcast|radio|tv|magazine|newspaper) interview\b",
    r"\binterview (you )?for (our|the|a) (podcast|magazine|article|story|newsletter|blog|show)",
    r"\b(reporter(?! (l'|le|la|les|notre|votre|cet|ce|à|au)\b)|journalist|our readers|our listeners|"
    r"for (a|an|our) (story|article|piece|feature|profile))\b",
    r"\b(podcast|episode|on air|webinar|fireside chat|guest (on|for)|be (a|our) guest)\b",
)
SCHEDULE_FOR_SOMEONE = re.compile(r"\b[Ii]nterview [Ss]chedule (for|of) (?!you\b)[A-Z]")
NOT_A_JOB_OFFER = _lower_rx(
    r"\b\d+ ?% off\b",
    r"\b(special|limited[- ]time|exclusive|holiday|promotional) offer",
    r"\bfree shipping\b",
    r"\b(coupon|discount|promo code)\b",
    r"\bunable to offer\b",
    r"\brescind",
)
SOMEONE_ELSES_OFFER = re.compile(r"\b[A-Z][a-z]+'s (\w+ )?offer\b")  # "Michael's offer": HR about another person
NOT_A_JOB_APPLICATION = _lower_rx(
    r"\bapplication (to open|for (a |an |your )?(new )?(account|loan|credit|card|mortgage|visa|permit|membership|grant|lease))",
    r"\b(account|loan|credit card|mortgage|membership|rental|insurance|visa|course|program(me)?|admissions?|scholarship|"
    r"grant|tenancy|apartment) application\b",
    r"\b(admissions? (office|committee|team)|enrol(l)?ment|tuition|semester|intake|cohort|the course|the programme|"
    r"the program|flat|apartment|tenancy|landlord|lease)\b",
)
# Words that place a message in a job search, in the languages the rules know.
# The words of a job search, each an alternative of its own so that a text is searched only for the words whose
# letters it holds (``Phrases.any_of``): most personal mail holds one or two of them, or none.
_JOB_WORDS = (
    r"candida(cy|te|tes|ture|tura|t|ts)|positions?|roles?|jobs?|openings?|vacanc(y|ies)|interview\w*|hiring|"
    r"recruit\w*|résumé|resume|cv|offer letter|extend(ing)? (you )?an offer|employment|hire|start date|salary|"
    r"compensation|applying|applied|"
    r"your application|careers?|talent|bewerbung|stelle|kandidat\w*|vorstellungsgespräch|poste|entretien|"
    r"solicitud|puesto|entrevista|vacante|собеседовани\w*|кандидат\w*|ваканси\w*|резюме|оффер|"
    # Dutch, Portuguese, Italian, Swedish, Polish, more German and French: the words of a job search
    r"sollicitatie\w*|vacature\w*|functie|sollicitatiegesprek\w*|kennismakingsgesprek\w*|arbeidsvoorwaarden|"
    r"vaga|processo seletivo|currículo|proposta (de trabalho|de emprego)|colloquio|posizione|selezione|"
    r"ansökan|tjänsten|intervju\w*|rekrytering\w*|rekrutac\w*|aplikacj\w*|stanowisk\w*|rozmow\w* kwalifikacyjn\w*|"
    r"kandydat\w*|bewerbungsgespräch|zusage|absage|recrutement|offre d'emploi|"
    # the words of an offer: pay, contract, start
    r"base salary|signing bonus|equity|join (the|our) team|welcome aboard|salario|sueldo|incorporaci[oó]n|"
    r"salário|contrato de trabalho|gehalt|arbeitsvertrag|vertragsangebot|eintrittsdatum|salaire|contrat de travail|"
    r"date (de début|d'entrée)|arbeidsovereenkomst|salaris|startdatum|fecha de inicio|data de início"
)
JOB_CONTEXT = _lower_rx(
    *(rf"\b{w}\b" for w in _split_alternatives("".join(_JOB_WORDS))), "応募", "選考", "面接", "採用", "内定"
)


OUTBOUND_THANKS = _lower_rx(
    r"\bthank(s| you)( all| both| so much| again| very much)? for (the|your|our|taking|meeting|speaking|talking|chatting|this|today|"
    r"having|a great|a wonderful|the opportunity)\b",
    r"\b(enjoyed|great|pleasure|lovely|wonderful) (speaking|meeting|talking|chatting|to meet|to speak|our (conversation|call|chat))",
    r"\bvielen dank für (das|unser|ihr) (\w+ )?(gespräch|interview|zeit)",
    r"\bmerci (beaucoup )?pour (notre|l'|votre|cet) ?(entretien|échange|temps)",
    r"\bgracias por (la|tu|su|el) (entrevista|tiempo|conversación)",
    r"(面接|お時間).{0,20}(ありがとう|御礼|お礼)",
    r"спасибо за (собеседование|встречу|время|разговор)",
    r"\b(bedankt|dank (je|u)( wel)?) voor (het|de|jullie|uw|je) (\w+ ){0,2}(gesprek|tijd|kennismaking)",
    r"\b(obrigad[oa]|agradeço) (pela|pelo) (\w+ ){0,2}(entrevista|conversa|tempo|oportunidade)",
    r"\bgrazie (mille )?per (il|l'|la) ?(\w+ ){0,2}(colloquio|tempo|opportunità)",
    r"\btack (så mycket )?för (intervjun|samtalet|mötet|din tid)",
    r"\bdzi(ę|e)kuj(ę|e) (bardzo )?za (rozmow|spotkani|czas)",
)
OUTBOUND_FOLLOW_UP = _lower_rx(
    r"\b(follow(ing)?[- ]?up|check(ing)? in|touch(ing)? base) (on|about|regarding|with you|again)\b",
    r"\b(wanted|like) to (follow[- ]?up|check in|ask whether|ask if)\b",
    r"\bany (update|news|word)\b",
    r"\b(status|update) (on|of|regarding) (my|the) (application|candidacy|interview|decision|process)",
    r"\bwhere things stand\b",
    r"\b(update|news) on the (decision|process|timeline|role|position)",
    r"\b(stand (meiner|der) bewerbung|nachfragen)\b",
    r"\b(suivi|état) de (ma|votre) candidature\b",
    r"\b(estado|seguimiento) de (mi|la) (solicitud|candidatura)\b",
    r"(選考状況|進捗)",
    r"статус (моей )?(заявки|кандидатуры)",
    r"\b(stand van zaken|al (iets )?(meer )?(bekend|nieuws)|nog (niets|iets) (gehoord|vernomen))\b",
    r"\b(alguma (novidade|atualização)|andamento d[oa] (processo|minha candidatura))\b",
    r"\b(aggiornamento|novità) (sul|sulla|riguardo)\b",
    r"\bnågon (uppdatering|återkoppling)\b",
    r"\b(jakie(ś|s) (informacje|wieści)|status (mojej )?(aplikacji|kandydatury))\b",
)
OUTBOUND_CONTEXT = _lower_rx(
    r"\b(team|onsite|on-site|call|conversation|chat|meeting|next steps|decision|process|opportunity|panel|screen|"
    r"discussion|exercise|interview\w*|gesprek\w*|rol|gespräch\w*|conversa|colloquio|samtal\w*|intervju\w*|"
    r"rozmow\w*|processo|proces|procedure|sollicitatie\w*|candidatura|vaga|tjänst\w*)\b"
)

AVAILABILITY_ASK = _lower_rx(
    r"\b(would|will|are) you (be )?(available|free)\b",
    r"\bwhat is your availability\b",
    r"\bwhen (would|will|are) you (be )?(available|free)\b",
    r"\bdoes [^.?!\n]{1,40} work for you\b",
)
CALENDAR_INTERVIEW = _lower_rx(
    r"\b(interview\w*|screen(ing)?|phone screen|onsite|on-site|hiring|candidate|recruit\w*|portfolio review|"
    r"vorstellungsgespräch|entretien|entrevista|собеседовани\w*)|面接"
)
ROLE_LINE = re.compile(
    r"^[ \t•*·\-]*(?:(?:Senior|Sr\.?|Junior|Jr\.?|Staff|Lead|Principal|Head of|[A-Z][\w/&+.\-]*) ){0,4}"
    r"(?:Engineer|Developer|Analyst|Scientist|Manager|Designer|Researcher|Architect|Specialist|Consultant|Director|"
    r"Associate|Intern|Lead|Administrator|Coordinator|Strategist|Writer|Accountant|Marketer|Recruiter)s?\b.{0,80}$",
    re.M,
)
CANDIDATE_LABELS = (
    Label.INTERVIEW_REQUEST,
    Label.INTERVIEW_CONFIRMED,
    Label.INTERVIEW_CANCELLED,
    Label.OFFER,
    Label.REJECTION,
    Label.APPLICATION_RECEIVED,
    Label.ASSESSMENT,
)


INTEREST = _lower_rx(
    r"\b(i am|i'm|i would be|i'd be) (very )?interested\b",
    r"\b(apply|applying|applied) (for|to)\b",
    r"\b(my|attached) (resume|résumé|cv)\b",
    r"\bexpress(ing)? (my )?interest\b",
    r"\bconsider(ed)? (me|my) (for|application)\b",
    r"\binterest(ed)? in (the|this|your|either|both) (position|role|job|opening)",
    r"\b(include|add|put) my name\b",
    r"\binterested (people|candidates|in)\b",
    r"\b(appreciate|welcome) (the|your) consideration\b",
)


REPLY_SUBJECT = re.compile(r"^\s*(re|aw|sv)\s*:", P)
OUTLOOK_WHEN = re.compile(r"^[ \t]*When:[ \t]*([^\n]*\d{1,2}:\d{2}[^\n]*)$", re.M | re.I)

# Words that make an "interview" something other than the owner's job interview: the press, a show, a study,
# admissions, a visa, the owner's own exit. A veto on the interview labels whatever the words around them say.
NOT_A_JOB_INTERVIEW = _lower_rx(
    r"\b(radio|tv|television|press|media|magazine|newspaper|podcast|news|documentary) (interview|show|segment|programme|program|piece)\b",
    r"\b(on|for|to) (the|our|my) (show|programme|broadcast|station|podcast|newsletter|magazine|blog)\b",
    r"\b(listeners|viewers|our audience|air date|on air|going live|live broadcast|producer of|segment producer)\b",
    r"\b(research|usability|user|ux|customer|product) (study|studies|session|sessions|participants?|panel)\b",
    r"\bparticipa(te|nt|nts|ting|tion) in (a |an |our |this )?(\w+ ){0,2}(study|research|survey|usability)",
    r"\b(gift card|amazon voucher|honorarium|thank-you payment|compensated for your time)\b",
    r"\badmissions? (interview|office|committee|team|decision)\b",
    r"\b(mba|undergraduate|graduate|doctoral|master's|bachelor's) (program|programme|admissions?|application)\b",
    r"\b(visa|consular|embassy|immigration) (interview|appointment)\b",
    r"\bexit[- ](interview|survey|conversation)\b",
    r"\b(offboarding|last day (at|with) us|leaving (the company|us))\b",
)

# Every correction the scoring applies by name: (weight, reason). A weight of 0 marks a veto or a note that
# acts only through the model's mask or as a feature.
ADJUSTMENTS: dict[str, Adjustment] = {
    a.name: a
    for a in (
        Adjustment("auto_header", 2.0, "header Auto-Submitted/X-Autoreply"),
        Adjustment("auto_generated", -2.0, "ATS robots send auto-generated mail that is not an out-of-office"),
        Adjustment("board_bulk", 1.5, "bulk mail from a job board"),
        Adjustment("calendar_cancel", 4.0, "calendar CANCEL of an interview"),
        Adjustment("calendar_invite", 3.5, "calendar invitation to an interview"),
        Adjustment("outlook_block", 3.0, "meeting request pasted as text for the owner's interview"),
        Adjustment("interviewer_side", -8.0, "the owner is not the candidate"),
        Adjustment("not_a_job_interview", -8.0, "an interview for the press, a show, a study, admissions or an exit"),
        Adjustment("not_a_job_offer", -4.0, "not a job offer (commerce, someone else's offer)"),
        Adjustment("not_a_job_application", -4.0, "an application for something other than a job"),
        Adjustment("interview_thread", 2.5, "asks when the owner is free, in a thread about an interview"),
        Adjustment("owner_named_elsewhere", -4.0, "addressed to someone else and names the owner"),
        Adjustment("owner_cc", -1.5, "addressed to someone else with the owner in Cc"),
        Adjustment("owner_absent", -0.5, "addressed to someone else"),
        Adjustment("short_reply_to_interest", 2.5, "short reply to the owner's own application or interest"),
        Adjustment("no_job_context", -6.0, "no job context (position, role, interview, résumé …)"),
        Adjustment("bulk_not_personal", -1.5, "bulk mail rarely carries a personal decision"),
        Adjustment("decision_over_ack", -3.0, "a decision outweighs the acknowledgment"),
        Adjustment("interview_over_ack", -2.0, "an interview step outweighs the acknowledgment"),
        Adjustment("set_time_over_request", -1.0, "a set time outweighs the request"),
        Adjustment("reply_not_outreach", -2.0, "in reply to the owner, or about the owner's application"),
        Adjustment("alert_not_application", -2.0, "a job alert lists openings, it is not about one application"),
        Adjustment("titles_listed", 1.0, "lists several job titles"),
        Adjustment("titles_listed_bulk", 2.0, "bulk mail listing several job titles"),
        Adjustment(
            "unsolicited_not_invitation", -2.0, "an unsolicited approach, not an invitation about an application"
        ),
        Adjustment("decision_not_alert", -5.0, "a decision about the owner's application, with suggestions appended"),
        Adjustment("personal_not_list", -1.5, "written to the owner personally, not a list"),
    )
}

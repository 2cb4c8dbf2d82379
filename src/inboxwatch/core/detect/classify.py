"""Message → Classification, from the mailbox owner's side as a candidate. Rules with weighted evidence.

Each label has phrase families with weights; headers (automatic replies, bulk mail), the sender's kind
(applicant-tracking system, job board, scheduling tool, recruiter agency) and calendar structure add or
veto. Mail where the owner is the interviewer, and business uses of job words ("offer", "regret to
inform", "interview" in a newsletter) are the hard negatives the rules guard against. Every decision
keeps the phrases and headers that made it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time
from email.utils import getaddresses

from inboxwatch.core.detect import dates
from inboxwatch.core.detect.bulk import EVIDENCE as BULK_EVIDENCE
from inboxwatch.core.detect.bulk import is_bulk
from inboxwatch.core.detect.corrections import Correction
from inboxwatch.core.detect.corrections import apply as apply_corrections
from inboxwatch.core.detect.extract import find_company, find_contact, find_role
from inboxwatch.core.detect.fastre import Phrases
from inboxwatch.core.detect.senders import ats_vendor, is_noreply, job_board, scheduling_tool
from inboxwatch.models import Address, CalendarEvent, Classification, FolderRole, Identity, Label, Message

P = re.IGNORECASE
BODY_WINDOW = 4000  # the decision is near the top; quoted history and footers add cost, not signal
FIRST_WINDOW = 1500  # what is read of mail that shows no sign of a job search in it
DATES_WINDOW = 8000  # dates and stated timelines: a little further down (itineraries, signatures)


def _lower_rx(*patterns: str) -> Phrases:
    """For lower-cased text: matching without IGNORECASE is several times faster in ``re``."""
    return Phrases("|".join(f"(?:{p})" for p in patterns))


# (label, weight, pattern): weights are log-odds-like; ≥ 2 is decisive alone, 1 needs company.
RULES: list[tuple[Label, float, Phrases]] = [
    # --- interview requests
    (
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
    (
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
    (
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
    (
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
    (
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
    (
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
    (
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
    (
        Label.REJECTION,
        1.0,
        _lower_rx(
            r"\bregret to (inform|let you know|tell you)",
            r"\bunfortunately\b",
            r"\b(not the news you were hoping|wish i had better news|sorry to (share|tell you|let you know))",
        ),
    ),
    (  # said of the process, with no object: "the team has decided not to move forward."
        Label.REJECTION,
        1.5,
        _lower_rx(
            r"\bdecided (not to|to not) (move|proceed|go|continue|progress) (forward|ahead|further)(?= ?[.!;]| at this| for now)",
        ),
    ),
    # --- offers
    (
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
    (
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
    (
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
    (
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
    (
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
    (
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
    (
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
    (
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
    (
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
    (
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
    (
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
    (
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
    r"\b(reporter|journalist|our readers|our listeners|for (a|an|our) (story|article|piece|feature|profile))\b",
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
JOB_CONTEXT = _lower_rx(
    r"\b(candida(cy|te|tes|ture|tura|t|ts)|positions?|roles?|jobs?|openings?|vacanc(y|ies)|interview\w*|hiring|"
    r"recruit\w*|résumé|resume|cv|offer letter|extend(ing)? (you )?an offer|employment|hire|start date|salary|"
    r"compensation|applying|applied|"
    r"your application|careers?|talent|bewerbung|stelle|kandidat\w*|vorstellungsgespräch|poste|entretien|"
    r"solicitud|puesto|entrevista|vacante|собеседовани\w*|кандидат\w*|ваканси\w*|резюме|оффер)\b|応募|選考|面接|採用|内定"
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
)
OUTBOUND_CONTEXT = _lower_rx(
    r"\b(team|onsite|on-site|call|conversation|chat|meeting|next steps|decision|process|opportunity|panel|screen|"
    r"discussion|exercise|interview\w*)\b"
)
QUOTE_CUT = re.compile(
    r"^[ \t]*(On .{5,200}wrote:|-{2,} ?Original Message ?-{2,}|From: .+\nSent: |_{10,}|Le .{5,100} a écrit|Am .{5,100} schrieb)",
    re.M,
)


@dataclass
class _Scores:
    points: dict[Label, float] = field(default_factory=lambda: defaultdict(float))
    evidence: dict[Label, list[str]] = field(default_factory=lambda: defaultdict(list))
    common: list[str] = field(default_factory=list)

    def add(self, label: Label, weight: float, why: str) -> None:
        self.points[label] += weight
        self.evidence[label].append(why)


def own_text(text: str, limit: int | None = None) -> str:
    """The message's own words (within the first ``limit`` characters): quoted history cut off."""
    text = text[:limit]
    cut = QUOTE_CUT.search(text)
    head = text[: cut.start()] if cut else text
    return "\n".join(line for line in head.splitlines() if not line.lstrip().startswith(">"))


def _lowered(text: str) -> str:
    return text.lower().replace("’", "'")


def _match_rules(scores: _Scores, text: str, where: str, factor: float = 1.0) -> None:
    """``text`` is lower-cased already (``_lowered``)."""
    for label, weight, pattern in RULES:
        hit = pattern.search(text)
        if hit:
            scores.add(label, weight * factor, f"{where}: {hit.group(0).strip()[:80]!r}")


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


def classify(message: Message, identity: Identity, corrections: Sequence[Correction] = ()) -> Classification:
    """Label a parsed message and extract its facts. Never raises for a parsed message.

    ``corrections``: the user's own labels; mail like a corrected message follows it (see corrections.py)."""
    if corrections:
        return apply_corrections(message, classify(message, identity), corrections)
    m = message
    outbound = m.folder is FolderRole.SENT or identity.is_me(m.sender)
    body = own_text(m.text, DATES_WINDOW)  # nothing further down is read
    subject = m.subject
    evidence_common = [f"defect: {d}" for d in m.defects[:3]]
    if outbound:
        forwarded = _forwarded_to_self(m, identity)
        if forwarded is not None:  # the owner keeping an employer's mail: judge what was forwarded
            inner = classify(forwarded, identity)
            why = f"forwarded by the owner to themselves, from {forwarded.sender.email if forwarded.sender else '?'}"
            return replace(inner, evidence=(*inner.evidence, why))
        return _classify_outbound(m, body, evidence_common)

    # Read the top of the message first; only mail that shows some sign of a job search is read further,
    # so the long letters that make up most of a personal inbox cost a fraction.
    scores = _Scores()
    lowered_subject = _lowered(subject)
    window = subject + "\n" + body[:FIRST_WINDOW]
    low = _lowered(window)  # lower-cased once: every phrase table below reads it
    _match_rules(scores, lowered_subject, "subject", 1.2)
    _match_rules(scores, low[len(subject) + 1 :], "text")
    if len(body) > FIRST_WINDOW and (scores.points or JOB_CONTEXT.search(low)):
        scores = _Scores()
        window = subject + "\n" + body[:BODY_WINDOW]
        low = _lowered(window)
        _match_rules(scores, lowered_subject, "subject", 1.2)
        _match_rules(scores, low[len(subject) + 1 :], "text")
    headers = m.headers
    sender = m.sender
    domain = sender.domain if sender else ""
    auto = headers.get("auto-submitted", "").lower()
    if (auto and auto != "no") or "x-autoreply" in headers or "x-autorespond" in headers:
        scores.add(Label.AUTO_REPLY, 2.0, f"header Auto-Submitted/X-Autoreply: {auto or 'yes'}")
        if auto.startswith("auto-generated"):
            scores.points[Label.AUTO_REPLY] -= 2.0  # ATS robots send auto-generated mail that is not an OOO
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
            scores.add(Label.JOB_ALERT, 1.5, f"bulk mail from job board {board}")
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
        if interviewy and not organised_by_owner and not INTERVIEWER_SIDE.search((about + "\n" + subject).lower()):
            if event.method == "CANCEL" or event.status == "CANCELLED":
                scores.add(Label.INTERVIEW_CANCELLED, 4.0, f"calendar CANCEL of {event.summary!r}")
            elif event.method in ("REQUEST", "PUBLISH", ""):
                scores.add(
                    Label.INTERVIEW_CONFIRMED, 3.5, f"calendar invite {event.method or 'event'}: {event.summary!r}"
                )
        else:
            scores.common.append(f"calendar event {event.summary!r} is not an interview")

    _outlook_block(scores, m, body, identity)
    interviewer = INTERVIEWER_SIDE.search(low) or SCHEDULE_FOR_SOMEONE.search(window)
    if interviewer:
        for label in (Label.INTERVIEW_REQUEST, Label.INTERVIEW_CONFIRMED, Label.INTERVIEW_CANCELLED, Label.ASSESSMENT):
            if scores.points.get(label):
                scores.add(label, -8.0, f"owner is not the candidate: {interviewer.group(0).strip()!r}")
    if scores.points.get(Label.OFFER) and (veto := NOT_A_JOB_OFFER.search(low) or SOMEONE_ELSES_OFFER.search(window)):
        scores.add(Label.OFFER, -4.0, f"not a job offer: {veto.group(0)!r}")
    if scores.points.get(Label.APPLICATION_RECEIVED) and (veto := NOT_A_JOB_APPLICATION.search(low)):
        scores.add(Label.APPLICATION_RECEIVED, -4.0, f"not a job application: {veto.group(0)!r}")
    in_interview_thread = _interview_thread(scores, m, low, identity)
    _owner_side(scores, m, low, identity)
    _thread_position(scores, m, identity)
    job_context = JOB_CONTEXT.search(low) or in_interview_thread
    if not job_context:
        for label in (Label.REJECTION, Label.OFFER, Label.INTERVIEW_REQUEST, Label.APPLICATION_RECEIVED):
            if scores.points.get(label):
                scores.add(label, -6.0, "no job context (position, role, interview, résumé …)")
    if bulk and not vendor:
        for label in (Label.INTERVIEW_REQUEST, Label.INTERVIEW_CONFIRMED, Label.OFFER, Label.REJECTION):
            if scores.points.get(label):
                scores.add(label, -1.5, "bulk mail rarely carries a personal decision")
    # A rejection letter thanks for the application too: the decision wins over the acknowledgment.
    if scores.points.get(Label.REJECTION, 0) >= 3 and scores.points.get(Label.APPLICATION_RECEIVED):
        scores.add(Label.APPLICATION_RECEIVED, -3.0, "a decision outweighs the acknowledgment")
    interview_points = max(
        scores.points.get(Label.INTERVIEW_REQUEST, 0), scores.points.get(Label.INTERVIEW_CONFIRMED, 0)
    )
    if interview_points >= 2.5 and scores.points.get(Label.APPLICATION_RECEIVED):
        scores.add(Label.APPLICATION_RECEIVED, -2.0, "an interview step outweighs the acknowledgment")
    if scores.points.get(Label.INTERVIEW_CONFIRMED, 0) >= 3 and scores.points.get(Label.INTERVIEW_REQUEST):
        scores.add(Label.INTERVIEW_REQUEST, -1.0, "a set time outweighs the request")
    if scores.points.get(Label.RECRUITER_OUTREACH) and (m.in_reply_to or "your application" in low):
        scores.add(Label.RECRUITER_OUTREACH, -2.0, "in reply to the owner, or about the owner's application")
    if scores.points.get(Label.JOB_ALERT, 0) >= 2.5:
        for label in (Label.INTERVIEW_REQUEST, Label.APPLICATION_RECEIVED, Label.OFFER):
            if scores.points.get(label):
                scores.add(label, -2.0, "a job alert lists openings, it is not about one application")

    titles = len(ROLE_LINE.findall(body[:BODY_WINDOW]))
    if titles >= 3:
        scores.add(Label.JOB_ALERT, 1.0 if not bulk else 2.0, f"lists {titles} job titles")
    outreach = scores.points.get(Label.RECRUITER_OUTREACH, 0)
    unsolicited = not m.in_reply_to and not re.search(
        r"\b(your application|you applied|applying|our (call|chat|conversation))\b", low
    )
    if outreach >= 2 and unsolicited and scores.points.get(Label.INTERVIEW_REQUEST):
        scores.add(Label.INTERVIEW_REQUEST, -2.0, "an unsolicited approach, not an invitation about an application")
    if scores.points.get(Label.REJECTION, 0) >= 3 and scores.points.get(Label.JOB_ALERT):
        scores.add(Label.JOB_ALERT, -5.0, "a decision about the owner's application, with suggestions appended")
    if _greets_owner(body, identity) and not bulk:
        scores.common.append("personal greeting to the owner")
        if scores.points.get(Label.JOB_ALERT):
            scores.add(Label.JOB_ALERT, -1.5, "written to the owner personally, not a list")
    label, best = Label.OTHER, 0.0
    for candidate, points in scores.points.items():
        if points > best:
            label, best = candidate, points
    threshold = 2.0
    if best < threshold:
        label = Label.OTHER
    evidence = [*scores.evidence.get(label, []), *scores.common, *evidence_common]
    confidence = _confidence(best if label is not Label.OTHER else threshold - best, scores, label)
    personal = not bulk and bool(sender) and not is_noreply(sender.email if sender else "")
    return _with_facts(m, body, identity, label, confidence, evidence, event, personal)


# Asking when the owner is free, without saying what for: an interview request only in a thread about one.
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
    weight = -4.0 if named else -1.5 if copied else -0.5
    why = "the message is addressed to someone else" + (
        " and names the owner" if named else " with the owner in Cc" if copied else ""
    )
    for label in CANDIDATE_LABELS:
        if scores.points.get(label):
            scores.add(label, weight, why)


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


def _is_reply(m: Message) -> bool:
    return bool(m.in_reply_to or REPLY_SUBJECT.match(m.subject))


def _thread_position(scores: _Scores, m: Message, identity: Identity) -> None:
    """A short answer to the owner's own application or expression of interest acknowledges it."""
    if not _is_reply(m):
        return
    cut = QUOTE_CUT.search(m.text, 0, DATES_WINDOW)  # a short answer: its quote starts near the top
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
        scores.add(Label.APPLICATION_RECEIVED, 2.5, f"short reply to the owner's own message: {interest.group(0)!r}")


REPLY_SUBJECT = re.compile(r"^\s*(re|aw|sv)\s*:", P)
OUTLOOK_WHEN = re.compile(r"^[ \t]*When:[ \t]*([^\n]*\d{1,2}:\d{2}[^\n]*)$", re.M | re.I)


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
        scores.add(Label.INTERVIEW_CONFIRMED, 3.0, f"meeting request for the owner's interview: When: {when.group(1)[:60]!r}")


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
        scores.add(
            Label.INTERVIEW_REQUEST,
            2.5,
            f"asks {ask.group(0)!r} in a thread about an interview ({about.group(0)!r})",
        )
        return True
    return False


def _confidence(best: float, scores: _Scores, label: Label) -> float:
    runner_up = max((p for lab, p in scores.points.items() if lab is not label), default=0.0)
    margin = max(0.0, best - max(0.0, runner_up) if label is not Label.OTHER else best)
    return round(min(0.99, 0.5 + margin / 8), 2)


FORWARD_MARK = re.compile(
    r"^[ \t]*(?:-{2,}\s*(?:forwarded message|original message|weitergeleitete nachricht|message transféré|"
    r"mensaje reenviado)\s*-*|begin forwarded message:?)[ \t]*$",
    re.M | re.I,
)
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
    mark = FORWARD_MARK.search(head)
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


def _classify_outbound(m: Message, body: str, common: list[str]) -> Classification:
    """The owner's own mail: a thank-you, a follow-up, or anything else (including inviting a candidate)."""
    text = m.subject + "\n" + body[:4000]
    lowered = text.lower().replace("’", "'")
    contact = m.recipients[0] if m.recipients else None
    context = JOB_CONTEXT.search(lowered) or OUTBOUND_CONTEXT.search(lowered)
    inviting = next((hit for lab, _, p in RULES if lab is Label.INTERVIEW_REQUEST and (hit := p.search(lowered))), None)
    if not context or inviting:  # the owner scheduling someone, or answering an invitation
        why = "sent by the owner" + (f", inviting someone: {inviting.group(0)!r}" if inviting and context else "")
        return Classification(Label.OTHER, 0.6, (why, *common), contact=contact)
    follow = OUTBOUND_FOLLOW_UP.search(lowered)
    thanks = OUTBOUND_THANKS.search(lowered)
    thanks_first = thanks is not None and (follow is None or thanks.start() < follow.start())
    if thanks and (thanks_first or not follow):
        return Classification(
            Label.THANK_YOU, 0.8, (f"sent by the owner: {thanks.group(0)!r}", *common), contact=contact
        )
    if follow:
        return Classification(
            Label.FOLLOW_UP, 0.8, (f"sent by the owner: {follow.group(0)!r}", *common), contact=contact
        )
    return Classification(Label.OTHER, 0.6, ("sent by the owner", *common), contact=contact)


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

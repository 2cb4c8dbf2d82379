"""How much of a message's text the classifier and the fact extractors read: what a source must fetch.

The classifier (``classifier.py``) reads, of mail that shows no sign of a job search, the top ``BODY_WINDOW``
characters of the message's own words (the rules' second look, the model's words via ``features.own_top``, a
personal letter's stated timeline, the content hash of mail without a Message-ID; the owner's own mail the
same); of mail that does, ``DATES_WINDOW`` characters (dates and facts); of a reply, whose quoted history gives
the job context, ``DATES_WINDOW`` and the 3,000 characters after a quote mark found within them; of mail the
owner forwarded to themselves, the forwarded message, which may run to the end. Every read is a slice of the
text (``text[:n]``), so the first ``n`` characters give the same result as the whole text. :func:`text_wanted`
says which a first look at the top of a message calls for; it errs on the side of reading more.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from inboxwatch.core.detect.classifier import BODY_WINDOW, DATES_WINDOW, FIRST_WINDOW, QUOTE_CUT, forward_mark
from inboxwatch.core.detect.fastre import Phrases
from inboxwatch.core.detect.rules import JOB_CONTEXT, REPLY_SUBJECT, RULES
from inboxwatch.core.detect.senders import ats_vendor, job_board, scheduling_tool

FIRST_LOOK_CHARS: Final = BODY_WINDOW
SIGN_CHARS: Final = DATES_WINDOW
QUOTED_CHARS: Final = 3000  # of quoted history after the quote mark (``classifier._thread_position``)
REPLY_CHARS: Final = DATES_WINDOW + QUOTED_CHARS  # a reply whose quote mark is not known yet
EVERYTHING: Final = 1 << 30  # the whole text (a forwarded message is read to its end)

_FORWARD_SUBJECT: Final = re.compile(r"^\s*(fwd?|wg|tr|rv|fw)\s*:", re.IGNORECASE)
_QUOTED_LINE: Final = re.compile(r"^[ \t]*>", re.MULTILINE)
_OPEN_FROM: Final = re.compile(r"[ \t]*From: .")  # the last line, a "From:" whose "Sent:" line was not read
_DOMAIN: Final = re.compile(r"@([A-Za-z0-9.-]+)")
_AWAY: Final = next(rule for rule in RULES if rule.name == "away_notice")
_AWAY_CHARS: Final = 600  # an out-of-office notice says so at its top


def text_wanted(
    fields: Mapping[str, str], subject: str, text: str, *, calendar: bool = False
) -> int:
    """How many characters of the text the analysis may read, judged from ``text``, the first
    ``FIRST_LOOK_CHARS`` or more of it (the whole of it when shorter), and the header ``fields``
    (lower-case names) and decoded ``subject``."""
    return _wanted(fields, subject, (text,), calendar)


def read_wanted(fields: Mapping[str, str], subject: str, text: str, *, calendar: bool = False) -> int:
    """What a source should read of a text whose start it holds (``text``): the more of what :func:`text_wanted`
    says judged from all of it, and from its first ``FIRST_LOOK_CHARS`` (what the classifier judges by), worked
    out together."""
    texts = (text, text[:FIRST_LOOK_CHARS]) if len(text) > FIRST_LOOK_CHARS else (text,)
    return _wanted(fields, subject, texts, calendar)


def _wanted(fields: Mapping[str, str], subject: str, texts: tuple[str, ...], calendar: bool) -> int:
    """The most :func:`text_wanted` says of any of ``texts`` (the same message's text, cut at different places
    past ``FIRST_WINDOW``, the longest first)."""
    if _FORWARD_SUBJECT.match(subject) or any(forward_mark(text) for text in texts):
        return EVERYTHING
    if fields.get("in-reply-to") or fields.get("references") or REPLY_SUBJECT.match(subject):
        # A reply: its quoted history is read for the job it is about, and what follows its quote mark.
        return max(_reply_wanted(text) for text in texts)
    if calendar or _job_sign(fields, subject, texts):
        return SIGN_CHARS
    return FIRST_LOOK_CHARS


def _reply_wanted(text: str) -> int:
    cut = QUOTE_CUT.search(text[:DATES_WINDOW])
    return max(DATES_WINDOW, cut.start() + QUOTED_CHARS) if cut else REPLY_CHARS


def _job_sign(fields: Mapping[str, str], subject: str, texts: tuple[str, ...]) -> bool:
    """The classifier's own first look (``rule_scores``: job words in the subject and the top
    ``FIRST_WINDOW`` characters), widened by what else makes it read further or state facts: an auto-reply,
    an applicant-tracking, scheduling or job-board sender, a quote mark."""
    auto = fields.get("auto-submitted", "no").strip().lower()
    if auto != "no" or "x-autoreply" in fields or "x-autorespond" in fields:
        return True  # an auto-reply: its return date is looked for further down
    for name in ("from", "sender", "reply-to"):
        for domain in _DOMAIN.findall(fields.get(name, "")):
            domain = domain.lower().rstrip(".")
            if ats_vendor(domain) or job_board(domain) or scheduling_tool(domain):
                return True
    # A quote mark, or a "From:" line whose "Sent:" may follow beyond what was read, cuts the own text short. (A
    # quote mark is in a text if it is in a shorter cut of it: nothing past a mark's end makes it one. So only the
    # longest is searched for them; the open "From:" line is where each cut ends.)
    longest = texts[0]
    if QUOTE_CUT.search(longest) or (">" in longest and _QUOTED_LINE.search(longest)):
        return True
    if any(_OPEN_FROM.match(text, text.rfind("\n") + 1) for text in texts):
        return True
    # (The same for every one of ``texts``: when there are two, both are longer than this window.)
    window = (subject + "\n" + texts[0][:FIRST_WINDOW]).lower().replace("’", "'")
    if JOB_CONTEXT.search(window):
        return True
    return _AWAY.pattern.search(window[: len(subject) + _AWAY_CHARS], Phrases.literals_in(window)) is not None

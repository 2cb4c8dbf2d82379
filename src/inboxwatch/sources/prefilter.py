"""Which messages deserve their body: a cheap, conservative look at headers alone.

The IMAP source fetches a few header fields of every new message first, and the whole message only for
candidates. Sent mail is always a candidate. Inbox mail is a candidate unless it is clearly bulk mail
(a mailing-list or marketing header) with nothing that hints at a job: when in doubt, fetch the body.
A message left out still reaches the store with its headers, so it is recorded as seen and classified
from them (``other`` or ``job_alert``).
"""

from __future__ import annotations

import re
from email.header import decode_header, make_header
from typing import Final

from inboxwatch.core.detect.bulk import is_bulk_header_lines
from inboxwatch.core.detect.senders import ats_vendor, job_board, scheduling_tool
from inboxwatch.models import FolderRole
from inboxwatch.sources.headers import IMAP_HEADER_FIELDS

# Fetched in the first pass: the one list, in sources.headers.
HEADER_FIELDS: Final = IMAP_HEADER_FIELDS

# Words that make a bulk-looking message worth reading (English, German, French, Spanish stems).
_JOB_WORDS_RE: Final = re.compile(
    r"interview|application|applied|applying|candida|recruit|hiring|\bhire\b|position|\brole\b|opportunit|"
    r"job offer|offer letter|offer of employment|your offer|vacanc|\bjobs?\b|career|talent|assessment|"
    r"coding (challenge|test)|take[- ]home|next steps|schedul|availability|phone screen|screening|"
    r"onboarding|your (profile|cv|resume|résumé)|thank(s| you) for (applying|your (application|interest))|"
    r"bewerbung|vorstellungsgespräch|\bstelle\b|candidature|entretien|candidatura|entrevista|vacante|empleo",
    re.IGNORECASE,
)
_DOMAIN_RE: Final = re.compile(r"@([A-Za-z0-9.-]+)")


def might_be_job_mail(headers: bytes, role: FolderRole) -> bool:
    """True when the message with these header lines may matter to a job search (fetch its body).

    Pure and conservative: only mail that is clearly bulk (``List-Id``, ``List-Unsubscribe``,
    ``Precedence: bulk|list|junk`` or an ESP ``Feedback-ID``) and shows no sign of a job — no job words
    in the subject, no applicant-tracking, scheduling or job-board sender, no reply to an earlier
    message (other than a mailing list's), no calendar part, no auto-reply — is left out.
    """
    if role is not FolderRole.INBOX:
        return True  # sent and drafts: the user's own words, always read
    fields = parse_header_lines(headers)
    if not is_bulk_header_lines(fields):
        return True
    if (fields.get("in-reply-to") or fields.get("references")) and not fields.get("list-id"):
        return True  # a reply may answer the owner; one posted to a list (a forum, a code review) cannot
    if "calendar" in fields.get("content-type", "").lower():
        return True
    if fields.get("auto-submitted", "").strip().lower().startswith("auto-replied"):
        return True
    for name in ("from", "sender", "reply-to"):
        for domain in _DOMAIN_RE.findall(fields.get(name, "")):
            domain = domain.lower().rstrip(".")
            if ats_vendor(domain) or scheduling_tool(domain) or job_board(domain):
                return True
    return bool(_JOB_WORDS_RE.search(decoded(fields.get("subject", ""))))


def parse_header_lines(headers: bytes) -> dict[str, str]:
    """Header lines as {lower-case name: unfolded value}; repeated fields are joined with ", ".

    A small parser on purpose: the email package's is ten times slower, and this runs for every message.
    """
    fields: dict[str, str] = {}
    name = ""
    for line in headers.decode("utf-8", "replace").splitlines():
        if not line.strip():
            if fields or name:
                break  # end of the header block
            continue
        if line[0] in " \t" and name:
            fields[name] += " " + line.strip()
            continue
        key, sep, value = line.partition(":")
        if not sep:
            name = ""
            continue
        name = key.strip().lower()
        fields[name] = f"{fields[name]}, {value.strip()}" if name in fields else value.strip()
    return fields


def decoded(text: str) -> str:
    """A header value with its encoded words (RFC 2047) decoded."""
    if "=?" not in text:
        return text
    try:
        return str(make_header(decode_header(text)))
    except Exception:  # malformed encoded words: the raw text still holds most of the subject
        return text

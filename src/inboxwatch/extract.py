"""Facts a job message states about itself: the company, the role, the person to write back to.

Pure functions over a parsed ``Message``; dates and stated timelines live in ``dates.py``.
"""

from __future__ import annotations

import re

from inboxwatch.domains import (
    ats_vendor,
    company_from_domain,
    is_freemail,
    is_intermediary,
    is_noreply,
    job_board,
    scheduling_tool,
)
from inboxwatch.models import Address, Identity, Message

_NAME = r"[A-Z0-9][\w&'’.\-]*(?:[ \t]+(?:&[ \t]+)?(?:[A-Z0-9][\w&'’.\-]*|of|and|de|for|the)){0,4}"
_VENDOR_NAMES = {
    v.lower()
    for v in (
        "Greenhouse",
        "Lever",
        "Workday",
        "iCIMS",
        "SmartRecruiters",
        "Ashby",
        "LinkedIn",
        "Indeed",
        "Jobvite",
        "Taleo",
        "Calendly",
        "GoodTime",
        "ModernLoop",
        "Glassdoor",
        "ZipRecruiter",
        "HackerRank",
        "Codility",
        "CodeSignal",
        "HireVue",
        "Workable",
        "BambooHR",
        "Google",
        "Microsoft",
        "Zoom",
        "Teams",
        "Outlook",
        "Gmail",
        "Recruiting",
        "Talent",
        "Careers",
        "Hiring",
        "Team",
        "Notifications",
        "No Reply",
        "Noreply",
        "Jobs",
        "Human Resources",
        "HR",
        "The",
        "We",
        "Our",
        "Your",
        "You",
        "Us",
        "This",
        "Thank",
        "Thanks",
        "Dear",
        "Hi",
        "Hello",
        "Interview",
        "Application",
        "Position",
        "Role",
        "Job",
        "Invitation",
        "Updated Invitation",
    )
}

_DISPLAY_SUFFIX_RE = re.compile(
    r"^(?P<company>.+?)\s+(?:via\s+\w+|recruiting( team)?|talent( acquisition)?( team)?|careers|hiring( team)?|"
    r"jobs|hr|human resources|people( team| ops| operations)?|recruitment|university recruiting|"
    r"team|notifications?|applicant tracking)$",
    re.I,
)
_COMPANY_PHRASES = [
    re.compile(p)
    for p in (
        rf"(?:applying|application|apply|applied) (?:to|at|with|for a position at) (?P<c>{_NAME})",
        rf"interest in (?:joining |working (?:at|for|with) |a (?:career|position|role) (?:at|with) )?(?P<c>{_NAME})",
        rf"(?:position|role|opportunity|opening|job|career|team) (?:at|with) (?P<c>{_NAME})",
        rf"(?:here at|join(?:ing)?(?: the team at)?|on behalf of|interview(?:ing)? with|offer (?:from|with)) (?P<c>{_NAME})",
        rf"(?:the|our) (?P<c>{_NAME}) (?:team|recruiting team|talent team|hiring team|family)\b",
        rf"(?:at|with) (?P<c>{_NAME})\s*[!.,]",
        rf"(?:Welcome to|Thank you from|Sincerely,|Regards,|Best,)\s*(?:the\s+)?(?P<c>{_NAME}) (?:Recruiting|Talent|Hiring|Careers|Team)",
    )
]
_SUBJECT_COMPANY = [
    re.compile(p)
    for p in (
        rf"\b(?:at|with|@|from|to) (?P<c>{_NAME})\s*(?:$|[-–|:!(,])",
        rf"^(?:\w+:\s*)?(?P<c>{_NAME})\s*[|–-]\s+",
        rf"[|–-]\s*(?P<c>{_NAME})\s*$",
    )
]

_ROLE_WORDS = (
    r"(?:engineer|developer|analyst|scientist|manager|designer|researcher|architect|specialist|consultant|"
    r"director|associate|intern|lead|administrator|coordinator|strategist|writer|editor|accountant|officer|"
    r"technician|representative|advisor|assistant|executive|trader|economist|actuary|nurse|teacher|"
    r"programmer|sre|devops|marketer|recruiter|planner|controller|auditor|counsel|attorney|paralegal|"
    r"head of [a-z ]+|vp[a-z ]*|president|principal|partner|fellow|postdoc|professor)"
)
_ROLE_RE = [
    re.compile(p, re.I)
    for p in (
        r"(?:position|role|job|opening|vacancy|req(?:uisition)?)(?: title)?\s*[:\-–]\s*(?P<r>[^\n|]{3,70})",
        r"(?:for|as|the) (?:the |a |an |our )?(?:position|role) of (?:an? )?(?P<r>[^\n.,;()]{3,60})",
        rf"(?:for|as|the|our) (?:the |a |an |our )?(?P<r>(?:[\w/&+\-]+ ){{0,4}}{_ROLE_WORDS}(?: [IVX]{{1,3}}| \d)?)"
        r"(?: \([^)]{1,30}\))? (?:position|role|job|opening|vacancy|req)",
        rf"(?:application|applying|applied|interview|candidacy) (?:for|to) (?:the |a |an |our )?(?P<r>(?:[\w/&+\-]+ ){{0,4}}{_ROLE_WORDS}(?: [IVX]{{1,3}})?)\b",
    )
]
_EMAIL_RE = re.compile(r"\b[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+\b")


def clean_company(name: str) -> str | None:
    name = name.strip(" \t\"'.,:;!-–|()[]")
    name = re.sub(r"\s+", " ", name)
    name = re.sub(r"^(?:the|team)\s+", "", name, flags=re.I)
    if not name or len(name) > 60 or name.lower() in _VENDOR_NAMES:
        return None
    first = name.split()[0].lower()
    if first in _VENDOR_NAMES and len(name.split()) == 1:
        return None
    return name


def sender_company(sender: Address | None) -> str | None:
    """The company an ATS or a recruiter names in the From display name, if any."""
    if sender is None:
        return None
    display = sender.name.strip().strip('"')
    m = _DISPLAY_SUFFIX_RE.match(display)
    if m:
        return clean_company(m.group("company"))
    domain = sender.domain
    vendor = ats_vendor(domain)
    if vendor == "Workday":  # acme@myworkday.com: the local part is the tenant
        return clean_company(sender.email.partition("@")[0].replace("_", " ").title())
    plain_name = (
        display
        and display.lower() not in _VENDOR_NAMES
        and not is_noreply(display.replace(" ", ""))
        and not re.search(r"\b(no.?reply|notification|team|talent|recruit)", display, re.I)
        and len(display.split()) <= 4
    )
    if vendor and plain_name:  # "Acme" sending through hire.lever.co
        return clean_company(display)
    return None


def find_company(m: Message, text: str) -> tuple[str | None, str]:
    """The employer (never an ATS vendor or job board) and where it was read."""
    found = sender_company(m.sender)
    if found:
        return found, f"company from sender name {m.sender.name if m.sender else ''!r}"
    for pattern in _SUBJECT_COMPANY:
        hit = pattern.search(m.subject)
        if hit and (name := clean_company(hit.group("c"))):
            return name, f"company from subject: {hit.group(0).strip()!r}"
    head = text[:3000]
    for pattern in _COMPANY_PHRASES:
        hit = pattern.search(head)
        if hit and (name := clean_company(hit.group("c"))):
            return name, f"company from text: {hit.group(0).strip()[:80]!r}"
    for addr in (m.sender, *m.reply_to):
        if addr and not is_intermediary(addr.domain):
            return company_from_domain(addr.domain), f"company from domain {addr.domain}"
    return None, ""


def find_role(subject: str, text: str) -> str | None:
    for source in (subject, text[:3000]):
        for pattern in _ROLE_RE:
            hit = pattern.search(source)
            if hit:
                role = re.sub(r"\s+", " ", hit.group("r")).strip(" .,:;-–|\"'")
                role = re.sub(r"^(?:the|a|an|our|your)\s+", "", role, flags=re.I)
                role = re.split(r"\s+(?:at|with|in|for|position|role)\s+", role, maxsplit=1)[0]
                if 3 <= len(role) <= 70 and not re.search(r"\b(you|your|we|our|this|that)\b", role, re.I):
                    return role[:1].upper() + role[1:]
    return None


def find_contact(m: Message, text: str, identity: Identity) -> Address | None:
    """Who to write back to: a person, never a no-reply robot."""
    for addr in (*m.reply_to, m.sender):
        if addr and not identity.is_me(addr) and not is_noreply(addr.email) and not _is_robot_domain(addr.domain):
            return addr
    # A no-reply ATS sender: look for a person's address in the body (the recruiter's signature).
    for email in _EMAIL_RE.findall(text[:8000]):
        email = email.lower()
        domain = email.rpartition("@")[2]
        if is_noreply(email) or is_intermediary(domain) or email in identity.addresses:
            continue
        return Address("", email)
    return None


def _is_robot_domain(domain: str) -> bool:
    return bool(ats_vendor(domain) or job_board(domain) or scheduling_tool(domain)) and not is_freemail(domain)

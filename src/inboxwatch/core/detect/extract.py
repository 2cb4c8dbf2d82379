"""Facts a job message states about itself: the company, the role, the person to write back to.

Pure functions over a parsed ``Message``; dates and stated timelines live in ``dates.py``.
"""

from __future__ import annotations

import re

from inboxwatch.core.detect.senders import (
    ats_vendor,
    company_from_domain,
    is_freemail,
    is_intermediary,
    is_noreply,
    job_board,
    normalise_company,
    organisation_domain,
    scheduling_tool,
)
from inboxwatch.models import Address, Identity, Message

_NAME = r"[A-Z0-9][\w&'’.\-]*(?:[ \t]+(?:&[ \t]+)?(?:[A-Z0-9][\w&'’.\-]*|of|de)){0,4}"
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

_NOT_A_COMPANY = re.compile(
    r"^((mon|tue|wed|thu|fri|sat|sun)[a-z]*day|(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\b|"
    r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)\b|january|february|march|april|june|july|august|"
    r"september|october|november|december|today\b|tomorrow\b|noon\b|\d|am\b|pm\b|http|www\.|"
    r"the (end|beginning|start)\b|(this|next|last|least|all|any|some|home|work)\b)",
    re.I,
)
_TRAILING_JOB_WORDS = re.compile(
    r"(\s+(interview|invitation|application|confirmation|update|position|role|job|opportunity|careers|"
    r"recruiting|team|hiring|offer|next steps))+$",
    re.I,
)
_DISPLAY_SUFFIX_RE = re.compile(
    r"^(?P<company>.+?)\s+(?:via\s+(?!google|calendar|outlook|zoom|teams|microsoft|linkedin\b)\w+|recruiting( team)?|talent( acquisition)?( team)?|careers|hiring( team)?|"
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

_ROLE_NOUNS = (
    r"Engineer|Developer|Analyst|Scientist|Manager|Designer|Researcher|Architect|Specialist|Consultant|Director|"
    r"Associate|Intern|Lead|Administrator|Coordinator|Strategist|Writer|Editor|Accountant|Officer|Technician|"
    r"Representative|Advisor|Assistant|Executive|Trader|Economist|Actuary|Nurse|Teacher|Programmer|SRE|Marketer|"
    r"Recruiter|Planner|Controller|Auditor|Counsel|Attorney|Paralegal|President|Principal|Partner|Fellow|Postdoc|"
    r"Professor|Forecaster|Scheduler|Originator|Clerk|Agent|Head of [A-Z][\w&]+(?: [A-Z&][\w&]*)*"
)
# A title: up to four capitalised words (or "of", "&") ending in a role noun, optionally a level (II, 3).
_TITLE = rf"(?:(?:[A-Z][\w/&+.\-]*|of|and|&) ){{0,4}}(?:{_ROLE_NOUNS})s?(?: (?:I{{1,3}}|IV|\d))?"
_ROLE_RE = [
    re.compile(p)
    for p in (
        rf"(?i:position|role|job title|title|opening|vacancy|requisition)\s*[:\-–]\s*(?P<r>{_TITLE})",
        rf"(?i:for|as|be|the|our|an?|your) (?:(?i:the|a|an|our|next) )?(?P<r>{_TITLE})(?: \([^)]{{1,30}}\))?"
        rf"(?: (?i:position|role|job|opening|vacancy|req|interview|team))?",
        rf"^(?:(?i:re|fwd?):\s*)*(?:[\w ]{{0,40}}[:\-–|]\s*)?(?P<r>{_TITLE})\b",
    )
]
_ROLE_STOP = re.compile(r"^(?:Applying|Application|Interest|Interview|Thank|Thanks|Dear|Hello|Hi|Your|Our|The)\b")
_EMAIL_RE = re.compile(r"\b[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+\b")


def clean_company(name: str) -> str | None:
    name = name.strip(" \t\"'.,:;!-–|()[]")
    name = re.sub(r"\s+", " ", name)
    name = re.sub(r"^(?:the|team)\s+", "", name, flags=re.I)
    if not name or len(name) > 60 or name.lower() in _VENDOR_NAMES or not re.match(r"[A-Za-z]", name):
        return None
    if _NOT_A_COMPANY.match(name):
        return None
    name = _TRAILING_JOB_WORDS.sub("", name).strip(" -–|:")
    if not name:
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
    plain_name = (
        display
        and display.lower() not in _VENDOR_NAMES
        and not is_noreply(display.replace(" ", ""))
        and not re.search(r"\b(no.?reply|notification|team|talent|recruit|calendar|via)\b", display, re.I)
        and len(display.split()) <= 4
    )
    if ats_vendor(sender.domain) and plain_name and ats_vendor(sender.domain) != "Workday":
        return clean_company(display)  # "Acme" sending through hire.lever.co
    return None


def _text_candidates(m: Message, text: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for pattern in _SUBJECT_COMPANY:
        for hit in pattern.finditer(m.subject):
            if name := clean_company(hit.group("c")):
                found.append((name, f"company from subject: {hit.group(0).strip()!r}"))
    head = text[:3000]
    for pattern in _COMPANY_PHRASES:
        for hit in pattern.finditer(head):
            if name := clean_company(hit.group("c")):
                found.append((name, f"company from text: {hit.group(0).strip()[:80]!r}"))
    return found


def find_company(m: Message, text: str) -> tuple[str | None, str]:
    """The employer (never an ATS vendor or job board) and where it was read.

    A company's own domain is the most reliable witness; the text supplies its spelling
    ("halcyonbank.com" is written "Halcyon Bank" in the letter).
    """
    found = sender_company(m.sender)
    if found:
        return found, f"company from sender name {m.sender.name if m.sender else ''!r}"
    candidates = _text_candidates(m, text)
    for addr in (m.sender, *m.reply_to):
        if addr and not is_intermediary(addr.domain):
            label = organisation_domain(addr.domain).split(".")[0].replace("-", "")
            for name, why in candidates:
                key = normalise_company(name)
                if key and (label == key or label.startswith(key) or key.startswith(label)):
                    return name, f"{why}, matching the sender's domain {addr.domain}"
            return company_from_domain(addr.domain), f"company from the sender's domain {addr.domain}"
    if candidates:
        return candidates[0]
    if m.sender and ats_vendor(m.sender.domain) == "Workday":  # acme@myworkday.com: the tenant
        tenant = clean_company(m.sender.email.partition("@")[0].replace("_", " ").title())
        if tenant:
            return tenant, f"company from the Workday sender {m.sender.email}"
    return None, ""


def find_role(subject: str, text: str) -> str | None:
    """The job title the message is about: capitalised words ending in a role noun; the subject first."""
    for source in (subject, text[:3000]):
        found: list[str] = []
        for pattern in _ROLE_RE:
            for hit in pattern.finditer(source):
                role = " ".join(hit.group("r").split()).strip(" .,:;-–|")
                while _ROLE_STOP.match(role):
                    role = role.split(" ", 1)[1] if " " in role else ""
                if 3 <= len(role) <= 60:
                    found.append(role)
            if len(found) >= 4:
                break
        if found:
            return max(found, key=lambda r: (len(r.split()), -found.index(r)))
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

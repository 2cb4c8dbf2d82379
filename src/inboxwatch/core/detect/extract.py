"""Facts a job message states about itself: the company, the role, the person to write back to.

Pure functions over a parsed ``Message``; dates and stated timelines live in ``dates.py``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from inboxwatch.core.detect.senders import (
    FREEMAIL_DOMAINS,
    ats_vendor,
    is_freemail,
    is_intermediary,
    is_noreply,
    job_board,
    normalise_company,
    organisation_domain,
    scheduling_tool,
)
from inboxwatch.models import Address, Identity, Message

# A company name as written: up to five capitalised words (digits, "&", "of", "de" between them).
_WORD = r"[A-Z0-9][\w&'’.\-]*"
_NAME = rf"{_WORD}(?:(?:[ \t]+(?:&|and|of|de|du|der|und|y|et|la|le|des))?[ \t]+{_WORD}){{0,5}}"
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
        "UKG",
        "UltiPro",
        "Oracle Cloud",
        "Brassring",
        "Cornerstone",
        "Taleo",
        "SuccessFactors",
        "Google",
        "Google Calendar",
        "Microsoft",
        "Microsoft Outlook",
        "Zoom",
        "Teams",
        "Outlook",
        "Gmail",
        "Recruiting",
        "Recruitment",
        "Talent",
        "Talent Acquisition",
        "Careers",
        "Career",
        "Hiring",
        "Team",
        "Notifications",
        "Notification",
        "No Reply",
        "Noreply",
        "Do Not Reply",
        "Jobs",
        "Human Resources",
        "HR",
        "People",
        "Mail",
        "Email",
        "Admin",
        "Support",
        "Info",
        "The",
        "We",
        "Our",
        "Your",
        "You",
        "Us",
        "This",
        "That",
        "It",
        "Thank",
        "Thanks",
        "Dear",
        "Hi",
        "Hello",
        "Interview",
        "Application",
        "Applications",
        "Position",
        "Role",
        "Job",
        "Invitation",
        "Updated Invitation",
        "Update",
        "Employment",
        "Employment Update",
        "Candidate",
        "Applicant",
        "Company",
        "Example",
        "Next Steps",
    )
}

# Vendors that are employers too: named outright as the employer ("applying to Workday"), they count.
_BRANDS = {
    v.lower()
    for v in (
        "Greenhouse", "Lever", "Workday", "iCIMS", "SmartRecruiters", "Ashby", "LinkedIn", "Indeed", "Jobvite",
        "Calendly", "GoodTime", "ModernLoop", "Glassdoor", "ZipRecruiter", "HackerRank", "Codility", "CodeSignal",
        "HireVue", "Workable", "BambooHR", "UKG", "Oracle", "Cornerstone", "Google", "Microsoft", "Zoom",
    )
}  # fmt: skip

_NOT_A_COMPANY = re.compile(
    r"^((mon|tue|wed|thu|fri|sat|sun)[a-z]*day|(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\b|"
    r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)\b|january|february|march|april|june|july|august|"
    r"september|october|november|december|today\b|tomorrow\b|noon\b|\d|am\b|pm\b|http|www\.|"
    r"the (end|beginning|start)\b|(this|next|last|least|all|any|some|home|work|other|more|new|one|each|every)\b|"
    r"(your|our|my|their|his|her|applying|thank|thanks|re|fw|fwd|aw|wg|ihnen|uns|euch|vous|nous|usted|ustedes|confirmed|reminder|rescheduled|cancell?ed|updated|accepted|declined|"
    r"tentative|urgent|important|action required|invitation|new)\b)",
    re.I,
)
# Words that say what the mail is about or who in the company sends it: never part of the name.
_JOB_WORD = (
    r"(?:interviews?|invitations?|applications?|confirmation|update[sd]?|positions?|roles?|jobs?|opportunit(?:y|ies)|"
    r"careers?(?: opportunities| site| portal| center)?|recruiting|recruitment|recruiters?|teams?|hiring|offers?|"
    r"next steps|internships?|programs?|programmes?|community|portal|notifications?|talent(?: acquisition)?|"
    r"hr|human resources|people(?: ops| operations| services| team| experience)?|received|submitted|status|acknowledge?ment|"
    r"workday|no[ -]?reply|do not reply|applicant tracking|university|campus|early careers|staffing|"
    r"candidates?|applicants?|employment|emails?|mail|alerts?|newsletter|support|admin|info|thank you|graduates?|"
    r"early talent|emerging talent|"
    r"ressources humaines|recrutement|carri[eè]res?|personalabteilung|karriere|personal|recursos humanos|"
    r"reclutamiento|talento|atracci[oó]n de talento|empleo|vagas|recrutamento|werving|"
    r"карьера|отдел кадров|hr-отдел|подбор персонала|採用担当|採用チーム|採用|人事部|人事)"
)
_TRAILING_JOB_WORDS = re.compile(
    rf"(?:\s+global)?(?:[\s\-–—|:,]+{_JOB_WORD})+$|\s+#?[A-Z]{{0,4}}-?\d{{3,}}[\d\-]*$", re.I
)
_LEADING_JOB_WORDS = re.compile(r"^(?:(?:no[ -]?reply|do[ -]?not[ -]?reply|noreply)\b[\s\-–—:|]*)+", re.I)
_TEAM_AT = re.compile(
    r"^(?:the\s+)?(?:recruiting|recruitment|talent(?: acquisition)?|careers|hiring|people|hr|university recruiting)"
    r"(?:\s+team)?\s+(?:at|@|from|for|of)\s+(?P<company>.+)$",
    re.I,
)
_VIA = re.compile(r"^(?P<company>.+?)\s+via\s+(?P<tool>[\w .\-]+)$", re.I)
_VIA_PERSONAL = re.compile(r"^(?:google|calendar|outlook|zoom|teams|microsoft|linkedin|gmail)\b", re.I)
_POSSESSIVE_TAIL = re.compile(r"['’]s\s+(?P<rest>\w.*)$")
_SENTENCE_TAIL = re.compile(r"(?<=[\w&)]{3})[.!?]\s.*$|[!?].*$")
_DOMAIN_PREFIX = re.compile(r"^(?:get|join|try|use|hello|go|meet|with|team|my)(?=[a-z]{3})")
_DOMAIN_SUFFIX = re.compile(
    r"(?<=[a-z]{2})(?:careers?|jobs|recruiting|recruitment|talent|hiring|hr|mail|notifications?|team|apply|"
    r"group|inc|corp|hq|app|global|usa|us)$"
)
# Reserved for documentation and tests (RFC 2606 / 6761): never a company, the label before them may be.
_RESERVED_TAIL = re.compile(
    r"(?:^|\.)(?:example|test|invalid|localhost|local)(?:\.(?:com|net|org))?$|"
    r"(?:^|\.)example\.(?:com|net|org)$"
)
# Sub-domains and local parts that name a function, not the company.
_GENERIC_LABELS = frozenset(
    [
        "www",
        "mail",
        "mail2",
        "email",
        "e",
        "em",
        "smtp",
        "mx",
        "mta",
        "send",
        "sender",
        "bounce",
        "bounces",
        "news",
        "newsletter",
        "info",
        "notify",
        "notification",
        "notifications",
        "noreply",
        "no-reply",
        "donotreply",
        "do-not-reply",
        "careers",
        "career",
        "jobs",
        "job",
        "talent",
        "hr",
        "people",
        "recruiting",
        "recruitment",
        "recruit",
        "hiring",
        "apply",
        "applications",
        "candidates",
        "team",
        "us",
        "eu",
        "uk",
        "na",
        "emea",
        "apac",
        "corp",
        "global",
        "workflow",
        "app",
        "apps",
        "system",
        "systems",
        "alerts",
        "alert",
        "support",
        "service",
        "services",
        "auto",
        "automated",
        "reply",
        "workday",
        "admin",
        "ats",
        "portal",
        "community",
        "example",
    ]
)
# Words only a company's name carries: "Rheinfeld Mobility GmbH" signs a letter, but is no person.
_CORPORATE = re.compile(
    r"(?i)\b(?:inc|llc|ltd|limited|gmbh|ag|sa|sas|sarl|srl|bv|nv|plc|corp|corporation|co|company|group|labs?|bank|"
    r"systems|technologies|tech|solutions|partners|consulting|health|healthcare|capital|energy|software|studios?|"
    r"media|networks|holdings|industries|services|foundation|institute|university|college|hospital|insurance|"
    r"logistics|payments|analytics|robotics|games|ventures|motors?|pharma\w*|bio\w*|financial|airlines?)\b\.?"
)
_STAFFING = re.compile(r"(talent|staffing|recruit|search|personnel|placement|resourcing|headhunt|consult|partners)")
_COMPANY_PHRASES_STRONG = [
    re.compile(p)
    for p in (
        rf"(?:applying|application|apply|applied|applications?) (?:to|at|with|for a position at|for a role at) "
        rf"(?:the )?(?P<c>{_NAME})",
        rf"interest in (?:joining |working (?:at|for|with) |a (?:career|position|role|job) (?:at|with) )?"
        rf"(?:the )?(?P<c>{_NAME})",
        rf"(?:position|role|opportunity|opening|job|career|team|internship|program) (?:at|with) (?:the )?(?P<c>{_NAME})",
        rf"(?:here at|join(?:ing)?(?: the team at)?|on behalf of|interview(?:ing)? (?:with|at)|offer (?:from|with)|"
        rf"(?:careers?|employment|working) (?:at|with)) (?:the )?(?P<c>{_NAME})",
        rf"(?:the|our) (?P<c>{_NAME}) (?:recruiting|recruitment|talent(?: acquisition)?|hiring|careers|people|hr)"
        rf"(?: team)?\b",
        rf"(?:Welcome to|Thank you from|Sincerely,|Regards,|Best,|Cheers,|Thanks,|Thank you,)\s*(?:the\s+)?"
        rf"(?P<c>{_NAME}) (?:Recruiting|Recruitment|Talent|Hiring|Careers|People|HR)",
        rf"(?:bei|chez|auprès de|bij|в компанию|в компании) (?:(?:der|die|dem|la|le|l'|el|het|de) )?(?P<c>{_NAME})",
    )
]
_COMPANY_PHRASES_WEAK = [
    re.compile(p)
    for p in (
        rf"(?:the|our) (?P<c>{_NAME}) (?:team|family)\b",
        rf"\bat (?P<c>{_NAME})\s*[!.,]",
    )
]
# Signature lines: "The Acme Talent Acquisition Team", "Acme Recruiting", "Acme Careers".
_SIGNATURE = re.compile(
    rf"^[ \t]*(?:the\s+)?(?P<c>{_NAME})[ \t]+(?:Recruiting|Recruitment|Talent|Hiring|Careers|People|HR|Human Resources)"
    rf"(?:[ \t]+(?:Acquisition|Team|Operations|Department))*[ \t]*$",
    re.M,
)
_SUBJECT_STRONG = [
    re.compile(p)
    for p in (
        rf"(?i:applying|application|apply|applied|interest)(?: (?i:in|to|at|with|for))+ (?:the )?(?P<c>{_NAME})"
        r"(?=\s*(?:$|[-–—|:!?(,.]|\s(?:at|for|in|on|and|[-–—])\s|\s\d))",
        r"(?i:(?:was |has been )?(?:sent|submitted|delivered) to|se envió a|a été envoyée à|wurde an|"
        r"foi enviada para) (?P<c>[^,!?|:()]{2,60}?)\s*(?:$|[!?|(])",
        rf"(?i:your|recent|the)(?: (?i:recent))? (?P<c>{_NAME}) (?i:job |internship |career |online )?"
        r"(?i:application|candidacy|interview)",
        rf"(?i:message|update|news|note) (?i:from) (?:the )?(?P<c>{_NAME})\s*(?:$|[:\-–|!])",
        rf"(?i:we['’]ve received your|we received your) (?P<c>{_NAME}) (?i:job |internship )?(?i:application)",
        rf"(?i:interview|entretien|entrevista|gespräch|interview) (?i:with|at|chez|avec|con|bei|mit) (?P<c>{_NAME})",
    )
]
_SUBJECT_WITH = re.compile(rf"\b(?:with|mit|avec|con) (?P<c>{_NAME})\s*(?:$|[-–|:!(,])")
_SUBJECT_WEAK = [
    re.compile(p)
    for p in (
        rf"\b(?:at|@|from|to|for|bei|chez|auprès de|bij) (?:(?:der|die|dem|la|le|l'|el|het|de) )?(?P<c>{_NAME})"
        r"\s*(?:$|[-–|:!(,])",
        rf"^(?:\w+:\s*)?(?P<c>{_NAME})\s*(?:[|–-]\s+|:\s)",
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


_ORGANISATION_AFTER_POSSESSIVE = re.compile(
    r"(?:[A-Z][\w&'’.\-]*\s+){0,2}(?:Hospitals?|Health(?:care)?|Medical(?: Center| Centre)?|Clinics?|Foundation|"
    r"Bank|Inc\.?|Corp(?:oration)?\.?|Co\.?|Company|Ltd\.?|LLC|LLP|Group|School|College|University|Kitchens?|"
    r"Restaurants?|Stores?|Markets?|Club|Homes?|Pharmacy|Bakery|Brewery|Hotels?|Garden|Farms?)"
)


def _without_department(name: str) -> str:
    """ "Acme's Talent Team", "Acme's Summer Internship" → "Acme"; but "Magnolia Children's Hospital" and
    "Macy's Inc" are names: the possessive stays when what follows it names a kind of organisation."""
    tail = _POSSESSIVE_TAIL.search(name)
    if tail is None:
        return name
    rest = tail.group("rest")
    for _ in range(3):
        rest = _TRAILING_JOB_WORDS.sub("", rest).strip(" -–—|:,")
    return name if _ORGANISATION_AFTER_POSSESSIVE.fullmatch(rest) else name[: tail.start()]


def clean_company(name: str, *, brand_ok: bool = False, keep_the: bool = False) -> str | None:
    """A company name as a person would write it, or None when the words are not one.

    ``brand_ok``: the words say outright that this is the employer ("your application was sent to
    LinkedIn"), so a vendor's brand may be one; ``keep_the``: a capital "The" mid-sentence is the name's."""
    name = re.sub(r"[®™©]", "", name)
    name = re.sub(r"\s+", " ", name).strip(" \t\"'.,:;!-–—|()[]")
    name = _SENTENCE_TAIL.sub("", name)
    name = _without_department(name)
    name = _LEADING_JOB_WORDS.sub("", name)
    name = re.sub(r"^(?:the|team)\s+" if keep_the else r"^(?i:the|team)\s+", "", name).strip(" \t\"'.,:;!-–—|()[]")
    for _ in range(3):
        stripped = _TRAILING_JOB_WORDS.sub("", name).strip(" -–—|:,")
        if stripped == name:
            break
        name = stripped
    vendor = name.lower() in _VENDOR_NAMES and not (brand_ok and name.lower() in _BRANDS)
    if not name or len(name) > 60 or vendor or not re.match(r"[^\W\d_]", name):
        return None
    if _NOT_A_COMPANY.match(name) or re.fullmatch(rf"{_JOB_WORD}", name, re.I):
        return None
    if _looks_like_role(name):
        return None
    return name


def _looks_like_role(name: str) -> bool:
    """ "Data Scientist II", "Gerente de Marketing Digital": a job title, not an employer."""
    return (
        bool(re.search(rf"\b(?:{_ROLE_NOUNS})s?(?: (?:I{{1,3}}|IV|\d))?$", name))
        or bool(
            re.match(
                r"(?i:senior|junior|sr\.?|jr\.?|staff|principal|lead|head of|gerente|ingeniero|ingénieur|analista|"
                r"desarrollador|consultor|directora?|jefe|responsable|ведущий|старший|младший)\b",
                name,
            )
        )
        or bool(re.search(r"(?i)(разработчик|инженер|аналитик|менеджер|дизайнер)", name))
    )


@lru_cache(maxsize=8192)  # pure, and called for every word of every capitalised run: worth remembering
def _match_key(name: str) -> str:
    """normalise_company over the name without its accents: "Banque Lémanique" → "banquelemanique"."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return normalise_company(plain) or re.sub(r"[\W_]+", "", plain.lower())


def _abbreviates(short: str, words: list[str]) -> bool:
    """ "bcbsaz" for Blue Cross Blue Shield of Arizona, "amat" for Applied Materials, "frb" for Federal
    Reserve Bank of …: each piece starts a word, the rest of the piece is found in that word in order."""
    keys = [w for w in (re.sub(r"[^a-z0-9]", "", _match_key(w) or w.lower()) for w in words) if w]
    keys = [k for k in keys if k not in ("of", "the", "and", "de", "du", "der", "und", "y", "et")]
    if len(keys) < 2 or not 2 <= len(short) <= 12:
        return False

    def piece_fits(piece: str, word: str) -> bool:
        if not piece or piece[0] != word[0]:
            return False
        rest = iter(word[1:])
        return all(ch in rest for ch in piece[1:])

    def walk(i: int, j: int, used: int) -> bool:
        if i == len(short):
            return used >= 2 and used * 2 >= len(keys)
        if j == len(keys):
            return False
        return any(piece_fits(short[i:k], keys[j]) and walk(k, j + 1, used + 1) for k in range(len(short), i, -1))

    return walk(0, 0, 0)


def _related(a: str, b: str, a_words: list[str], b_words: list[str]) -> bool:
    """Two keys that name the same company: equal, one starting the other, or one abbreviating the other."""
    if not a or not b:
        return False
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    if len(short) >= 3 and long_.startswith(short):
        return True
    return _abbreviates(a, b_words) or _abbreviates(b, a_words)


def _domain_label(domain: str) -> str:
    """The part of a domain that names its owner: careers.acme-corp.co.uk → "acmecorp";
    metrovoice.example.org → "metrovoice"; a reserved or malformed domain alone → ""."""
    domain = domain.lower().strip(".")
    if "." not in domain:
        return ""  # not a domain at all
    reserved = _RESERVED_TAIL.search(domain)
    if reserved:
        domain = domain[: reserved.start()]
        labels = [x for x in domain.split(".") if x]
    else:
        labels = organisation_domain(domain).split(".")[:1]
    labels = [x for x in labels if x not in _GENERIC_LABELS]
    return labels[-1] if labels else ""


def _label_variants(label: str) -> list[str]:
    """getweave → weave, hcacareers → hca: the company inside a marketing or job-site domain."""
    out = [label]
    for rx in (_DOMAIN_PREFIX, _DOMAIN_SUFFIX):
        trimmed = rx.sub("", out[-1])
        if trimmed != out[-1] and len(trimmed) >= 2:
            out.append(trimmed)
    return out


def _tenant(sender: Address) -> str:
    """The employer an ATS names in its sender address: acme@myworkday.com, acme+ref@talent.icims.com,
    no-replyacme@…, acmecareers@…; "" for the vendor's own robots (no-reply@, ejif.fa.sender@)."""
    local = sender.email.partition("@")[0].lower().split("+")[0]
    local = re.sub(r"[^a-z0-9]", "", local)
    local = re.sub(r"^(?:noreply|donotreply|notreply)", "", local)
    local = re.sub(r"(?<=[a-z]{2})(?:careers?|jobs|recruiting|talent|workday|notifications?|noreply|hr)$", "", local)
    if len(local) < 2 or local in _GENERIC_LABELS or is_noreply(local):
        return ""
    if re.search(r"(reply|notification|workday|recruit|talent|system|sender|mailer|jobapplication|autom)", local):
        return ""
    return local


def _is_freemail(domain: str) -> bool:
    if is_freemail(domain):
        return True
    label = _domain_label(domain)
    return (
        bool(label)
        and any(label == d.split(".")[0] for d in FREEMAIL_DOMAINS if not d.startswith("example"))
        and bool(_RESERVED_TAIL.search(domain.lower()))
    )


@dataclass(slots=True)
class _Candidate:
    name: str
    key: str
    score: float
    why: str
    from_text: bool = True  # False: guessed from a domain, a poor spelling


@dataclass(slots=True)
class _Ballot:
    """Every reading of the company, with a weight for how much its source can be trusted."""

    items: list[_Candidate] = field(default_factory=list)

    def add(self, name: str | None, score: float, why: str, *, from_text: bool = True) -> None:
        if name:
            key = _match_key(name)
            if key:
                self.items.append(_Candidate(name, key, score, why, from_text))


def _display_company(sender: Address, robot: bool, body: str) -> tuple[str | None, bool]:
    """The company in a From display name, and whether the name says so outright ("Acme Recruiting")."""
    display = " ".join(sender.name.replace("_", " ").strip().strip("\"'").split())
    if not display or "@" in display or display.lower() == sender.email:
        return None, False
    team_at = _TEAM_AT.match(display)
    if team_at:
        return clean_company(team_at.group("company")), True
    via = _VIA.match(display)
    if via and not _VIA_PERSONAL.match(via.group("tool")):
        return clean_company(via.group("company")), True
    parts = [p.strip() for p in re.split(r"\s+[-–—|:]\s+|\s*[|–—]\s*", display) if p.strip()]
    if len(parts) > 1:
        named = [p for p in parts if not re.fullmatch(rf"(?:{_JOB_WORD}[\s\-]*)+", p, re.I)]
        if len(named) == 1:
            return clean_company(named[0]), True
    display = re.sub(rf"-(?={_JOB_WORD}\b)", " ", display, flags=re.I)  # Acme-HR-Workday
    display = re.sub(r"(?:\s+[a-z][a-z0-9.]*)+$", "", display)  # "Acme_HR acme": a trailing login
    display = re.sub(r"\s+(?:via|through|powered by)\s+\S+$", "", display, flags=re.I)
    cleaned = clean_company(display)
    if cleaned is None:
        return None, False
    if cleaned.lower() != display.lower().strip(" .") and not _LEADING_JOB_WORDS.match(display):
        return cleaned, True  # a suffix came off: "Acme Careers", "Acme Human Resources"
    if _LEADING_JOB_WORDS.match(display):
        return cleaned, True
    if robot and not _signs_off(display, body) and len(cleaned.split()) <= 5:
        return cleaned, False  # "Acme" <no-reply@acme.com>, "Acme" <x@hire.lever.co>
    return None, False


def _signs_off(display: str, body: str) -> bool:
    """The display name is the person who signs the letter: a recruiter's name, not a company's."""
    first = display.split(maxsplit=1)[0]
    if len(first) < 2 or _CORPORATE.search(display):
        return False
    tail = body.rstrip()[-400:]
    return bool(re.search(rf"(?m)^[ \t\-–—]*{re.escape(first)}\b", tail)) or bool(
        re.search(rf"(?i:regards|best|thanks|cheers|sincerely|thank you)[,!.]?\s+{re.escape(first)}\b", tail)
    )


_CAPITALISED_RUN = re.compile(rf"{_WORD}(?:[ \t]+(?:&[ \t]+)?(?:{_WORD}|of|de))*")
_JOB_OR_JOINER = re.compile(rf"{_JOB_WORD}|(?:{_ROLE_NOUNS})s?|of|de|&", re.I)
_PLACE_WORD = re.compile(
    r"(?i:hq|office|offices|campus|building|tower|center|centre|plaza|floor|street|road|"
    r"avenue|headquarters|site|lobby|reception)"
)


def _spell(label: str, texts: tuple[str, ...]) -> str | None:
    """The company whose domain is ``label``, as the text writes it: "gulfport-gas" → "Gulfport Gas Marketing"
    when the letter says so. The longest run of capitalised words that starts with the label's spelling."""
    best: str | None = None
    for text in texts:
        for run in _CAPITALISED_RUN.finditer(text[:4000]):
            words = run.group(0).split()
            for i in range(len(words)):
                joined = ""
                for j in range(i, min(len(words), i + 6)):
                    joined += _match_key(words[j]) if words[j].lower() not in ("of", "de", "&") else ""
                    if joined != label:
                        if not joined or not label.startswith(joined):
                            break
                        continue
                    if True:
                        name = " ".join(words[i : j + 1])
                        for k in range(j + 1, min(len(words), j + 4)):  # "Cobaltline" + "Systems"
                            w = words[k]
                            if _JOB_OR_JOINER.fullmatch(w) or not w[0].isupper():
                                break
                            if (
                                _NOT_A_COMPANY.match(w)
                                or w.lower() in _VENDOR_NAMES
                                or _PLACE_WORD.fullmatch(w)
                            ):
                                break
                            if words[k - 1].endswith((".", ",", ":", "!", "?")):
                                break
                            name = " ".join(words[i : k + 1])
                        name = clean_company(name) or ""
                        if name and (best is None or len(name) > len(best)):
                            best = name
                        break
    return best


_SUBJECT_PREFIX = re.compile(
    r"^\s*(?:(?:re|fwd?|aw|wg|tr|rv|sv|antw|automatic reply|auto-?reply|out of office|abwesenheitsnotiz|"
    r"réponse automatique|respuesta automática|автоответ|自動返信)\s*[:：]\s*)+",
    re.I,
)


def find_company(m: Message, text: str, identity: Identity | None = None) -> tuple[str | None, str]:
    """The employer (never an ATS vendor, job board or domain label) and where it was read.

    Every reading is a vote: the From display name ("Acme Recruiting"), the subject ("… at Acme"), the
    letter and its signature ("The Acme Talent Acquisition Team"), and the witnesses — the sender's own
    domain, an ATS tenant (acme@myworkday.com). A reading that agrees with a witness wins; the text
    supplies the spelling the domain cannot ("halcyonbank.com" is "Halcyon Bank" in the letter).
    For the owner's own mail the witnesses are the people it was sent to.
    """
    sender = m.sender
    outbound = identity is not None and identity.is_me(sender)
    own_domains = {a.rpartition("@")[2] for a in identity.addresses} if identity else set()
    ballot = _Ballot()
    subject = _SUBJECT_PREFIX.sub("", m.subject)
    head = text[:3000]
    robot = sender is not None and (
        is_noreply(sender.email)
        or bool(ats_vendor(sender.domain) or job_board(sender.domain))
        or bool(scheduling_tool(sender.domain))
    )
    if sender is not None and not outbound and not job_board(sender.domain):
        name, strong = _display_company(sender, robot, text)
        ballot.add(name, 3.0 if strong else 2.0, f"company from sender name {sender.name!r}")
    for patterns, weight in ((_SUBJECT_STRONG, 2.5), (_SUBJECT_WEAK, 1.5), ([_SUBJECT_WITH], 0.75)):
        for pattern in patterns:
            for hit in pattern.finditer(subject):
                name = clean_company(hit.group("c"), brand_ok=weight > 2, keep_the=weight > 2)
                ballot.add(name, weight, f"company from subject: {hit.group(0).strip()!r}")
    for patterns, weight in ((_COMPANY_PHRASES_STRONG, 1.5), (_COMPANY_PHRASES_WEAK, 0.75)):
        for pattern in patterns:
            said = pattern.search(head)
            if said:
                why = f"company from text: {said.group(0).strip()[:80]!r}"
                ballot.add(clean_company(_unsigned(said.group("c"))), weight, why)
    for hit in list(_SIGNATURE.finditer(text[-1500:]))[-1:]:
        ballot.add(
            clean_company(_unsigned(hit.group("c"))), 1.5, f"company from the signature: {hit.group(0).strip()[:80]!r}"
        )

    # Nobody's own name is the company: the owner's, or a person's named in the headers.
    persons = {_match_key(n) for n in _person_names(m, identity)}
    ballot.items = [c for c in ballot.items if c.key not in persons]

    # Witnesses: domains and tenants that name the company outright.
    witnesses: dict[str, tuple[str, str, float]] = {}  # key → label, where, weight of the domain alone
    whose = "recipient" if outbound else "sender"
    people = (*m.to, *m.cc) if outbound else (*([sender] if sender else []), *m.reply_to)
    for addr in people:
        if addr is None or (identity is not None and identity.is_me(addr)):
            continue
        domain = addr.domain
        if ats_vendor(domain) or job_board(domain):
            tenant = _tenant(addr)
            if tenant:
                vendor = ats_vendor(domain) or job_board(domain)
                witnesses.setdefault(tenant, (tenant, f"the {vendor} {whose} {addr.email}", 0.8))
            continue
        if is_intermediary(domain) or _is_freemail(domain) or domain in own_domains:
            continue
        label = _domain_label(domain)
        key = re.sub(r"[^a-z0-9]", "", label)
        if key:
            agency = bool(_STAFFING.search(label))
            witnesses.setdefault(key, (label, f"the {whose}'s domain {domain}", 0.5 if agency else 1.2))
    texts = (subject, head, text[-1500:])
    for key, (label, where, weight) in list(witnesses.items())[:3]:
        variants = _label_variants(key)
        matched = False
        for cand in list(ballot.items):
            if any(_related(cand.key, v, cand.name.split(), [v]) for v in variants):
                cand.score += 2.0
                cand.why += f", matching {where}"
                matched = True
        if not matched:
            spelled = next((s for v in variants if (s := _spell(v, texts))), None)
            if spelled and _match_key(spelled) not in persons:
                ballot.add(spelled, weight + 1.0, f"company from {where}, spelled as in the text")
            elif "domain" in where:
                ballot.add(company_from_domain_label(label), weight, f"company from {where}", from_text=False)
            elif len(label) >= 3:
                ballot.add(label.title(), weight, f"company from {where}", from_text=False)
    if not ballot.items:
        return None, ""
    return _elect(ballot.items)


def _unsigned(name: str) -> str:
    """ "Acme's Talent Team", "Acme Global Talent Acquisition": the company before the department."""
    return re.sub(r"['’]s$|\s+(?:global|worldwide|corporate)$", "", name, flags=re.I)


def _person_names(m: Message, identity: Identity | None) -> list[str]:
    """People's names in the headers and the owner's: "interview with Dana Whitfield" is not a company."""
    names = [identity.name] if identity and identity.name else []
    for addr in (m.sender, *m.to, *m.cc, *m.reply_to):
        if addr is None or not addr.name:
            continue
        words = addr.name.replace(",", " ").split()
        local = re.sub(r"[^a-z]", "", addr.email.partition("@")[0].lower())
        keys = [_match_key(w) for w in words]
        # "Dana Whitfield" <dana.whitfield@…>, "Whitfield, Dana" <dwhitfield@…>: a person's own address.
        personal = (
            not is_intermediary(addr.domain)
            and 2 <= len(words) <= 3
            and all(w[:1].isupper() and w.isalpha() for w in words)
            and any(k and len(k) > 2 and k in local for k in keys)
            and "".join(keys) not in local
            and not is_noreply(addr.email)
            and not re.search(rf"(?i)\b{_JOB_WORD}\b", addr.name)
        )
        if personal:
            names += [addr.name, " ".join(words)]
    out: list[str] = []
    for name in names:
        out.append(name)
        out += [w for w in name.split() if len(w) > 2]  # "interview with Dana"
    return out


def company_from_domain_label(label: str) -> str:
    """northwind-analytics → Northwind Analytics."""
    return " ".join(w.capitalize() for w in re.split(r"[-_]+", label) if w)


def _elect(items: list[_Candidate]) -> tuple[str | None, str]:
    """Group readings that name the same company; the heaviest group wins, spelled by its best reading:
    the longest form the sources vouch for ("Acme Group" over "Acme"), a text spelling over a domain's."""
    groups: list[list[_Candidate]] = []
    for cand in items:
        for group in groups:
            if any(_related(cand.key, other.key, cand.name.split(), other.name.split()) for other in group):
                group.append(cand)
                break
        else:
            groups.append([cand])
    best = max(groups, key=lambda g: (sum(c.score for c in g), -items.index(g[0])))
    if sum(c.score for c in best) < 1.0:
        return None, ""  # one weak hint ("a chat with Marcus") is not worth a wrong name
    texts = [c for c in best if c.from_text] or best
    vouched = [c for c in texts if c.score >= 2.0] or texts
    top = max(vouched, key=lambda c: (len(c.key) if c.score >= 2.0 else 0, c.score, -best.index(c)))
    why = max(best, key=lambda c: c.score).why if top.score < 2.0 else top.why
    return top.name, why


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

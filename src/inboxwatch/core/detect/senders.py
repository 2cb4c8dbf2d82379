"""What sender domains say: applicant-tracking systems, scheduling tools, job boards, free mail."""

from __future__ import annotations

import re

# Applicant-tracking systems: they send on an employer's behalf, so they are never the company.
ATS_DOMAINS: dict[str, str] = {
    "greenhouse.io": "Greenhouse",
    "greenhouse-mail.io": "Greenhouse",
    "hire.lever.co": "Lever",
    "lever.co": "Lever",
    "myworkday.com": "Workday",
    "myworkdayjobs.com": "Workday",
    "workday.com": "Workday",
    "icims.com": "iCIMS",
    "smartrecruiters.com": "SmartRecruiters",
    "smartrecruiters.net": "SmartRecruiters",
    "ashbyhq.com": "Ashby",
    "jobvite.com": "Jobvite",
    "taleo.net": "Taleo",
    "oracle.com": "Oracle",
    "successfactors.com": "SuccessFactors",
    "successfactors.eu": "SuccessFactors",
    "bamboohr.com": "BambooHR",
    "workable.com": "Workable",
    "workablemail.com": "Workable",
    "recruitee.com": "Recruitee",
    "teamtailor.com": "Teamtailor",
    "teamtailor-mail.com": "Teamtailor",
    "personio.de": "Personio",
    "personio.com": "Personio",
    "jazzhr.com": "JazzHR",
    "applytojob.com": "JazzHR",
    "breezy.hr": "Breezy",
    "pinpointhq.com": "Pinpoint",
    "rippling.com": "Rippling",
    "paylocity.com": "Paylocity",
    "ultipro.com": "UKG",
    "ukg.com": "UKG",
    "ukg.net": "UKG",
    "brassring.com": "Kenexa BrassRing",
    "csodmail.com": "Cornerstone",
    "csod.com": "Cornerstone",
    "oraclecloud.com": "Oracle",
    "taleo.com": "Taleo",
    "avature.com": "Avature",
    "jobvitemail.com": "Jobvite",
    "adp.com": "ADP",
    "avature.net": "Avature",
    "phenom.com": "Phenom",
    "phenompeople.com": "Phenom",
    "eightfold.ai": "Eightfold",
    "dover.com": "Dover",
    "gem.com": "Gem",
    "beamery.com": "Beamery",
    "hirevue.com": "HireVue",
    "hackerrank.com": "HackerRank",
    "hackerrankforwork.com": "HackerRank",
    "codility.com": "Codility",
    "codesignal.com": "CodeSignal",
    "coderpad.io": "CoderPad",
    "karat.io": "Karat",
    "karat.com": "Karat",
    "testgorilla.com": "TestGorilla",
    "willo.video": "Willo",
    "spark-hire.com": "Spark Hire",
    "sparkhire.com": "Spark Hire",
}

# Scheduling tools book interviews for someone else.
SCHEDULING_DOMAINS: dict[str, str] = {
    "calendly.com": "Calendly",
    "goodtime.io": "GoodTime",
    "modernloop.io": "ModernLoop",
    "ashbyhq.com": "Ashby",
    "prelude.co": "Prelude",
    "paradox.ai": "Paradox",
    "youcanbook.me": "YouCanBookMe",
    "zoom.us": "Zoom",
    "calendar.google.com": "Google Calendar",
    "google.com": "Google",
    "microsoft.com": "Microsoft",
    "outlook.com": "Outlook",
    "cal.com": "Cal.com",
}

# Job boards and networks: they relay applications and send alerts.
JOB_BOARD_DOMAINS: dict[str, str] = {
    "linkedin.com": "LinkedIn",
    "indeed.com": "Indeed",
    "indeedemail.com": "Indeed",
    "glassdoor.com": "Glassdoor",
    "ziprecruiter.com": "ZipRecruiter",
    "monster.com": "Monster",
    "dice.com": "Dice",
    "wellfound.com": "Wellfound",
    "angel.co": "Wellfound",
    "otta.com": "Otta",
    "welcometothejungle.com": "Welcome to the Jungle",
    "builtin.com": "Built In",
    "hired.com": "Hired",
    "stackoverflow.com": "Stack Overflow",
    "stepstone.de": "StepStone",
    "xing.com": "XING",
    "seek.com.au": "SEEK",
    "careerbuilder.com": "CareerBuilder",
    "simplyhired.com": "SimplyHired",
    "jobs.ac.uk": "jobs.ac.uk",
    "handshake.com": "Handshake",
    "joinhandshake.com": "Handshake",
    "workatastartup.com": "Work at a Startup",
    "weworkremotely.com": "We Work Remotely",
    "remoteok.com": "Remote OK",
    "flexjobs.com": "FlexJobs",
    "theladders.com": "The Ladders",
    "jobleads.com": "JobLeads",
    "infojobs.net": "InfoJobs",
    "computrabajo.com": "Computrabajo",
    "computrabajo.com.mx": "Computrabajo",
    "computrabajo.com.co": "Computrabajo",
    "pracuj.pl": "Pracuj.pl",
    "nationalevacaturebank.nl": "Nationale Vacaturebank",
    "reed.co.uk": "Reed",
    "totaljobs.com": "Totaljobs",
    "cv-library.co.uk": "CV-Library",
    "jobs.nhs.uk": "NHS Jobs",
    "usajobs.gov": "USAJOBS",
    "stepstone.com": "StepStone",
    "stepstone.at": "StepStone",
    "stepstone.be": "StepStone",
    "stepstone.nl": "StepStone",
    "indeed.de": "Indeed",
    "indeed.fr": "Indeed",
    "indeed.co.uk": "Indeed",
    "indeed.es": "Indeed",
    "apec.fr": "Apec",
    "hellowork.com": "HelloWork",
    "jobteaser.com": "JobTeaser",
    "catho.com.br": "Catho",
    "vagas.com.br": "Vagas",
    "naukri.com": "Naukri",
    "bayt.com": "Bayt",
    "jobstreet.com": "JobStreet",
    "jobsdb.com": "JobsDB",
    "jobindex.dk": "Jobindex",
    "finn.no": "FINN",
    "jobs.ch": "jobs.ch",
    "karriere.at": "karriere.at",
    "monster.de": "Monster",
    "monster.fr": "Monster",
    "glassdoor.co.uk": "Glassdoor",
}

FREEMAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "ymail.com",
        "hotmail.com",
        "outlook.com",
        "live.com",
        "msn.com",
        "aol.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "proton.me",
        "protonmail.com",
        "fastmail.com",
        "fastmail.fm",
        "gmx.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "mail.com",
        "yandex.ru",
        "yandex.com",
        "mail.ru",
        "qq.com",
        "163.com",
        "zoho.com",
        "hey.com",
        "comcast.net",
        "verizon.net",
        "att.net",
        "earthlink.net",
        "example.com",
        "example.net",
        "example.org",
    }
)

_NOREPLY_RE = re.compile(
    r"^(no[-_.]?reply|do[-_.]?not[-_.]?reply|donotreply|notifications?|mailer[-_.]daemon|"
    r"postmaster|bounce[s]?|automated|system|alerts?|jobs[-_.]noreply|invitations?|"
    r"calendar[-_.]notification)([-_.+].*)?$",
    re.I,
)


def _lookup(domain: str, table: dict[str, str]) -> str | None:
    domain = domain.lower().rstrip(".")
    while domain:
        if domain in table:
            return table[domain]
        _, _, domain = domain.partition(".")
    return None


def ats_vendor(domain: str) -> str | None:
    return _lookup(domain, ATS_DOMAINS)


def scheduling_tool(domain: str) -> str | None:
    return _lookup(domain, SCHEDULING_DOMAINS)


def job_board(domain: str) -> str | None:
    return _lookup(domain, JOB_BOARD_DOMAINS)


def is_freemail(domain: str) -> bool:
    return domain.lower() in FREEMAIL_DOMAINS


def is_intermediary(domain: str) -> bool:
    """A domain that sends for many employers: its address says nothing of the company."""
    return bool(ats_vendor(domain) or scheduling_tool(domain) or job_board(domain) or is_freemail(domain))


def is_noreply(email: str) -> bool:
    local = email.partition("@")[0]
    return bool(_NOREPLY_RE.match(local))


def organisation_domain(domain: str) -> str:
    """The registrable part of a domain, roughly: mail.acme.co.uk → acme.co.uk, hr.acme.com → acme.com."""
    parts = domain.lower().rstrip(".").split(".")
    if len(parts) >= 3 and len(parts[-1]) == 2 and parts[-2] in {"co", "com", "ac", "org", "net", "gov", "ne", "or"}:
        return ".".join(parts[-3:])
    return ".".join(parts[-2:])


_COMPANY_SUFFIX_RE = re.compile(
    r"[\s,]+(inc\.?|llc|ltd\.?|limited|gmbh|ag|s\.?a\.?|plc|corp\.?|corporation|co\.?|company|group|"
    r"technologies|holdings|careers|recruiting|talent( acquisition)?|hiring team|hr|jobs|team)$",
    re.I,
)


def normalise_company(name: str) -> str:
    """A key to compare company names: lower case, no legal suffix or punctuation."""
    key = " ".join(name.lower().replace("&", " and ").split())
    for _ in range(3):
        stripped = _COMPANY_SUFFIX_RE.sub("", key)
        if stripped == key:
            break
        key = stripped
    return re.sub(r"[^a-z0-9]+", "", key)

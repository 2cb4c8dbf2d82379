"""Dates and times stated in an email's text: interview slots, reply-by deadlines, return dates.

Pure: no I/O and never the wall clock. Relative phrases ("tomorrow", "next Monday", "within two weeks")
resolve against the message's own Date header ``sent_at``, in its UTC offset. Without ``sent_at`` only
dates that state their year resolve, and a clock time with no zone is then taken as UTC.

Kept cheap on purpose: clock times are found first with one regex that can only start at a digit (or
"noon"/"midday"); dates are only looked for right next to them, in a lower-cased copy so that the regex
engine's fast literal checks apply. A time without a date is not a result: "at 3pm" alone does not say
which day.
"""

from __future__ import annotations

import calendar
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from inboxwatch.core.detect.dates_tz import find_clocks, resolve_timezone
from inboxwatch.core.detect.fastre import Phrases

__all__ = [
    "DateFact",
    "TimeSpan",
    "find_all_times",
    "find_alternatives",
    "find_interview_time",
    "find_reply_by",
    "find_return_date",
    "resolve_timezone",
]

_EVIDENCE_MAX = 120
_MAX_CLOCKS = 200  # a message with more clock times is a schedule or a log, not a conversation


@dataclass(frozen=True)
class TimeSpan:
    start: datetime  # timezone-aware
    end: datetime | None  # timezone-aware, when a range or duration is stated
    evidence: str  # the exact phrase matched, trimmed, ≤ 120 chars


@dataclass(frozen=True)
class DateFact:
    day: date
    evidence: str


# --------------------------------------------------------------------------------------------- vocab

_MONTHS: dict[str, int] = {}
_MONTH_ABBR: list[str] = []  # may take a dot; full names may not, so "by mid-March." keeps its period
for _n, _words in enumerate(
    (
        "january jan. januar janvier janv.", "february feb. febr. februar février fevrier févr.",
        "march mar. märz maerz mars", "april apr. avril avr.", "may mai", "june jun. juni juin",
        "july jul. juli juillet juil.", "august aug. août aout", "september sep. sept. septembre",
        "october oct. oktober okt. octobre", "november nov. novembre", "december dec. dez. dezember décembre",
    ),
    start=1,
):  # fmt: skip
    for _w in _words.split():
        _MONTHS[_w.rstrip(".")] = _n
        _MONTH_ABBR += [_w.rstrip(".")] if _w.endswith(".") else []
for _n, _words in enumerate(
    (  # Spanish; Russian in the genitive ("24 июня") and the nominative
        "enero января январь", "febrero февраля февраль", "marzo марта март", "abril апреля апрель",
        "mayo мая май", "junio июня июнь", "julio июля июль", "agosto августа август",
        "septiembre setiembre сентября сентябрь", "octubre октября октябрь", "noviembre ноября ноябрь",
        "diciembre декабря декабрь",
    ),
    start=1,
):  # fmt: skip
    for _w in _words.split():
        _MONTHS[_w.rstrip(".")] = _n
        _MONTH_ABBR += [_w.rstrip(".")] if _w.endswith(".") else []

_WEEKDAYS: dict[str, int] = {}
_FULL_WEEKDAYS: list[str] = []
for _n, _words in enumerate(
    (
        "monday mon montag lundi", "tuesday tue tues dienstag mardi", "wednesday wed mittwoch mercredi",
        "thursday thu thur thurs donnerstag jeudi", "friday fri freitag vendredi",
        "saturday sat samstag samedi", "sunday sun sonntag dimanche",
    )
):  # fmt: skip
    for _w in _words.split():
        _WEEKDAYS[_w] = _n
        if len(_w) > 5:  # "sat", "sun", "wed" alone are too often plain words
            _FULL_WEEKDAYS.append(_w)
for _n, _words in enumerate(
    (
        "lunes понедельник", "martes вторник", "miércoles miercoles среда среду", "jueves четверг",
        "viernes пятница пятницу", "sábado sabado суббота субботу", "domingo воскресенье",
    )
):  # fmt: skip
    for _w in _words.split():
        _WEEKDAYS[_w] = _n
        if len(_w) > 5:  # "sat", "sun", "wed" alone are too often plain words
            _FULL_WEEKDAYS.append(_w)


def _alt(words: list[str]) -> str:
    return "|".join(sorted(set(words), key=len, reverse=True))  # longest first: first match wins


# Length-preserving lower-casing (str.lower can grow "İ"), so positions stay valid in both copies.
_LOWER_TABLE = {c: c + 32 for c in (*range(65, 91), *range(0xC0, 0xDF)) if c != 0xD7}


def _lower(text: str) -> str:
    low = text.lower()
    return low if len(low) == len(text) else text.translate(_LOWER_TABLE)


_MON = rf"(?:(?:{_alt(_MONTH_ABBR)})\b\.?|(?:{_alt([m for m in _MONTHS if m not in _MONTH_ABBR])})\b)"
_WD = rf"(?:{_alt(list(_WEEKDAYS))})\b\.?,?\s+"  # a weekday in front of an explicit date
_ORD = r"(?:st|nd|rd|th)"

# Matched against the lower-cased text. The optional weekday is factored out front so that the engine
# tries the long weekday alternation once per word, not once per date shape.
_DATE_RE = re.compile(
    rf"""(?=[0-9acdefhjlmnostvwзсппвчн明本今])(?<![\w$€£])(?:  # the lookahead: what can start a date word
      (?:{_WD})?(?:
        (?P<iy>(?:19|20|21)[0-9]{{2}})[-/.](?P<im>[0-9]{{1,2}})[-/.](?P<id>[0-9]{{1,2}})(?![0-9])
      | (?<![/.:+])(?P<na>[0-9]{{1,2}})(?P<ns>[/.])(?P<nb>[0-9]{{1,2}})
          (?:(?P=ns)(?P<ny>[0-9]{{4}}|[0-9]{{2}}))?(?![0-9]|[/.][0-9])
      | (?P<amon>{_MON})\s*(?P<ad>[0-9]{{1,2}}){_ORD}?(?![0-9:])(?:,?\s+(?P<ay>[0-9]{{4}})(?![0-9:]))?
      | (?:the\s+)?(?P<bd>[0-9]{{1,2}})(?:{_ORD}|er|\.)?\s+(?:of\s+|de\s+)?(?P<bmon>{_MON})
          (?:,?\s+(?:de\s+|del\s+)?(?P<by>[0-9]{{4}})(?:\s*г\.?)?(?![0-9:]))?
      | (?:(?P<jy>(?:19|20|21)[0-9]{{2}})\s*年\s*)?(?P<jm>[0-9]{{1,2}})\s*月\s*(?P<jd>[0-9]{{1,2}})\s*日
      | the\s+(?P<ed>[0-9]{{1,2}}){_ORD}\b)
    | (?P<rel>today|tonight|(?:the\s+)?day\s+after\s+tomorrow|tomorrow|aujourd'hui|demain|heute|hoy
        |(?<!la\s)(?<!por\s)mañana|сегодня|завтра|послезавтра)(?!\w)|(?P<jrel>明後日|明日|本日|今日)
    | (?:{_alt(_FULL_WEEKDAYS)})\s+(?P<fd>[0-9]{{1,2}}){_ORD}\b
    | (?<![-–]\s)(?<![-–])(?<!\()(?:(?P<wq>this\s+coming|this|next|coming)\s+)?(?P<wd>{_alt(_FULL_WEEKDAYS)})\b
        (?!\s?[-–]\s?[a-z])  # "Monday-Friday 9am-5pm" is opening hours
    )""",
    re.X,
)

# Lower-cased text from here on.
_GAP = re.compile(  # what may sit between a date and its time
    r"[\s,;:@|()\-–—.·*]*(?:(?:at|on|from|um|à|le|am|time|start(?:s|ing)?|beginning|between|von|de|del|a|las|the|"
    r"sharp|heure|hora|uhrzeit|в|время)\b[\s,;:@|()\-–—.·*]*){0,3}"
)
_DURATION = re.compile(
    r"(?<![\w.])(?<!within )(?<!in )(?<!every )(?<!after )"
    r"(?:(?P<n>[0-9]{1,3}(?:\.[0-9])?)|(?P<w>an?|one|two|half\s+an?))\s*-?\s*"
    r"(?P<u>minutes?|mins?\b|min\b|hours?|hrs?\b|hr\b)(?P<half>\s+and\s+a\s+half)?"
    r"(?!\s*(?:early|before|prior|ahead|later|after|ago|notice|break|buffer))"
)
_CONTEXT_GOOD = re.compile(
    r"\b(?:interview\w*|calls?|meeting|meet|schedul\w*|confirm\w*|join|chat|conversation|zoom|teams|webex|"
    r"screen(?:ing)?|slot|invit\w*|availab\w*|speak|talk|onsite|on-site|session|appointment|when|gespräch|"
    r"entretien|termin)\b"
)
_CONTEXT_BAD = re.compile(
    r"\b(?:sent|posted|applied|submitted|received|wrote|deadline|expires?|expiry|expiring|closes|"
    r"unsubscribe|copyright|(?:apply|reply|respond)\s+by|due)\b"
)
# The writer's own comings and goings ("I'll be leaving the office today at noon"): a time, not a meeting.
_WRITER_AWAY = re.compile(
    r"\b(?:leav(?:e|es|ing)\s+(?:the\s+office|work|early)|out\s+of\s+(?:the\s+)?office|back\s+in\s+the\s+office"
    r"|(?:i|i'll|i\s+will|i'm|i\s+am|we'll|we\s+are|we're)\s+(?:be\s+)?(?:out|away|off|offline|unavailable|travel+ing"
    r"|on\s+vacation|on\s+leave|on\s+holiday))\b[^.!?\n]{0,25}$"
)
_RESCHEDULED = re.compile(r"\b(?:now|moved\s+to|rescheduled\s+(?:to|for)|instead|new\s+time|updated\s+to)\W*$")
_SUPERSEDED = re.compile(r"\b(?:was|originally|previously|instead\s+of|moved\s+from|no\s+longer)\W*$")

# Reply chains (original text): everything after the first of these is quoted; the headers never count.
_ATTRIBUTION = re.compile(
    r"^[ \t>]*(?:On|Le|Am)\s[^\n]{0,200}?(?:\n[^\n]{0,120}?)?(?:wrote|a\s+écrit|schrieb)[^\n:]{0,5}:", re.M
)
_HEADER_BLOCK = re.compile(
    r"^[ \t>]*\*?(?:From|Von|De)\s*:\*?[^\n]*\n"
    r"(?:[ \t>]*\*?(?:Sent|Date|Datum|Gesendet|Envoyé|To|An|À|Cc|Subject|Betreff|Objet)\s*:\*?[^\n]*(?:\n|$)){1,5}",
    re.M,
)
_SEPARATOR = re.compile(
    r"^[ \t]*(?:-{2,}\s*(?:original\s+message|forwarded\s+message|ursprüngliche\s+nachricht|message\s+d'origine)"
    r"|begin\s+forwarded\s+message)",
    re.M | re.I,
)


@dataclass(frozen=True, slots=True)
class _Layout:
    """Where the quoted part of a message starts and which ranges are reply headers."""

    quote_start: int
    excluded: tuple[tuple[int, int], ...]

    def is_excluded(self, pos: int) -> bool:
        return any(s <= pos < e for s, e in self.excluded)

    def is_quoted(self, text: str, pos: int) -> bool:
        line_start = text.rfind("\n", 0, pos) + 1
        return pos >= self.quote_start or text[line_start:pos].lstrip().startswith(">")


def _occurrences(hay: str, needle: str) -> Iterator[int]:
    i = hay.find(needle)
    while i != -1:
        yield i
        i = hay.find(needle, i + 1)


def _line_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, max(0, pos)) + 1


def _layout(text: str, low: str) -> _Layout:
    # Anchored on plain substring finds: scanning every line start with a regex costs more than the rest.
    excluded: set[tuple[int, int]] = set()
    for word in ("wrote", "écrit", "schrieb"):
        for i in _occurrences(low, word):  # attributions may wrap onto a second line
            lo = _line_start(text, _line_start(text, i) - 1)
            excluded.update(m.span() for m in _ATTRIBUTION.finditer(text, lo, i + 12))
    for word in ("From:", "Von:", "De:"):
        for i in _occurrences(text, word):
            m = _HEADER_BLOCK.match(text, _line_start(text, i))
            excluded.update([m.span()] if m else [])
    starts = [s for s, _ in excluded]
    for word in ("original message", "forwarded message", "ursprüngliche nachricht", "message d'origine"):
        for i in _occurrences(low, word):
            m = _SEPARATOR.match(text, _line_start(text, i))
            starts += [m.start()] if m else []
    return _Layout(min(starts, default=len(text) + 1), tuple(sorted(excluded)))


# ------------------------------------------------------------------------------------ date resolution


def _norm(word: str) -> str:
    return word.rstrip(".,").strip()


def _explicit(year: int, month: int, day: int) -> date | None:
    if not 1900 <= year <= 2199:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _with_year(month: int, day: int, year: str | None, ref: date | None) -> date | None:
    """A day of the year; without a year, the one nearest ``ref``, leaning towards the future."""
    if year is not None:
        y = int(year)
        return _explicit(y + 2000 if y < 100 else y, month, day)
    if ref is None:
        return None
    best: date | None = None
    for y in (ref.year - 1, ref.year, ref.year + 1):
        cand = _explicit(y, month, day)
        if cand is None:
            continue
        delta = (cand - ref).days
        if -62 <= delta <= 303:  # recaps look up to ~2 months back; invitations up to ~10 months ahead
            return cand
        if best is None or abs(delta) < abs((best - ref).days):
            best = cand
    return best


def _next_day_of_month(day: int, ref: date) -> date | None:
    for k in range(13):
        y, m = divmod(ref.month - 1 + k, 12)
        cand = _explicit(ref.year + y, m + 1, day)
        if cand is not None and cand >= ref:
            return cand
    return None


def _monday_next_week(ref: date) -> date:
    return ref + timedelta(days=7 - ref.weekday())


def _weekday(name: str, qualifier: str | None, ref: date, inclusive: bool) -> date:
    """Bare weekday: strictly after ``ref`` (on/after when ``inclusive``); "this": on/after;
    "coming": strictly after; "next": that day of next week (weeks start on Monday)."""
    target = _WEEKDAYS[_norm(name)]
    q = " ".join((qualifier or "").split())
    if q == "next":
        return _monday_next_week(ref) + timedelta(days=target)
    delta = (target - ref.weekday()) % 7
    if delta == 0 and not (q == "this" or (not q and inclusive)):
        delta = 7
    return ref + timedelta(days=delta)


def _resolve_date(m: re.Match[str], ref: date | None, *, inclusive: bool = False) -> date | None:
    g = m.group
    if g("iy"):
        return _explicit(int(g("iy")), int(g("im")), int(g("id")))
    if g("na"):
        a, b, year = int(g("na")), int(g("nb")), g("ny")
        if g("ns") == ".":  # dotted dates are European (day first) and need a year: "10.30" is a time
            return _with_year(b, a, year, ref) if year else None
        if year is not None and a > 12 >= b:
            a, b = b, a
        return _with_year(a, b, year, ref)  # month first (US), so "24/7" stays impossible
    if g("amon"):
        return _with_year(_MONTHS[_norm(g("amon"))], int(g("ad")), g("ay"), ref)
    if g("bmon"):
        return _with_year(_MONTHS[_norm(g("bmon"))], int(g("bd")), g("by"), ref)
    if g("jm"):
        return _with_year(int(g("jm")), int(g("jd")), g("jy"), ref) if 1 <= int(g("jm")) <= 12 else None
    if g("jrel") and ref is not None:
        return ref + timedelta(days={"明後日": 2, "明日": 1}.get(g("jrel"), 0))
    if ref is None:
        return None
    if g("rel"):
        rel = g("rel")
        rel = " ".join(rel.split())
        tomorrow = ("tomorrow", "demain", "mañana", "завтра")
        later = 2 if "after" in rel or rel == "послезавтра" else 1 if rel in tomorrow else 0
        return ref + timedelta(days=later)
    if g("ed") or g("fd"):
        return _next_day_of_month(int(g("ed") or g("fd")), ref)
    return _weekday(g("wd"), g("wq"), ref, inclusive)


# ----------------------------------------------------------------------------------------------- spans


@dataclass(frozen=True, slots=True)
class _Found:
    pos: int
    span: TimeSpan
    score: float
    timestamp: bool  # "received on …", "closes …": a time, but not a meeting


def _last_date(low: str, lo: int, hi: int) -> re.Match[str] | None:
    last = None
    for d in _DATE_RE.finditer(low, max(0, lo), hi):
        last = d
    return last


def _adjacent(low: str, a: int, b: int) -> bool:
    return b - a <= 30 and _GAP.fullmatch(low, a, b) is not None


def _duration(low: str, lo: int, hi: int) -> timedelta | None:
    best: tuple[int, timedelta] | None = None
    window = low[max(0, lo - 60) : hi + 100]
    if "min" not in window and "hour" not in window and "hr" not in window:
        return None
    for d in _DURATION.finditer(low, max(0, lo - 60), min(len(low), hi + 100)):
        if lo <= d.start() < hi or "\n\n" in low[min(d.start(), hi) : max(d.start(), lo)]:
            continue
        n, word, unit = d.group("n"), d.group("w") or "", d.group("u")
        amount = float(n) if n else 0.5 if word.startswith("half") else 2.0 if word == "two" else 1.0
        minutes = amount * (1 if unit.startswith("m") else 60) + (30 if d.group("half") else 0)
        distance = abs(d.start() - hi)
        if 5 <= minutes <= 480 and (best is None or distance < best[0]):
            best = (distance, timedelta(minutes=minutes))
    return best[1] if best else None


def _spans(text: str, sent_at: datetime | None) -> list[_Found]:
    low = _lower(text)
    clocks = find_clocks(text, low)[:_MAX_CLOCKS]
    if not clocks:
        return []
    ref = sent_at.date() if sent_at else None
    default_zone = sent_at.tzinfo if sent_at and sent_at.tzinfo else UTC
    layout = _layout(text, low)
    found: list[_Found] = []
    for i, clock in enumerate(clocks):
        if layout.is_excluded(clock.start):
            continue
        score = 0.0
        d = _last_date(low, clock.start - 65, clock.start)
        if d is not None and not _adjacent(low, d.end(), clock.start):
            d = None
        if d is None:
            after = _DATE_RE.search(low, clock.end, min(len(low), clock.end + 40))
            d = after if after and _adjacent(low, clock.end, after.start()) else None
        if d is None:  # the day stated earlier in the same sentence or paragraph: weaker evidence
            d = _last_date(low, clock.start - 100, clock.start)
            prev_end = clocks[i - 1].end if i else 0
            if d is None or d.end() < prev_end or "\n\n" in low[d.end() : clock.start]:
                continue
            score -= 1.5
        day = _resolve_date(d, ref)
        if day is None or layout.is_excluded(d.start()):
            continue
        hm = clock.hm
        if d.group("rel") == "tonight" and hm[0] < 12:
            hm = (hm[0] + 12, hm[1])
        zone = (resolve_timezone(clock.zone) if clock.zone else None) or default_zone
        start = datetime.combine(day, time(*hm), tzinfo=zone)
        end = datetime.combine(day, time(*clock.end_hm), tzinfo=zone) if clock.end_hm else None
        if end is not None and end <= start:
            end += timedelta(days=1)
        lo, hi = min(d.start(), clock.start), max(d.end(), clock.end)
        if end is None:
            dur = _duration(low, lo, hi)
            end = start + dur if dur else None
        good = _CONTEXT_GOOD.search(low, max(0, lo - 150), hi + 60) is not None
        bad = _CONTEXT_BAD.search(low, max(0, lo - 40), hi + 10) is not None
        away = _WRITER_AWAY.search(low, max(0, lo - 60), lo) is not None
        score += 3 * good - 3 * bad
        before = low[max(0, lo - 25) : lo]
        score += (_RESCHEDULED.search(before) is not None) - (_SUPERSEDED.search(before) is not None)
        score += (clock.zone is not None) + (end is not None) + 0.5 * clock.has_ap
        score += 0.5 if low[max(0, lo - 3) : lo] in ("on ", "at ") else 0
        if sent_at is not None and start < sent_at - timedelta(hours=12):
            score -= 2  # a recap of a past slot is less likely the one to remember
        score -= 100 if layout.is_quoted(text, lo) else 0
        evidence = text[lo:hi].strip()[:_EVIDENCE_MAX].rstrip()
        found.append(_Found(lo, TimeSpan(start, end, evidence), score, (bad and not good) or away))
    return found


def _aware(sent_at: datetime | None) -> datetime | None:
    # The contract says aware; a naive one is read as UTC rather than failing comparisons later.
    if sent_at is not None and sent_at.utcoffset() is None:
        return sent_at.replace(tzinfo=UTC)
    return sent_at


def _guarded_spans(text: str, sent_at: datetime | None, limit: int) -> list[_Found]:
    try:
        return _spans(text[: max(0, limit)], _aware(sent_at))
    except (ValueError, OverflowError):  # arithmetic next to date.min/max: nothing to report
        return []


def find_all_times(text: str, sent_at: datetime | None, *, limit: int = 20000) -> list[TimeSpan]:
    """Every distinct date+time span in the first ``limit`` characters, in text order."""
    seen: set[tuple[datetime, datetime | None]] = set()
    out: list[TimeSpan] = []
    for f in _guarded_spans(text, sent_at, limit):
        if (f.span.start, f.span.end) not in seen:
            seen.add((f.span.start, f.span.end))
            out.append(f.span)
    return out


def find_interview_time(text: str, sent_at: datetime | None, *, limit: int = 20000) -> TimeSpan | None:
    """The most likely meeting/interview slot: date+time near interview words, unquoted first."""
    best: _Found | None = None
    for f in _guarded_spans(text, sent_at, limit):
        if not f.timestamp and (best is None or f.score > best.score):
            best = f
    return best.span if best else None


# The writer offers a choice: "which of these works", "one of the following slots", "候補日".
_CHOICE = re.compile(
    r"\b(?:which\s+(?:of\s+(?:these|the\s+following|those)\s+)?(?:one|time|slot|option|date|day)s?\b"
    r"|which\s+(?:works|suits|would\s+work|is\s+best)|one\s+of\s+(?:these|the\s+following|those)"
    r"|following\s+(?:times|slots|options|dates|windows|time\s+slots)|(?:some|a\s+few|several)\s+options"
    r"|alternatives?|(?:choose|pick|select)\s+(?:a|one|the|your)|any\s+of\s+(?:these|the\s+following|those)"
    r"|either\b|welche[rsnm]?\s+der\s+folgenden|folgenden\s+termin|terminvorschl|créneaux|l'un\s+des"
    r"|cuál\s+de|alguna\s+de\s+(?:estas|las\s+siguientes)|opciones|варианты|какой\s+из|какое\s+из)"
    r"|候補日|ご都合のよろしい"
)
_OR_NEXT = re.compile(
    rf"^[\s,;]*(?:or|oder|ou|o)\s+(?:(?:on|am|le|el)\s+)?(?:{_alt(_FULL_WEEKDAYS)}|tomorrow|(?:the\s+)?day\s+after"
    rf"|next\s+week|later|earlier|(?:{_MON})|[0-9]{{1,2}}[/.][0-9]{{1,2}})\b"
)
_WINDOW = re.compile(r"\bbetween\s*$|\b(?:any\s*time|anywhere)\s+(?:between|from)\b|\b(?:through|thru)\s+\w+day\b")


def find_alternatives(text: str, sent_at: datetime | None, *, limit: int = 20000) -> str | None:
    """When the writer proposes several times to choose from ("Tue 10am, Wed 2pm or Thu 4pm — which
    works?", "any time between 9am and 5pm next Tuesday through Thursday"), the phrase that shows it:
    there is no single interview time yet. None when one time is stated."""
    found = [f for f in _guarded_spans(text, sent_at, limit) if not f.timestamp and f.score > -50]
    if not found:
        return None
    low = _lower(text[: max(0, limit)])
    top = max(f.score for f in found)
    contenders = [f for f in found if f.score >= top - 2]
    starts = {f.span.start for f in contenders}
    choice = _CHOICE.search(low)
    if len(starts) >= 2 and choice:
        return f"{choice.group(0)}: {' / '.join(f.span.evidence[:40] for f in contenders[:3])}"
    if len(starts) >= 2:
        ordered = sorted(contenders, key=lambda f: f.pos)
        for a, b in itertools.pairwise(ordered):
            between = low[a.pos + len(a.span.evidence) : b.pos]
            if len(between) <= 40 and re.search(r"(?:^|[\s,])(?:or|oder|ou|o)\s", between):
                return f"{a.span.evidence[:40]} or {b.span.evidence[:40]}"
    best = max(found, key=lambda f: f.score)
    end = best.pos + len(best.span.evidence)
    after = low[end : end + 60]
    nxt = _OR_NEXT.match(re.sub(r"^\s*(?:[a-z]{2,5}\s+time|\([^)]{0,30}\))", "", after))
    if nxt:
        return f"{best.span.evidence[:60]} {nxt.group(0).strip()}"
    if _WINDOW.search(low, max(0, best.pos - 40), end + 25):
        return f"a window, not a time: {best.span.evidence[:60]}"
    return None


# -------------------------------------------------------------------------------------------- reply-by

_NUM_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14, "fifteen": 15,
    "twenty": 20, "thirty": 30, "few": 3, "a few": 3, "couple": 2, "a couple": 2, "several": 5,
}  # fmt: skip
_NUM = r"[0-9]{1,3}|" + _alt([w.replace(" ", r"\s+") for w in _NUM_WORDS])
_WILL = r"(?:['’]ll|\s+will|\s+should|\s+plan\s+to|\s+hope\s+to|\s+aim\s+to|\s+expect\s+to|\s+intend\s+to)"

_REPLY_TRIGGER = Phrases.any_of(  # the employer getting back, deciding or updating (lower-cased text)
    r"\bget(?:ting)?\s+back\s+to\s+you",
    r"\b(?:be|being|get|getting)\s+in\s+touch",
    r"\bcome\s+back\s+to\s+you",
    r"\breach(?:ing)?\s+(?:back\s+)?out\s+to\s+you",
    r"\b(?:contact|update|notify|inform|advise)\s+you",
    r"\blet\s+you\s+know",
    r"\bcircle\s+back",
    r"\bfollow(?:ing)?\s+up\s+with\s+you",
    r"\bhear\s+(?:back\s+)?from\s+(?:us|me|the\s+team|our\s+team|someone|the\s+recruiter|them)\b",
    r"\b(?:have|share|send(?:\s+you)?|provide(?:\s+you\s+with)?|give\s+you)\s+(?:an?\s+|our\s+)?"
    r"(?:update|decision|answer|feedback|response|next\s+steps|news)",
    r"\b(?:make|making|reach|reaching)\s+(?:a|our|the)\s+(?:final\s+)?decisions?",
    r"\b(?:decision|update|feedback|response|outcome|result|answer)s?\s+(?:is\s+|are\s+|will\s+be\s+|should\s+be\s+)?"
    r"(?:expected|anticipated|communicated|shared|made|sent|available|ready|due)",
    # One alternative per leading word and per verb: each starts with its word (found by a quick scan) and
    # needs its own (a text is searched only for those whose words it holds).
    *(
        rf"\b{intent}\s+to\s+(?:hear|have|make|share|decide|respond|finali[sz]e|contact|reach\s+out|notify|inform"
        r"|update|get\s+back)"
        for intent in ("expect", "anticipate", "plan", "aim")
    ),
    *(
        rf"\b(?:we|i){_WILL}\s+(?:be\s+)?{verb}"
        for verb in (
            r"reach(?:ing)?\s+out",
            r"follow(?:ing)?\s+up",
            r"respond(?:ing)?",
            r"reply(?:ing)?",
            r"decid(?:e|ing)",
            r"mak(?:e|ing)\s+(?:a|our)\s+decision",
            r"finali[sz](?:e|ing)",
        )
    ),
)
_DEADLINE = re.compile(
    rf"\b(?:(?:within|in|over)\s+(?:the\s+)?(?:next\s+)?(?:(?:{_NUM})\s*(?:-|–|to|or)\s*)?(?P<n>{_NUM})\s+(?:of\s+)?"
    r"(?:(?P<biz>business|working)\s+)?(?P<unit>days?|weeks?|months?|hours?)\b"
    r"|(?:by\s+|before\s+)?(?:the\s+)?(?:end|close)\s+of\s+(?:the\s+|this\s+)?(?P<eonext>next\s+)?"
    r"(?P<eounit>week|month|day|business\s+day)\b"
    r"|(?P<part>early|beginning\s+of|start\s+of|mid|middle\s+of|later|end\s+of)[\s-]+(?P<pwhen>next|this)\s+week\b"
    r"|(?P<plain>next|this)\s+(?P<punit>week|month)\b|(?P<eod>eod|cob)\b"
    rf"|(?P<mpart>early|mid|middle\s+of|late|end\s+of)[\s-]+(?P<mmon>{_MON})"
    r"|(?P<prep>by|before|on|until|no\s+later\s+than)\s+)"
)
_CANDIDATE_VERBS = re.compile(  # deadlines set for the candidate, not by the employer for themselves
    r"\b(?:please|kindly|you\s+(?:must|need)|submit|complete|reply|respond|return|send\s+(?:us|me)"
    r"|let\s+(?:us|me)\s+know|confirm)\b"
)
_SENTENCE_END = re.compile(r"[!?;]|\.\s+[A-Z]|\n\s*\n|\.\s*$")  # original text: needs the capital


def _add_business_days(day: date, n: int) -> date:
    while n > 0:
        day += timedelta(days=1)
        n -= day.weekday() < 5
    return day


def _add_months(day: date, n: int) -> date:
    y, m = divmod(day.month - 1 + n, 12)
    return date(day.year + y, m + 1, min(day.day, calendar.monthrange(day.year + y, m + 1)[1]))


def _month_end(ref: date, months_ahead: int) -> date:
    first = _add_months(ref.replace(day=1), months_ahead)
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def _deadline_date(low: str, d: re.Match[str], ref: date | None) -> tuple[date, int] | None:
    """The date a deadline phrase names, and where the phrase ends."""
    g = d.group
    if g("prep"):
        when = _DATE_RE.match(low, d.end())
        day = _resolve_date(when, ref, inclusive=True) if when else None
        return (day, when.end()) if day and when else None
    if ref is None:
        return None
    this_friday = ref + timedelta(days=(4 - ref.weekday()) % 7)
    next_monday = _monday_next_week(ref)
    if g("n"):
        raw = " ".join(g("n").split())
        n, unit = (int(raw) if raw.isdigit() else _NUM_WORDS.get(raw, 0)), g("unit")
        if not 0 < n <= 400:
            return None
        if unit.startswith("hour"):
            return ref + timedelta(days=-(-n // 24)), d.end()
        if unit.startswith("month"):
            return _add_months(ref, n), d.end()
        if unit.startswith("day") and g("biz"):
            return _add_business_days(ref, n), d.end()
        return ref + timedelta(days=n * (7 if unit.startswith("week") else 1)), d.end()
    if g("eounit"):
        if g("eounit").endswith("day"):
            return ref, d.end()
        if g("eounit") == "week":
            return (next_monday + timedelta(days=4) if g("eonext") else this_friday), d.end()
        return _month_end(ref, 1 if g("eonext") else 0), d.end()
    if g("part"):
        if g("pwhen") == "this":
            return this_friday, d.end()
        part = g("part")
        offset = 0 if part.startswith(("beginning", "start")) else 1 if part == "early" else 4
        return next_monday + timedelta(days=2 if part.startswith("mid") else offset), d.end()
    if g("mmon"):  # "by mid-March": early → 10th, mid → 15th, late/end → the month's last day
        first = _with_year(_MONTHS[_norm(g("mmon"))], 1, None, ref)
        part = g("mpart")
        if first is None:
            return None
        return (
            first.replace(day=10 if part == "early" else 15)
            if part in ("early", "mid", "middle of")
            else _month_end(first, 0)
        ), d.end()
    if g("plain"):
        nxt = g("plain") == "next"
        if g("punit") == "week":
            return (next_monday + timedelta(days=4) if nxt else this_friday), d.end()
        return _month_end(ref, 1 if nxt else 0), d.end()
    return ref, d.end()  # EOD / COB


def _fact(day: date, text: str, lo: int, hi: int) -> DateFact:
    return DateFact(day, text[lo:hi].strip()[:_EVIDENCE_MAX].rstrip())


def _reply_for(text: str, low: str, trig: re.Match[str], ref: date | None) -> DateFact | None:
    stop = _SENTENCE_END.search(text, trig.end(), min(len(text), trig.end() + 120))
    hi = stop.start() + 1 if stop else min(len(text), trig.end() + 120)
    for d in _DEADLINE.finditer(low, trig.end(), hi):
        if _CANDIDATE_VERBS.search(low, trig.end(), d.start()):
            break
        got = _deadline_date(low, d, ref)
        if got:
            return _fact(got[0], text, trig.start(), got[1])
    bare = _DATE_RE.match(low, trig.end() + 1) if low[trig.end() : trig.end() + 1] == " " else None
    if bare and (bare.group("rel") or bare.group("wd")):  # "we'll let you know tomorrow"
        day = _resolve_date(bare, ref, inclusive=True)
        if day:
            return _fact(day, text, trig.start(), bare.end())
    # A deadline earlier in the same clause: "Within two weeks, a member of our team will reach out to you."
    clause = max(low.rfind(c, 0, trig.start()) for c in ".!?;\n") + 1
    if _CANDIDATE_VERBS.search(low, clause, trig.start()):
        return None
    for d in _DEADLINE.finditer(low, clause, trig.start()):
        got = _deadline_date(low, d, ref)
        if got and trig.start() - got[1] <= 40:
            return _fact(got[0], text, d.start(), trig.end())
    return None


def _first_unquoted(text: str, facts: list[tuple[int, DateFact]]) -> DateFact | None:
    if not facts:
        return None
    layout = _layout(text, _lower(text))
    for pos, fact in facts:
        if not layout.is_quoted(text, pos) and not layout.is_excluded(pos):
            return fact
    return facts[0][1]


def find_reply_by(text: str, sent_at: datetime | None, *, limit: int = 20000) -> DateFact | None:
    """The employer's own deadline for getting back to the candidate (not deadlines set for the candidate)."""
    text = text[: max(0, limit)]
    low = _lower(text)
    ref = sent_at.date() if sent_at else None
    try:
        facts = [(t.start(), f) for t in _REPLY_TRIGGER.finditer(low) if (f := _reply_for(text, low, t, ref))]
        if not facts and ref is not None:
            facts = _reply_within_elsewhere(text, low, ref)
        return _first_unquoted(text, facts)
    except (ValueError, OverflowError):
        return None


# "We will get back to you within three weeks" in the other languages the classifier reads: the span,
# with the employer's promise to answer in the same sentence. (A phrase table: English mail, which holds none of
# its literals, is not searched at all.)
_WITHIN_ELSEWHERE = Phrases(
    r"(?:dans\s+un\s+délai\s+(?:de|d')\s*|sous\s+|d'ici\s+)(?P<fn>\d+|une?|deux|trois|quatre|cinq|six|huit|dix|quinze)\s+"
    r"(?P<fu>jours?|semaines?|mois)"
    r"|(?:en\s+un\s+plazo\s+(?:máximo\s+)?de|en\s+los\s+próximos|dentro\s+de)\s+(?P<sn>\d+|una?|dos|tres|cuatro|cinco|"
    r"diez|quince)\s+(?P<su>días|semanas?|mes(?:es)?)"
    r"|innerhalb\s+(?:von\s+)?(?P<gn>\d+|einer|eines|zwei|drei|vier|fünf|zehn|vierzehn)\s+(?P<gu>tag(?:e|en)?|woche[n]?|"
    r"monat(?:s|en)?)"
    r"|в\s+течение\s+(?:(?P<rn>\d+|одной|одного|двух|трёх|трех|пяти|десяти)\s+)?(?P<ru>дн(?:я|ей)|недел[иьюя]|месяц(?:а|ев)?)"
    r"|(?P<jn>\d+)\s*(?P<ju>週間|日|か月|ヶ月)以内"
)
_PROMISE_ELSEWHERE = re.compile(
    r"revien|recontact|répondr|contacter|donnerons|contactaremos|responderemos|comunicaremos|escribiremos|"
    r"pondremos|melden uns|uns\s.{0,30}melden|rückmeldung|wir\s.{0,30}antworten|kontaktieren wir|свяж|ответим|"
    r"сообщим|напишем|ご連絡いたします|ご連絡します|ご報告|お知らせいたします"
)
# Asked of the candidate ("please answer within two weeks"): not the employer's timeline.
_REQUEST_ELSEWHERE = re.compile(r"bitte|veuillez|merci de|por favor|пожалуйста|ください|please")
_NUMBER_WORDS_ELSEWHERE = {
    "un": 1, "une": 1, "una": 1, "einer": 1, "eines": 1, "одной": 1, "одного": 1, "deux": 2, "dos": 2, "zwei": 2,
    "двух": 2, "trois": 3, "tres": 3, "drei": 3, "трёх": 3, "трех": 3, "quatre": 4, "cuatro": 4, "vier": 4,
    "cinq": 5, "cinco": 5, "fünf": 5, "пяти": 5, "six": 6, "huit": 8, "dix": 10, "diez": 10, "zehn": 10,
    "десяти": 10, "quinze": 15, "quince": 15, "vierzehn": 14,
}  # fmt: skip


def _reply_within_elsewhere(text: str, low: str, ref: date) -> list[tuple[int, DateFact]]:
    facts: list[tuple[int, DateFact]] = []
    for hit in _WITHIN_ELSEWHERE.finditer(low):
        lo = max(low.rfind(".", 0, hit.start()), low.rfind("。", 0, hit.start()), low.rfind("\n", 0, hit.start()))
        ends = [i for i in (low.find(".", hit.end()), low.find("。", hit.end()), low.find("\n", hit.end())) if i >= 0]
        hi = min(ends, default=len(low))
        if not _PROMISE_ELSEWHERE.search(low, lo + 1, hi) or _REQUEST_ELSEWHERE.search(low, lo + 1, hi):
            continue
        groups = {k: v for k, v in hit.groupdict().items() if v}
        word = next(v for k, v in groups.items() if k.endswith("n")) if any(k.endswith("n") for k in groups) else "1"
        unit = next(v for k, v in groups.items() if k.endswith("u"))
        n = int(word) if word.isdigit() else _NUMBER_WORDS_ELSEWHERE.get(word, 1)
        if unit[0] in "sw" or unit.startswith(("недел", "週")):
            days = 7 * n
        elif unit[0] in "m" or unit.startswith(("месяц", "か月", "ヶ月")):
            days = 30 * n
        else:
            days = n
        if 0 < days <= 120:
            facts.append((hit.start(), _fact(ref + timedelta(days=days), text, hit.start(), hit.end())))
    return facts


# ----------------------------------------------------------------------------------------- return date

_AWAY = re.compile(
    r"\bout\b|\booo\b|\baway\b|\bleave\b|vacation|holiday|\bpto\b|\boff\b|travel|"
    r"unavailable|abwesend|urlaub|nicht\s+im\s+büro|absent|congé|conference|limited\s+access|offline|not\s+in\s+the\s+office|"
    r"отпуск|в\s+отъезде|нет\s+в\s+офисе|fuera\s+de\s+la\s+oficina|vacaciones|ausente|不在|休暇"
)
_RET_ANCHOR = re.compile(
    r"\b(?:(?P<back>(?:back|return(?:s|ing)?|zurück|de\s+retour|regres[oa](?:\s+el)?|vuelvo(?:\s+el)?|ab(?:\s+dem)?(?=\s+\d))"
    r"(?:\s+(?:in|to|at)\s+(?:the\s+|my\s+)?(?:office|work|desk))?(?:\s+(?:on|from|by|am|le|the\s+morning\s+of))?)"
    r"|(?P<thru>through|thru|(?:up\s+)?(?:to|until)\s+and\s+including|bis\s+einschlie(?:ß|ss)lich)"
    r"|(?P<until>until|till|til|bis(?:\s+(?:zum|zur|am))?|jusqu'(?:au|à)(?:\s+la)?|hasta(?:\s+el)?|до)"
    r"|(?P<to>to))\s*,?\s*|(?P<dash>(?<=\S)\s?[-–—]\s?)(?=\S)"
)


_RESUME_JA = re.compile(r"\s*(?:\([^)]{1,3}\))?\s*(?:より|から)[^。\n]{0,15}(?:再開|出社|復帰|戻)")


def find_return_date(text: str, sent_at: datetime | None, *, limit: int = 20000) -> DateFact | None:
    """Out-of-office replies: the day the person is back. "until X" and "back on X" give X; "through X"
    and "from W to X" give the first weekday after X."""
    text = text[: max(0, limit)]
    low = _lower(text)
    ref = sent_at.date() if sent_at else None
    facts: list[tuple[int, DateFact]] = []
    try:
        for a in _RET_ANCHOR.finditer(low):
            d = _DATE_RE.match(low, a.end())
            day = _resolve_date(d, ref) if d else None
            if d is None or day is None:
                continue
            lo = a.start()
            if not a.group("back") and not _AWAY.search(low, max(0, a.start() - 200), d.end() + 80):
                continue
            if a.group("to") or a.group("dash"):  # only a range "from W to X" makes "to" mean "through"
                w = _last_date(low, a.start() - 40, a.start())
                if w is None or low[w.end() : a.start()].strip():
                    continue
                lo = w.start()
            after = low[d.end() : d.end() + 16]
            inclusive = any(w in after for w in ("inclusive", "inclus", "включительно", "incluido")) or any(
                w in low[lo : a.end()] for w in ("einschließlich", "einschliesslich")
            )
            if not (a.group("back") or a.group("until")) or (a.group("until") and inclusive):
                day = _add_business_days(day, 1)
            facts.append((lo, _fact(day, text, lo, d.end())))
        for d in _DATE_RE.finditer(low):  # Japanese: 「8月17日(月)より通常業務を再開」, the date first
            if _RESUME_JA.match(low, d.end()) and (day := _resolve_date(d, ref)) is not None:
                facts.append((d.start(), _fact(day, text, d.start(), d.end())))
        return _first_unquoted(text, facts)
    except (ValueError, OverflowError):
        return None


# ------------------------------------------------------------------------------------------ day only

_MEETING_WORDS = re.compile(
    r"\b(?:interview\w*|meet|meetings?|visit|trip|itinerary|schedule[ds]?|onsite|on-site|call|available)\b"
)


def find_interview_day(text: str, sent_at: datetime | None, *, limit: int = 4000) -> DateFact | None:
    """A day stated without a clock time next to meeting words ("scheduling the meetings for January 3",
    "Itinerary - 1/3"): the interview's day when no time is given. The nearest date to such a word wins."""
    low = _lower(text[: max(0, limit)])
    sent = _aware(sent_at)
    ref = sent.date() if sent else None
    best: tuple[int, DateFact] | None = None
    try:
        words = [w.start() for w in _MEETING_WORDS.finditer(low)]
        if not words:
            return None
        for m in _DATE_RE.finditer(low):
            if m.group("rel") == "today" or (m.group("wd") and not m.group("wq")):
                continue  # "today" and a bare weekday are too loose without a time
            day = _resolve_date(m, ref)
            if day is None or (ref is not None and day < ref):
                continue
            distance = min(abs(m.start() - w) for w in words)
            if distance <= 80 and (best is None or distance < best[0]):
                best = (distance, _fact(day, text, m.start(), m.end()))
    except (ValueError, OverflowError):
        return None
    return best[1] if best else None

"""Table-driven tests for inboxwatch.core.detect.dates: interview times, reply-by deadlines, return dates, zones."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inboxwatch.core.detect.dates import (
    DateFact,
    TimeSpan,
    find_all_times,
    find_interview_time,
    find_reply_by,
    find_return_date,
    resolve_timezone,
)

EST5 = timezone(timedelta(hours=-5))
WED = datetime(2026, 3, 4, 9, 0, tzinfo=EST5)  # Wednesday; US DST starts Sunday 2026-03-08
FRI = datetime(2026, 3, 6, 9, 0, tzinfo=EST5)
MON = datetime(2026, 3, 9, 9, 0, tzinfo=EST5)
DEC20 = datetime(2025, 12, 20, 12, 0, tzinfo=EST5)  # Saturday
JAN31 = datetime(2026, 1, 31, 18, 0, tzinfo=EST5)
NY, LA, BERLIN = ZoneInfo("America/New_York"), ZoneInfo("America/Los_Angeles"), ZoneInfo("Europe/Berlin")


def off(hours: float) -> timezone:
    return timezone(timedelta(minutes=round(hours * 60)))


# text, sent_at, expected start as (Y, M, D, h, m), expected UTC offset in hours, expected end (h, m) or None
INTERVIEW_CASES: list[tuple[str, datetime | None, tuple[int, ...], float, tuple[int, int] | None]] = [
    ("Tuesday, March 10 at 2:00 PM EST", WED, (2026, 3, 10, 14, 0), -5, None),
    ("Tue, Mar 10, 2026 2pm - 3pm (PST)", WED, (2026, 3, 10, 14, 0), -8, (15, 0)),
    ("March 11th, 2026 at 14:00", WED, (2026, 3, 11, 14, 0), -5, None),
    ("11 March 2026, 10:00 CET", WED, (2026, 3, 11, 10, 0), 1, None),
    ("2026-04-07 10:30 CET", WED, (2026, 4, 7, 10, 30), 1, None),
    ("04/07/2026 at 10:30am", WED, (2026, 4, 7, 10, 30), -5, None),
    ("Thursday 3/19 @ 10:00am PT", WED, (2026, 3, 19, 10, 0), -7, None),
    ("Can we do it on the 19th at 3pm?", WED, (2026, 3, 19, 15, 0), -5, None),
    ("How about tomorrow at 4pm?", WED, (2026, 3, 5, 16, 0), -5, None),
    ("Are you free today at 11:30 for a quick call?", WED, (2026, 3, 4, 11, 30), -5, None),
    ("Let's meet next Monday at 9am.", WED, (2026, 3, 9, 9, 0), -5, None),
    ("next Friday at 9am", WED, (2026, 3, 13, 9, 0), -5, None),
    ("this Friday, 2 pm works", WED, (2026, 3, 6, 14, 0), -5, None),
    ("Monday at 10 then", WED, (2026, 3, 9, 10, 0), -5, None),
    ("Monday at 10 then", MON, (2026, 3, 16, 10, 0), -5, None),  # said on a Monday: the next one
    ("Monday, March 16 at 11am – 12pm (GMT+3)", WED, (2026, 3, 16, 11, 0), 3, (12, 0)),
    ("March 12, 10:00-10:45 am", WED, (2026, 3, 12, 10, 0), -5, (10, 45)),
    ("March 12 2:00 PM to 3:00 PM ET", WED, (2026, 3, 12, 14, 0), -4, (15, 0)),
    ("The interview is on March 12 at 3pm for 45 minutes.", WED, (2026, 3, 12, 15, 0), -5, (15, 45)),
    ("Phone screen March 12 at 3pm (30 min)", WED, (2026, 3, 12, 15, 0), -5, (15, 30)),
    ("a 30-minute call on Thursday, March 12 at 9:30am", WED, (2026, 3, 12, 9, 30), -5, (10, 0)),
    ("March 12, 2-3pm", WED, (2026, 3, 12, 14, 0), -5, (15, 0)),
    ("March 12, 11-1pm", WED, (2026, 3, 12, 11, 0), -5, (13, 0)),
    ("March 12 at 14h30", WED, (2026, 3, 12, 14, 30), -5, None),
    ("March 12 at 10.30am", WED, (2026, 3, 12, 10, 30), -5, None),
    ("March 12 at noon", WED, (2026, 3, 12, 12, 0), -5, None),
    ("March 12 at midday", WED, (2026, 3, 12, 12, 0), -5, None),
    ("March 12 at 2 p.m.", WED, (2026, 3, 12, 14, 0), -5, None),
    ("at 3pm on Tuesday, March 10", WED, (2026, 3, 10, 15, 0), -5, None),
    ("10am tomorrow", WED, (2026, 3, 5, 10, 0), -5, None),
    ("March 12 at 10:00 Europe/Berlin", WED, (2026, 3, 12, 10, 0), 1, None),
    ("April 2 at 10:00 Europe/Berlin", WED, (2026, 4, 2, 10, 0), 2, None),
    ("March 5 at 10:00 America/New_York", WED, (2026, 3, 5, 10, 0), -5, None),
    ("March 12 at 10:00 Eastern Time", WED, (2026, 3, 12, 10, 0), -4, None),
    ("March 12, 2pm Pacific Time", WED, (2026, 3, 12, 14, 0), -7, None),
    ("June 3, 10:00 Central European Time", WED, (2026, 6, 3, 10, 0), 2, None),
    ("March 12 at 10:00 UTC-05:00", WED, (2026, 3, 12, 10, 0), -5, None),
    ("March 12 at 10:00 +0530", WED, (2026, 3, 12, 10, 0), 5.5, None),
    ("March 12 at 3pm IST", WED, (2026, 3, 12, 15, 0), 5.5, None),
    ("March 12 at 9am AEDT", WED, (2026, 3, 12, 9, 0), 11, None),
    (
        "When: Tuesday, March 10, 2026 2:00 PM-3:00 PM. (UTC-05:00) Eastern Time (US & Canada).",
        WED,
        (2026, 3, 10, 14, 0),
        -4,  # the name wins over Outlook's standard-time label
        (15, 0),
    ),
    ("Date: Thursday, March 12, 2026\nTime: 3:00 PM - 3:45 PM EST", WED, (2026, 3, 12, 15, 0), -5, (15, 45)),
    # DST correctness: generic ET follows the date, EST is fixed as written.
    ("Wednesday, July 8 at 2pm ET", WED, (2026, 7, 8, 14, 0), -4, None),
    ("Thursday, January 8 at 2pm ET", DEC20, (2026, 1, 8, 14, 0), -5, None),
    ("Wednesday, July 8 at 2pm EST", WED, (2026, 7, 8, 14, 0), -5, None),
    # Year inference across New Year, and month end.
    ("Monday, January 5 at 10am", DEC20, (2026, 1, 5, 10, 0), -5, None),
    ("tomorrow at 9am", JAN31, (2026, 2, 1, 9, 0), -5, None),
    ("Thanks for the call on February 20 at 3pm.", WED, (2026, 2, 20, 15, 0), -5, None),  # recap, past
    ("tonight at 7", WED, (2026, 3, 4, 19, 0), -5, None),
    ("March 12, 11pm - 1am", WED, (2026, 3, 12, 23, 0), -5, (1, 0)),
    # Bonus: German and French.
    ("Das Gespräch findet am 11. März um 14:00 Uhr statt.", WED, (2026, 3, 11, 14, 0), -5, None),
    ("L'entretien aura lieu le 11 mars à 14h.", WED, (2026, 3, 11, 14, 0), -5, None),
    # ISO 8601 with an offset or Z; slash dates are month first (US) when ambiguous.
    ("See you on 2026-03-12T15:00:00+01:00", WED, (2026, 3, 12, 15, 0), 1, None),
    ("Interview at 2026-03-12T15:00:00Z", WED, (2026, 3, 12, 15, 0), 0, None),
    ("Interview: 03/12/2026 14:30 CET", WED, (2026, 3, 12, 14, 30), 1, None),
    ("Interview: 13/03/2026 14:30 CET", WED, (2026, 3, 13, 14, 30), 1, None),  # 13 can only be a day
    # No sent_at: only dates with a year; no zone means UTC.
    ("Interview: March 12, 2026 at 3pm", None, (2026, 3, 12, 15, 0), 0, None),
]


@pytest.mark.parametrize(("text", "sent", "start", "offset", "end"), INTERVIEW_CASES)
def test_find_interview_time(
    text: str, sent: datetime | None, start: tuple[int, ...], offset: float, end: tuple[int, int] | None
) -> None:
    span = find_interview_time(text, sent)
    assert span is not None, text
    assert span.start.replace(tzinfo=None) == datetime(*start)  # type: ignore[arg-type]
    assert span.start.utcoffset() == timedelta(minutes=round(offset * 60))
    if end is None:
        assert span.end is None
    else:
        assert span.end is not None
        assert (span.end.hour, span.end.minute) == end
        assert span.end > span.start
    assert span.evidence and len(span.evidence) <= 120
    assert span.evidence in text


def test_generic_zone_is_the_iana_zone() -> None:
    span = find_interview_time("Thursday 3/19 @ 10:00am PT", WED)
    assert span is not None and span.start.tzinfo == LA
    span = find_interview_time("June 3, 10:00 Central European Time", WED)
    assert span is not None and span.start.tzinfo == BERLIN


def test_no_time_zone_uses_sent_at_zone() -> None:
    sent = datetime(2026, 3, 4, 9, 0, tzinfo=NY)
    span = find_interview_time("Friday, March 13 at 2pm", sent)
    assert span is not None and span.start.tzinfo is NY and span.start.utcoffset() == timedelta(hours=-4)


NOT_TIMES = [
    "Lunch costs $14.00 on March 12.",
    "Upgrade to v2.10 on March 12.",
    "Call me on March 12: 555-123-4567.",
    "We offer 24/7 support.",
    "Not a 9-5 job, starting March 12.",
    "Founded in 2026.",
    "123 Market Street, San Francisco, CA 94105",
    "Weekly 1:1 on Tuesday",
    "Invalid: February 31 at 10am",
    "Invalid: March 12 at 25:99",
    "Join us at 10 people strong on Monday",
    "at 3pm",  # a time without a day is not a result
    "Thursday",  # a day without a time neither
    "Office hours: Monday-Friday 9:00am - 5:00pm",
    "We are open Monday - Friday, 9am to 5pm.",
    "",
]


@pytest.mark.parametrize("text", NOT_TIMES)
def test_not_times(text: str) -> None:
    assert find_interview_time(text, WED) is None
    assert find_all_times(text, WED) == []


def test_relative_needs_sent_at() -> None:
    assert find_interview_time("tomorrow at 3pm", None) is None
    assert find_interview_time("Monday, March 16 at 3pm", None) is None


def test_quoted_reply_loses_to_unquoted() -> None:
    text = (
        "Confirmed: see you Thursday, March 12 at 11am.\n\n"
        "On Wed, Mar 4, 2026 at 9:00 AM Jane Doe <jane@example.com> wrote:\n"
        "> Could you do Tuesday, March 10 at 2pm for the interview?\n"
    )
    span = find_interview_time(text, WED)
    assert span is not None and span.start == datetime(2026, 3, 12, 11, 0, tzinfo=EST5)
    assert [s.start.day for s in find_all_times(text, WED)] == [12, 10]  # attribution line is not a time


def test_quoted_only_candidate_is_used() -> None:
    text = (
        "Sounds good, thanks!\n\n"
        "On Wed, Mar 4, 2026 at 9:00 AM Jane Doe <jane@example.com> wrote:\n"
        "> Your interview is scheduled for Tuesday, March 10 at 2pm.\n"
    )
    span = find_interview_time(text, WED)
    assert span is not None and span.start == datetime(2026, 3, 10, 14, 0, tzinfo=EST5)


def test_outlook_header_block_is_ignored() -> None:
    text = (
        "Works for me.\n\n-----Original Message-----\nFrom: Jane <jane@example.com>\n"
        "Sent: Wednesday, March 4, 2026 9:14 AM\nTo: Alex\nSubject: Interview\n\nHello"
    )
    assert find_interview_time(text, WED) is None


def test_interview_words_win_over_other_times() -> None:
    text = (
        "Your application was submitted on March 1 at 10:14am.\n"
        "Your interview is confirmed for Thursday, March 12 at 3pm."
    )
    span = find_interview_time(text, WED)
    assert span is not None and span.start.day == 12


def test_day_from_earlier_in_sentence() -> None:
    text = "We'd like to invite you to interview on Thursday, March 19. Please join the call at 10am."
    span = find_interview_time(text, WED)
    assert span is not None and span.start == datetime(2026, 3, 19, 10, 0, tzinfo=EST5)


def test_timestamps_are_not_interviews() -> None:
    for text in (
        "We received your application on March 2, 2026 at 4:15 PM.",
        "The position closes March 31 at 11:59pm PST. Apply now!",
    ):
        assert find_interview_time(text, WED) is None
        assert len(find_all_times(text, WED)) == 1  # still reported as a time


def test_rescheduled_time_wins() -> None:
    span = find_interview_time("Meeting moved: was Tuesday 3/10 at 2pm, now Wednesday 3/11 at 3pm.", WED)
    assert span is not None and span.start == datetime(2026, 3, 11, 15, 0, tzinfo=EST5)


def test_naive_sent_at_is_read_as_utc() -> None:
    span = find_interview_time("tomorrow at 3pm", datetime(2026, 3, 4, 9, 0))
    assert span is not None and span.start == datetime(2026, 3, 5, 15, 0, tzinfo=UTC)


def test_find_all_times_order_and_distinct() -> None:
    text = (
        "Option A: Monday, March 9 at 10am\nOption B: Tuesday, March 10 at 2pm\n"
        "Again, option A: Monday, March 9 at 10am"
    )
    spans = find_all_times(text, WED)
    assert [(s.start.day, s.start.hour) for s in spans] == [(9, 10), (10, 14)]
    assert all(isinstance(s, TimeSpan) for s in spans)


def test_limit_bounds_the_text() -> None:
    text = "x" * 500 + " Interview on March 12 at 3pm"
    assert find_interview_time(text, WED, limit=400) is None
    assert find_interview_time(text, WED) is not None
    assert find_interview_time(text, WED, limit=0) is None


# text, sent_at, expected date (None: must not find a reply-by date)
REPLY_CASES: list[tuple[str, datetime | None, date | None]] = [
    ("We'll get back to you within two weeks.", WED, date(2026, 3, 18)),
    ("We will get back to you within 5 business days.", WED, date(2026, 3, 11)),
    ("We will get back to you within 5 business days.", FRI, date(2026, 3, 13)),
    ("You'll hear back from us within a week.", WED, date(2026, 3, 11)),
    ("We'll be in touch in the next few days.", WED, date(2026, 3, 7)),
    ("We will get back to you by Friday.", WED, date(2026, 3, 6)),
    ("We will get back to you by Friday.", FRI, date(2026, 3, 6)),
    ("We'll let you know by end of next week.", WED, date(2026, 3, 13)),
    ("We hope to get back to you by the end of the week.", WED, date(2026, 3, 6)),
    ("We should have an update for you early next week.", WED, date(2026, 3, 10)),
    ("We expect to reach a decision by March 20.", WED, date(2026, 3, 20)),
    ("Decision expected by April 3.", WED, date(2026, 4, 3)),
    ("You’ll hear from us by Monday.", WED, date(2026, 3, 9)),
    ("We should have an update for you next week.", WED, date(2026, 3, 13)),
    ("We will make a final decision by the end of the month.", WED, date(2026, 3, 31)),
    ("We will get back to you within 48 hours.", WED, date(2026, 3, 6)),
    ("Within the next two weeks, a member of our team will reach out to you.", WED, date(2026, 3, 18)),
    ("We aim to respond to all applicants within 10 business days.", WED, date(2026, 3, 18)),
    ("We'll let you know tomorrow.", WED, date(2026, 3, 5)),
    ("The team will be in touch by 3/20.", WED, date(2026, 3, 20)),
    ("We will get back to you by March 20, 2026.", None, date(2026, 3, 20)),
    ("We expect to make a decision by mid-March.", WED, date(2026, 3, 15)),
    ("You should hear back from us in 1-2 weeks.", WED, date(2026, 3, 18)),
    ("The hiring manager will get back to you by EOD.", WED, date(2026, 3, 4)),
    ("We'll be in touch by the end of next month.", WED, date(2026, 4, 30)),
    # Deadlines set for the candidate, or no deadline at all.
    ("Please reply by Friday.", WED, None),
    ("Please submit by March 20.", WED, None),
    ("Please complete the assessment within 7 days.", WED, None),
    ("Please let us know your availability by Friday.", WED, None),
    ("Once you complete the assessment within 7 days, we will get back to you.", WED, None),
    ("We'll get back to you as soon as possible.", WED, None),
    ("We'll get back to you within two weeks.", None, None),  # relative without sent_at
]


@pytest.mark.parametrize(("text", "sent", "expected"), REPLY_CASES)
def test_find_reply_by(text: str, sent: datetime | None, expected: date | None) -> None:
    fact = find_reply_by(text, sent)
    if expected is None:
        assert fact is None, fact
    else:
        assert fact is not None, text
        assert fact.day == expected
        assert fact.evidence and fact.evidence in text and len(fact.evidence) <= 120


def test_reply_by_ignores_candidate_deadline_in_same_message() -> None:
    text = "Please complete the assessment by Friday. We will get back to you within two weeks after that."
    assert find_reply_by(text, WED) == DateFact(date(2026, 3, 18), "get back to you within two weeks")


RETURN_CASES: list[tuple[str, datetime | None, date | None]] = [
    ("I am out of the office until Monday, March 16 with limited access to email.", WED, date(2026, 3, 16)),
    ("Thanks for your message. I'm back on 3/16.", WED, date(2026, 3, 16)),
    ("I am on leave, returning on April 2nd.", WED, date(2026, 4, 2)),
    ("I will return on 16.03.2026.", WED, date(2026, 3, 16)),
    ("I am away until the 20th.", WED, date(2026, 3, 20)),
    ("I'll be back next Tuesday.", WED, date(2026, 3, 10)),
    ("I'm back in the office on Monday.", WED, date(2026, 3, 9)),
    ("Out of office through Friday, March 13.", WED, date(2026, 3, 16)),
    ("I am on vacation from March 9 to March 13.", WED, date(2026, 3, 16)),
    ("Ich bin bis zum 16.03.2026 nicht im Büro.", WED, date(2026, 3, 16)),
    ("I'm on holiday until January 5.", DEC20, date(2026, 1, 5)),
    ("I'm OOO 3/9-3/13 and will respond when I'm back.", WED, date(2026, 3, 16)),
    ("I am out of office from 9 March until 13 March inclusive.", WED, date(2026, 3, 16)),
    ("I am out until 3/16. If urgent, call 555-123-4567.", WED, date(2026, 3, 16)),
    ("Je suis absent jusqu'au 16 mars.", WED, date(2026, 3, 16)),
    ("Please wait until Monday.", WED, None),
    ("I will return your call on Monday.", WED, None),
    ("I am out of the office.", WED, None),
]


@pytest.mark.parametrize(("text", "sent", "expected"), RETURN_CASES)
def test_find_return_date(text: str, sent: datetime | None, expected: date | None) -> None:
    fact = find_return_date(text, sent)
    if expected is None:
        assert fact is None, fact
    else:
        assert fact is not None, text
        assert fact.day == expected
        assert fact.evidence and fact.evidence in text


ZONE_CASES: list[tuple[str, datetime, float | None]] = [
    ("EST", datetime(2026, 7, 1), -5),
    ("est", datetime(2026, 7, 1), -5),
    ("ET", datetime(2026, 7, 1), -4),
    ("ET", datetime(2026, 1, 1), -5),
    ("PT", datetime(2026, 7, 1), -7),
    ("IST", datetime(2026, 7, 1), 5.5),
    ("GMT+3", datetime(2026, 7, 1), 3),
    ("UTC-05:00", datetime(2026, 7, 1), -5),
    ("+0530", datetime(2026, 7, 1), 5.5),
    ("Europe/Berlin", datetime(2026, 7, 1), 2),
    ("America/New_York", datetime(2026, 1, 1), -5),
    ("Eastern Time", datetime(2026, 7, 1), -4),
    ("Pacific Time", datetime(2026, 1, 1), -8),
    ("Central European Time", datetime(2026, 1, 1), 1),
    ("(UTC-05:00) Eastern Time (US & Canada)", datetime(2026, 7, 1), -4),
    ("UTC", datetime(2026, 7, 1), 0),
    ("Mars/Olympus_Mons", datetime(2026, 7, 1), None),
    ("../../etc/passwd", datetime(2026, 7, 1), None),
    ("GMT+99", datetime(2026, 7, 1), None),
    ("nonsense", datetime(2026, 7, 1), None),
    ("", datetime(2026, 7, 1), None),
]


@pytest.mark.parametrize(("name", "when", "offset"), ZONE_CASES)
def test_resolve_timezone(name: str, when: datetime, offset: float | None) -> None:
    tz = resolve_timezone(name)
    if offset is None:
        assert tz is None
    else:
        assert tz is not None
        assert when.replace(tzinfo=tz).utcoffset() == timedelta(minutes=round(offset * 60))


# ------------------------------------------------------------------------------------- never raises

_FRAGMENTS = [
    "Monday", "March 11", "February 31", "at", "2pm", "25:99", "-", "to", "EST", "ET", "(GMT+3)",
    "tomorrow", "next", "within", "99999", "business days", "we'll get back to you", "by", "until",
    "back on", "3/16", "16.03.2026", "the 19th", "noon", "\n> ", " ", ",", "0", "12", "9999-99-99",
    "On Mon wrote:", "From: x\nSent: y", "İ", "ß", "\u202f", "for 45 minutes", "14h30", "Europe/Berlin",
]  # fmt: skip
_SENT = st.one_of(
    st.none(),
    st.datetimes(timezones=st.sampled_from([UTC, off(-5), off(14), off(-12), NY])),
)


@settings(max_examples=300, deadline=None)
@given(st.text(), _SENT)
def test_never_raises_on_any_text(text: str, sent: datetime | None) -> None:
    assert find_interview_time(text, sent) is None or isinstance(find_interview_time(text, sent), TimeSpan)
    assert isinstance(find_all_times(text, sent), list)
    assert find_reply_by(text, sent) is None or isinstance(find_reply_by(text, sent), DateFact)
    assert find_return_date(text, sent) is None or isinstance(find_return_date(text, sent), DateFact)
    resolve_timezone(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=20).map(" ".join), _SENT)
def test_never_raises_on_date_like_text(text: str, sent: datetime | None) -> None:
    for span in find_all_times(text, sent):
        assert span.start.utcoffset() is not None
        assert span.end is None or span.end > span.start
        assert len(span.evidence) <= 120
    find_interview_time(text, sent)
    find_reply_by(text, sent)
    find_return_date(text, sent)


def test_huge_input_is_bounded() -> None:
    text = "Interview on March 12 at 3pm. " + "9:99 " * 200_000
    span = find_interview_time(text, WED)
    assert span is not None and span.start.day == 12


def test_interview_day_without_a_clock_time() -> None:
    from inboxwatch.core.detect.dates import find_interview_day

    sent = datetime(2001, 12, 19, 6, 36, tzinfo=UTC)
    fact = find_interview_day(
        "I'll be making your travel arrangements and scheduling the meetings for January 3.", sent
    )
    assert fact is not None and fact.day == date(2002, 1, 3)
    assert find_interview_day("Lunch was great, see you around January 3.", sent) is None  # no meeting words
    assert find_interview_day("The interview went well.", sent) is None  # no date


# --- Spanish, Russian and Japanese dates; the writer's own absence ----------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fecha: jueves 5 de marzo de 2026\n  Hora: 11:00", datetime(2026, 3, 5, 11, 0, tzinfo=EST5)),
        ("la entrevista es mañana a las 10:00", datetime(2026, 3, 5, 10, 0, tzinfo=EST5)),
        ("собеседование назначено на 10 марта (вторник), 11:00", datetime(2026, 3, 10, 11, 0, tzinfo=EST5)),
        ("завтра в 15:00 по видеосвязи", datetime(2026, 3, 5, 15, 0, tzinfo=EST5)),
        ("■日時：2026年3月12日(木) 14:00〜15:00", datetime(2026, 3, 12, 14, 0, tzinfo=EST5)),
        ("明日 10:00 からの面接", datetime(2026, 3, 5, 10, 0, tzinfo=EST5)),
        ("Tuesday, March 10 (Tuesday) at 10am", datetime(2026, 3, 10, 10, 0, tzinfo=EST5)),
    ],
)
def test_interview_times_in_other_languages(text: str, expected: datetime) -> None:
    found = find_interview_time(text, WED)
    assert found is not None and found.start == expected


def test_por_la_manana_is_the_morning_not_tomorrow() -> None:
    found = find_interview_time("el lunes 9 de marzo por la mañana a las 10:00", WED)
    assert found is not None and found.start == datetime(2026, 3, 9, 10, 0, tzinfo=EST5)


def test_the_writers_own_absence_is_no_meeting_time() -> None:
    text = "I'm scheduling your meetings for March 12. I'll be leaving the office today at 2 pm."
    assert find_interview_time(text, WED) is None
    assert find_interview_time("Can we talk today at 2 pm about your interview?", WED) is not None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nous reviendrons vers vous dans un délai de trois semaines.", date(2026, 3, 25)),
        ("Le recruteur vous contactera sous 10 jours.", date(2026, 3, 14)),
        ("Рекрутер рассмотрит резюме в течение недели и свяжется с вами.", date(2026, 3, 11)),
        ("書類選考の結果につきましては、1週間以内にメールにてご連絡いたします。", date(2026, 3, 11)),
        ("Nos pondremos en contacto contigo en un plazo de 5 días.", date(2026, 3, 9)),
        ("Wir melden uns innerhalb von zwei Wochen bei Ihnen.", date(2026, 3, 18)),
        ("We expect to contact shortlisted candidates by March 20.", date(2026, 3, 20)),
        ("Bitte antworten Sie innerhalb von zwei Wochen.", None),  # asked of the candidate, no promise
    ],
)
def test_stated_timelines_in_other_languages(text: str, expected: date | None) -> None:
    found = find_reply_by(text, WED)
    assert (found.day if found else None) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ich bin bis einschliesslich 13. März nicht im Büro.", date(2026, 3, 16)),
        ("Je suis absente du bureau jusqu'au jeudi 12 mars inclus.", date(2026, 3, 13)),
        ("Estaré fuera de la oficina y regreso el lunes 16 de marzo.", date(2026, 3, 16)),
        ("Я в отпуске до 13 марта включительно.", date(2026, 3, 16)),
        ("3月9日(月)〜3月13日(金)は休暇のため不在です。3月16日(月)より通常業務を再開いたします。", date(2026, 3, 16)),
    ],
)
def test_return_dates_in_other_languages(text: str, expected: date) -> None:
    found = find_return_date(text, WED)
    assert found is not None and found.day == expected

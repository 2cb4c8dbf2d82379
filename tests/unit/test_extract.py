"""The facts a message states: which company, and when the interview is (issue 14, item 5)."""

from __future__ import annotations

import csv
import re
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from inboxwatch.core.calendar_parts import parse_calendar
from inboxwatch.core.detect import classify, dates
from inboxwatch.core.detect.extract import clean_company, find_company
from inboxwatch.core.parse import parse_message
from inboxwatch.models import Address, FolderRole, Identity, Message

FIXTURES = Path(__file__).parent.parent / "fixtures" / "detection"
ROWS = list(csv.DictReader((FIXTURES / "labels.tsv").open(encoding="utf-8"), delimiter="\t"))
# The fixtures written by specs_facts.py, picked by slug (the numbering moves when spec modules are added).
FACTS_SLUGS = set(re.findall(r'slug="([a-z0-9-]+)"', (FIXTURES / "specs_facts.py").read_text(encoding="utf-8")))
FACTS = [r for r in ROWS if r["file"].split("-", 1)[1].removesuffix(".eml") in FACTS_SLUGS]
OWNER = Identity("Priya Raman", frozenset({"priya.raman@fastmail.example"}))


def identity(owner: str) -> Identity:
    name = owner.split(" <", maxsplit=1)[0]
    return Identity(name, frozenset(part.split("<")[1].rstrip(">, ") for part in owner.split(", ") if "<" in part))


def message(sender: str, subject: str, text: str) -> Message:
    name, _, email = sender.rpartition(" <")
    return Message(
        key="k",
        message_id="<k@x>",
        thread_id=None,
        sender=Address(name.strip('"'), email.rstrip(">").lower()) if email else Address("", sender.lower()),
        to=(Address("Priya Raman", "priya.raman@fastmail.example"),),
        date=datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
        subject=subject,
        text=text,
        folder=FolderRole.INBOX,
        reply_to=(),
        cc=(),
        in_reply_to=None,
        references=(),
        headers={},
    )


@pytest.mark.parametrize("row", FACTS, ids=[r["file"] for r in FACTS])
def test_facts_fixtures(row: dict[str, str]) -> None:
    result = classify(parse_message((FIXTURES / row["file"]).read_bytes()), identity(row["owner"]))
    assert str(result.label) == row["label"], result.evidence
    assert result.company == row["company"], result.evidence
    if row["interview_at"]:
        assert result.interview_at == datetime.fromisoformat(row["interview_at"]), result.evidence
    else:
        assert result.interview_at is None, result.evidence


def test_hostile_vtimezone_is_classified_at_once() -> None:
    raw = next(FIXTURES.glob("*-invite-hostile-minutely-vtimezone.eml")).read_bytes()
    started = time.perf_counter()
    result = classify(parse_message(raw), identity("Daniel Okafor <daniel.okafor@proton.example>"))
    assert result.interview_at is not None
    assert result.interview_at.utcoffset() == timedelta(hours=-4)
    assert time.perf_counter() - started < 0.5


def test_vtimezone_rules_are_solved_not_expanded() -> None:
    ics = "\r\n".join(
        [
            "BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VTIMEZONE", "TZID:Somewhere",
            "BEGIN:STANDARD", "DTSTART:16011104T020000", "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11",
            "TZOFFSETFROM:-0400", "TZOFFSETTO:-0500", "END:STANDARD",
            "BEGIN:DAYLIGHT", "DTSTART:16010311T020000", "RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3",
            "TZOFFSETFROM:-0500", "TZOFFSETTO:-0400", "END:DAYLIGHT", "END:VTIMEZONE",
            "BEGIN:VEVENT", "UID:1", "DTSTART;TZID=Somewhere:20260714T140000",
            "DTEND;TZID=Somewhere:20261214T150000", "END:VEVENT", "END:VCALENDAR", "",
        ]
    )  # fmt: skip
    defects: list[str] = []
    (event,) = parse_calendar(ics, defects)
    assert event.start == datetime(2026, 7, 14, 14, 0, tzinfo=timezone(timedelta(hours=-4)))
    assert event.end == datetime(2026, 12, 14, 15, 0, tzinfo=timezone(timedelta(hours=-5)))
    assert defects == []


@pytest.mark.parametrize(
    ("tzid", "offset"),
    [
        ("Eastern Standard Time", -4),
        ("W. Europe Standard Time", 2),
        ("Romance Standard Time", 2),
        ("Tokyo Standard Time", 9),
        ("AUS Eastern Standard Time", 10),
        ("(UTC-08:00) Pacific Time (US & Canada)", -7),
    ],
)
def test_windows_zone_names_in_invites(tzid: str, offset: int) -> None:
    event_lines = ["BEGIN:VCALENDAR", "BEGIN:VEVENT", "UID:1", f'DTSTART;TZID="{tzid}":20260714T140000', "END:VEVENT"]
    ics = "\r\n".join([*event_lines, "END:VCALENDAR", ""])
    (event,) = parse_calendar(ics, [])
    assert event.start is not None and event.start.utcoffset() == timedelta(hours=offset)


def test_tomorrow_is_the_senders_tomorrow() -> None:
    late_pacific = datetime(2026, 10, 6, 23, 10, tzinfo=timezone(timedelta(hours=-7)))
    span = dates.find_interview_time("You're confirmed for tomorrow at 1pm ET.", late_pacific)
    assert span is not None and span.start.date().isoformat() == "2026-10-07"
    assert span.start.utcoffset() == timedelta(hours=-4)


def test_your_time_in_a_city() -> None:
    sent = datetime(2026, 5, 26, 17, 48, tzinfo=timezone(timedelta(hours=-7)))
    span = dates.find_interview_time("your portfolio review on Thursday at 8:00 AM (your time in Tokyo)", sent)
    assert span is not None and span.start == datetime(2026, 5, 28, 8, 0, tzinfo=timezone(timedelta(hours=9)))


@pytest.mark.parametrize(
    "text",
    [
        "Which of these works for you? Tue Feb 17 at 10am ET, Wed Feb 18 at 2pm ET or Thu Feb 19 at 4pm ET.",
        "Are you free for a chat tomorrow at 4pm, or Thursday morning?",
        "Send me a few windows next Tuesday through Thursday, anywhere between 9am and 5pm ET.",
    ],
)
def test_several_proposed_times_are_no_single_time(text: str) -> None:
    sent = datetime(2026, 2, 10, 10, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert dates.find_alternatives(text, sent) is not None


def test_one_stated_time_is_not_a_proposal() -> None:
    sent = datetime(2026, 2, 10, 10, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert dates.find_alternatives("Your interview is confirmed for Tuesday, February 17 at 10am ET.", sent) is None


@pytest.mark.parametrize(
    ("sender", "subject", "text", "want"),
    [
        ("Acme Recruiting <no-reply@hire.lever.co>", "Your application", "Thanks for applying.", "Acme"),
        ("Citrine Human Resources <citrine@myworkday.com>", "Thank you", "We received it.", "Citrine"),
        ("The Recruiting team at Ovenbird <no-reply@greenhouse-mail.io>", "Thanks", "Hello.", "Ovenbird"),
        ("no-reply@greenhouse-mail.io", "Thank you for applying to Parallax Robotics", "Hi.", "Parallax Robotics"),
        ("gbs@myworkday.com", "Update", "Thank you for your interest in Great Basin Semiconductor.",
         "Great Basin Semiconductor"),
        ("no-reply@ats.example", "Update", "Regards,\nThe Harrow Talent Acquisition Team", "Harrow"),
        ("jobs-noreply@linkedin.com", "Priya, your application was sent to quillwork", "", "quillwork"),
        ("Dana Reyes <dana.reyes@metrovoice.example.org>", "Would you join the show?", "Hi Priya.", "Metrovoice"),
        ("Acme Careers <careers@acme-widgets.com>", "Thank you for applying to Acme's Summer Internship", "",
         "Acme"),
    ],
)
def test_company_readings(sender: str, subject: str, text: str, want: str) -> None:
    assert find_company(message(sender, subject, text), text, OWNER)[0] == want


@pytest.mark.parametrize(
    "sender",
    [
        "Notifications <notifications@myworkday.com>",
        "Careers <careers@talent.icims.com>",
        "Priya Raman <noreply@example.org>",
        "HR <hr@example.com>",
    ],
)
def test_never_a_vendor_or_a_domain_label(sender: str) -> None:
    got, _ = find_company(message(sender, "Your application", "We received your application."), "", OWNER)
    assert got is None


def test_a_person_is_not_the_company() -> None:
    m = message("Dana Whitfield <dana.whitfield@cobaltline.example>", "Next step: chat with Marcus", "Hi Priya")
    assert find_company(m, "Hi Priya", OWNER)[0] == "Cobaltline"


def test_the_owners_own_mail_names_the_recipients_company() -> None:
    m = message(
        "Priya Raman <priya.raman@fastmail.example>", "Thank you", "Thanks for the conversation today.",
    )
    m = replace(m, to=(Address("Hannah Cho", "hannah.cho@quillfeather.example"),))
    assert find_company(m, m.text, OWNER)[0] == "Quillfeather"


@pytest.mark.parametrize(
    ("written", "company"),
    [
        ("Magnolia Children's Hospital", "Magnolia Children's Hospital"),
        ("Magnolia Children's Hospital Talent Acquisition", "Magnolia Children's Hospital"),
        ("Macy's Inc", "Macy's Inc"),
        ("Acme's Talent Team", "Acme"),
        ("Acme's recruiters", "Acme"),
        ("Ripple's Summer Internship", "Ripple"),
        ("Marigold Capital Graduate Recruitment", "Marigold Capital"),
    ],
)
def test_a_possessive_is_the_name_only_when_an_organisation_follows(written: str, company: str) -> None:
    assert clean_company(written) == company

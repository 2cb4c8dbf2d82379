"""Corrections through the real CLI on a Maildir: mark one message of an ATS template, the next one follows.

The Done-when of issue 14, item 4: mark one of two messages from the same ATS template as not job mail (or
as a rejection); the other follows; an unrelated message does not.
"""

from __future__ import annotations

import json
import mailbox
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from inboxwatch import cli
from inboxwatch.core.detect.corrections import message_ref
from inboxwatch.core.parse import parse_message
from inboxwatch.models import Label
from inboxwatch.state.store import Store
from tests.support.configs import write_maildir_config
from tests.support.mailfactory import ME, make_message

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def talent_pool(role: str, req: int, at: datetime) -> bytes:
    """A tenant's 'joined the talent pool' note: not about an application, yet it reads like a rejection."""
    return make_message(
        sender="Acme Careers <acme@myworkday.com>",
        subject=f"Acme talent community: {role}",
        body=f"Hi Alex,\n\nThank you for applying to join the Acme talent community and for your interest in the "
        f"{role} opening (R-{req}). We have received your application and will keep your résumé on file; when roles "
        "that match your skills open up, we will let you know.\n\nYou can update your profile and your job alerts "
        "at any time in the Acme candidate home.\n\nThe Acme Talent Acquisition Team",
        date=at,
        message_id=f"<pool-{req}@acme.myworkday.example>",
    )


def acknowledgment(role: str, req: int, at: datetime) -> bytes:
    """One template of a Greenhouse tenant: 'thanks for applying'."""
    return make_message(
        sender="Globex Recruiting <no-reply@us.greenhouse-mail.io>",
        subject=f"Thank you for applying to Globex: {role}",
        body=f"Hi Alex,\n\nThanks for applying to the {role} role ({req}) at Globex. We have received your "
        "application and our team is reviewing it now. We are unable to consider every candidate for an "
        "interview, and we will keep your details for future openings that fit.\n\nGlobex Recruiting",
        date=at,
        message_id=f"<ack-{req}@globex.greenhouse.example>",
    )


def interview_invitation(at: datetime) -> bytes:
    """The same Workday tenant as the talent-pool notes, another template: a real invitation."""
    return make_message(
        sender="Acme Careers <acme@myworkday.com>",
        subject="Interview invitation: Data Engineer",
        body="Hi Alex,\n\nWe would like to invite you to a video interview for the Data Engineer position "
        "(R-2291). Please use the link below to schedule a time that works for you.\n\n"
        "The Acme Talent Acquisition Team",
        date=at,
        message_id="<invite-2291@acme.myworkday.example>",
    )


def other_company(at: datetime) -> bytes:
    return make_message(
        sender="Initech Talent <careers@initech.example>",
        subject="Your application to Initech",
        body="Dear Alex,\n\nThank you for applying for the Backend Developer position at Initech. We have "
        "received your application and will review it carefully. We will be in touch about next steps.\n\n"
        "Initech Talent Acquisition",
        date=at,
        message_id="<app-77@initech.example>",
    )


@pytest.fixture
def home(tmp_path: Path) -> Path:
    (tmp_path / "Mail").mkdir()
    mailbox.Maildir(tmp_path / "Mail" / "INBOX", create=True)
    mailbox.Maildir(tmp_path / "Mail" / "Sent", create=True)
    write_maildir_config(tmp_path, ME)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], home: Path, *argv: str, now: datetime | None) -> tuple[int, str, str]:
    timed = ["--now", now.isoformat()] if now else []
    code = cli.main([*argv, "--config", str(home / "config.toml"), *timed])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def deliver(home: Path, *messages: bytes) -> None:
    inbox = mailbox.Maildir(home / "Mail" / "INBOX")
    for raw in messages:
        inbox.add(raw)


def stored(home: Path, raw: bytes) -> tuple[Label, tuple[str, ...]]:
    key = parse_message(raw).key
    with Store.open(home / "state" / "state.sqlite3") as store:
        record = store.message(key)
    assert record is not None, "the scan stored it"
    return record.classification.label, record.classification.evidence


def companies(capsys: pytest.CaptureFixture[str], home: Path, now: datetime) -> dict[str, dict[str, object]]:
    code, out, _ = run(capsys, home, "status", "--json", now=now)
    assert code == 0
    return {c["company"]: c for c in json.loads(out)}


def test_ignoring_a_conversation_teaches_that_its_template_is_not_job_mail(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = talent_pool("Data Engineer", 2291, T0)
    deliver(home, first)
    run(capsys, home, "scan", "--once", now=T0 + timedelta(hours=1))
    assert stored(home, first)[0] is Label.REJECTION  # what the classifier makes of it alone
    (acme,) = companies(capsys, home, T0 + timedelta(hours=1)).values()

    code, out, _ = run(capsys, home, "ignore", str(acme["id"]), now=T0 + timedelta(hours=2))
    assert code == 0 and "Mail like its 1 message(s)" in out

    # a week later: the same template for another role, the same tenant's invitation, another employer
    second = talent_pool("Senior Analytics Engineer", 3310, T0 + timedelta(days=7))
    later = T0 + timedelta(days=7, hours=1)
    deliver(home, second, interview_invitation(T0 + timedelta(days=7)), other_company(T0 + timedelta(days=7)))
    code, out, _ = run(capsys, home, "scan", "--once", now=later)
    assert code == 0 and "3 new" in out

    label, evidence = stored(home, second)
    assert label is Label.OTHER
    assert evidence[0].startswith("like the message you marked as not a job conversation on 2 Mar")
    assert "workday:acme" in evidence[0]
    assert stored(home, interview_invitation(T0 + timedelta(days=7)))[0] is Label.INTERVIEW_REQUEST
    assert stored(home, other_company(T0 + timedelta(days=7)))[0] is Label.APPLICATION_RECEIVED
    assert "Initech" in companies(capsys, home, later)

    # classify FILE explains it the same way, from the state file
    path = home / "second.eml"
    path.write_bytes(second)
    code, out, _ = run(capsys, home, "classify", str(path), now=None)
    assert code == 0 and ": other" in out and "like the message you marked as not a job conversation" in out
    assert message_ref(parse_message(second).key) in out

    # reopen undoes the ignore and what it taught: the next note of that template is the classifier's again
    run(capsys, home, "reopen", str(acme["id"]), now=later)
    third = talent_pool("Analytics Lead", 4102, T0 + timedelta(days=9))
    deliver(home, third)
    run(capsys, home, "scan", "--once", now=T0 + timedelta(days=9, hours=1))
    assert stored(home, third)[0] is Label.REJECTION


def test_relabel_as_a_rejection_the_next_of_its_template_follows(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = acknowledgment("Platform Engineer", 4410, T0)
    deliver(home, first)
    run(capsys, home, "scan", "--once", now=T0 + timedelta(hours=1))
    assert stored(home, first)[0] is Label.APPLICATION_RECEIVED
    (globex,) = companies(capsys, home, T0 + timedelta(hours=1)).values()

    # the reference is shown by `status ID`, and relabel takes it
    code, out, _ = run(capsys, home, "status", str(globex["id"]), now=T0 + timedelta(hours=1))
    ref = message_ref(parse_message(first).key)
    assert code == 0 and ref in out
    code, out, _ = run(capsys, home, "relabel", ref, "rejection", now=T0 + timedelta(days=1))
    assert code == 0 and "now a rejection (was application_received)" in out
    assert stored(home, first)[0] is Label.REJECTION  # relabelled at once
    assert companies(capsys, home, T0 + timedelta(days=1))["Globex"]["stage"] == "rejected"

    second = acknowledgment("Site Reliability Engineer", 5120, T0 + timedelta(days=5))
    deliver(home, second, other_company(T0 + timedelta(days=5)))
    run(capsys, home, "scan", "--once", now=T0 + timedelta(days=5, hours=1))
    label, evidence = stored(home, second)
    assert label is Label.REJECTION
    assert evidence[0].startswith("like the message you marked as a rejection on 3 Mar")
    assert stored(home, other_company(T0 + timedelta(days=5)))[0] is Label.APPLICATION_RECEIVED

    # --list shows it; relabelling again replaces it; --forget gives back the classifier's label
    code, out, _ = run(capsys, home, "relabel", "--list", "--json", now=T0 + timedelta(days=6))
    (listed,) = json.loads(out)
    key = parse_message(first).key
    assert listed["message"] == ref and listed["label"] == "rejection" and listed["scope"] == "greenhouse:globex"
    code, out, _ = run(capsys, home, "relabel", ref[:6], "not-job", now=T0 + timedelta(days=6))
    assert "1 stored message(s) like it follow it now" in out and message_ref(parse_message(second).key) in out
    assert stored(home, second)[0] is Label.OTHER  # the stored one that had followed the first label follows anew
    code, out, _ = run(capsys, home, "relabel", "--list", "--json", now=T0 + timedelta(days=6))
    assert [(c["label"], c["origin"]) for c in json.loads(out)] == [("other", "relabel"), ("other", f"like:{key}")]
    code, out, _ = run(capsys, home, "relabel", ref, "--forget", now=T0 + timedelta(days=6))
    assert code == 0 and "application_received again" in out
    assert stored(home, first)[0] is Label.APPLICATION_RECEIVED
    assert stored(home, second)[0] is Label.APPLICATION_RECEIVED  # its followers too
    assert json.loads(run(capsys, home, "relabel", "--list", "--json", now=T0 + timedelta(days=6))[1]) == []


def test_mail_already_stored_follows_a_correction_at_once_and_is_restored_with_it(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = acknowledgment("Platform Engineer", 4410, T0)
    second = acknowledgment("Site Reliability Engineer", 5120, T0 + timedelta(days=1))
    unrelated = other_company(T0 + timedelta(days=1))
    deliver(home, first, second, unrelated)
    now = T0 + timedelta(days=2)
    run(capsys, home, "scan", "--once", now=now)
    assert {stored(home, m)[0] for m in (first, second, unrelated)} == {Label.APPLICATION_RECEIVED}

    code, out, _ = run(capsys, home, "relabel", message_ref(parse_message(first).key), "rejection", now=now)
    assert code == 0 and "1 stored message(s) like it follow it now" in out
    label, evidence = stored(home, second)
    assert label is Label.REJECTION
    assert evidence[0].startswith("like the message you marked as a rejection on 4 Mar (same sender greenhouse:globex")
    assert stored(home, unrelated)[0] is Label.APPLICATION_RECEIVED

    run(capsys, home, "relabel", message_ref(parse_message(first).key), "--forget", now=now)
    assert stored(home, second)[0] is Label.APPLICATION_RECEIVED
    assert not any("marked" in line for line in stored(home, second)[1])


def test_relabel_explains_a_reference_it_does_not_know(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, home, "relabel", "m-0000ffff", "rejection", now=T0)
    assert code == 2 and "inboxwatch status ID" in err
    with pytest.raises(SystemExit) as exit_:
        run(capsys, home, "relabel", "m-0000ffff", "rejected", now=T0)
    assert exit_.value.code == 2 and "invalid choice: 'rejected'" in capsys.readouterr().err


def test_track_teaches_the_label_it_gives(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = home / "pool.eml"
    path.write_bytes(talent_pool("Data Engineer", 2291, T0))
    code, out, _ = run(capsys, home, "track", str(path), "--label", "application_received", now=T0)
    assert code == 0 and "Mail like it from workday:acme will be an acknowledgment of your application too" in out
    second = talent_pool("Staff Engineer", 9001, T0 + timedelta(days=3))
    deliver(home, second)
    run(capsys, home, "scan", "--once", now=T0 + timedelta(days=3, hours=1))
    label, evidence = stored(home, second)
    assert label is Label.APPLICATION_RECEIVED
    assert "like the message you marked as an acknowledgment of your application on 2 Mar" in evidence[0]


def test_a_message_file_teaches_without_being_stored_and_is_forgotten_by_its_reference(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = home / "pool.eml"
    path.write_bytes(talent_pool("Data Engineer", 2291, T0))
    code, out, _ = run(capsys, home, "relabel", str(path), "not-job", now=T0)
    assert code == 0 and "not in the state file: it teaches only" in out
    second = talent_pool("Staff Engineer", 9001, T0 + timedelta(days=3))
    deliver(home, second)
    run(capsys, home, "scan", "--once", now=T0 + timedelta(days=3, hours=1))
    assert stored(home, second)[0] is Label.OTHER
    ref = message_ref(parse_message(path.read_bytes()).key)
    code, out, _ = run(capsys, home, "relabel", ref, "--forget", now=T0 + timedelta(days=4))
    assert code == 0 and "correction forgotten" in out
    assert stored(home, second)[0] is Label.REJECTION  # what the classifier says of it alone, again

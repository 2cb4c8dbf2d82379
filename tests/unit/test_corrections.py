"""The corrections matcher (pure), the vector codec and the state file's corrections."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from inboxwatch.core.detect import classify
from inboxwatch.core.detect.corrections import (
    THRESHOLD,
    Correction,
    apply,
    message_ref,
    nearest,
    scope_of,
    similarity,
    template_vector,
    unapplied,
)
from inboxwatch.core.parse import parse_message
from inboxwatch.core.records import StoredMessage
from inboxwatch.models import Address, Classification, Identity, Label, Message
from inboxwatch.state.codec import vector_from_bytes, vector_to_bytes
from inboxwatch.state.migrations import MIGRATIONS
from inboxwatch.state.store import Store
from tests.support.mailfactory import ME, ME_NAME, make_message

OWNER = Identity(ME_NAME, frozenset({ME}))
MARCH_12 = datetime(2026, 3, 12, 18, 30, tzinfo=UTC)


def msg(sender: str, subject: str = "s", body: str = "b", message_id: str = "<x@y>") -> Message:
    return parse_message(
        make_message(
            sender=sender, subject=subject, body=body, date=datetime(2026, 3, 20, tzinfo=UTC), message_id=message_id
        )
    )


def rejection(role: str, name: str, n: int, sender: str = "Acme Careers <acme@myworkday.com>") -> Message:
    return msg(
        sender,
        f"Your application for {role}",
        f"Dear {name},\n\nThank you for your interest in the {role} position (R-{n}) at Acme. After careful "
        "review we have decided to move forward with other candidates whose experience more closely matches our "
        "needs. We encourage you to apply for future openings.\n\nWe know that looking for a new role takes time and "
        "effort, and we appreciate the time you invested in getting to know us. Your profile stays in our "
        "candidate home, where you can update your details and set up job alerts at any time.\n\n"
        "Acme Talent Acquisition",
        f"<r-{n}@acme.example>",
    )


def correction(of: Message, label: Label, at: datetime = MARCH_12, **kw: object) -> Correction:
    values: dict[str, object] = {
        "message_key": of.key,
        "label": label,
        "at": at,
        "sender": of.sender.email if of.sender else "",
        "scope": scope_of(of),
        "features": template_vector(of),
    }
    values.update(kw)
    return Correction(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("sender", "scope"),
    [
        ("Dana <dana@careers.northwind-analytics.example>", "northwind-analytics.example"),
        ("no-reply@mail.acme.co.uk", "acme.co.uk"),
        ("Intel Workday <intel@myworkday.com>", "workday:intel"),
        ("AutoNotification workday <autodesk@myworkday.com>", "workday:autodesk"),
        ("Skechers <notification@smartrecruiters.com>", "smartrecruiters:skechers"),
        ("Acme Recruiting <no-reply@us.greenhouse-mail.io>", "greenhouse:acme"),
        ("no-reply@us.greenhouse-mail.io", "no-reply@us.greenhouse-mail.io"),
        ("talent@acme.icims.com", "icims:acme"),
        ("LinkedIn <jobs-noreply@linkedin.com>", "jobs-noreply@linkedin.com"),  # names no tenant: the address
        ("Sam Recruiter <sam.recruits@gmail.com>", "sam.recruits@gmail.com"),
    ],
)
def test_scope_is_the_employer_or_the_ats_tenant(sender: str, scope: str) -> None:
    assert scope_of(msg(sender)) == scope


def test_similarity_is_a_cosine() -> None:
    assert similarity({1: 1.0, 2: 1.0}, {1: 2.0, 2: 2.0}) == pytest.approx(1.0)
    assert similarity({1: 1.0}, {2: 1.0}) == 0.0
    assert similarity({}, {1: 1.0}) == 0.0
    assert similarity({1: 1.0, 2: 1.0}, {1: 1.0}) == pytest.approx(1 / 2**0.5)


def test_one_template_with_other_names_and_numbers_is_alike_and_another_template_is_not() -> None:
    a = template_vector(rejection("Data Engineer", "Alex", 2291))
    b = template_vector(rejection("Senior Analytics Engineer", "Alex", 3310))
    invite = template_vector(
        msg(
            "Acme Careers <acme@myworkday.com>",
            "Interview invitation: Data Engineer",
            "Dear Alex,\n\nThank you for your interest in the Data Engineer position (R-2291) at Acme. We would "
            "like to invite you to a video interview; please pick a time that works for you.\n\nAcme Talent",
        )
    )
    assert similarity(a, b) >= THRESHOLD
    assert similarity(a, invite) < THRESHOLD


def test_quoted_history_is_not_part_of_the_template() -> None:
    plain = rejection("Data Engineer", "Alex", 1)
    quoted = replace(plain, text=plain.text + "\n\nOn Mon, Alex wrote:\n> " + "a long letter of my own " * 40)
    assert similarity(template_vector(plain), template_vector(quoted)) == pytest.approx(1.0)


def test_nearest_needs_the_same_scope_and_the_threshold() -> None:
    marked = rejection("Data Engineer", "Alex", 1)
    c = correction(marked, Label.OTHER)
    same = rejection("Staff Engineer", "Alex", 2)
    elsewhere = rejection("Staff Engineer", "Alex", 2, sender="Beta Careers <beta@myworkday.com>")
    assert nearest(same.key, scope_of(same), template_vector(same), [c]) is not None
    # the same words from another tenant do not follow: the scope gate
    assert nearest(elsewhere.key, scope_of(elsewhere), template_vector(elsewhere), [c]) is None
    # nor from the same tenant below the threshold
    assert nearest(same.key, scope_of(same), {123: 1.0}, [c]) is None
    # the corrected message itself follows whatever its features
    own = nearest(marked.key, "", None, [c])
    assert own is not None and own.itself


def test_the_nearest_correction_wins_and_the_newer_on_a_tie() -> None:
    a, b = rejection("Data Engineer", "Alex", 1), rejection("Data Engineer", "Alex", 2)
    target = rejection("Data Engineer", "Alex", 3)
    old = correction(a, Label.OTHER, at=datetime(2026, 3, 1, tzinfo=UTC))
    new = correction(b, Label.REJECTION, at=datetime(2026, 3, 5, tzinfo=UTC), features=old.features)
    match = nearest(target.key, scope_of(target), template_vector(target), [old, new])
    assert match is not None and match.correction is new
    far = correction(b, Label.REJECTION, features={**old.features, 1: 50.0})  # a little less alike
    match = nearest(target.key, scope_of(target), template_vector(target), [far, old])
    assert match is not None and match.correction is old


def test_apply_relabels_with_evidence_naming_the_correction_and_its_day() -> None:
    marked, later = rejection("Data Engineer", "Alex", 1), rejection("Staff Engineer", "Alex", 2)
    said = Classification(Label.REJECTION, 0.9, ("text: 'decided to move forward with other candidates'",))
    result = apply(later, said, [correction(marked, Label.OTHER)])
    assert result.label is Label.OTHER
    assert result.evidence[0].startswith("like the message you marked as not a job conversation on 12 Mar")
    assert "workday:acme" in result.evidence[0]
    assert result.evidence[1] == "inboxwatch alone would say rejection"
    assert result.evidence[2:] == said.evidence
    unrelated = rejection("Staff Engineer", "Alex", 2, sender="Beta Careers <beta@myworkday.com>")
    assert apply(unrelated, said, [correction(marked, Label.OTHER)]) is said
    assert unapplied(result) == replace(said, confidence=result.confidence)  # what forgetting it gives back
    assert unapplied(said) is None


def test_apply_to_a_job_label_finds_the_company() -> None:
    marked = msg("Dana <dana@northwind-analytics.example>", "Quick note", "Thanks, we will not go on. Dana")
    later = msg("Dana <dana@northwind-analytics.example>", "Quick note", "Thanks, we will not go on. Dana", "<z@y>")
    result = apply(later, Classification(Label.OTHER, 0.6, ()), [correction(marked, Label.REJECTION)])
    assert result.label is Label.REJECTION and result.company == "Northwind Analytics"


def test_classify_follows_the_correction_through_its_one_entry_point() -> None:
    marked = rejection("Data Engineer", "Alex", 1)
    alone = classify(marked, OWNER)
    assert alone.label is Label.REJECTION
    fix = correction(marked, Label.APPLICATION_RECEIVED)
    assert classify(rejection("Staff Engineer", "Alex", 7), OWNER, [fix]).label is Label.APPLICATION_RECEIVED
    other_tenant = rejection("Staff Engineer", "Alex", 7, sender="Beta Careers <beta@myworkday.com>")
    assert classify(other_tenant, OWNER, [fix]).label is Label.REJECTION
    agreed = classify(rejection("Staff Engineer", "Alex", 8), OWNER, [correction(marked, Label.REJECTION)])
    assert agreed.label is Label.REJECTION and agreed.evidence[-1].endswith("inboxwatch agrees")


def test_message_references_are_short_stable_and_distinct() -> None:
    refs = {message_ref(f"<{i}@example.com>") for i in range(2000)}
    assert len(refs) == 2000
    assert message_ref("<1@example.com>") == message_ref("<1@example.com>")
    assert all(r.startswith("m-") and len(r) == 10 for r in refs)


def test_vectors_round_trip_compactly() -> None:
    v = template_vector(rejection("Data Engineer", "Alex", 1))
    data = vector_to_bytes(v)
    assert vector_from_bytes(data) == v
    assert len(data) < 4 * sum(v.values())
    assert vector_from_bytes(vector_to_bytes({0: 1.0, 7: 3.0, (1 << 18) - 1: 1.0})) == {0: 1.0, 7: 3.0, 262143: 1.0}


def test_the_store_keeps_replaces_and_forgets_corrections() -> None:
    store = Store.memory()
    m = replace(rejection("Data Engineer", "Alex", 1), text="")
    first = Classification(Label.REJECTION, 0.9, ("why",))
    store.commit_batch("a", "inbox", [StoredMessage("a", replace(m, features={5: 1.0}), first)], "c1", MARCH_12)
    stored = store.message(m.key)
    assert stored is not None and stored.message.features == {5: 1.0}
    assert [r.message.key for r in store.find_messages(message_ref(m.key)[:6])] == [m.key]
    assert store.find_messages("m-zz") == [] and store.find_messages("m-00") == []
    generation = store.generation()
    store.record_correction(correction(m, Label.OTHER, features={5: 1.0}, origin="relabel"), replaced=first)
    store.record_correction(correction(m, Label.OFFER, features={5: 1.0}, origin="ignore:abc123"))
    assert store.generation() > generation  # tracking reads the messages again
    (kept,) = store.corrections()
    assert kept.label is Label.OFFER and kept.features == {5: 1.0} and kept.scope == "workday:acme"
    assert store.corrections_from("ignore:abc123") == [m.key]
    assert store.forget_correction(m.key) == first  # the first classification replaced, kept across replacing
    assert store.corrections() == []


def test_migration_4_adds_corrections_to_an_existing_state_file(tmp_path: Path) -> None:
    fresh = tmp_path / "three.sqlite3"
    conn = sqlite3.connect(fresh)
    for script in MIGRATIONS[:3]:
        conn.executescript(script)
    conn.execute("PRAGMA user_version = 3")
    conn.commit()
    conn.close()
    with Store.open(fresh) as migrated:  # … is brought up to date when opened
        assert migrated.schema_version() == len(MIGRATIONS) == 5
        assert migrated.corrections() == []
        columns = {row[1] for row in migrated.conn.execute("PRAGMA table_info(messages)")}
        assert "features" in columns


def test_address_of_a_message_without_sender_has_no_scope() -> None:
    m = replace(msg("a@b.example"), sender=None)
    assert scope_of(m) == ""
    assert scope_of(replace(m, sender=Address("x", ""))) == ""

"""Grouping messages into employer conversations: threads, calendars, companies, roles and people.

``Story`` builds a mailbox at the level ``track`` reads it — stored messages with a classification
written by hand, so these tests and the ladder's never depend on the classifier's accuracy.
"""

from __future__ import annotations

import random
from dataclasses import replace

from inboxwatch.core.compose import Templates, compose
from inboxwatch.core.policy import evaluate
from inboxwatch.core.track import EventKind, build_conversations
from inboxwatch.models import (
    Address,
    Label,
)
from tests.support.stories import (
    ACME,
    CALENDLY,
    DANA,
    END,
    GREENHOUSE,
    IDENTITY,
    INVITED,
    IV,
    MARCUS,
    ME,
    RULES,
    D,
    H,
    Story,
    interviewed,
    step,
)


def test_outbound_mail_alone_never_starts_a_conversation() -> None:
    story = Story()
    story.send(INVITED, Label.FOLLOW_UP, subject="My application")
    assert story.convs(INVITED + D) == []


def test_job_alerts_and_unlabelled_mail_are_not_conversations() -> None:
    story = Story()
    story.receive(INVITED, Label.JOB_ALERT, sender=Address("LinkedIn", "jobs-noreply@linkedin.com"))
    story.receive(INVITED, Label.OTHER, sender=Address("Shop", "orders@shop.example"), company=None, role=None)
    assert story.convs(INVITED + D) == []


def test_a_message_without_a_usable_date_is_left_out() -> None:
    story = interviewed()
    undated = story.receive(INVITED + H, Label.REJECTION)
    story.records[-1] = replace(undated, message=replace(undated.message, date=None))
    (conv,) = build_conversations(story.records, IDENTITY)
    assert conv.ended is None and len(conv.message_keys) == 1


def test_an_employer_mail_the_owner_forwarded_to_themselves_counts_as_received() -> None:
    story = Story()
    story.receive(INVITED, Label.INTERVIEW_CONFIRMED, sender=ME, interview_at=IV, interview_end=END, contact=DANA)
    conv = story.conv(INVITED + D)
    assert [e.kind for e in conv.events] == [EventKind.INTERVIEW_SCHEDULED]
    assert conv.company == ACME and conv.contact == DANA and ME.email not in conv.people


def test_one_message_read_through_two_accounts_counts_once() -> None:
    """Mail forwarded to a second account, or read from a Takeout archive as well: same Message-ID."""
    story = interviewed()
    reply = story.receive(END + 2 * D, Label.OTHER)
    story.records.append(replace(reply, account="archive", message=replace(reply.message, key="gmail:18f3a1")))
    conv = story.conv(END + 3 * D)
    assert conv.message_keys.count(reply.message.key) + conv.message_keys.count("gmail:18f3a1") == 1
    assert [e.kind for e in conv.events].count(EventKind.EMPLOYER_REPLIED) == 1


def test_messages_join_by_thread_id_reply_headers_and_calendar_uid() -> None:
    story = interviewed()
    invite = story.records[0]
    story.receive(INVITED + H, Label.OTHER, sender=Address("", "x@elsewhere.example"), thread_id="t1")
    story.records[0] = replace(invite, message=replace(invite.message, thread_id="t1"))
    story.receive(INVITED + 2 * H, Label.OTHER, sender=Address("", "y@elsewhere.example"), reply_to=invite)
    story.receive(
        INVITED + 3 * H,
        Label.INTERVIEW_CONFIRMED,
        sender=Address("", "calendar@elsewhere.example"),
        uid="iv-1",
        company=None,
        interview_at=IV,
        interview_end=END,
    )
    conv = story.conv(INVITED + D)
    assert len(conv.message_keys) == 4 and conv.company == ACME


def test_recruiter_ats_and_scheduling_tool_make_one_conversation() -> None:
    story = Story()
    story.receive(INVITED - 10 * D, Label.APPLICATION_RECEIVED, sender=GREENHOUSE)
    story.receive(INVITED - 3 * D, Label.INTERVIEW_REQUEST, role=None)  # Dana: "are you free next week?"
    booked = story.receive(  # Calendly does not know the company; the organizer is Dana
        INVITED,
        Label.INTERVIEW_CONFIRMED,
        sender=CALENDLY,
        organizer=DANA,
        uid="cal-77",
        company=None,
        role=None,
        interview_at=IV,
        interview_end=END,
    )
    assert booked.classification.company is None
    conv = story.conv(END + 25 * H)
    assert conv.company == ACME and conv.role == "Data Engineer" and len(conv.message_keys) == 3
    assert conv.contact == DANA
    assert [e.kind for e in conv.events] == [
        EventKind.ACKNOWLEDGED,
        EventKind.INTERVIEW_REQUESTED,
        EventKind.INTERVIEW_SCHEDULED,
    ]
    lad = evaluate(conv, RULES, END + 25 * H)
    assert step(lad.next_nudge) == ("thank_you", 1) and lad.next_nudge is not None
    suggestion = compose(lad.next_nudge, conv, IDENTITY, Templates.load(), now=END + 25 * H)
    assert suggestion.to == (DANA,)  # never the ATS or the scheduling tool
    # the applicant-tracking system writing for them after the interview is their answer
    story.send(END + 2 * H, Label.THANK_YOU, to=DANA)
    story.receive(END + 6 * D, Label.ASSESSMENT, sender=GREENHOUSE, role=None)  # "your take-home exercise"
    lad = evaluate(story.conv(END + 8 * D), RULES, END + 8 * D)
    assert lad.next_nudge is not None and lad.next_nudge.due_at == END + 13 * D and lad.next_nudge.round == 1


def test_two_roles_at_one_company_stay_apart_even_with_the_same_recruiter() -> None:
    engineer = interviewed()
    analyst = Story(role="Product Analyst")
    analyst.interview(IV + 7 * D, at=INVITED + 2 * D, uid="iv-pa")  # Dana again, for another role
    convs = build_conversations([*engineer.records, *analyst.records], IDENTITY)
    assert sorted(c.role or "" for c in convs) == ["Data Engineer", "Product Analyst"]
    assert all(len(c.interviews) == 1 for c in convs)


def test_a_message_of_unknown_role_joins_the_existing_conversation() -> None:
    story = interviewed()
    story.receive(END + 3 * D, Label.REJECTION, sender=GREENHOUSE, role=None)
    conv = story.conv(END + 3 * D)
    assert conv.ended == "rejected" and conv.role == "Data Engineer"


def test_a_longer_name_for_the_same_role_refines_it() -> None:
    story = Story(role="Engineer")
    story.interview()
    story.receive(INVITED + D, Label.INTERVIEW_CONFIRMED, role="Senior Data Engineer", interview_at=IV)
    conv = story.conv(INVITED + 2 * D)
    assert conv.role == "Senior Data Engineer" and len(conv.interviews) == 1


def test_after_a_rejection_a_new_application_there_is_a_new_conversation() -> None:
    story = interviewed()
    story.receive(END + 3 * D, Label.REJECTION)
    story.receive(END + 60 * D, Label.APPLICATION_RECEIVED, sender=GREENHOUSE, role="Staff Engineer")
    first, second = story.convs(END + 61 * D)
    assert first.ended == "rejected" and second.ended is None and second.role == "Staff Engineer"


def test_the_users_mail_joins_by_the_people_and_domain_already_seen() -> None:
    story = interviewed()
    story.send(END + H, Label.THANK_YOU, to=MARCUS)  # never wrote before, same company domain
    story.send(END + 2 * H, Label.OTHER, to=Address("", "someone@unrelated.example"))
    conv = story.conv(END + D)
    assert [e.kind for e in conv.events].count(EventKind.USER_SENT) == 1


def test_a_reply_with_the_same_timestamp_as_its_parent_is_still_threaded() -> None:
    # Dates have second (often minute) resolution: an answer can carry its parent's timestamp, and
    # must still be read after it, whatever the two messages' keys.
    story = Story()
    invite = story.interview(at=INVITED)
    reply = story.send(INVITED, Label.OTHER, reply_to=invite)
    story.records[-1] = replace(reply, message=replace(reply.message, key="a-sorts-first"))
    conv = story.conv(INVITED)
    assert "a-sorts-first" in conv.message_keys
    assert [e.kind for e in conv.events] == [EventKind.INTERVIEW_SCHEDULED, EventKind.USER_SENT]


def test_grouping_ignores_the_order_messages_arrive_in() -> None:
    story = interviewed()
    story.send(END + 3 * H, Label.THANK_YOU)
    story.receive(END + 2 * D, Label.OTHER)
    other = Story(company="Birch Labs", role="Analyst", contact=Address("Kim Roe", "kim@birch.example"))
    other.interview(uid="birch-1")
    records = [*story.records, *other.records]
    expected = build_conversations(records, IDENTITY)
    for seed in range(5):
        shuffled = records[:]
        random.Random(seed).shuffle(shuffled)
        again = build_conversations(shuffled, IDENTITY)
        assert [(c.id, c.company, c.message_keys, c.events) for c in again] == [
            (c.id, c.company, c.message_keys, c.events) for c in expected
        ]


def test_conversation_ids_do_not_change_as_mail_arrives() -> None:
    story = interviewed()
    first = story.conv(INVITED).id
    story.send(END + 3 * H, Label.THANK_YOU)
    story.receive(END + 3 * D, Label.OTHER)
    assert story.conv(END + 4 * D).id == first

"""Whole stories walked through the follow-up ladder with a fake clock.

Each story is built at the level of stored messages with their classification written by hand (the
classifier's accuracy is tested elsewhere), then grouped by ``track`` and judged by ``policy`` at
explicit moments. A message takes part only once its date has passed, as it would after a scan.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from inboxwatch import cli
from inboxwatch.config import FollowUpConfig, FollowUpRules, load_config
from inboxwatch.core.policy import add_time, due_nudges, evaluate, evaluate_all
from inboxwatch.core.records import Control, StoredMessage
from inboxwatch.core.track import build_conversations
from inboxwatch.models import Address, Label, NudgeKind
from inboxwatch.runtime.pipeline import overview
from inboxwatch.state.store import Store
from tests.support.stories import (
    ACME,
    DANA,
    END,
    IDENTITY,
    INVITED,
    IV,
    MARCUS,
    ME,
    RULES,
    D,
    H,
    M,
    Recorder,
    Story,
    config,
    interviewed,
    next_of,
    run_deliveries,
    scan_into,
    step,
)

# --- the thank-you -------------------------------------------------------------------------------------


def test_before_the_interview_the_thank_you_is_scheduled_not_due() -> None:
    story = interviewed()
    lad = story.ladder(IV - D)
    assert lad.stage == "interview_scheduled"
    assert step(lad.next_nudge) == ("thank_you", 1)
    assert next_of(lad).due_at == END + 24 * H
    assert not lad.due(IV - D)


def test_thank_you_sent_in_time_means_no_nudge_is_ever_due_until_the_follow_up() -> None:
    story = interviewed()
    story.send(END + 3 * H, Label.THANK_YOU)
    for now in (END, END + 2 * H, END + 23 * H, END + 3 * D, END + 7 * D - H):
        lad = story.ladder(now)
        assert not lad.due(now), now
    lad = story.ladder(END + 7 * D)
    assert lad.stage == "awaiting_response"
    assert step(lad.next_nudge) == ("follow_up", 1)
    assert next_of(lad).due_at == END + 7 * D


def test_missing_thank_you_is_due_24_hours_after_the_interview_ends() -> None:
    story = interviewed()
    assert story.due(END + 24 * H - timedelta(seconds=1)) is None
    nudge = story.due(END + 24 * H)
    assert step(nudge) == ("thank_you", 1)
    assert nudge is not None and "1 day" in nudge.reason


def test_a_late_thank_you_still_counts_and_the_ladder_moves_on_to_the_follow_up() -> None:
    story = interviewed()
    assert step(story.due(END + 30 * H)) == ("thank_you", 1)
    story.send(END + 40 * H, Label.THANK_YOU)
    lad = story.ladder(END + 41 * H)
    assert not lad.due(END + 41 * H)
    assert step(lad.next_nudge) == ("follow_up", 1)
    assert lad.follow_ups_sent == 0  # the late thank-you is not a follow-up


def test_a_thank_you_never_sent_gives_way_to_the_first_follow_up() -> None:
    story = interviewed()
    assert step(story.due(END + 6 * D)) == ("thank_you", 1)
    assert step(story.due(END + 7 * D)) == ("follow_up", 1)


def test_accepting_the_invitation_before_the_interview_is_not_a_thank_you() -> None:
    story = Story()
    invite = story.interview()
    story.send(INVITED + 2 * H, Label.OTHER, reply_to=invite)  # "Thursday works, see you then"
    story.send(IV - 2 * H, Label.THANK_YOU, reply_to=invite)  # "thanks, looking forward to it"
    assert step(story.due(END + 25 * H)) == ("thank_you", 1)


def test_two_thank_you_notes_to_two_interviewers_are_not_a_follow_up() -> None:
    story = interviewed()
    story.send(END + 2 * H, Label.THANK_YOU, to=DANA)
    story.send(END + 3 * H, Label.OTHER, to=MARCUS)  # the same company domain: the same conversation
    lad = story.ladder(END + 2 * D)
    assert lad.follow_ups_sent == 0 and lad.stage == "awaiting_response"
    assert step(lad.next_nudge) == ("follow_up", 1)
    assert next_of(lad).due_at == END + 7 * D


# --- silence, follow-ups and moving on -----------------------------------------------------------------


def test_employer_silent_through_two_follow_ups_to_move_on_and_closed_as_ghosted() -> None:
    story = interviewed()
    story.send(END + 3 * H, Label.THANK_YOU)
    assert step(story.due(END + 7 * D)) == ("follow_up", 1)
    story.send(END + 7 * D + 2 * H, Label.FOLLOW_UP)
    lad = story.ladder(END + 8 * D)
    assert lad.stage == "followed_up" and lad.follow_ups_sent == 1 and not lad.due(END + 8 * D)
    assert next_of(lad).due_at == END + 14 * D + 2 * H
    assert step(story.due(END + 14 * D + 2 * H)) == ("follow_up", 2)
    story.send(END + 15 * D, Label.FOLLOW_UP)
    lad = story.ladder(END + 16 * D)
    assert step(lad.next_nudge) == ("move_on", 1) and lad.stage == "followed_up" and not lad.due(END + 16 * D)
    lad = story.ladder(END + 22 * D)
    assert lad.stage == "closed" and lad.closed_reason == "ghosted"
    assert step(lad.next_nudge) == ("move_on", 1) and lad.due(END + 22 * D)
    later = story.ladder(END + 60 * D)  # nothing after move_on: it stays the last step
    assert later.closed_reason == "ghosted" and step(later.next_nudge) == ("move_on", 1)


def test_a_follow_up_sent_by_hand_from_another_client_advances_the_ladder() -> None:
    story = interviewed()
    story.send(END + 3 * H, Label.THANK_YOU)
    # a fresh message (not a reply, unclassified) to the hiring manager, seen on the invite
    story.send(END + 5 * D, Label.OTHER, to=MARCUS, subject="Checking in")
    lad = story.ladder(END + 7 * D)
    assert lad.follow_ups_sent == 1 and lad.stage == "followed_up"
    assert step(lad.next_nudge) == ("follow_up", 2)
    assert next_of(lad).due_at == END + 12 * D


def test_an_unsent_second_follow_up_stays_the_open_step() -> None:
    story = interviewed()
    story.send(END + 3 * H, Label.THANK_YOU)
    story.send(END + 7 * D, Label.FOLLOW_UP)
    for now in (END + 14 * D, END + 30 * D):
        assert step(story.due(now)) == ("follow_up", 2)


def test_with_no_follow_ups_allowed_move_on_comes_after_the_first_silence() -> None:
    story = interviewed()
    story.send(END + 3 * H, Label.THANK_YOU)
    rules = FollowUpRules(max_follow_ups=0, next_follow_up_after=timedelta(days=3))
    lad = story.ladder(END + 2 * D, rules)
    assert step(lad.next_nudge) == ("move_on", 1)
    assert next_of(lad).due_at == END + 7 * D


# --- the employer answers ------------------------------------------------------------------------------


def test_employer_answering_after_the_first_follow_up_starts_a_new_round() -> None:
    story = interviewed()
    story.send(END + 3 * H, Label.THANK_YOU)
    fu = story.send(END + 7 * D + H, Label.FOLLOW_UP)
    before = story.ladder(END + 8 * D).next_nudge
    assert step(before) == ("follow_up", 2)
    story.receive(END + 9 * D, Label.OTHER, reply_to=fu)  # "still deciding, thanks for your patience"
    lad = story.ladder(END + 9 * D + H)
    assert lad.stage == "awaiting_response" and lad.follow_ups_sent == 0
    after = lad.next_nudge
    assert step(after) == ("follow_up", 1)
    assert after is not None and before is not None
    assert after.due_at == END + 16 * D and after.round == before.round + 1
    assert after.key != (before.conversation_id, "follow_up", 1)
    assert "their reply" in after.reason


def test_a_reply_before_the_interview_is_not_a_response_to_it() -> None:
    story = interviewed()
    story.receive(IV - 20 * H, Label.OTHER)  # "looking forward to tomorrow"
    story.receive(IV + 30 * M, Label.OTHER)  # sent during the interview
    assert step(story.due(END + 24 * H)) == ("thank_you", 1)
    assert next_of(story.ladder(END + 24 * H)).round == 0


def test_answering_the_employers_question_is_not_a_follow_up() -> None:
    story = interviewed()
    story.send(END + 3 * H, Label.THANK_YOU)
    ask = story.receive(END + 2 * D, Label.OTHER)  # "could you send two references?"
    story.send(END + 4 * D, Label.OTHER, reply_to=ask)  # the references
    lad = story.ladder(END + 5 * D)
    assert lad.follow_ups_sent == 0 and lad.stage == "awaiting_response"
    assert step(lad.next_nudge) == ("follow_up", 1)
    # the silence runs from the user's answer: the ball is in their court since then
    assert next_of(lad).due_at == END + 11 * D


def test_an_automatic_acknowledgment_is_not_an_answer() -> None:
    story = interviewed()
    story.send(END + 3 * H, Label.THANK_YOU)
    fu = story.send(END + 7 * D, Label.FOLLOW_UP)
    story.receive(END + 7 * D + M, Label.AUTO_REPLY, reply_to=fu)  # "we got your message"
    lad = story.ladder(END + 14 * D)
    assert step(lad.next_nudge) == ("follow_up", 2) and lad.due(END + 14 * D)


def test_their_answer_stamped_the_same_minute_as_the_follow_up_still_comes_after_it() -> None:
    story = interviewed()
    story.send(END + 3 * H, Label.THANK_YOU)
    fu = story.send(END + 7 * D, Label.FOLLOW_UP)
    answer = story.receive(END + 7 * D, Label.OTHER, reply_to=fu)  # Date headers often stop at the minute
    story.records[-1] = replace(answer, message=replace(answer.message, key="0-sorts-before-the-follow-up"))
    lad = story.ladder(END + 8 * D)
    assert lad.follow_ups_sent == 0 and step(lad.next_nudge) == ("follow_up", 1) and next_of(lad).round == 1


def test_boundaries_a_thank_you_at_the_interviews_end_and_a_follow_up_at_its_due_time() -> None:
    story = interviewed()
    story.send(END, Label.THANK_YOU)
    story.send(END + 7 * D, Label.OTHER)
    lad = story.ladder(END + 7 * D)
    assert lad.follow_ups_sent == 1 and step(lad.next_nudge) == ("follow_up", 2)


# --- the ladder ends -----------------------------------------------------------------------------------


def test_a_rejection_mid_ladder_ends_it() -> None:
    story = interviewed()
    story.send(END + 3 * H, Label.THANK_YOU)
    story.send(END + 7 * D, Label.FOLLOW_UP)
    story.receive(END + 10 * D, Label.REJECTION)
    for now in (END + 10 * D, END + 14 * D, END + 40 * D):
        lad = story.ladder(now)
        assert lad.stage == "rejected" and lad.next_nudge is None and lad.closed_reason == "rejected"


def test_a_rejection_from_the_applicant_tracking_system_ends_the_ladder() -> None:
    story = interviewed()
    story.receive(END + 3 * D, Label.REJECTION, sender=Address("Acme Careers", "no-reply@greenhouse.io"))
    lad = story.ladder(END + 8 * D)
    assert lad.stage == "rejected" and lad.next_nudge is None


def test_an_offer_ends_the_ladder() -> None:
    story = interviewed()
    story.receive(END + 2 * D, Label.OFFER, reply_by=date(2026, 3, 20))
    lad = story.ladder(END + 30 * D)
    assert lad.stage == "offer" and lad.next_nudge is None


# --- the interview moves -------------------------------------------------------------------------------


def test_a_calendar_update_reschedules_the_interview_and_its_nudges() -> None:
    story = interviewed()
    moved = IV + 4 * D  # Monday
    story.interview(moved, at=IV - D, seq=1)
    at_old_time = story.ladder(END + 25 * H)
    assert at_old_time.stage == "interview_scheduled" and not at_old_time.due(END + 25 * H)
    assert at_old_time.interview is not None and at_old_time.interview.start == moved
    new_end = moved + H
    assert step(story.due(new_end + 24 * H)) == ("thank_you", 1)
    story.send(new_end + 2 * H, Label.THANK_YOU)
    assert story.due(END + 7 * D) is None  # a week after the old time means nothing
    assert step(story.due(new_end + 7 * D)) == ("follow_up", 1)


def test_an_older_copy_of_the_invite_arriving_late_changes_nothing() -> None:
    story = interviewed()
    moved = IV + 4 * D
    story.interview(moved, at=IV - 2 * D, seq=2)
    story.interview(IV + D, at=IV - D, seq=1)  # a stale update, delivered late
    lad = story.ladder(IV - H)
    assert lad.interview is not None and lad.interview.start == moved


def test_a_cancelled_interview_has_no_nudges() -> None:
    story = interviewed()
    story.receive(IV - D, Label.INTERVIEW_CANCELLED, uid="iv-1", calendar_sequence=1, interview_at=IV)
    for now in (IV - H, END + 2 * D, END + 8 * D, END + 30 * D):
        lad = story.ladder(now)
        assert lad.stage == "interview_cancelled" and lad.next_nudge is None, now


def test_a_cancellation_naming_no_time_cancels_the_latest_interview_and_a_new_one_restarts() -> None:
    story = Story()
    story.interview(uid=None)
    story.receive(IV - D, Label.INTERVIEW_CANCELLED)  # "we need to cancel Thursday", no invite
    assert story.ladder(END + 2 * D).stage == "interview_cancelled"
    story.interview(IV + 7 * D, at=IV + D, uid=None)  # rebooked
    assert step(story.due(END + 7 * D + 24 * H)) == ("thank_you", 1)
    assert story.due(END + 2 * D) is None


# --- out of office -------------------------------------------------------------------------------------


def test_an_out_of_office_with_a_return_date_pauses_the_ladder_until_that_morning() -> None:
    story = interviewed()
    ty = story.send(END + 3 * H, Label.THANK_YOU)
    story.receive(END + 3 * H + M, Label.AUTO_REPLY, reply_to=ty, return_date=date(2026, 3, 18))
    assert story.due(END + 7 * D) is None
    lad = story.ladder(END + 7 * D)
    assert lad.next_nudge is not None
    assert lad.next_nudge.due_at == datetime(2026, 3, 18, 9, 0, tzinfo=UTC)
    assert "out-of-office" in lad.next_nudge.reason
    assert step(story.due(datetime(2026, 3, 18, 9, 0, tzinfo=UTC))) == ("follow_up", 1)


def test_an_out_of_office_only_pauses_it_never_resets_it() -> None:
    story = interviewed()
    story.send(END + 3 * H, Label.THANK_YOU)
    fu = story.send(END + 7 * D, Label.FOLLOW_UP)
    before = story.ladder(END + 7 * D + H).next_nudge
    story.receive(END + 7 * D + H, Label.AUTO_REPLY, reply_to=fu, return_date=date(2026, 3, 14))
    after = story.ladder(END + 8 * D)
    assert after.follow_ups_sent == 1 and step(after.next_nudge) == ("follow_up", 2)
    assert before is not None and after.next_nudge is not None
    assert after.next_nudge.key == before.key  # same round, same step
    assert after.next_nudge.due_at == before.due_at  # back before the next step was due anyway


def test_an_out_of_office_without_a_date_changes_nothing() -> None:
    story = interviewed()
    ty = story.send(END + 3 * H, Label.THANK_YOU)
    story.receive(END + 4 * H, Label.AUTO_REPLY, reply_to=ty)
    assert step(story.due(END + 7 * D)) == ("follow_up", 1)


# --- the employer's own timeline -----------------------------------------------------------------------


def test_we_will_decide_by_friday_moves_the_first_follow_up_to_the_morning_after() -> None:
    story = Story()
    story.interview(reply_by=date(2026, 3, 20))  # "we aim to decide by Friday the 20th"
    story.send(END + 3 * H, Label.THANK_YOU)
    lad = story.ladder(END + 7 * D)
    assert not lad.due(END + 7 * D)
    assert next_of(lad).due_at == datetime(2026, 3, 21, 9, 0, tzinfo=UTC)
    assert "Fri 20 Mar" in next_of(lad).reason
    # the second follow-up counts from the first, not from their date
    story.send(datetime(2026, 3, 21, 10, 0, tzinfo=UTC), Label.FOLLOW_UP)
    lad = story.ladder(datetime(2026, 3, 22, tzinfo=UTC))
    assert next_of(lad).due_at == datetime(2026, 3, 28, 10, 0, tzinfo=UTC)


def test_a_stated_date_sooner_than_a_week_does_not_bring_the_follow_up_forward() -> None:
    story = Story()
    story.interview(reply_by=date(2026, 3, 9))  # "you'll hear from us by Monday"
    story.send(END + 3 * H, Label.THANK_YOU)
    lad = story.ladder(END + 3 * D)
    assert next_of(lad).due_at == END + 7 * D


def test_a_deadline_for_confirming_the_interview_is_not_their_decision_date() -> None:
    story = Story()
    story.interview(reply_by=date(2026, 3, 3))  # "please confirm by Tuesday"
    story.send(END + 3 * H, Label.THANK_YOU)
    lad = story.ladder(END + 3 * D)
    assert next_of(lad).due_at == END + 7 * D


def test_their_date_in_a_reply_after_the_interview_moves_that_rounds_first_follow_up() -> None:
    story = interviewed()
    story.send(END + 3 * H, Label.THANK_YOU)
    story.receive(END + 1 * D, Label.OTHER, reply_by=date(2026, 3, 27))  # "decision by the 27th"
    lad = story.ladder(END + 8 * D)
    assert not lad.due(END + 8 * D) and step(lad.next_nudge) == ("follow_up", 1)
    assert next_of(lad).due_at == datetime(2026, 3, 28, 9, 0, tzinfo=UTC)


# --- a next round --------------------------------------------------------------------------------------


def test_a_second_interview_booked_during_the_silence_holds_the_follow_up_until_it_happened() -> None:
    story = interviewed()
    story.send(END + 3 * H, Label.THANK_YOU)
    second = datetime(2026, 3, 20, 14, 0, tzinfo=UTC)
    story.interview(second, at=END + 2 * D, uid="iv-2")  # "we'd like you back for the final round"
    lad = story.ladder(END + 10 * D)  # a week after their booking: nothing to chase, it is booked
    assert lad.stage == "interview_scheduled" and not lad.due(END + 10 * D)
    assert lad.interview is not None and lad.interview.start == second
    assert step(lad.next_nudge) == ("thank_you", 1)
    thank_second = story.due(second + H + 24 * H)
    assert step(thank_second) == ("thank_you", 1)
    assert thank_second is not None and thank_second.round == 100  # another key than the first thank-you
    story.send(second + 3 * H, Label.THANK_YOU)
    nxt = story.ladder(second + 7 * D + H)
    assert step(nxt.next_nudge) == ("follow_up", 1) and nxt.due(second + 7 * D + H)
    assert nxt.next_nudge is not None and nxt.next_nudge.round == 100


def test_a_thank_you_owed_is_dropped_once_they_write_to_book_the_next_round() -> None:
    story = interviewed()
    story.interview(datetime(2026, 3, 20, 14, 0, tzinfo=UTC), at=END + 2 * D, uid="iv-2")
    assert step(story.due(END + 25 * H)) == ("thank_you", 1)
    # Their message came first: the user's answer to it is the thanks; nothing is due until round two.
    lad = story.ladder(END + 2 * D + H)
    assert lad.stage == "interview_scheduled" and not lad.due(END + 2 * D + H)


# --- options -------------------------------------------------------------------------------------------


def test_business_days_count_only_weekdays() -> None:
    friday = datetime(2026, 3, 6, 15, 0, tzinfo=UTC)
    story = Story()
    story.interview(friday)
    rules = FollowUpRules(business_days=True)
    thank = story.ladder(friday, rules).next_nudge
    assert thank is not None and thank.due_at == datetime(2026, 3, 9, 16, 0, tzinfo=UTC)  # Monday, not Saturday
    story.send(friday + 3 * H, Label.THANK_YOU)
    fu = story.ladder(friday + D, rules).next_nudge
    assert fu is not None and fu.due_at == datetime(2026, 3, 17, 16, 0, tzinfo=UTC)  # 7 weekdays: Tuesday week
    assert next_of(story.ladder(friday + D)).due_at == friday + H + 7 * D


def test_business_time_started_on_a_weekend_starts_on_monday() -> None:
    saturday = datetime(2026, 3, 7, 10, 0, tzinfo=UTC)
    assert add_time(saturday, 24 * H, True) == datetime(2026, 3, 10, 0, 0, tzinfo=UTC)
    assert add_time(saturday, 24 * H, False) == saturday + D
    assert add_time(saturday, timedelta(0), True) == saturday


def test_per_company_overrides_apply_to_that_company_only() -> None:
    acme = interviewed()
    other = Story(company="Birch Labs", role="Analyst", contact=Address("Kim Roe", "kim@birch.example"))
    other.interview(uid="birch-1")
    for s in (acme, other):
        s.send(END + 3 * H, Label.THANK_YOU)
    fast = FollowUpRules(first_follow_up_after=timedelta(days=3))
    cfg = FollowUpConfig(RULES, {"acme  ANALYTICS": fast})
    assert cfg.rules_for("Acme Analytics") is fast and cfg.rules_for("Birch Labs") is RULES
    convs = build_conversations([*acme.upto(END + 4 * D), *other.upto(END + 4 * D)], IDENTITY)
    ladders = evaluate_all(convs, cfg, END + 4 * D)
    due = due_nudges(ladders.values(), END + 4 * D)
    assert [(n.company, str(n.kind)) for n in due] == [("Acme Analytics", "follow_up")]
    (birch,) = [c for c in convs if c.company == "Birch Labs"]
    assert next_of(ladders[birch.id]).due_at == END + 7 * D


def _application(story: Story) -> StoredMessage:
    return story.receive(INVITED, Label.APPLICATION_RECEIVED, sender=Address("Acme Careers", "no-reply@greenhouse.io"))


def test_application_silence_is_off_by_default() -> None:
    story = Story()
    _application(story)
    lad = story.ladder(INVITED + 60 * D)
    assert lad.stage == "acknowledged" and lad.next_nudge is None


def test_application_silence_nudges_about_an_application_never_answered() -> None:
    rules = FollowUpRules(application_silence_after=timedelta(days=14))
    story = Story()
    _application(story)
    assert story.due(INVITED + 14 * D - M, rules) is None
    nudge = story.due(INVITED + 14 * D, rules)
    assert nudge is not None and nudge.kind is NudgeKind.APPLICATION_SILENCE and "2 weeks" in nudge.reason


def test_application_silence_ends_with_their_answer_or_the_users_own_note() -> None:
    rules = FollowUpRules(application_silence_after=timedelta(days=14))
    answered = Story()
    ack = _application(answered)
    answered.receive(INVITED + 5 * D, Label.OTHER, reply_to=ack)  # "we're reviewing applications"
    assert answered.ladder(INVITED + 20 * D, rules).next_nudge is None
    asked = Story()
    ack = _application(asked)
    asked.send(INVITED + 10 * D, Label.FOLLOW_UP, reply_to=ack)  # "any news on my application?"
    assert asked.ladder(INVITED + 20 * D, rules).next_nudge is None
    invited = Story()
    _application(invited)
    invited.receive(INVITED + 3 * D, Label.INTERVIEW_REQUEST)
    lad = invited.ladder(INVITED + 20 * D, rules)
    assert lad.stage == "interview_requested" and lad.next_nudge is None


# --- the user's own controls ---------------------------------------------------------------------------


def test_snooze_defers_the_due_step_until_its_end() -> None:
    story = interviewed()
    story.send(END + 3 * H, Label.THANK_YOU)
    conv_id = story.conv(END + 8 * D).id
    until = END + 10 * D
    controls = {conv_id: Control(conv_id, "snooze", until, END + 8 * D)}
    lad = story.ladder(END + 9 * D, controls=controls)
    assert not lad.due(END + 9 * D) and lad.next_nudge is not None
    assert lad.next_nudge.due_at == until and "snoozed" in lad.next_nudge.reason
    assert story.ladder(until, controls=controls).due(until)


def test_snooze_also_defers_an_application_silence_nudge() -> None:
    rules = FollowUpRules(application_silence_after=timedelta(days=14))
    story = Story()
    _application(story)
    conv_id = story.conv(INVITED).id
    until = INVITED + 20 * D
    controls = {conv_id: Control(conv_id, "snooze", until, INVITED + 15 * D)}
    lad = story.ladder(INVITED + 16 * D, rules, controls)
    assert next_of(lad).due_at == until and not lad.due(INVITED + 16 * D)


def test_done_ignore_and_reopen_through_the_store() -> None:
    story = interviewed()
    story.send(END + 3 * H, Label.THANK_YOU)
    cfg, store, now = config(), Store.memory(), END + 8 * D
    scan_into(store, story.records, now)
    (conv,) = overview(cfg, store, now).conversations
    assert [d.nudge.kind for d in overview(cfg, store, now).due] == [NudgeKind.FOLLOW_UP]
    for action in ("done", "ignore"):
        store.set_control(conv.id, action, None, now)
        view = overview(cfg, store, now)
        assert view.due == [] and view.ladders[conv.id].stage == "closed"
        assert view.ladders[conv.id].closed_reason == {"done": "done", "ignore": "ignored"}[action]
    store.set_control(conv.id, "reopen", None, now)
    assert [d.nudge.kind for d in overview(cfg, store, now).due] == [NudgeKind.FOLLOW_UP]
    store.set_control(conv.id, "snooze", now + 2 * D, now)
    assert overview(cfg, store, now + D).due == []
    assert [d.nudge.attempt for d in overview(cfg, store, now + 2 * D).due] == [1]


# --- delivery: backlog and exactly once ----------------------------------------------------------------


def test_the_first_scan_records_an_old_backlog_without_announcing_it() -> None:
    first_scan = END + 20 * D
    old = interviewed()  # follow-up 1 due since END + 7d: long before the first scan
    old.send(END + 3 * H, Label.THANK_YOU)
    recent = Story(company="Birch Labs", role="Analyst", contact=Address("Kim Roe", "kim@birch.example"))
    recent.interview(first_scan - 3 * D, at=END, uid="birch-1")  # thank-you due 2 days before the scan
    records = [*old.records, *recent.records]
    cfg, store, channel = config(), Store.memory(), Recorder()
    store.set_meta("initialised_at", first_scan.isoformat())
    (report,) = run_deliveries(store, cfg, records, [first_scan], channel)
    assert report.backlog == 1
    assert [(a.nudge.company, str(a.nudge.kind)) for a in channel.alerts] == [("Birch Labs", "thank_you")]
    (stale,) = [d.nudge for d in overview(cfg, store, first_scan).due if d.nudge.company == ACME]
    assert store.is_backlog(stale) and store.deliveries(stale) == {}
    # the next step of the old conversation is news: it is announced
    old.send(first_scan + D, Label.FOLLOW_UP)
    run_deliveries(store, cfg, [*old.records, *recent.records], [first_scan + 8 * D + H], channel)
    assert [(a.nudge.company, str(a.nudge.kind), a.nudge.attempt) for a in channel.alerts][1:] == [
        ("Birch Labs", "follow_up", 1),
        (ACME, "follow_up", 2),
    ]


def test_a_new_stretch_after_their_reply_is_announced_again_under_its_own_key() -> None:
    story = interviewed()
    story.send(END + 3 * H, Label.THANK_YOU)
    cfg, store, channel = config(), Store.memory(), Recorder()
    store.set_meta("initialised_at", INVITED.isoformat())
    run_deliveries(store, cfg, story.records, [END + 7 * D, END + 7 * D + H], channel)
    story.receive(END + 8 * D, Label.OTHER)  # "sorry for the wait, we're still interviewing"
    run_deliveries(store, cfg, story.records, [END + 9 * D, END + 15 * D, END + 15 * D + H], channel)
    assert [(str(a.nudge.kind), a.nudge.attempt, a.nudge.round) for a in channel.alerts] == [
        ("follow_up", 1, 0),
        ("follow_up", 1, 1),
    ]
    assert channel.alerts[0].nudge.key != channel.alerts[1].nudge.key


def test_two_roles_at_one_company_each_climb_their_own_ladder() -> None:
    engineer = interviewed()
    analyst = Story(role="Product Analyst")
    pa_invite = analyst.interview(IV + 2 * D, at=INVITED + D, uid="iv-pa")
    engineer.send(END + 3 * H, Label.THANK_YOU, reply_to=engineer.records[0])
    analyst.send(END + 2 * D + 3 * H, Label.THANK_YOU, reply_to=pa_invite)
    analyst.receive(END + 5 * D, Label.REJECTION, sender=Address("Acme", "no-reply@greenhouse.io"))
    now = END + 7 * D
    convs = build_conversations([*engineer.upto(now), *analyst.upto(now)], IDENTITY)
    ladders = {c.role: evaluate(c, RULES, now) for c in convs}
    assert ladders["Product Analyst"].stage == "rejected"
    assert step(ladders["Data Engineer"].next_nudge) == ("follow_up", 1) and ladders["Data Engineer"].due(now)


def test_nudges_json_lists_each_open_step_once_with_its_delivery(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        f'state_dir = "{tmp_path / "state"}"\n[identity]\nname = "Alex Morgan"\naddresses = ["{ME.email}"]\n'
        "[alerts]\nchannels = []\n"
    )
    cfg = load_config(path)
    acme = interviewed()
    acme.send(END + 3 * H, Label.THANK_YOU)
    birch = Story(company="Birch Labs", role="Analyst", contact=Address("Kim Roe", "kim@birch.example"))
    birch.interview(IV + 6 * D + 90 * M, uid="birch-1")  # its thank-you is due at 17:30 on day 7

    def nudges(now: datetime) -> list[dict[str, Any]]:
        assert cli.main(["nudges", "--json", "--config", str(path), "--now", now.isoformat()]) == 0
        listed: list[dict[str, Any]] = json.loads(capsys.readouterr().out)
        return listed

    with Store.open(cfg.state_path) as store:
        store.set_meta("initialised_at", INVITED.isoformat())
        run_deliveries(store, cfg, [*acme.records, *birch.records], [END + 7 * D + H], Recorder())
    listed = nudges(END + 7 * D + 2 * H)
    assert [(n["company"], n["kind"], n["attempt"], n["delivered"]) for n in listed] == [
        (ACME, "follow_up", 1, True),
        ("Birch Labs", "thank_you", 1, False),  # due since the last scan: not delivered yet
    ]
    acme.send(END + 8 * D, Label.FOLLOW_UP)
    with Store.open(cfg.state_path) as store:
        scan_into(store, acme.records, END + 8 * D)
    listed = nudges(END + 15 * D)
    acme_steps = [(n["kind"], n["attempt"], n["delivered"]) for n in listed if n["company"] == ACME]
    assert acme_steps == [("follow_up", 2, False)]  # the second follow-up replaced the first


def test_a_snoozed_nudge_that_was_already_delivered_is_announced_again_once_when_the_snooze_ends() -> None:
    story = interviewed()
    story.send(END + 3 * H, Label.THANK_YOU)
    cfg, store, channel = config(), Store.memory(), Recorder()
    store.set_meta("initialised_at", INVITED.isoformat())
    first = END + 7 * D + H
    run_deliveries(store, cfg, story.records, [first], channel)
    (conv,) = overview(cfg, store, first).conversations
    store.set_control(conv.id, "snooze", first + 2 * D, first)  # "remind me in two days"
    run_deliveries(store, cfg, story.records, [first + D, first + 2 * D, first + 2 * D + H, first + 3 * D], channel)
    assert [(str(a.nudge.kind), a.nudge.attempt) for a in channel.alerts] == [("follow_up", 1), ("follow_up", 1)]
    assert channel.alerts[1].nudge.snoozed_until == first + 2 * D


def test_reopening_a_ghosted_conversation_counts_the_silence_again_from_the_reopening() -> None:
    story = interviewed()
    story.send(END + 3 * H, Label.THANK_YOU)
    story.send(END + 7 * D + H, Label.FOLLOW_UP)
    story.send(END + 14 * D + H, Label.FOLLOW_UP)
    cfg, store = config(), Store.memory()
    later = END + 30 * D
    scan_into(store, story.records, later)
    (conv,) = overview(cfg, store, later).conversations
    assert overview(cfg, store, later).ladders[conv.id].closed_reason == "ghosted"
    store.set_control(conv.id, "reopen", None, later)
    lad = overview(cfg, store, later).ladders[conv.id]
    assert lad.closed_reason is None and lad.next_nudge is not None
    assert (lad.next_nudge.kind, lad.next_nudge.attempt) == (NudgeKind.FOLLOW_UP, 1)
    assert lad.next_nudge.due_at == later + 7 * D
    assert "reopened" in lad.explanation

"""Properties of the ladder over generated stories: what must hold whatever the employer and the user do."""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from inboxwatch.config import FollowUpConfig, FollowUpRules
from inboxwatch.core.compose import Templates
from inboxwatch.core.policy import add_time, due_nudges, evaluate, evaluate_all
from inboxwatch.core.records import Control, StoredMessage
from inboxwatch.core.track import build_conversations
from inboxwatch.models import Address, FolderRole, Label, NudgeKind
from inboxwatch.runtime.pipeline import deliver, overview
from inboxwatch.state.store import Store
from tests.support.stories import END, IDENTITY, IV, D, H, Recorder, Story, config, scan_into

TEMPLATES = Templates.load()
PROPERTY = settings(deadline=None, max_examples=120, suppress_health_check=[HealthCheck.too_slow])

# One thing that happens in a story: (what, hours after the interview ended, a number of days it carries).
Happening = tuple[str, int, int]
WHAT = st.sampled_from(
    ["thank", "note", "follow_up", "reply", "auto_reply", "out_of_office", "decide_by", "book", "move", "cancel"]
)
HAPPENING = st.tuples(WHAT, st.integers(min_value=-72, max_value=40 * 24), st.integers(min_value=0, max_value=20))
HAPPENINGS = st.lists(HAPPENING, max_size=8)
RULES = st.builds(
    FollowUpRules,
    max_follow_ups=st.integers(min_value=0, max_value=3),
    business_days=st.booleans(),
    application_silence_after=st.sampled_from([None, timedelta(days=10)]),
)
MOMENT = st.integers(min_value=-48, max_value=60 * 24)  # hours after the interview ended

BIRCH = Address("Kim Roe", "kim@birch.example")


def story_of(happenings: Sequence[Happening], company: str = "Acme Analytics") -> Story:
    """An interview on Thursday, then what ``happenings`` say, in any order."""
    story = Story() if company == "Acme Analytics" else Story(company=company, role="Analyst", contact=BIRCH)
    prefix = "acme" if company == "Acme Analytics" else "birch"
    story.receive(IV - 10 * D, Label.APPLICATION_RECEIVED)
    story.interview(uid=f"{prefix}-1")
    for what, hours, days in happenings:
        at = END + hours * H
        if what == "thank":
            story.send(at, Label.THANK_YOU)
        elif what == "note":
            story.send(at, Label.OTHER)
        elif what == "follow_up":
            story.send(at, Label.FOLLOW_UP)
        elif what == "reply":
            story.receive(at, Label.OTHER)
        elif what == "auto_reply":
            story.receive(at, Label.AUTO_REPLY)
        elif what == "out_of_office":
            story.receive(at, Label.AUTO_REPLY, return_date=(at + days * D).date())
        elif what == "decide_by":
            story.receive(at, Label.OTHER, reply_by=(at + days * D).date())
        elif what == "move":  # a calendar update moves the first interview ``days`` days later
            story.interview(IV + days * D, at=at, uid=f"{prefix}-1", seq=hours + 100)
        elif what == "cancel":
            story.receive(at, Label.INTERVIEW_CANCELLED, uid=f"{prefix}-1", calendar_sequence=hours + 100)
        else:  # the next round, booked ``days`` days later
            start = at + (days + 1) * D
            story.interview(start, at=at, uid=f"{prefix}-{hours}-{days}")
    return story


@PROPERTY
@given(
    happenings=HAPPENINGS,
    rules=RULES,
    ending=st.sampled_from(["rejection", "offer", "done", "ignore"]),
    ends_at=st.integers(min_value=-24, max_value=40 * 24),
    moments=st.lists(MOMENT, min_size=1, max_size=6),
)
def test_never_a_nudge_after_rejection_offer_done_or_ignore(
    happenings: list[Happening], rules: FollowUpRules, ending: str, ends_at: int, moments: list[int]
) -> None:
    story = story_of(happenings)
    end = END + ends_at * H
    controls: dict[str, Control] = {}
    if ending in ("rejection", "offer"):
        story.receive(end, Label.REJECTION if ending == "rejection" else Label.OFFER)
    for now in sorted(END + m * H for m in moments):
        if ending in ("done", "ignore"):
            conv_id = story.conv(now).id
            controls = {conv_id: Control(conv_id, ending, None, end)}
        elif now < end:
            continue
        lad = evaluate(story.conv(now, controls), rules, now)
        assert lad.next_nudge is None, (ending, now)
        assert lad.closed_reason in ("rejected", "offer", "done", "ignored")
        assert due_nudges([lad], now) == []


@PROPERTY
@given(
    acme=HAPPENINGS,
    birch=HAPPENINGS,
    rules=RULES,
    moments=st.lists(MOMENT, min_size=1, max_size=8),
    done_at=st.one_of(st.none(), st.integers(min_value=0, max_value=7)),
)
def test_deliveries_are_exactly_once_and_never_for_a_closed_conversation(
    acme: list[Happening], birch: list[Happening], rules: FollowUpRules, moments: list[int], done_at: int | None
) -> None:
    stories = {"Acme Analytics": story_of(acme), "Birch Labs": story_of(birch, "Birch Labs")}
    records = [r for story in stories.values() for r in story.records]
    cfg = config(rules)
    store, channel = Store.memory(), Recorder()
    nows = sorted(END + m * H for m in moments)
    store.set_meta("initialised_at", (nows[0] - 30 * D).isoformat())  # no backlog: every step is announced
    done: str | None = None
    sent_at: dict[tuple[str, str, int], list[datetime]] = {}
    for i, now in enumerate([*nows, nows[-1]]):  # the last moment twice: a rescan changes nothing
        scan_into(store, records, now)
        view = overview(cfg, store, now, TEMPLATES)
        if done_at is not None and i == done_at:
            done = view.conversations[0].id
            store.set_control(done, "done", None, now)
            view = overview(cfg, store, now, TEMPLATES)
        before = len(channel.alerts)
        deliver(cfg, store, view, [channel], now)
        fresh = channel.alerts[before:]
        assert all(a.nudge.due_at <= now for a in fresh)
        assert all(a.nudge.conversation_id != done for a in fresh)
        for a in fresh:
            sent_at.setdefault((a.nudge.company, str(a.nudge.kind), a.nudge.attempt), []).append(now)
    keys = [a.nudge.key for a in channel.alerts]
    assert len(keys) == len(set(keys)), keys
    # The same step again is a new stretch only if something started one in between: mail from the
    # employer's side or another interview held. (Keys alone cannot tell: a key that drifted would
    # announce the same step twice under two names.)
    for (company, _, _), times in sent_at.items():
        starts = _fresh_starts(stories[company])
        for earlier, later in itertools.pairwise(times):
            assert any(earlier < t <= later for t in starts), (company, times, starts)


def _fresh_starts(story: Story) -> list[datetime]:
    """When a new stretch of silence may have begun: an employer message (not automatic), an interview's end."""
    starts = []
    for r in story.records:
        c, at = r.classification, r.message.date
        assert at is not None
        if r.message.folder is FolderRole.INBOX and c.label is not Label.AUTO_REPLY:
            starts.append(at)
        if c.interview_end is not None:
            starts.append(c.interview_end)
    return starts


@PROPERTY
@given(
    happenings=HAPPENINGS,
    rules=RULES,
    moment=st.integers(min_value=6 * 24, max_value=60 * 24),  # when follow-ups are due, mostly
    share=st.floats(min_value=0.0, max_value=1.0),
)
def test_a_reply_always_cancels_a_pending_follow_up(
    happenings: list[Happening], rules: FollowUpRules, moment: int, share: float
) -> None:
    now = END + moment * H
    story = story_of(happenings)
    pending = story.ladder(now, rules)
    assume(pending.next_nudge is not None and pending.next_nudge.kind is NudgeKind.FOLLOW_UP)
    assert pending.next_nudge is not None
    # the reply comes after everything so far: every message and every interview held
    held = [iv.end for iv in story.conv(now).interviews if iv.end <= now]
    last = max([*held, *(r.message.date for r in story.upto(now) if r.message.date)])
    assume(last < now)
    replied = min(last + max(timedelta(seconds=1), (now - last) * share), now)
    story.receive(replied, Label.OTHER)
    after = story.ladder(now, rules).next_nudge
    assert after is None or after.key != pending.next_nudge.key
    if after is not None:
        assert after.due_at > replied
        if after.kind is NudgeKind.FOLLOW_UP:
            assert after.due_at >= add_time(replied, rules.first_follow_up_after, rules.business_days)
        assert after.kind is not NudgeKind.MOVE_ON


@PROPERTY
@given(acme=HAPPENINGS, birch=HAPPENINGS, rules=RULES, moment=MOMENT, seed=st.integers(0, 2**16))
def test_nudges_are_deterministic_given_the_same_messages_and_now(
    acme: list[Happening], birch: list[Happening], rules: FollowUpRules, moment: int, seed: int
) -> None:
    now = END + moment * H
    records = [*story_of(acme).upto(now), *story_of(birch, "Birch Labs").upto(now)]
    shuffled = records[:]
    random.Random(seed).shuffle(shuffled)
    cfg = FollowUpConfig(rules)

    def judged(msgs: list[StoredMessage]) -> tuple[object, ...]:
        ladders = evaluate_all(build_conversations(msgs, IDENTITY), cfg, now)
        return tuple(sorted(ladders.items())), tuple(due_nudges(ladders.values(), now))

    assert judged(records) == judged(shuffled) == judged(list(reversed(records)))


def _weekday_time(start: datetime, end: datetime) -> timedelta:
    total, day = timedelta(0), start.date()
    while day <= end.date():
        lo = max(start, datetime.combine(day, datetime.min.time(), UTC))
        hi = min(end, datetime.combine(day + timedelta(days=1), datetime.min.time(), UTC))
        if day.weekday() < 5 and hi > lo:
            total += hi - lo
        day += timedelta(days=1)
    return total


@settings(max_examples=300)
@given(
    start=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(UTC)),
    span=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=21)),
)
def test_business_days_count_exactly_the_weekday_time(start: datetime, span: timedelta) -> None:
    end = add_time(start, span, business_days=True)
    assert end >= start + span
    assert _weekday_time(start, end) == span
    if span:  # it ends on a weekday (Saturday 00:00 is the end of Friday)
        assert end.weekday() < 5 or end == datetime.combine(end.date(), datetime.min.time(), UTC)

"""The bundled demo, end to end through the real pipeline: every story of STORY.md at its fixed moment."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

import pytest

from inboxwatch.config import AccountConfig, Config
from inboxwatch.demo import DEMO_IDENTITY, DEMO_NOW, build_maildirs, demo_messages
from inboxwatch.runtime.pipeline import Overview, overview, scan
from inboxwatch.state.store import Store

WEEK = timedelta(days=7)

STORIES = tomllib.loads((resources.files("inboxwatch") / "demo" / "stories.toml").read_text(encoding="utf-8"))["story"]
# company → (stage, next nudge kind and attempt if due now, else None): the stories file, which STORY.md renders
EXPECTED = {s["company"]: (s["stage"], tuple(s["due"]) if "due" in s else None) for s in STORIES}


@pytest.fixture(scope="module")
def demo_view(tmp_path_factory: pytest.TempPathFactory) -> Overview:
    tmp = tmp_path_factory.mktemp("demo")
    inbox, sent = build_maildirs(tmp / "mail")
    config = Config.default(DEMO_IDENTITY, [AccountConfig("demo", "maildir", str(inbox), str(sent))], tmp / "state")
    with Store.open(config.state_path) as store:
        scan(config, store, DEMO_NOW)
        return overview(config, store, DEMO_NOW)


def test_the_demo_mailbox_is_big_and_varied_enough() -> None:
    inbox, sent = demo_messages("inbox"), demo_messages("sent")
    assert len(inbox) + len(sent) >= 40
    raw = b"".join(r for _, r in inbox)
    for marker in (b"greenhouse", b"lever.co", b"myworkday.com", b"text/calendar", b"List-Unsubscribe"):
        assert marker in raw


def test_every_story_reaches_its_expected_stage(demo_view: Overview) -> None:
    by_company = {c.company: c for c in demo_view.conversations}
    assert set(by_company) == set(EXPECTED), "noise became a conversation, or a story was split or lost"
    for company, (stage, due) in EXPECTED.items():
        ladder = demo_view.ladders[by_company[company].id]
        assert ladder.stage == stage, company
        is_due = ladder.next_nudge is not None and ladder.next_nudge.due_at <= DEMO_NOW
        if due is None:
            assert not is_due, company
        else:
            assert is_due and ladder.next_nudge is not None, company
            assert (str(ladder.next_nudge.kind), ladder.next_nudge.attempt) == due, company


def test_the_employers_own_dates_move_and_pause_the_ladder(demo_view: Overview) -> None:
    """Fernhill's timeline, Sablewood's out-of-office, Brightpath's reply and Juniper's reschedule, as the stories
    date them ("by Friday, March 20"; back on the 18th; the interview on the 17th)."""
    ladders = {c.company: demo_view.ladders[c.id] for c in demo_view.conversations}
    dated = [s for s in STORIES if "next" in s or "interview" in s]
    assert {s["letter"] for s in dated} >= {"F", "G", "K", "L"}
    for story in dated:
        ladder = ladders[story["company"]]
        if "next" in story:
            assert ladder.next_nudge is not None, story["company"]
            assert ladder.next_nudge.due_at.date().isoformat() == story["next"], story["company"]
        if "interview" in story:
            assert ladder.interview is not None, story["company"]
            assert ladder.interview.start.date().isoformat() == story["interview"], story["company"]


def test_the_second_follow_up_names_other_people_to_try(demo_view: Overview) -> None:
    (copperline,) = [d for d in demo_view.due if d.nudge.company == "Copperline Robotics"]
    tips = " ".join(copperline.suggestion.tips)
    assert "Helen Brooks" in tips and "Raj Patel" in tips
    assert copperline.suggestion.to[0].email == "sam.okafor@copperline-robotics.example"
    assert copperline.suggestion.subject.startswith("Re: ")


def test_demo_command_exits_0_and_shows_a_follow_up_with_its_text() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "inboxwatch", "demo"], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "follow_up #1" in done.stdout
    assert "I wanted to follow up on my interview" in done.stdout
    assert "Northwind Analytics" in done.stdout
    assert not list(Path.cwd().glob("state.sqlite3"))  # records nothing outside its temporary folder


def test_the_daily_digest_lists_what_is_due_and_what_is_coming(demo_view: Overview) -> None:
    from inboxwatch.runtime.digest import digest_text

    title, body = digest_text(demo_view)
    due_now = [s["company"] for s in STORIES if "due" in s]
    coming = [s["company"] for s in STORIES if "next" in s and date.fromisoformat(s["next"]) <= DEMO_NOW.date() + WEEK]
    assert title == f"{len(due_now)} follow-up(s) due, {len(coming)} coming this week"
    assert (len(due_now), len(coming)) == (4, 4)
    due, later = body.split("Coming up:")
    for company in due_now:
        assert company in due
    for company in coming:
        assert company in later

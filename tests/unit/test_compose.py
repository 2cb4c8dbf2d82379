"""Suggested messages: who they go to, how they greet, what they mention, and user templates."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from inboxwatch.core.compose import Templates, compose, reply_recipients
from inboxwatch.core.track import Conversation, Interview
from inboxwatch.errors import TemplateError
from inboxwatch.models import Address, Identity, Nudge, NudgeKind

NOW = datetime(2026, 3, 16, 13, tzinfo=UTC)
ME = Identity("Alex Morgan", frozenset({"alex.morgan@example.net"}))
DANA = Address("Dana Whitfield", "dana@northwind-analytics.example")


def conversation(contact: Address | None = DANA, **people: Address) -> Conversation:
    conv = Conversation(id="abc123", company="Northwind Analytics", role="Senior Data Engineer", contact=contact)
    conv.people = {a.email: a for a in [*(x for x in [contact] if x), *people.values()]}
    conv.subject = "Interview confirmed: Senior Data Engineer"
    conv.last_message_id = "confirm-1@northwind-analytics.example"
    conv.references = ["invite-1@northwind-analytics.example", "confirm-1@northwind-analytics.example"]
    conv.interviews = [Interview(datetime(2026, 3, 3, 20, tzinfo=UTC), datetime(2026, 3, 3, 21, tzinfo=UTC), None, 0)]
    return conv


def nudge(kind: NudgeKind, attempt: int = 1) -> Nudge:
    return Nudge("abc123", "Northwind Analytics", "Senior Data Engineer", kind, attempt, NOW, "test")


@pytest.fixture(scope="module")
def templates() -> Templates:
    return Templates.load()


def test_follow_up_is_a_threaded_polite_reply(templates: Templates) -> None:
    s = compose(nudge(NudgeKind.FOLLOW_UP), conversation(), ME, templates, now=NOW)
    assert s.to == (DANA,)
    assert s.subject == "Re: Interview confirmed: Senior Data Engineer"
    assert s.in_reply_to == "confirm-1@northwind-analytics.example"
    assert s.body.startswith("Hi Dana,")
    assert "Senior Data Engineer role at Northwind Analytics" in s.body
    assert "Tuesday, March 3" in s.body
    assert s.body.rstrip().endswith("Alex Morgan")
    for rude in ("still waiting", "haven't heard", "disappointed", "ASAP"):
        assert rude not in s.body


def test_unknown_name_greets_the_team_and_no_reply_is_never_the_recipient(templates: Templates) -> None:
    robot = Address("Northwind Analytics", "no-reply@us.greenhouse-mail.io")
    conv = conversation(contact=robot)
    assert reply_recipients(conv) == ()
    s = compose(nudge(NudgeKind.THANK_YOU), conv, ME, templates, now=NOW)
    assert s.to == ()
    assert s.body.startswith("Hello Northwind Analytics team,")
    assert any("No reply address is known" in tip for tip in s.tips)


def test_second_follow_up_names_other_people_and_asks_either_way(templates: Templates) -> None:
    marcus = Address("Marcus Lee", "marcus.lee@northwind-analytics.example")
    s = compose(nudge(NudgeKind.FOLLOW_UP, 2), conversation(marcus=marcus), ME, templates, now=NOW)
    assert "either way" in s.body
    assert any("Marcus Lee" in tip for tip in s.tips)


def test_an_offer_elsewhere_and_a_missed_stated_date_are_mentioned(templates: Templates) -> None:
    conv = conversation()
    conv.reply_by = date(2026, 3, 13)
    other = Conversation(id="zzz999", company="Tidewater Games", role=None)
    s = compose(nudge(NudgeKind.FOLLOW_UP), conv, ME, templates, now=NOW, other_offers=[other])
    assert "another offer" in s.body
    assert "Friday, March 13" in s.body
    assert any("Tidewater Games" in tip for tip in s.tips)


def test_user_templates_override_the_shipped_ones(tmp_path: Path) -> None:
    (tmp_path / "follow_up_1.txt").write_text("$greeting\n\nJust checking on the $role_name at $company.\n\n$my_name\n")
    s = compose(nudge(NudgeKind.FOLLOW_UP), conversation(), ME, Templates.load(tmp_path), now=NOW)
    assert (
        s.body == "Hi Dana,\n\nJust checking on the Senior Data Engineer role at Northwind Analytics.\n\nAlex Morgan\n"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Hello\n\nThis costs $5 and $$ more\n", "line 3: malformed placeholder"),
        ("Hi\n$greeting\n${compnay}\n", "line 3: unknown placeholder $compnay"),
    ],
)
def test_a_broken_template_names_its_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "thank_you.txt").write_text(text)
    with pytest.raises(TemplateError) as excinfo:
        Templates.load(tmp_path)
    assert str(tmp_path / "thank_you.txt") in str(excinfo.value)
    assert message in str(excinfo.value)

"""What a source reads of a message's text: ``read_wanted`` judges all it read and the classifier's first look."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from inboxwatch.core.detect.reading import (
    EVERYTHING,
    FIRST_LOOK_CHARS,
    REPLY_CHARS,
    SIGN_CHARS,
    read_wanted,
    text_wanted,
)

LETTER = "We walked along the river and the weather was kinder than promised.\n"
# Pieces that change the judgement: quote marks, forwards, an open "From:" line, job words, a quoted line.
MARKS = [
    "On Mon, 2 Mar 2026, Sam <sam@mail.example> wrote:\n",
    "---------- Forwarded message ---------\n",
    "From: Dana Recruiter <dana@acme.example>",
    "From: Dana Recruiter <dana@acme.example>\nSent: Monday\n",
    "We would like to invite you to an interview for the role.\n",
    "> quoted history\n",
    "-----Original Message-----\n",
    "I am out of the office until Monday.\n",
]
FIELDS = [
    {},
    {"in-reply-to": "<a@mail.example>"},
    {"from": "Jobs <no-reply@greenhouse.io>"},
    {"auto-submitted": "auto-replied"},
]


def both(fields: dict[str, str], subject: str, text: str) -> int:
    """What ``read_wanted`` stands for: the more of the two judgements."""
    return max(text_wanted(fields, subject, text), text_wanted(fields, subject, text[:FIRST_LOOK_CHARS]))


@settings(max_examples=300, deadline=None)
@given(
    fields=st.sampled_from(FIELDS),
    subject=st.sampled_from(["Photos from the trip", "Re: Dinner", "Fwd: the plan", "Interview next week"]),
    pieces=st.lists(st.tuples(st.integers(0, 140), st.sampled_from(MARKS)), max_size=3),
    length=st.integers(FIRST_LOOK_CHARS - 50, FIRST_LOOK_CHARS * 3),
    cut=st.integers(0, 70),
)
def test_read_wanted_is_the_more_of_both_judgements(
    fields: dict[str, str], subject: str, pieces: list[tuple[int, str]], length: int, cut: int
) -> None:
    lines = [LETTER] * (length // len(LETTER) + 1)
    for at, mark in pieces:  # anywhere: before, across and after the first look's end
        lines.insert(min(at, len(lines)), mark)
    text = "".join(lines)[: length - cut]  # what was read ends anywhere, mid-line too
    assert read_wanted(fields, subject, text) == both(fields, subject, text)


def test_what_lies_past_the_first_look_is_judged_too() -> None:
    letter = LETTER * (FIRST_LOOK_CHARS // len(LETTER) + 2)
    assert len(letter) > FIRST_LOOK_CHARS
    assert read_wanted({}, "Photos", letter) == FIRST_LOOK_CHARS
    # A forward past the classifier's first look: what was read shows it, so all of it is read.
    forwarded = letter + MARKS[1] + "From: Sam\n"
    assert text_wanted({}, "Photos", forwarded[:FIRST_LOOK_CHARS]) == FIRST_LOOK_CHARS
    assert read_wanted({}, "Photos", forwarded) == EVERYTHING
    # A reply whose quote mark lies past the first look: the classifier, not knowing it, reads the most.
    reply = letter + MARKS[0] + "> earlier\n"
    assert text_wanted({"in-reply-to": "<a@b>"}, "Re: Photos", reply) < REPLY_CHARS
    assert read_wanted({"in-reply-to": "<a@b>"}, "Re: Photos", reply) == REPLY_CHARS
    # A quote mark past the first look is a sign to read on.
    assert read_wanted({}, "Photos", letter + MARKS[0]) == SIGN_CHARS

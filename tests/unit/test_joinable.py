"""Tracking reads only the stored mail that can join a conversation, and that changes no conversation.

Mailboxes are generated: a few employer stories, and personal mail that shares, or does not share, a
person, a domain, a thread or a message id with them, in any order. Conversations built from every
relevant message must equal those built from the ones ``joinable`` picks.
"""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inboxwatch.core.records import StoredMessage
from inboxwatch.core.track import build_conversations, joinable
from inboxwatch.models import Address, Label
from inboxwatch.state.store import Store
from tests.support.stories import END, IDENTITY, INVITED, ME, D, Story

FRIENDS = [
    Address("Pat Friend", "pat@mail.example"),
    Address("Lee at Acme", "lee@acme.example"),  # same organisation as the recruiter
    Address("Ana Birch", "ana@birch.example"),
    Address("Sam Neighbour", "sam@neighbours.example"),
]
# One piece of personal mail: (who, days after the interview, answers message n (or None), same thread?)
NOTE = st.tuples(
    st.sampled_from(range(len(FRIENDS))),
    st.integers(min_value=-20, max_value=40),
    st.one_of(st.none(), st.integers(min_value=0, max_value=30)),
    st.booleans(),
    st.booleans(),  # sent by the owner rather than received
)


def mailbox(notes: list[tuple[int, int, int | None, bool, bool]], with_birch: bool) -> list[StoredMessage]:
    acme = Story()
    first = acme.receive(INVITED - 5 * D, Label.APPLICATION_RECEIVED)
    acme.interview(uid="acme-1")
    acme.receive(END + 2 * D, Label.OTHER, reply_to=first)
    records = acme.records
    if with_birch:
        birch = Story(company="Birch Bank", role="Analyst", contact=FRIENDS[2])
        birch.receive(INVITED + 3 * D, Label.INTERVIEW_REQUEST, thread_id="birch-thread")
        records = records + birch.records
    noise = Story(company="", role=None, contact=FRIENDS[0])
    for who, days, answers, same_thread, outbound in notes:
        parent = records[answers % len(records)] if answers is not None and records else None
        at = END + days * D + timedelta(minutes=len(noise.records))
        if outbound:
            noise.send(at, to=FRIENDS[who], reply_to=parent)
        else:
            noise.receive(
                at,
                Label.OTHER,
                sender=FRIENDS[who],
                reply_to=parent,
                thread_id="birch-thread" if same_thread else None,
                company=None,
                role=None,
            )
    return records + noise.records


@settings(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(notes=st.lists(NOTE, max_size=12), with_birch=st.booleans())
def test_reading_only_joinable_mail_changes_no_conversation(
    notes: list[tuple[int, int, int | None, bool, bool]], with_birch: bool
) -> None:
    records = mailbox(notes, with_birch)
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder) / "state.db")
        try:
            store.commit_batch("test", "inbox", records, None, END)
            everything = store.messages(relevant_only=True)
            picked = store.relevant_messages(lambda rows: joinable(rows, IDENTITY))
            indexed = store.joinable_messages(IDENTITY)  # through the link index, the same pick
        finally:
            store.close()
    assert [r.message.key for r in indexed] == [r.message.key for r in picked]
    full = build_conversations(everything, IDENTITY)
    narrow = build_conversations(picked, IDENTITY)
    assert [(c.id, c.message_keys, c.events, c.people, c.interviews) for c in narrow] == [
        (c.id, c.message_keys, c.events, c.people, c.interviews) for c in full
    ]


def test_unrelated_personal_mail_is_not_read(tmp_path: Path) -> None:
    records = mailbox([(0, 3, None, False, False), (3, 4, None, False, True), (1, 5, None, False, False)], False)
    store = Store.open(tmp_path / "state.db")
    try:
        store.commit_batch("test", "inbox", records, None, END)
        picked = store.relevant_messages(lambda rows: joinable(rows, IDENTITY))
        assert store.joinable_messages(IDENTITY) == picked
    finally:
        store.close()
    senders = [r.message.sender.email for r in picked if r.message.sender]
    assert "pat@mail.example" not in senders  # a friend, nothing shared with Acme
    assert ME.email not in senders  # the owner's note to a neighbour
    assert "lee@acme.example" in senders  # same organisation as the recruiter: could be part of it
    assert len(picked) == 4  # acknowledgment, interview, Acme's reply, Lee


def test_a_state_file_from_before_the_link_index_is_indexed_on_first_use(tmp_path: Path) -> None:
    records = mailbox([(0, 3, None, False, False), (3, 4, None, False, True), (1, 5, None, True, False)], True)
    store = Store.open(tmp_path / "state.db")
    try:
        store.commit_batch("test", "inbox", records, None, END)
        picked = store.relevant_messages(lambda rows: joinable(rows, IDENTITY))
        with store.transaction() as conn:  # as a file written before migration 5 had its rows
            conn.execute("DELETE FROM message_links")
            conn.execute("DELETE FROM meta WHERE key = 'links_indexed'")
        assert store.joinable_messages(IDENTITY) == picked
        assert store.conn.execute("SELECT COUNT(*) FROM message_links").fetchone()[0] > 0
    finally:
        store.close()

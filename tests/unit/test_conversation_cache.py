"""A scan that stored nothing reuses the last conversations; anything stored, or a new owner, rebuilds them."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from inboxwatch.core.track import build_conversations
from inboxwatch.models import Identity, Label
from inboxwatch.runtime import pipeline
from inboxwatch.runtime.pipeline import CONVERSATIONS_KEY, overview
from inboxwatch.state.codec import conversations_from_json, conversations_to_json
from inboxwatch.state.store import Store
from tests.support.stories import END, INVITED, D, Story, config


def story() -> Story:
    s = Story()
    first = s.receive(INVITED - 5 * D, Label.APPLICATION_RECEIVED)
    s.interview(uid="iv-1")
    s.receive(END + 1 * D, Label.AUTO_REPLY, return_date=(END + 4 * D).date())
    s.send(END + 2 * D, Label.THANK_YOU, reply_to=first)
    s.receive(END + 3 * D, Label.OTHER, reply_by=(END + 9 * D).date())
    return s


def test_conversations_survive_the_json_round_trip(tmp_path: Path) -> None:
    with Store.open(tmp_path / "state.db") as store:
        store.commit_batch("test", "inbox", story().records, None, END)
        convs = build_conversations(store.messages(relevant_only=True), config().identity)
    assert convs and convs[0].interviews and convs[0].events
    again = conversations_from_json(json.loads(json.dumps(conversations_to_json(convs))))
    assert again == convs


def test_a_scan_that_stored_nothing_reads_no_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = config()
    with Store.open(tmp_path / "state.db") as store:
        store.commit_batch("test", "inbox", story().records, None, END)
        first = overview(cfg, store, END + 4 * D)
        reads: list[int] = []
        original = Store.joinable_messages

        def counted(self: Store, identity: Any) -> Any:
            reads.append(1)
            return original(self, identity)

        monkeypatch.setattr(Store, "joinable_messages", counted)
        store.commit_batch("test", "inbox", [], "cursor-moved", END + 4 * D)  # a rescan: nothing new
        second = overview(cfg, store, END + 5 * D)
        assert reads == []
        assert second.conversations == first.conversations
        assert [n.nudge for n in second.due] == [n.nudge for n in overview(cfg, store, END + 5 * D).due]

        late = Story()
        late.receive(END + 6 * D, Label.REJECTION, reply_to=story().records[0])
        store.commit_batch("test", "inbox", late.records, None, END + 6 * D)
        third = overview(cfg, store, END + 6 * D)
        assert reads == [1]  # a message was stored: built again
        assert third.conversations[0].ended is not None


def test_controls_apply_to_reused_conversations_and_a_new_owner_rebuilds(tmp_path: Path) -> None:
    cfg = config()
    with Store.open(tmp_path / "state.db") as store:
        store.commit_batch("test", "inbox", story().records, None, END)
        (conv,) = overview(cfg, store, END + 4 * D).conversations
        store.set_control(conv.id, "done", None, END + 4 * D)
        (again,) = overview(cfg, store, END + 4 * D).conversations
        assert again.control is not None and again.control.action == "done"
        stamp = json.loads(store.get_meta(CONVERSATIONS_KEY) or "{}")["stamp"]
        someone_else = replace(cfg, identity=Identity("Kim Roe", frozenset({"kim@elsewhere.example"})))
        overview(someone_else, store, END + 4 * D)
        assert json.loads(store.get_meta(CONVERSATIONS_KEY) or "{}")["stamp"] != stamp


def test_a_damaged_copy_is_rebuilt(tmp_path: Path) -> None:
    cfg = config()
    with Store.open(tmp_path / "state.db") as store:
        store.commit_batch("test", "inbox", story().records, None, END)
        expected = overview(cfg, store, END + 4 * D).conversations
        store.set_meta(CONVERSATIONS_KEY, '{"stamp": "x", "conversations": [{"id": 1}]')  # truncated JSON
        assert overview(cfg, store, END + 4 * D).conversations == expected
        saved = json.loads(store.get_meta(CONVERSATIONS_KEY) or "{}")
        saved["conversations"] = [{"id": "broken"}]
        store.set_meta(CONVERSATIONS_KEY, json.dumps(saved))  # right stamp, wrong shape
        assert pipeline.overview(cfg, store, END + 4 * D).conversations == expected

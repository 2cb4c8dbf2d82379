"""Parallel analysis gives exactly what serial analysis gives, in order, and survives bad input."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from inboxwatch.models import FolderRole, Identity
from inboxwatch.runtime import analyse as analyse_module
from inboxwatch.runtime.analyse import Analyser, analyse
from inboxwatch.sources.base import FetchedMessage
from tests.support.mailfactory import ME, make_message

OWNER = Identity("Alex Morgan", frozenset({ME}))
T0 = datetime(2026, 3, 2, tzinfo=UTC)


def batch(n: int) -> list[FetchedMessage]:
    out = []
    for i in range(n):
        raw = make_message(
            sender=f"Recruiter {i} <r{i}@acme{i}.example>",
            subject=f"Interview invitation {i} - Data Engineer at Acme{i}",
            body="Hi Alex, we would like to invite you to an interview for the Data Engineer role. "
            "Please share your availability.",
            date=T0 + timedelta(minutes=i),
        )
        if i % 7 == 3:
            raw = b"\xff\xfe garbage \x00" * 50
        out.append(FetchedMessage(uid=str(i), raw=raw, role=FolderRole.INBOX, thread_id=f"t{i}" if i % 2 else None))
    return out


def test_worker_processes_give_the_serial_results_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(analyse_module, "PARALLEL_MIN", 8)
    messages = batch(40)
    serial = [analyse(f, OWNER) for f in messages]
    analyser = Analyser(OWNER, workers=2)
    try:
        first, second = analyser.submit(messages), analyser.submit(messages[::-1])  # both in flight
        assert analyser.pool is not None, "the batch was big enough for worker processes"
        parallel, reversed_ = first.results(), second.results()
    finally:
        analyser.close()
    # Workers send back everything but the text, which is never stored.
    without_text = [o if isinstance(o, str) else (replace(o[0], text=""), o[1]) for o in serial]
    assert parallel == without_text
    assert reversed_ == without_text[::-1]
    assert all(o[0].text for o in serial if not isinstance(o, str))
    labels = [str(o[1].label) for o in parallel if not isinstance(o, str)]
    assert labels == ["other" if i % 7 == 3 else "interview_request" for i in range(40)]
    in_thread = parallel[1]
    assert not isinstance(in_thread, str) and in_thread[0].thread_id == "t1"


def test_small_batches_stay_in_this_process() -> None:
    analyser = Analyser(OWNER, workers=2)
    analyser.run(batch(3))
    assert analyser.pool is None


def test_mail_ruled_out_by_its_headers_is_analysed_here_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(analyse_module, "PARALLEL_MIN", 8)
    messages = [
        replace(f, raw=f.raw.split(b"\n\n")[0] + b"\n\n", headers_only=True) if i % 3 == 0 else f
        for i, f in enumerate(batch(30))
    ]
    serial = [analyse(f, OWNER) for f in messages]
    analyser = Analyser(OWNER, workers=2)
    try:
        pending = analyser.submit(messages)
        assert analyser.pool is not None
        outcomes = pending.results()
    finally:
        analyser.close()
    remote_without_text = [
        o if isinstance(o, str) or messages[i].headers_only else (replace(o[0], text=""), o[1])
        for i, o in enumerate(serial)
    ]
    assert outcomes == remote_without_text


def test_workers_killed_mid_scan_fall_back_to_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """An OOM killer or a crash takes the workers while two batches are in flight: both still come back."""
    monkeypatch.setattr(analyse_module, "PARALLEL_MIN", 8)
    messages = batch(40)
    serial = [analyse(f, OWNER) for f in messages]
    analyser = Analyser(OWNER, workers=2)
    try:
        analyser.run(messages[:10])  # the workers are up
        assert analyser.pool is not None
        first, second = analyser.submit(messages[:20]), analyser.submit(messages[20:])
        for process in list(analyser.pool._processes.values()):
            process.kill()
        outcomes = first.results() + second.results()
        assert analyser.workers == 1 and analyser.pool is None
    finally:
        analyser.close()
    # Whatever the workers finished before they died comes back without its text; the rest is done here.
    assert [without_text(o) for o in outcomes] == [without_text(o) for o in serial]


def without_text(outcome: object) -> object:
    return outcome if isinstance(outcome, str) else (replace(outcome[0], text=""), outcome[1])  # type: ignore[index]

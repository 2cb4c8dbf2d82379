"""Analysis in worker processes: the serial results in order, a time budget per message, workers that
die are replaced, and the batch always comes back whole."""

from __future__ import annotations

import os
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from inboxwatch.errors import ScanCancelledError
from inboxwatch.models import FolderRole, Identity
from inboxwatch.runtime import analyse as analyse_module
from inboxwatch.runtime.analyse import Analyser, analyse
from inboxwatch.sources.base import FetchedMessage
from tests.hostile.tasks import misbehaving
from tests.support.fresh import run_fresh
from tests.support.mailfactory import ME, make_message

OWNER = Identity("Alex Morgan", frozenset({ME}))
T0 = datetime(2026, 3, 2, tzinfo=UTC)


def batch(n: int, prefix: str = "") -> list[FetchedMessage]:
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
        out.append(
            FetchedMessage(uid=f"{prefix}{i}", raw=raw, role=FolderRole.INBOX, thread_id=f"t{i}" if i % 2 else None)
        )
    return out


def without_text(outcome: object) -> object:
    return outcome if isinstance(outcome, str) else (replace(outcome[0], text=""), outcome[1])  # type: ignore[index]


def test_worker_processes_give_the_serial_results_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(analyse_module, "PARALLEL_MIN", 8)
    messages = batch(40)
    serial = [analyse(f, OWNER) for f in messages]
    analyser = Analyser(OWNER, workers=2)
    try:
        first, second = analyser.submit(messages), analyser.submit(messages[::-1])  # both in flight
        parallel, reversed_ = first.results(), second.results()
        assert analyser.started == 2, "the batch was big enough for two workers"
    finally:
        analyser.close()
    # Workers send back everything but the text, which is never stored.
    assert parallel == [without_text(o) for o in serial]
    assert reversed_ == [without_text(o) for o in serial][::-1]
    assert all(o[0].text for o in serial if not isinstance(o, str))
    labels = [str(o[1].label) for o in parallel if not isinstance(o, str)]
    assert labels == ["other" if i % 7 == 3 else "interview_request" for i in range(40)]
    in_thread = parallel[1]
    assert not isinstance(in_thread, str) and in_thread[0].thread_id == "t1"


def test_a_small_batch_is_read_by_one_worker_and_headers_only_mail_here() -> None:
    messages = batch(6)
    messages[0] = replace(messages[0], raw=messages[0].raw.split(b"\n\n")[0] + b"\n\n", headers_only=True)
    analyser = Analyser(OWNER, workers=4)
    try:
        outcomes = analyser.run(messages)
        assert analyser.started == 1
        only_headers = Analyser(OWNER, workers=4)
        assert only_headers.run(messages[:1]) == [analyse(messages[0], OWNER)]
        assert only_headers.started == 0, "nothing slow to read: no worker"
        only_headers.close()
    finally:
        analyser.close()
    assert outcomes[0] == analyse(messages[0], OWNER)  # analysed here: its text stays
    assert outcomes[1:] == [without_text(analyse(f, OWNER)) for f in messages[1:]]


@pytest.mark.parametrize(
    ("kind", "where"),
    [
        ("loop", "(in tests.hostile.tasks)"),  # interrupted by the worker's own alarm, which says where
        ("regex", "(in re)"),  # the regular expression engine lets the alarm in too
        ("deaf", "(its worker was stopped)"),  # code that never lets the alarm in: killed
    ],
)
def test_a_message_over_its_budget_is_abandoned_with_the_reason_and_the_batch_goes_on(
    kind: str, where: str
) -> None:
    messages = batch(8)
    messages[2] = replace(messages[2], uid=f"{kind}-2")
    analyser = Analyser(OWNER, workers=1, budget=1.0, task=misbehaving)
    started = time.monotonic()
    try:
        outcomes = analyser.run(messages)
    finally:
        analyser.close()
    elapsed = time.monotonic() - started
    assert isinstance(outcomes[2], str)
    assert outcomes[2].startswith("abandoned: reading it took longer than 1 s") and where in outcomes[2]
    assert outcomes[:2] + outcomes[3:] == [without_text(analyse(f, OWNER)) for f in messages[:2] + messages[3:]]
    assert analyser.started == (1 if kind != "deaf" else 2), "only a worker that had to be killed is replaced"
    assert elapsed < 1.0 + analyse_module.HARD_GRACE + 15, f"{elapsed:.1f} s"


def test_a_message_that_kills_its_worker_twice_is_damaged_and_one_killed_once_is_read_again(tmp_path: Path) -> None:
    messages = batch(6)
    flag = tmp_path / "died-once"
    messages[1] = replace(messages[1], uid="crash-1")
    messages[4] = replace(messages[4], uid="flaky-4", raw=f"X-Marker: {flag}\n".encode() + messages[4].raw)
    analyser = Analyser(OWNER, workers=1, task=misbehaving)
    try:
        outcomes = analyser.run(messages)
    finally:
        analyser.close()
    assert outcomes[1] == "the process reading it died twice (exit status 3)"
    assert flag.exists() and not isinstance(outcomes[4], str), "killed once, then read by a fresh worker"
    good = [0, 2, 3, 5]
    assert [outcomes[i] for i in good] == [without_text(analyse(messages[i], OWNER)) for i in good]


def test_workers_killed_from_outside_mid_batch_are_replaced_and_nothing_is_lost(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An OOM killer or a stray kill takes the workers while two batches are in flight: both still come back."""
    monkeypatch.setattr(analyse_module, "PARALLEL_MIN", 8)
    messages = batch(120)
    analyser = Analyser(OWNER, workers=2)
    try:
        analyser.run(messages[:10])  # the workers are up
        first, second = analyser.submit(messages[:60]), analyser.submit(messages[60:])
        for worker in list(analyser._pool):
            os.kill(worker.process.pid, 9)
        outcomes = first.results() + second.results()
        assert analyser.started >= 3
    finally:
        analyser.close()
    assert outcomes == [without_text(analyse(f, OWNER)) for f in messages]


def test_a_stop_request_ends_the_wait_and_close_ends_the_workers() -> None:
    import threading

    stop = threading.Event()
    messages = [replace(f, uid=f"loop-{f.uid}") for f in batch(3)]
    analyser = Analyser(OWNER, workers=1, budget=60.0, task=misbehaving, stop=stop)
    pending = analyser.submit(messages)
    threading.Timer(0.5, stop.set).start()
    started = time.monotonic()
    with pytest.raises(ScanCancelledError):
        pending.results()
    pids = [w.process.pid for w in analyser._pool]
    analyser.close()
    assert time.monotonic() - started < 5
    assert pids and not any(os.path.exists(f"/proc/{pid}") and "Z" not in _state(pid) for pid in pids)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return "gone"


def test_the_scanning_process_loads_the_phrase_tables_only_when_it_reads_mail() -> None:
    """Making the analyser loads no phrase table (the scanning process connects first: the IMAP source loads them
    meanwhile); analysing a message loads them."""
    code = (
        "import sys\n"
        "from inboxwatch.runtime.analyse import Analyser, analyse\n"
        "from inboxwatch.models import FolderRole, Identity\n"
        "from inboxwatch.sources.base import FetchedMessage\n"
        "me = Identity('Alex Morgan', frozenset({'alex@example.net'}))\n"
        "Analyser(me).close()\n"
        "assert 'inboxwatch.core.detect.rules' not in sys.modules, 'loaded with the analyser'\n"
        "raw = b'From: a@example.org\\r\\nSubject: Hello\\r\\n\\r\\nHi there\\r\\n'\n"
        "outcome = analyse(FetchedMessage('1', raw, FolderRole.INBOX), me)\n"
        "assert not isinstance(outcome, str), outcome\n"
        "assert 'inboxwatch.core.detect.rules' in sys.modules\n"
        "print('ok')\n"
    )
    assert run_fresh(code) == "ok"

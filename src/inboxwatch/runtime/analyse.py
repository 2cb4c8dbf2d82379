"""Parse and classify fetched mail, on every core for big batches (a first scan of a large mailbox).

Parsing and classifying is pure CPU work on independent messages, so a large batch is split over worker
processes; a small one (the daemon's usual few new messages) stays in this process, where starting workers
would cost more than it saves. Results come back in the order of the batch.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import CancelledError, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace

from inboxwatch.core.detect import classify
from inboxwatch.core.detect.corrections import Correction, keeps_features, template_vector
from inboxwatch.core.parse import parse_message
from inboxwatch.models import Classification, Identity, Message
from inboxwatch.sources.base import FetchedMessage

log = logging.getLogger(__name__)

PARALLEL_MIN = 64  # messages in a batch before worker processes are worth starting
Outcome = tuple[Message, Classification] | str  # a result, or why the message could not be read

_identity: Identity | None = None  # set in each worker by _init
_corrections: Sequence[Correction] = ()


def analyse(fetched: FetchedMessage, identity: Identity, corrections: Sequence[Correction] = ()) -> Outcome:
    """One message: parsed, labelled (as the user's ``corrections`` have it), with the source's identity
    and thread, and the features a later correction needs when it is job mail; never raises."""
    try:
        message = parse_message(fetched.raw, fetched.role, fetched.uid)
        if fetched.thread_id or fetched.identity:
            message = replace(
                message, thread_id=fetched.thread_id or message.thread_id, key=fetched.identity or message.key
            )
        result = classify(message, identity, corrections)
        if keeps_features(message, result, corrections):
            message = replace(message, features=template_vector(message))
        return message, result
    except Exception as e:  # one bad message never stops a scan
        return f"{type(e).__name__}: {e}"[:300]


def _init(identity: Identity, corrections: Sequence[Correction]) -> None:
    global _identity, _corrections  # noqa: PLW0603 - per-process state of a worker
    _identity = identity
    _corrections = corrections


def _analyse_chunk(chunk: Sequence[FetchedMessage]) -> list[Outcome]:
    assert _identity is not None
    return [_without_text(analyse(f, _identity, _corrections)) for f in chunk]


def _without_text(outcome: Outcome) -> Outcome:
    """The text is not stored: sending it back to the caller's process would only cost time."""
    if isinstance(outcome, str):
        return outcome
    message, result = outcome
    return replace(message, text=""), result


class Pending:
    """A batch handed to the analyser; :meth:`results` waits for it (in the order of the batch).

    Messages whose headers alone ruled them out take a fraction of a millisecond: they are analysed
    here, while the workers read the others, rather than sent to a worker and back.
    """

    def __init__(self, analyser: Analyser, batch: Sequence[FetchedMessage]) -> None:
        self._analyser = analyser
        self._batch = batch
        self._remote = [i for i, f in enumerate(batch) if not f.headers_only]
        pool = analyser.pool
        assert pool is not None
        chunk = Analyser.CHUNK
        self._futures = [
            pool.submit(_analyse_chunk, [batch[i] for i in self._remote[j : j + chunk]])
            for j in range(0, len(self._remote), chunk)
        ]
        self._local = {
            i: analyse(f, analyser.identity, analyser.corrections) for i, f in enumerate(batch) if f.headers_only
        }

    def results(self) -> list[Outcome]:
        try:
            remote = [outcome for future in self._futures for outcome in future.result()]
        except (BrokenProcessPool, CancelledError, OSError, RuntimeError) as e:  # cancelled: an earlier batch broke
            self._analyser.fall_back(e)
            return [analyse(f, self._analyser.identity, self._analyser.corrections) for f in self._batch]
        outcomes = dict(self._local)
        outcomes.update(zip(self._remote, remote, strict=True))
        return [outcomes[i] for i in range(len(self._batch))]


class _Done(Pending):
    def __init__(self, outcomes: list[Outcome]) -> None:
        self._outcomes = outcomes

    def results(self) -> list[Outcome]:
        return self._outcomes


class Analyser:
    """Analyses batches; starts worker processes the first time a batch is big enough. Close it after use.

    :meth:`submit` returns at once when workers take the batch, so the caller can fetch and hand over the
    next batch (and store the previous one) while this one is analysed: the workers never wait for it.
    """

    CHUNK = 16  # messages per task: big enough to amortise a round trip, small enough to balance workers

    def __init__(
        self, identity: Identity, workers: int | None = None, corrections: Sequence[Correction] = ()
    ) -> None:
        self.identity = identity
        self.corrections = tuple(corrections)
        self.workers = workers if workers is not None else min(4, os.cpu_count() or 1)
        self.pool: ProcessPoolExecutor | None = None

    def run(self, batch: Sequence[FetchedMessage]) -> list[Outcome]:
        return self.submit(batch).results()

    def submit(self, batch: Sequence[FetchedMessage]) -> Pending:
        if self.workers < 2 or len(batch) < PARALLEL_MIN:
            return _Done([analyse(f, self.identity, self.corrections) for f in batch])
        try:
            if self.pool is None:
                # forkserver, not fork: the caller may have threads (the IMAP prefetcher) a fork would copy.
                context = multiprocessing.get_context("forkserver")
                context.set_forkserver_preload(["inboxwatch.runtime.analyse"])
                self.pool = ProcessPoolExecutor(
                    self.workers, mp_context=context, initializer=_init, initargs=(self.identity, self.corrections)
                )
            return Pending(self, batch)
        except (BrokenProcessPool, OSError, RuntimeError) as e:
            self.fall_back(e)
            return _Done([analyse(f, self.identity, self.corrections) for f in batch])

    def fall_back(self, error: BaseException) -> None:
        """Worker processes failed: analyse in this process from now on."""
        if self.workers > 1:
            log.warning("worker processes unavailable (%s); analysing in this process", error)
        self.close()
        self.workers = 1

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

"""Parse and classify fetched mail in worker processes, each message under a time budget.

Every message whose body is read is analysed in a worker process, never in the scanning process: a
message that makes a library loop (a calendar part whose time zone recurs every second since 1601, a
pattern that backtracks for ever) exceeds its budget, is abandoned with the reason (recorded as damaged
by the caller) and its worker replaced; the batch goes on. A worker first gives up by itself (an alarm
interrupts the analysis, which names where it was stuck); one that does not is killed
``HARD_GRACE`` seconds later. Mail the headers already ruled out takes microseconds and is analysed here.

Workers die with the scanning process however it dies: each asks the kernel for SIGKILL when its parent
dies (``PR_SET_PDEATHSIG``; a thread watching the parent where that is not available) and exits when its
task pipe closes. They are plain ``python -c`` children talking over a socket pair — no fork server, no
resource tracker, nothing that outlives the scan. A batch of fewer than ``PARALLEL_MIN`` messages uses
one worker; bigger ones use every core. Results come back in the order of the batch.
"""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import logging
import math
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection, wait
from types import FrameType, TracebackType

from inboxwatch.core.detect.corrections import Correction, keeps_features, template_vector
from inboxwatch.errors import ScanCancelledError
from inboxwatch.models import Classification, Identity, Message
from inboxwatch.sources.base import FetchedMessage

log = logging.getLogger(__name__)

MESSAGE_BUDGET = 3.0  # seconds one message may take; a real one takes milliseconds, the worst ~0.1 s
HARD_GRACE = 2.0  # seconds after the budget before a worker that did not give up is killed
START_TIMEOUT = 60.0  # seconds a worker may take to start (a loaded machine imports slowly)
PARALLEL_MIN = 64  # messages in a batch before more than one worker is worth starting
CHUNK = 16  # messages handed to a worker at a time
RECYCLE_MB = 150.0  # a worker that gave up on a message and holds more than this is replaced
Outcome = tuple[Message, Classification] | str  # a result, or why the message could not be read
Task = Callable[[FetchedMessage, Identity, Sequence[Correction]], Outcome]

_PR_SET_PDEATHSIG = 1
_READY = "ready"
_WORKER_CODE = (
    "import sys\n"
    "from multiprocessing.connection import Connection\n"
    "conn = Connection(int(sys.argv[1]))\n"
    "sys.path[:] = conn.recv()\n"
    "from inboxwatch.runtime.analyse import worker_main\n"
    "worker_main(conn)\n"
)


def analyse(fetched: FetchedMessage, identity: Identity, corrections: Sequence[Correction] = ()) -> Outcome:
    """One message: parsed, labelled (as the user's ``corrections`` have it), with the source's identity
    and thread, and the features a later correction needs when it is job mail; never raises an Exception."""
    try:
        from inboxwatch.core.detect import classify  # (loaded on first use: see worker_main)

        message = fetched.parsed()
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


# --- in the worker ----------------------------------------------------------------------------------------


class BudgetExceeded(BaseException):
    """Raised in a worker by the alarm: a BaseException, so that no library's ``except Exception`` eats it."""


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise BudgetExceeded


def _where(tb: TracebackType | None) -> str:
    """Where an abandoned analysis was: the innermost library module and the inboxwatch code that called it."""
    modules: list[str] = []
    while tb is not None:
        modules.append(str(tb.tb_frame.f_globals.get("__name__", "?")))
        tb = tb.tb_next
    ours = [m for m in modules if m.startswith("inboxwatch.") and m != __name__]
    theirs = [m for m in modules if not m.startswith("inboxwatch.") and m != __name__]
    if theirs and ours:
        return f" (in {theirs[-1]}, called from {ours[-1]})"
    if ours or theirs:
        return f" (in {(ours or theirs)[-1]})"
    return ""


def abandoned(budget: float, where: str = "") -> str:
    return f"abandoned: reading it took longer than {budget:g} s{where}"


def _within_budget(
    task: Task, fetched: FetchedMessage, identity: Identity, corrections: Sequence[Correction], budget: float
) -> tuple[Outcome, bool]:
    """The task's outcome, and whether it overran."""
    try:
        try:
            signal.setitimer(signal.ITIMER_REAL, budget)
            return task(fetched, identity, corrections), False
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except BudgetExceeded as e:
        return abandoned(budget, _where(e.__traceback__)), True


def _without_text(outcome: Outcome) -> Outcome:
    """The text is not stored: sending it back to the caller's process would only cost time."""
    if isinstance(outcome, str):
        return outcome
    message, result = outcome
    return replace(message, text=""), result


def _die_with_parent(parent: int) -> None:
    """SIGKILL from the kernel when the parent dies; a watching thread where prctl is not available."""
    armed = False
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        armed = libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)
    if not armed:

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(1)

        threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _rss_mb() -> float:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return math.inf  # cannot tell: be safe, start afresh


def worker_main(conn: Connection) -> None:
    """A worker: analyse the chunks the parent sends, one result per message, until the pipe closes."""
    identity, budget, task, parent = conn.recv()
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the parent decides
    signal.signal(signal.SIGALRM, _on_alarm)
    # The classifier's phrase tables and model, loaded before saying ready: the first mail does not wait for them.
    # (The scanning process loads them only when it reads mail itself, or while it connects: see the IMAP source.)
    # One that cannot be loaded says so on every message, as it would have anyway.
    with contextlib.suppress(Exception):
        from inboxwatch.core.detect import classifier, reading  # noqa: F401 (loaded, not used here)
        from inboxwatch.core.detect.model import default_model

        default_model()
    conn.send(_READY)
    while True:
        try:
            chunk = conn.recv()
        except (EOFError, OSError):
            return
        if chunk is None:
            return
        corrections, jobs = chunk
        for seq, fetched in jobs:
            outcome, overran = _within_budget(task, fetched, identity, corrections, budget)
            recycle = overran and _rss_mb() > RECYCLE_MB
            try:
                conn.send((seq, _without_text(outcome), recycle))
            except OSError:
                return
            if recycle:
                return  # what the abandoned work took may not be given back: the parent starts a fresh worker


# --- in the scanning process ------------------------------------------------------------------------------


class Pending:
    """A batch handed to the analyser; :meth:`results` waits for it (in the order of the batch)."""

    def __init__(self, analyser: Analyser, size: int) -> None:
        self._analyser = analyser
        self._outcomes: list[Outcome | None] = [None] * size
        self._left = size
        self._done = threading.Event()
        if not size:
            self._done.set()

    def _complete(self, index: int, outcome: Outcome) -> None:
        if self._outcomes[index] is None:
            self._outcomes[index] = outcome
            self._left -= 1
            if not self._left:
                self._done.set()

    def done(self) -> bool:
        return self._done.is_set()

    def results(self) -> list[Outcome]:
        while not self._done.wait(0.2):
            self._analyser.check()
        return [o for o in self._outcomes if o is not None]


_SEQ = itertools.count()


@dataclass
class _Job:
    pending: Pending
    index: int
    fetched: FetchedMessage
    corrections: tuple[Correction, ...]
    deaths: int = 0
    seq: int = field(default_factory=lambda: next(_SEQ))


@dataclass
class _Worker:
    process: subprocess.Popen[bytes]
    conn: Connection
    started: float
    ready: bool = False
    jobs: deque[_Job] = field(default_factory=deque)  # in flight, in order: the first is being read
    since: float = 0.0  # when the first job in flight began

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.process.kill()
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        self.conn.close()


class Analyser:
    """Analyses batches in worker processes, each message under ``budget`` seconds. Close it after use.

    :meth:`submit` returns at once; a thread of this process hands the messages to the workers, collects
    the results and replaces workers that overran or died, so the caller can fetch and store meanwhile.
    ``stop`` (set by a stopping daemon) makes a waiting :meth:`Pending.results` raise ``ScanCancelledError``.
    """

    def __init__(
        self,
        identity: Identity,
        workers: int | None = None,
        corrections: Sequence[Correction] = (),
        *,
        budget: float = MESSAGE_BUDGET,
        task: Task = analyse,
        stop: threading.Event | None = None,
    ) -> None:
        self.identity = identity
        self.corrections = tuple(corrections)
        self.workers = max(1, workers if workers is not None else min(4, os.cpu_count() or 1))
        self.budget = budget
        self.task = task
        self.stop = stop
        self.started = 0  # worker processes started so far (tests and logs)
        self.local = False  # workers cannot start here: analyse in this process, without a budget
        self._wanted = 0
        self._queue: deque[_Job] = deque()
        self._pool: list[_Worker] = []
        self._lock = threading.Lock()
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_w, False)
        self._thread: threading.Thread | None = None
        self._closed = False
        self._failed_starts = 0
        self._floor = 0  # workers kept up while idle (a daemon keeps one warm)

    # --- the caller's side ------------------------------------------------------------------------

    def run(self, batch: Sequence[FetchedMessage], corrections: Sequence[Correction] | None = None) -> list[Outcome]:
        return self.submit(batch, corrections).results()

    def submit(self, batch: Sequence[FetchedMessage], corrections: Sequence[Correction] | None = None) -> Pending:
        """Hand ``batch`` over; ``corrections`` (default: the analyser's) go with it, so a warm analyser
        labels as the user's latest corrections have it."""
        labels = self.corrections if corrections is None else tuple(corrections)
        pending = Pending(self, len(batch))
        remote = []
        for i, fetched in enumerate(batch):
            if fetched.headers_only:  # ruled out by its headers: nothing slow to read
                pending._complete(i, analyse(fetched, self.identity, labels))
            else:
                remote.append(_Job(pending, i, fetched, labels))
        if remote:
            with self._lock:
                if self._closed:
                    raise ScanCancelledError("the analyser is closed")
                self._queue.extend(remote)
                self._wanted = max(self._wanted, 1 if len(self._queue) < PARALLEL_MIN else self.workers)
            self._ensure_thread()
            self._wake()
        return pending

    def warm(self, count: int = 1) -> None:
        """Start ``count`` workers now (``workers`` at most) and keep them while idle: the first new mail does not
        wait for them to start."""
        count = max(1, min(count, self.workers))
        with self._lock:
            self._floor = max(self._floor, count)
            self._wanted = max(self._wanted, count)
        self._ensure_thread()
        self._wake()

    def _ensure_thread(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._serve, name="analyser", daemon=True)
            self._thread.start()

    def check(self) -> None:
        """Raise ``ScanCancelledError`` when the caller should stop waiting."""
        if self.stop is not None and self.stop.is_set():
            raise ScanCancelledError("stopping")
        if self._closed:
            raise ScanCancelledError("the analyser is closed")
        if self._thread is not None and not self._thread.is_alive():
            raise ScanCancelledError("the analyser stopped")

    def close(self) -> None:
        with self._lock:
            self._closed = True
        self._wake()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=10)
        for worker in self._pool:
            worker.kill()
        self._pool.clear()
        for fd in (self._wake_r, self._wake_w):
            with contextlib.suppress(OSError):
                os.close(fd)
        self._wake_r = self._wake_w = -1

    def _wake(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            os.write(self._wake_w, b"!")

    # --- the serving thread -------------------------------------------------------------------------

    def _serve(self) -> None:
        try:
            while True:
                with self._lock:
                    if self._closed:
                        break
                if self.local:
                    self._serve_here()
                    continue
                self._grow()
                self._dispatch()
                self._collect(self._wait())
                self._enforce_deadlines()
        except Exception:  # a bug here must not hang the scan: the waiting caller is told
            log.exception("the analyser failed")
        finally:
            for worker in self._pool:
                worker.kill()
            self._pool.clear()

    def _serve_here(self) -> None:
        with self._lock:
            job = self._queue.popleft() if self._queue else None
        if job is None:
            self._wait_for_wake(None)
            return
        job.pending._complete(job.index, _without_text(self.task(job.fetched, self.identity, job.corrections)))

    def _wait_for_wake(self, timeout: float | None) -> None:
        if wait([self._wake_r], timeout):
            with contextlib.suppress(OSError):
                os.read(self._wake_r, 4096)

    def _grow(self) -> None:
        with self._lock:
            queued = len(self._queue)
            wanted = self._wanted
        busy = sum(1 for w in self._pool if w.jobs or not w.ready)
        target = min(wanted, max(self._floor, busy + math.ceil(queued / CHUNK)))
        for _ in range(target - len(self._pool)):
            worker = self._start()
            if worker is None:
                return
            self._pool.append(worker)

    def _start(self) -> _Worker | None:
        try:
            parent, child = socket.socketpair()
            try:
                process = subprocess.Popen(
                    [sys.executable, "-c", _WORKER_CODE, str(child.fileno()), "inboxwatch-analysis-worker"],
                    pass_fds=[child.fileno()],
                    stdin=subprocess.DEVNULL,
                    close_fds=True,
                )
            finally:
                child.close()
            conn = Connection(parent.detach())
            conn.send(list(sys.path))
            conn.send((self.identity, self.budget, self.task, os.getpid()))
        except (OSError, ValueError) as e:
            self._give_up_workers(e)
            return None
        self.started += 1
        return _Worker(process, conn, started=time.monotonic())

    def _give_up_workers(self, error: object) -> None:
        log.warning("analysis workers cannot start (%s); reading mail in this process, without a time budget", error)
        self.local = True
        for worker in self._pool:
            with self._lock:
                self._queue.extendleft(reversed(worker.jobs))
            worker.kill()
        self._pool.clear()

    def _dispatch(self) -> None:
        for worker in self._pool:
            if not worker.ready or worker.jobs:
                continue
            chunk: list[_Job] = []
            with self._lock:
                # One set of corrections per chunk (a warm analyser may have batches of before and after one).
                while self._queue and len(chunk) < CHUNK:
                    if chunk and self._queue[0].corrections is not chunk[0].corrections:
                        break
                    chunk.append(self._queue.popleft())
            if not chunk:
                return
            worker.jobs.extend(chunk)
            worker.since = time.monotonic()
            message = (chunk[0].corrections, [(job.seq, job.fetched) for job in chunk])
            with contextlib.suppress(OSError):  # it died: _collect sees the closed pipe
                worker.conn.send(message)

    def _deadline(self, worker: _Worker) -> float:
        if not worker.ready:
            return worker.started + START_TIMEOUT
        if worker.jobs:
            return worker.since + self.budget + HARD_GRACE
        return math.inf

    def _wait(self) -> Sequence[object]:
        soonest = min((self._deadline(w) for w in self._pool), default=math.inf)
        timeout = None if soonest == math.inf else max(0.0, soonest - time.monotonic())
        ready = wait([self._wake_r, *(w.conn for w in self._pool)], timeout)
        if self._wake_r in ready:
            with contextlib.suppress(OSError):
                os.read(self._wake_r, 4096)
        return ready

    def _collect(self, ready: Sequence[object]) -> None:
        for worker in [w for w in self._pool if w.conn in ready]:
            try:
                while worker.conn.poll():
                    message = worker.conn.recv()
                    if message == _READY:
                        worker.ready = True
                        self._failed_starts = 0
                        continue
                    seq, outcome, recycle = message
                    job = worker.jobs.popleft()
                    assert job.seq == seq, "results come back in order"
                    job.pending._complete(job.index, outcome)
                    worker.since = time.monotonic()
                    if recycle:  # it gave up on a message and exits: the rest of its chunk goes to another
                        self._retire(worker, blame=None)
                        break
            except (EOFError, OSError):
                self._died(worker)

    def _enforce_deadlines(self) -> None:
        now = time.monotonic()
        for worker in list(self._pool):
            if now < self._deadline(worker):
                continue
            if not worker.ready:
                log.warning("an analysis worker did not start within %g s; starting another", START_TIMEOUT)
                self._retire(worker, blame=None)
                self._failed_start()
            else:
                self._retire(worker, blame=abandoned(self.budget, " (its worker was stopped)"))

    def _died(self, worker: _Worker) -> None:
        worker.kill()
        code = worker.process.returncode
        how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit status {code}"
        if not worker.ready:
            log.warning("an analysis worker died while starting (%s)", how)
            self._retire(worker, blame=None)
            self._failed_start()
            return
        head = worker.jobs[0] if worker.jobs else None
        if head is not None:
            head.deaths += 1
            if head.deaths >= 2:  # twice: it is this message, not bad luck (the OOM killer, a stray kill)
                self._retire(worker, blame=f"the process reading it died twice ({how})")
                return
        self._retire(worker, blame=None)

    def _failed_start(self) -> None:
        self._failed_starts += 1
        if self._failed_starts >= 3:
            self._give_up_workers("three failed starts in a row")

    def _retire(self, worker: _Worker, blame: str | None) -> None:
        """Stop ``worker``; its first job gets ``blame`` as outcome (None: retried), the rest go back in line."""
        worker.kill()
        jobs = list(worker.jobs)
        worker.jobs.clear()
        if blame is not None and jobs:
            head = jobs.pop(0)
            head.pending._complete(head.index, blame)
        with self._lock:
            self._queue.extendleft(reversed(jobs))
        if worker in self._pool:
            self._pool.remove(worker)

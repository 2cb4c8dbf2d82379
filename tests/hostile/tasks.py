"""Analysis tasks for the workers that misbehave on purpose, chosen by the message's uid.

Workers import this module by name (the analyser hands them ``sys.path``), so a test can make one
message loop in Python, hold the GIL in C, or kill its worker, and check what the batch does.
"""

from __future__ import annotations

import os
import re
import signal
import time
from collections.abc import Sequence

from inboxwatch.core.detect.corrections import Correction
from inboxwatch.models import Identity
from inboxwatch.runtime.analyse import Outcome, analyse
from inboxwatch.sources.base import FetchedMessage


def misbehaving(fetched: FetchedMessage, identity: Identity, corrections: Sequence[Correction] = ()) -> Outcome:
    kind = fetched.uid.split("-", 1)[0]
    if kind == "loop":  # a library iterating for ever in Python: the alarm interrupts it
        memory = []
        while True:
            memory.append(time.monotonic())
            if len(memory) > 100_000:
                memory.clear()
    if kind == "regex":  # catastrophic backtracking in C (the regex engine checks for signals now and then)
        re.match(r"(a+)+$", "a" * 64 + "b")
    if kind == "deaf":  # code that never lets the alarm in (C holding on, signals blocked): only a kill stops it
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        while True:
            time.sleep(0.05)
    if kind == "crash":  # the process reading it dies every time (a segfault in a C library)
        os._exit(3)
    if kind == "flaky":  # dies once (the OOM killer took it), works the second time
        marker = fetched.raw.decode().split("\n", 1)[0].removeprefix("X-Marker: ")
        if not os.path.exists(marker):
            open(marker, "w").close()
            os._exit(9)
    return analyse(fetched, identity, corrections)

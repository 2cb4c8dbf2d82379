"""The one backoff: how long to wait before the n-th retry of something that failed.

``Backoff(first, cap, jitter).delay(n)`` is ``min(first * 2**(n-1), cap)`` seconds, times a random factor drawn
evenly from ``jitter`` (so retries of many accounts or messages do not fall in step). Who uses it, with what:

- the daemon, for a failing account (5 s doubling to 30 min, ±20 %) and a lost push connection (2 s to 5 min, ±50 %);
- delivery, for a channel that failed (``[alerts] retry_after`` doubling to 48 times that, at most 6 h, no jitter);
- the Gmail source, for rate limits and server errors (1 s doubling to the call's cap, half to all of it).

It sits beside ``models`` and ``errors`` at the bottom of the layers: the sources and the runtime both use it.
Pure: the random draw is injected (``rand``), the caller sleeps or schedules.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Backoff:
    first: float  # seconds before the first retry
    cap: float  # the longest wait, before jitter
    jitter: tuple[float, float] = (1.0, 1.0)  # the factor's range; (1, 1): none

    def delay(self, retry: int, rand: Callable[[], float] = random.random) -> float:
        """Seconds to wait before retry number ``retry`` (1 for the first)."""
        low, high = self.jitter
        factor = low + (high - low) * rand() if high != low else low
        return min(self.first * 2.0 ** (retry - 1), self.cap) * factor

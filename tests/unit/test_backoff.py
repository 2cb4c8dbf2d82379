"""The one backoff, as each of its users sets it."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from inboxwatch.backoff import Backoff
from inboxwatch.config import Config
from inboxwatch.models import Identity
from inboxwatch.runtime.daemon import ACCOUNT_RETRY, PUSH_RETRY
from inboxwatch.runtime.schedule import delivery_backoff
from inboxwatch.sources.gmail_sync import backoff


def test_it_doubles_from_first_up_to_the_cap() -> None:
    steady = Backoff(5, 60)
    assert [steady.delay(n) for n in range(1, 7)] == [5, 10, 20, 40, 60, 60]


@pytest.mark.parametrize("draw", [0.0, 0.5, 1.0])
def test_jitter_spreads_the_wait_over_its_range(draw: float) -> None:
    assert ACCOUNT_RETRY.delay(1, lambda: draw) == pytest.approx(5 * (0.8 + 0.4 * draw))
    assert ACCOUNT_RETRY.delay(20, lambda: draw) == pytest.approx(1800 * (0.8 + 0.4 * draw))
    assert PUSH_RETRY.delay(3, lambda: draw) == pytest.approx(8 * (0.5 + draw))
    assert backoff(3, cap=32, rand=lambda: draw) == pytest.approx(8 * (0.5 + 0.5 * draw))  # counted from 0


def test_a_failed_channel_waits_retry_after_doubling_to_48_times_at_most_6_hours() -> None:
    config = Config.default(Identity("A", frozenset({"a@example.net"})), source="<test>")
    config = replace(config, alerts=replace(config.alerts, retry_after=timedelta(minutes=5)))
    waits = [delivery_backoff(config).delay(n) / 60 for n in (1, 2, 3, 6, 7, 20)]
    assert waits == [5, 10, 20, 160, 240, 240]  # 48 x 5 min is 4 h, under the 6 h ceiling
    slow = replace(config, alerts=replace(config.alerts, retry_after=timedelta(minutes=30)))
    assert delivery_backoff(slow).delay(10) == 6 * 3600

"""When a due nudge may go out: not in the user's quiet hours; after a failure, not before the channel's retry."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from inboxwatch.backoff import Backoff
from inboxwatch.config import Config


def in_quiet_hours(quiet: tuple[time, time] | None, now: datetime) -> bool:
    if quiet is None:
        return False
    start, end = quiet
    clock = now.timetz().replace(tzinfo=None)
    if start <= end:
        return start <= clock < end
    return clock >= start or clock < end


def delivery_backoff(config: Config) -> Backoff:
    """A failed channel is tried again after ``retry_after``, doubling up to 48 times that, at most 6 hours."""
    first = config.alerts.retry_after.total_seconds()
    return Backoff(first, min(48 * first, timedelta(hours=6).total_seconds()))

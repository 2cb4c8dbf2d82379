"""The daily digest's text: what is due now and what falls due this week."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from inboxwatch.models import Nudge

if TYPE_CHECKING:
    from inboxwatch.runtime.pipeline import Overview


def digest_text(view: Overview, horizon: timedelta = timedelta(days=7)) -> tuple[str, str]:
    """The daily summary: what is due now and what falls due within ``horizon``, one line each."""
    due = [d.nudge for d in view.due]
    coming = sorted(
        (
            lad.next_nudge
            for lad in view.ladders.values()
            if lad.next_nudge is not None and view.now < lad.next_nudge.due_at <= view.now + horizon
        ),
        key=lambda n: n.due_at,
    )
    title = f"{len(due)} follow-up(s) due, {len(coming)} coming this week"
    lines = ["Due now:", *(f"- {n.company}: {n.kind}{_attempt(n)} ({n.reason})" for n in due)]
    if not due:
        lines = ["Nothing is due now."]
    lines += ["", "Coming up:"] + [f"- {n.due_at:%a %d %b}: {n.company}: {n.kind}{_attempt(n)}" for n in coming]
    if not coming:
        lines[-1] = "Nothing else falls due this week."
    lines += ["", "Details and suggested messages: inboxwatch nudges"]
    return title, "\n".join(lines) + "\n"


def _attempt(n: Nudge) -> str:
    return f" #{n.attempt}" if n.kind == "follow_up" else ""

"""Words shared by the channels: when a nudge is due, who to write to, the opening of the suggested text."""

from __future__ import annotations

from datetime import datetime

from inboxwatch.notify.base import Alert


def when(value: datetime) -> str:
    """A moment in the machine's local time zone, the way the CLI shows it: ``Wed 04 Mar 07:48``."""
    return f"{value.astimezone():%a %d %b %H:%M}"


def recipients(alert: Alert) -> str:
    to = alert.suggestion.to or ((alert.contact,) if alert.contact else ())
    return ", ".join(str(a) for a in to) or "(no address known: see the conversation)"


def due_line(alert: Alert) -> str:
    return f"Due {when(alert.nudge.due_at)}: {alert.nudge.reason}"


def excerpt(text: str, limit: int = 160) -> str:
    """The opening of ``text`` on one line, cut at a word boundary with an ellipsis when longer than ``limit``."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit + 1].rsplit(" ", 1)[0] if " " in flat[:limit] else flat[:limit]
    return cut.rstrip(",;:.-— ") + "…"


def commands(alert: Alert) -> str:
    """What the user can do from a terminal, for channels without buttons."""
    cid = alert.nudge.conversation_id
    return f"snooze it: inboxwatch snooze {cid} 2d · close it: inboxwatch done {cid}"

"""What the core reads back from the state file: a stored message, its link row, a user's control.

Plain values; ``inboxwatch.state.store`` writes and reads them, tracking consumes them, so the pure core
never depends on the persistence layer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from inboxwatch.models import Classification, Message

__all__ = ["Control", "LinkRow", "StoredMessage"]


@dataclass(frozen=True)
class StoredMessage:
    account: str
    message: Message  # without its body
    classification: Classification
    forced: bool = False


@dataclass(frozen=True)
class LinkRow:
    """What tracking needs to decide whether a stored message can join a conversation at all."""

    label: str
    forced: bool
    links: str | None  # None: stored before links were kept


@dataclass(frozen=True)
class Control:
    conversation_id: str
    action: str  # snooze | done | ignore
    until: datetime | None
    at: datetime

"""The user's controls on one conversation — snooze, done, ignore, reopen — and relabelling one of its messages.

One implementation for every place the user acts: the CLI commands, the dashboard's buttons and the desktop
notification's actions all come here, so an action means the same wherever it is taken.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final

from inboxwatch.config import Config, parse_duration
from inboxwatch.core.detect.corrections import Correction
from inboxwatch.core.records import StoredMessage
from inboxwatch.core.track import Conversation
from inboxwatch.errors import UsageError
from inboxwatch.models import Label
from inboxwatch.runtime import corrections
from inboxwatch.runtime.pipeline import conversations, overview
from inboxwatch.state.store import Store

ACTIONS: Final = ("snooze", "done", "ignore", "reopen")
MAX_SNOOZE: Final = timedelta(days=3660)
# A nudge's buttons (``notify.actions.ALERT_ACTIONS``, but "open", which only shows): the control each applies.
ALERT_CONTROLS: Final = {"snooze-2d": ("snooze", timedelta(days=2)), "done": ("done", None)}


@dataclass(frozen=True)
class ControlResult:
    """What one control did: the conversation, until when it sleeps, what an ignore taught or a reopen forgot."""

    conversation: Conversation
    action: str
    until: datetime | None = None
    taught: int = 0
    followers: list[StoredMessage] = field(default_factory=list)
    forgotten: int = 0


def snooze_length(text: str) -> timedelta:
    """``"2d"``, ``"1w"``...: how long a snooze lasts; ``UsageError`` for nonsense or more than ten years."""
    try:
        length = parse_duration(text)
    except ValueError as e:
        raise UsageError(f"snooze: {e}") from None
    if length > MAX_SNOOZE:
        raise UsageError(f"snooze: {text!r} is longer than ten years; `inboxwatch done ID` closes a conversation")
    return length


def find_conversation(config: Config, store: Store, conversation_id: str) -> Conversation:
    found = next((c for c in conversations(config, store) if c.id == conversation_id), None)
    if found is None:
        raise UsageError(f"no conversation {conversation_id!r}; `inboxwatch status` lists them")
    return found


def apply_control(
    config: Config, store: Store, conversation_id: str, action: str, now: datetime, length: timedelta | None = None
) -> ControlResult:
    """Record ``action`` on the conversation at ``now`` (``length``: how long a snooze lasts)."""
    if action not in ACTIONS:
        raise UsageError(f"unknown action {action!r}: one of {', '.join(ACTIONS)}")
    conv = find_conversation(config, store, conversation_id)
    if action == "snooze" and length is None:
        raise UsageError("snooze needs a length, e.g. 2d")
    until = now + length if action == "snooze" and length is not None else None
    store.set_control(conversation_id, action, until, now)
    if action == "ignore":  # its mail is not job mail: neither is mail like it
        made, followers = corrections.ignore(store, conversation_id, conv.message_keys, now)
        return ControlResult(conv, action, taught=len(made), followers=followers)
    if action == "reopen":
        return ControlResult(conv, action, forgotten=corrections.unignore(store, conversation_id))
    return ControlResult(conv, action, until=until)


def apply_alert_action(config: Config, store: Store, conversation_id: str, key: str, now: datetime) -> ControlResult:
    """What a nudge's button (desktop notification, email link) does: ``snooze-2d`` or ``done``."""
    if key not in ALERT_CONTROLS:
        raise UsageError(f"unknown alert action {key!r}: one of {', '.join(ALERT_CONTROLS)}")
    action, length = ALERT_CONTROLS[key]
    return apply_control(config, store, conversation_id, action, now, length)


def relabel_message(store: Store, message_key: str, label: Label, now: datetime) -> corrections.Corrected:
    """The user's label for a stored message (by its full key); mail like it follows."""
    record = store.message(message_key)
    if record is None:
        raise UsageError(f"no stored message {message_key!r}")
    return corrections.relabel(store, record, label, now)


def save_draft(config: Config, store: Store, conversation_id: str, now: datetime) -> str:
    """Save the conversation's suggested follow-up (due, or the next one) as a draft reply; ``[drafts]`` must be
    enabled. Returns where it went. Raises ``UsageError`` when there is nothing to draft, ``NotifyError`` when the
    mailbox refused it."""
    from inboxwatch.notify.base import Alert, Wiring
    from inboxwatch.notify.registry import channel_class
    from inboxwatch.runtime.dashboard import conversation_detail
    from inboxwatch.sources.registry import open_source

    if not config.drafts.enabled:
        raise UsageError("drafts are off: set [drafts] enabled = true in the config")
    detail = conversation_detail(config, store, overview(config, store, now), conversation_id)
    if detail is None:
        raise UsageError(f"no conversation {conversation_id!r}; `inboxwatch status` lists them")
    if detail.suggestion is None or detail.nudge is None:
        raise UsageError(f"{detail.conversation.company}: no follow-up to draft")
    channel = channel_class("drafts").from_config(config, Wiring(open_source))
    channel.send(Alert(detail.nudge, detail.suggestion, detail.conversation.contact, detail.suggestion_what))
    return f"drafts of {config.drafts.account or config.accounts[0].name}"


def correction_of(store: Store, message_key: str) -> Correction | None:
    return next((c for c in store.corrections() if c.message_key == message_key), None)

"""The user's corrections, kept: ``relabel``, ``ignore`` and ``track`` record a label for a message here.

A correction is stored with the message's hashed word features and its sender's scope (never its text);
the scan hands every correction to the classifier, so later mail like a corrected message follows it
(:mod:`inboxwatch.core.detect.corrections` decides what "like" means). The corrected message itself is
relabelled in the state file at once; forgetting the correction restores what inboxwatch had said.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from inboxwatch.core.detect.corrections import Correction, apply, scope_of, template_vector
from inboxwatch.core.records import StoredMessage
from inboxwatch.models import CONVERSATION_LABELS, Classification, FolderRole, Label, Message
from inboxwatch.state.store import Store

MANUAL_ACCOUNT = "manual"  # where messages added from a file (track, relabel FILE) are kept


@dataclass(frozen=True)
class Corrected:
    correction: Correction
    record: StoredMessage | None  # the message as now stored (None: not in the state file)
    before: Label | None  # what it was labelled before


def correction_for(
    message: Message, label: Label, now: datetime, origin: str, was: Label | None, features: Mapping[int, float] | None
) -> Correction:
    return Correction(
        message_key=message.key,
        label=label,
        at=now,
        sender=message.sender.email if message.sender else "",
        scope=scope_of(message),
        features=dict(features or {}),
        was=was,
        origin=origin,
    )


def relabel(store: Store, record: StoredMessage, label: Label, now: datetime, origin: str = "relabel") -> Corrected:
    """Record the user's label for a stored message and relabel it in the state file. ``record.message``
    may carry its text (read from a file): its features then come from it, else from the state file."""
    message = record.message
    stored = store.message(message.key)
    features = template_vector(message) if message.text else (stored.message.features if stored else None)
    before = stored.classification if stored else record.classification
    correction = correction_for(message, label, now, origin, before.label, features)
    store.record_correction(correction, replaced=before if stored else None)
    if stored is None:
        return Corrected(correction, None, None)
    # The stored summary has no body: facts are read again only from a message read from a file.
    base = replace(stored.message, text=message.text) if message.text else stored.message
    result = apply(base, before, [correction])
    updated = StoredMessage(stored.account, stored.message, result, forced=label in CONVERSATION_LABELS)
    store.relabel_message(updated)
    return Corrected(correction, updated, before.label)


def track(store: Store, message: Message, result: Classification, now: datetime) -> Correction:
    """``inboxwatch track``: keep a message read from a file with the label the user chose (or the best job
    label), and that label as a correction, so that mail like it is tracked too."""
    correction = correction_for(message, result.label, now, "track", None, template_vector(message))
    stored = store.message(message.key)
    store.force_message(
        MANUAL_ACCOUNT, StoredMessage(MANUAL_ACCOUNT, replace(message, features=correction.features), result, True), now
    )
    store.record_correction(correction, replaced=stored.classification if stored else None)
    return correction


def ignore(store: Store, conversation_id: str, keys: list[str], now: datetime) -> list[Correction]:
    """``inboxwatch ignore``: every message the employer's side sent in the conversation is not job mail.
    The conversation's own messages keep their labels (the ignore control closes it, ``reopen`` undoes
    both); later mail like them is not job mail."""
    made = []
    for key in keys:
        stored = store.message(key)
        if stored is None or stored.message.folder is FolderRole.SENT:
            continue
        c = correction_for(
            stored.message,
            Label.OTHER,
            now,
            f"ignore:{conversation_id}",
            stored.classification.label,
            stored.message.features,
        )
        store.record_correction(c)
        made.append(c)
    return made


def forget(store: Store, key: str) -> StoredMessage | None:
    """Remove a message's correction and give it back the classification inboxwatch had given it."""
    replaced = store.forget_correction(key)
    stored = store.message(key)
    if stored is None or replaced is None:
        return stored
    restored = StoredMessage(stored.account, stored.message, replaced, forced=stored.account == MANUAL_ACCOUNT)
    store.relabel_message(restored)
    return restored


def unignore(store: Store, conversation_id: str) -> int:
    """``inboxwatch reopen``: forget the corrections an ``ignore`` of the conversation made."""
    keys = store.corrections_from(f"ignore:{conversation_id}")
    for key in keys:
        store.forget_correction(key)
    return len(keys)

"""The user's corrections, kept: ``relabel``, ``ignore`` and ``track`` record a label for a message here.

A correction is stored with the message's hashed word features and its sender's scope (never its text);
the scan hands every correction to the classifier, so later mail like a corrected message follows it
(:mod:`inboxwatch.core.detect.corrections` decides what "like" means). The corrected message itself is
relabelled in the state file at once, and so is the mail already stored that is like it (its *followers*:
each kept as a correction of origin ``like:<key>`` that teaches nothing further, so that a follower never
drags in mail less like the original). Forgetting a correction restores what inboxwatch had said, of the
message and of its followers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from inboxwatch.core.detect.corrections import Correction, apply, nearest, scope_of, template_vector, unapplied
from inboxwatch.core.records import StoredMessage
from inboxwatch.models import CONVERSATION_LABELS, Classification, FolderRole, Label, Message
from inboxwatch.state.store import Store

MANUAL_ACCOUNT = "manual"  # where messages added from a file (track, relabel FILE) are kept


@dataclass(frozen=True)
class Corrected:
    correction: Correction
    record: StoredMessage | None  # the message as now stored (None: not in the state file)
    before: Label | None  # what it was labelled before
    followers: tuple[StoredMessage, ...] = ()  # stored mail like it, relabelled with it


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
    _forget_followers(store, message.key)
    store.record_correction(correction, replaced=before if stored else None)
    followers = tuple(follow(store, correction))
    if stored is None:
        return Corrected(correction, None, None, followers)
    # The stored summary has no body: facts are read again only from a message read from a file.
    base = replace(stored.message, text=message.text) if message.text else stored.message
    result = apply(base, before, [correction])
    updated = StoredMessage(stored.account, stored.message, result, forced=label in CONVERSATION_LABELS)
    store.relabel_message(updated)
    return Corrected(correction, updated, before.label, followers)


def follow(store: Store, correction: Correction, leave: frozenset[str] = frozenset()) -> list[StoredMessage]:
    """Relabel the stored mail like the corrected message (but not ``leave``, nor mail the user corrected
    directly); each follower is recorded, to be restored with the correction. Returns them."""
    if not correction.features or not correction.scope:
        return []
    corrected = {c.message_key for c in store.corrections()}
    out = []
    for record in store.messages_with_features():
        m, before = record.message, record.classification
        if m.key in corrected or m.key in leave or m.folder is FolderRole.SENT or scope_of(m) != correction.scope:
            continue
        result = apply(m, before, [correction])
        if result.label is before.label:
            continue
        follower = replace(
            correction_for(m, correction.label, correction.at, f"like:{correction.message_key}", before.label, None),
            scope=correction.scope,
        )
        store.record_correction(follower, replaced=before)
        updated = StoredMessage(record.account, m, result, forced=correction.label in CONVERSATION_LABELS)
        store.relabel_message(updated)
        out.append(updated)
    return out


def _forget_followers(store: Store, key: str) -> None:
    """Give the mail that followed a message's correction back its own labels: the stored mail relabelled
    when the correction was made, and the mail a scan labelled with it since."""
    for follower in store.corrections_from(f"like:{key}"):
        _restore(store, follower)
    correction = next((c for c in store.corrections() if c.message_key == key), None)
    if correction is None or not correction.features or not correction.scope:
        return
    everyone = store.corrections()
    corrected = {c.message_key for c in everyone}
    others = [c for c in everyone if c.message_key != key and c.label is correction.label and c.features]
    for record in store.messages_with_features():
        m = record.message
        if m.key in corrected or scope_of(m) != correction.scope or record.classification.label is not correction.label:
            continue
        own = unapplied(record.classification)
        if own is None or nearest(m.key, correction.scope, m.features, [correction]) is None:
            continue
        if nearest(m.key, correction.scope, m.features, others) is not None:
            continue  # another correction of the same label still reaches it
        store.relabel_message(StoredMessage(record.account, m, own, forced=record.account == MANUAL_ACCOUNT))


def track(store: Store, message: Message, result: Classification, now: datetime) -> Corrected:
    """``inboxwatch track``: keep a message read from a file with the label the user chose (or the best job
    label), and that label as a correction, so that mail like it is tracked too."""
    correction = correction_for(message, result.label, now, "track", None, template_vector(message))
    stored = store.message(message.key)
    _forget_followers(store, message.key)
    store.force_message(
        MANUAL_ACCOUNT, StoredMessage(MANUAL_ACCOUNT, replace(message, features=correction.features), result, True), now
    )
    store.record_correction(correction, replaced=stored.classification if stored else None)
    followers = tuple(follow(store, correction))
    return Corrected(correction, None, stored.classification.label if stored else None, followers)


def ignore(
    store: Store, conversation_id: str, keys: list[str], now: datetime
) -> tuple[list[Correction], list[StoredMessage]]:
    """``inboxwatch ignore``: every message the employer's side sent in the conversation is not job mail.
    The conversation's own messages keep their labels (the ignore control closes it, ``reopen`` undoes
    both); mail like them, stored or still to come, is not job mail. Returns the corrections and the
    stored messages that followed them."""
    made: list[Correction] = []
    followers: list[StoredMessage] = []
    own = frozenset(keys)
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
        _forget_followers(store, key)
        store.record_correction(c)
        made.append(c)
        followers.extend(follow(store, c, leave=own))
    return made, followers


def forget(store: Store, key: str) -> StoredMessage | None:
    """Remove a message's correction and give it (and the mail that followed it) back the classification
    inboxwatch had given it."""
    _forget_followers(store, key)
    return _restore(store, key)


def _restore(store: Store, key: str) -> StoredMessage | None:
    replaced = store.forget_correction(key)
    stored = store.message(key)
    if stored is None or replaced is None:
        return stored
    restored = StoredMessage(stored.account, stored.message, replaced, forced=stored.account == MANUAL_ACCOUNT)
    store.relabel_message(restored)
    return restored


def unignore(store: Store, conversation_id: str) -> int:
    """``inboxwatch reopen``: forget the corrections an ``ignore`` of the conversation made, and give the
    mail that followed them back its own labels."""
    keys = store.corrections_from(f"ignore:{conversation_id}")
    for key in keys:
        _forget_followers(store, key)
        store.forget_correction(key)
    return len(keys)

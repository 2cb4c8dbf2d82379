"""``relabel``: the user's own label for one message; mail like it follows (see ``inboxwatch.runtime.corrections``)."""

from __future__ import annotations

import argparse
from pathlib import Path

from inboxwatch.cli import views
from inboxwatch.cli.app import Ui, config_path, parse_now
from inboxwatch.cli.text import safe
from inboxwatch.config import load_config
from inboxwatch.core.detect.corrections import Correction, describe, message_ref
from inboxwatch.core.records import StoredMessage
from inboxwatch.errors import UsageError
from inboxwatch.models import CONVERSATION_LABELS, Label
from inboxwatch.runtime import corrections as kept
from inboxwatch.state.store import Store

NOT_JOB = "not-job"  # the same as "other": not a job conversation


def parse_label(value: str) -> Label:
    if value == NOT_JOB:
        return Label.OTHER
    try:
        return Label(value)
    except ValueError:
        raise UsageError(f"unknown label {value!r}: one of {NOT_JOB}, {', '.join(str(x) for x in Label)}") from None


def _find(store: Store, ref: str) -> StoredMessage:
    found = store.find_messages(ref)
    if not found:
        raise UsageError(
            f"no stored message {ref!r}: `inboxwatch status ID` lists a conversation's messages with their "
            "references (m-…), `inboxwatch classify FILE` prints a file's; a message file works too"
        )
    if len(found) > 1:
        refs = ", ".join(message_ref(r.message.key) for r in found)
        raise UsageError(f"{ref!r} is more than one message ({refs}): give more of its digits")
    return found[0]


def _corrected_key(store: Store, ref: str) -> str:
    """The key of the corrected message ``ref`` names: among the corrections (a message read from a file
    may have one without being stored), else among the stored messages."""
    digits = ref.lower().removeprefix("m-")
    keys = {
        c.message_key
        for c in store.corrections()
        if len(digits) >= 4 and message_ref(c.message_key)[2:].startswith(digits)
    }
    if len(keys) == 1:
        return keys.pop()
    return _find(store, ref).message.key


def _from_file(store: Store, path: Path, args: argparse.Namespace) -> StoredMessage:
    from inboxwatch.core.detect import classify
    from inboxwatch.core.parse import parse_message

    config = load_config(config_path(args))
    message = parse_message(path.read_bytes(), source_uid=f"file:{path.name}")
    stored = store.message(message.key)
    if stored is not None:
        return StoredMessage(stored.account, message, stored.classification, stored.forced)
    return StoredMessage(kept.MANUAL_ACCOUNT, message, classify(message, config.identity), False)


def _what(record: StoredMessage) -> str:
    m = record.message
    sender = m.sender.email if m.sender else "no sender"
    day = f", {m.date:%d %b %Y}" if m.date else ""
    return f"{sender}, {m.subject[:60]!r}{day}"


def relabel(args: argparse.Namespace, ui: Ui) -> int:
    config = load_config(config_path(args))
    now = parse_now(args.now)
    with Store.open(config.state_path) as store:
        if args.list:
            return _list(store.corrections(), args, ui)
        if not args.message:
            raise UsageError("relabel needs a MESSAGE (m-… from `inboxwatch status ID`, or a file), or --list")
        path = Path(args.message).expanduser()
        is_file = path.is_file()
        if args.forget:
            key = _from_file(store, path, args).message.key if is_file else _corrected_key(store, args.message)
            if not any(c.message_key == key for c in store.corrections()):
                raise UsageError(f"{args.message} has no correction to forget (`inboxwatch relabel --list`)")
            restored = kept.forget(store, key)
            now_label = f": {restored.classification.label} again" if restored else ""
            ui.out.print(f"{message_ref(key)}: correction forgotten{now_label}")
            return 0
        if not args.label:
            raise UsageError("relabel needs a LABEL, e.g. `inboxwatch relabel m-3f9c2a1b rejection` (or --forget)")
        label = parse_label(args.label)
        record = _from_file(store, path, args) if is_file else _find(store, args.message)
        done = kept.relabel(store, record, label, now)
    ref = message_ref(record.message.key)
    was = f" (was {done.before})" if done.before is not None else " (not in the state file: it teaches only)"
    ui.out.print(f"{ref}: now {describe(label)}{was}")
    ui.out.print(f"  [dim]{safe(_what(record))}[/dim]")
    c = done.correction
    if c.features and c.scope:
        ui.out.print(f"Mail like it from {safe(c.scope)} will be {describe(label)} too.")
        views.render_followers(ui, done.followers)
    else:
        ui.out.print("Its words were not kept (it was stored with no job label), so the correction applies to it only.")
    if done.before is None and label in CONVERSATION_LABELS:
        ui.out.print(f"[dim]To track it too: inboxwatch track {safe(args.message)} --label {label}[/dim]")
    ui.out.print(f"[dim]Undo: inboxwatch relabel {ref} --forget[/dim]")
    return 0


def _list(found: list[Correction], args: argparse.Namespace, ui: Ui) -> int:
    if args.json:
        views.print_json(
            [
                {
                    "message": message_ref(c.message_key),
                    "label": str(c.label),
                    "was": str(c.was) if c.was else None,
                    "at": c.at.isoformat(),
                    "sender": c.sender,
                    "scope": c.scope,
                    "origin": c.origin,
                    "teaches": bool(c.features and c.scope),
                }
                for c in found
            ]
        )
        return 0
    if not found:
        ui.out.print("No corrections yet: `inboxwatch relabel MESSAGE LABEL` makes one.")
        return 0
    for c in found:
        kind, _, of = c.origin.partition(":")
        how = {"ignore": f"ignore {of}", "like": f"following {message_ref(of)}"}.get(kind, c.origin)
        ui.out.print(
            f"{message_ref(c.message_key)}  {c.at:%d %b %Y}  {describe(c.label)}"
            f"{f' (was {c.was})' if c.was else ''}  from {safe(c.scope or c.sender or '?')}  [dim]by {how}[/dim]"
        )
    return 0

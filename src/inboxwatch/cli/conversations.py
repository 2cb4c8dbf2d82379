"""``status``, ``nudges`` and the controls on one conversation: ``snooze``, ``done``, ``ignore``, ``reopen``."""

from __future__ import annotations

import argparse

from inboxwatch.cli import views
from inboxwatch.cli.app import Ui, config_path, parse_now
from inboxwatch.cli.text import safe
from inboxwatch.config import Config, load_config
from inboxwatch.errors import UsageError
from inboxwatch.runtime import controls
from inboxwatch.runtime.pipeline import Overview, overview
from inboxwatch.runtime.views import conversation_json, nudge_json
from inboxwatch.state.meta import AccountStatus
from inboxwatch.state.store import Store


def _view(args: argparse.Namespace) -> tuple[Config, Overview, Store]:
    config = load_config(config_path(args))
    now = parse_now(args.now)
    store = Store.open(config.state_path)
    return config, overview(config, store, now), store


def status(args: argparse.Namespace, ui: Ui) -> int:
    config, view, store = _view(args)
    if getattr(args, "id", None):
        with store:
            return _messages(args, ui, view, store)
    with store:
        health = service_health(config, store)
    if args.json:
        views.print_json([conversation_json(c, view.ladders[c.id]) for c in view.conversations])
    else:
        views.render_status(ui, view)
        for line in health:
            ui.err.print(f"[yellow]{safe(line)}[/yellow]")
    return 0


def _messages(args: argparse.Namespace, ui: Ui, view: Overview, store: Store) -> int:
    """``status ID``: one conversation's messages, each with its reference for ``inboxwatch relabel``."""
    conv = next((c for c in view.conversations if c.id == args.id), None)
    if conv is None:
        raise UsageError(f"no conversation {args.id!r}; `inboxwatch status` lists them")
    records = [r for key in conv.message_keys if (r := store.message(key)) is not None]
    corrected = {c.message_key: c for c in store.corrections()}
    if args.json:
        views.print_json(
            {
                **conversation_json(conv, view.ladders[conv.id]),
                "messages": [views.message_json(r, corrected.get(r.message.key)) for r in records],
            }
        )
    else:
        views.render_messages(ui, conv.company, conv.id, records, corrected)
    return 0


def service_health(config: Config, store: Store) -> list[str]:
    """Problems the service recorded: accounts that keep failing, deliveries waiting for a retry."""
    lines = []
    for account in config.accounts:
        state = AccountStatus.read(store, account.name)
        if state and not state.ok:
            lines.append(f"account {account.name}: failing since {state.at[:16]}: {state.error or ''}")
    for conversation_id, kind, attempt, d in store.failed_deliveries():
        retry = f", next try {d.next_try_at:%a %d %b %H:%M}" if d.next_try_at else ""
        lines.append(
            f"{kind} #{attempt} of {conversation_id} not delivered on {d.channel} "
            f"({d.tries} tries: {d.last_error}){retry}"
        )
    return lines


def nudges(args: argparse.Namespace, ui: Ui) -> int:
    _, view, store = _view(args)
    with store:
        delivered = {
            d.nudge.key: any(x.state == "delivered" for x in store.deliveries(d.nudge).values()) for d in view.due
        }
    if args.json:
        views.print_json([nudge_json(d, delivered[d.nudge.key]) for d in view.due])
    else:
        views.render_nudges(ui, view)
    return 0


_WORDS = {
    "done": "closed as done",
    "ignore": "ignored: not a job conversation, never tracked again",
    "reopen": "reopened",
}


def _control(action: str, args: argparse.Namespace, ui: Ui) -> int:
    config = load_config(config_path(args))
    now = parse_now(args.now)
    length = controls.snooze_length(args.duration) if action == "snooze" else None
    with Store.open(config.state_path) as store:
        done = controls.apply_control(config, store, args.id, action, now, length)
    conv = done.conversation
    words = f"snoozed until {views.when(done.until, ui.display_tz)}" if action == "snooze" else _WORDS[action]
    ui.out.print(f"{safe(conv.company)} ({args.id}): {words}")
    if done.taught:
        ui.out.print(
            f"Mail like its {done.taught} message(s) from the employer's side will not be job mail either "
            f"(undo: inboxwatch reopen {args.id})."
        )
        views.render_followers(ui, done.followers)
    if done.forgotten:
        ui.out.print(f"Forgot the {done.forgotten} correction(s) its ignore had made.")
    return 0


def snooze(args: argparse.Namespace, ui: Ui) -> int:
    return _control("snooze", args, ui)


def done(args: argparse.Namespace, ui: Ui) -> int:
    return _control("done", args, ui)


def ignore(args: argparse.Namespace, ui: Ui) -> int:
    return _control("ignore", args, ui)


def reopen(args: argparse.Namespace, ui: Ui) -> int:
    return _control("reopen", args, ui)

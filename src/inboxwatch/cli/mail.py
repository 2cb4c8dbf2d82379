"""Commands that read mail: ``scan`` (every account), ``classify`` and ``track`` (one message file)."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from inboxwatch.cli import views
from inboxwatch.cli.app import Ui, config_path, parse_now
from inboxwatch.cli.text import safe
from inboxwatch.config import load_config
from inboxwatch.core.detect.corrections import Correction, describe, message_ref
from inboxwatch.errors import ConfigError, UsageError
from inboxwatch.models import Identity, Label
from inboxwatch.runtime import corrections as kept
from inboxwatch.runtime.pipeline import deliver, overview
from inboxwatch.runtime.pipeline import scan as scan_accounts
from inboxwatch.state.store import Store


def scan(args: argparse.Namespace, ui: Ui) -> int:
    if not args.once:
        raise UsageError("scan runs once: use `inboxwatch scan --once` (the daemon is `inboxwatch run`)")
    config = load_config(config_path(args))
    now = parse_now(args.now)
    from inboxwatch.notify import build_channels
    from inboxwatch.sources.registry import open_source

    with Store.open(config.state_path) as store:
        report = scan_accounts(config, store, now)
        view = overview(config, store, now)
        channels, problems = build_channels(config, open_source)
        delivery = deliver(config, store, view, channels, now)
    failed_all = bool(report.failed) and len(report.failed) == len(report.accounts)
    if args.json:
        views.print_json(
            {
                "accounts": [
                    {
                        "account": a.account,
                        "read": a.fetched,
                        "new": a.added,
                        "skipped": a.skipped,
                        "error": a.error or None,
                    }
                    for a in report.accounts
                ],
                "conversations": len(view.conversations),
                "nudges_due": len(view.due),
                "delivered": len(delivery.delivered),
                "failed": [
                    {"conversation": n.conversation_id, "kind": str(n.kind), "channel": channel, "error": error}
                    for n, channel, error in delivery.failed
                ],
                "deferred": delivery.deferred,
                "backlog": delivery.backlog,
                "problems": list(problems),
            }
        )
        return 1 if failed_all else 0
    for account in report.accounts:
        if account.error:
            ui.err.print(f"[red]account {safe(account.account)}: {safe(account.error)}[/red]")
        else:
            ui.out.print(
                f"account {safe(account.account)}: {account.fetched} read, {account.added} new, "
                f"{account.skipped} skipped"
            )
    for problem in problems:
        ui.err.print(f"[red]{safe(problem)}[/red]")
    for nudge, channel, error in delivery.failed:
        what = f"{nudge.company} ({nudge.kind})"
        ui.err.print(f"[red]{channel}: {safe(what)} not delivered, will retry: {safe(error)}[/red]")
    ui.out.print(
        f"{len(view.conversations)} conversations, {len(view.due)} nudges due; "
        f"{len(delivery.delivered)} delivered, {len(delivery.failed)} failed"
        + (f", {delivery.deferred} deferred by quiet hours" if delivery.deferred else "")
        + (f", {delivery.backlog} old ones not announced" if delivery.backlog else "")
    )
    return 1 if failed_all else 0


def classify(args: argparse.Namespace, ui: Ui) -> int:
    from inboxwatch.core.detect import classify as classify_message  # its tables take a while: only when needed
    from inboxwatch.core.parse import parse_message

    corrections: list[Correction] = []
    if args.me:
        identity = Identity(args.name or "", frozenset(a.lower() for a in args.me))
    else:
        try:
            config = load_config(config_path(args))
        except ConfigError:
            if args.name is None:
                raise UsageError("classify needs the owner: --me ADDRESS (and --name NAME), or a config") from None
            identity = Identity(args.name, frozenset())
        else:
            identity = config.identity
            if config.state_path.exists():  # the user's corrections apply here as in a scan
                with Store.open(config.state_path) as store:
                    corrections = store.corrections()
        if args.name:
            identity = Identity(args.name, identity.addresses)
    status = 0
    for name in args.files:
        try:
            raw = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
        except OSError as e:
            ui.err.print(f"[red]{safe(name)}: {e.strerror}[/red]")
            status = 1
            continue
        message = parse_message(raw)
        result = classify_message(message, identity, corrections)
        ref = message_ref(message.key)
        if args.json:
            views.print_json_line(views.classification_json(name, result, ref))
        else:
            views.render_classification(ui, name, result, ref)
    return status


def track(args: argparse.Namespace, ui: Ui) -> int:
    from inboxwatch.core.detect import classify as classify_message
    from inboxwatch.core.parse import parse_message

    config = load_config(config_path(args))
    now = parse_now(args.now)
    try:
        raw = Path(args.file).read_bytes()
    except OSError as e:
        raise UsageError(f"cannot read {args.file}: {e.strerror or e}") from e
    message = parse_message(raw, source_uid=f"track:{Path(args.file).name}")
    result = classify_message(message, config.identity)
    label = Label(args.label) if args.label else result.label
    if label in (Label.OTHER, Label.JOB_ALERT, Label.RECRUITER_OUTREACH) and not args.label:
        label = Label.INTERVIEW_REQUEST if result.interview_at is None else Label.INTERVIEW_CONFIRMED
    forced = replace(result, label=label, evidence=(*result.evidence, f"label set by the user: {label}"))
    if forced.company is None:
        from inboxwatch.core.detect.extract import find_company

        forced = replace(forced, company=find_company(message, message.text)[0] or args.company)
    if args.company:
        forced = replace(forced, company=args.company)
    with Store.open(config.state_path) as store:
        done = kept.track(store, message, forced, now)
    ui.out.print(f"tracked {safe(args.file)} as {label} ({safe(forced.company or 'company unknown')})")
    if done.correction.scope:
        ui.out.print(f"Mail like it from {safe(done.correction.scope)} will be {describe(label)} too.")
    views.render_followers(ui, done.followers)
    ui.out.print(f"[dim]Undo: inboxwatch relabel {safe(message_ref(message.key))} --forget[/dim]")
    return 0

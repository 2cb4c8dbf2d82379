"""The command line. The only module that prints; it maps errors to exit codes (0 ok, 1 failure, 2 usage/config)."""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, tzinfo
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from inboxwatch import __version__
from inboxwatch.config import AccountConfig, Config, load_config, parse_duration
from inboxwatch.core.records import StoredMessage
from inboxwatch.errors import ConfigError, InboxwatchError, UsageError
from inboxwatch.models import Classification, Identity, Label
from inboxwatch.runtime.pipeline import (
    Overview,
    conversation_json,
    deliver,
    nudge_json,
    overview,
    scan,
)
from inboxwatch.state.store import Store

log = logging.getLogger("inboxwatch")
out = Console(highlight=False, width=None if sys.stdout.isatty() else 120)
err = Console(stderr=True, highlight=False)


# --- helpers -------------------------------------------------------------------------------------------


def parse_now(value: str | None) -> datetime:
    if value is None:
        return datetime.now(UTC).astimezone()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as e:
        raise UsageError(f"--now: expected an ISO 8601 time like 2026-03-16T09:00:00-04:00, got {value!r}") from e
    return parsed if parsed.tzinfo else parsed.astimezone()


def _config(args: argparse.Namespace) -> Config:
    return load_config(Path(args.config).expanduser() if args.config else None)


DISPLAY_TZ: tzinfo | None = None  # None: the machine's local zone; the demo shows its own


def _when(value: datetime | None) -> str:
    if value is None:
        return "—"
    return f"{value.astimezone(DISPLAY_TZ):%a %d %b %H:%M}"


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


# --- rendering -----------------------------------------------------------------------------------------


def render_status(view: Overview) -> None:
    if not view.conversations:
        out.print("No employer conversations tracked yet. Run [bold]inboxwatch scan --once[/bold] first.")
        return
    table = Table(title=f"Employer conversations at {_when(view.now)}")
    for column in ("id", "company", "role", "stage", "interview", "follow-ups", "next nudge"):
        table.add_column(column, overflow="fold")
    for conv in view.conversations:
        ladder = view.ladders[conv.id]
        n = ladder.next_nudge
        nxt = "—"
        if n is not None:
            due = "due now" if n.due_at <= view.now else f"due {_when(n.due_at)}"
            nxt = f"{n.kind}{f' #{n.attempt}' if n.kind == 'follow_up' else ''} ({due})"
        table.add_row(
            conv.id,
            conv.company,
            conv.role or "—",
            ladder.stage.replace("_", " "),
            _when(ladder.interview.start if ladder.interview else None),
            str(ladder.follow_ups_sent),
            nxt,
        )
    out.print(table)
    out.print("[bold]Why[/bold]")
    for conv in view.conversations:
        out.print(f"  [dim]{conv.id}[/dim] {escape(conv.company)}: {escape(view.ladders[conv.id].explanation)}")


def render_nudges(view: Overview) -> None:
    if not view.due:
        out.print(f"No follow-ups due at {_when(view.now)}.")
        return
    for item in view.due:
        n, s = item.nudge, item.suggestion
        step = f"{n.kind}" + (f" #{n.attempt}" if n.kind == "follow_up" else "")
        out.rule(f"[bold]{n.company}[/bold] — {step} [dim](conversation {n.conversation_id})[/dim]")
        out.print(f"[dim]due {_when(n.due_at)}: {n.reason}[/dim]")
        out.print(f"To: {', '.join(str(a) for a in s.to) or '(no address known)'}")
        out.print(f"Subject: {s.subject}\n")
        out.print(s.body, markup=False)
        for tip in s.tips:
            out.print(f"[yellow]tip:[/yellow] {tip}")
        out.print()


def render_classification(name: str, c: Classification) -> None:
    out.print(f"[bold]{name}[/bold]: {c.label} (confidence {c.confidence:.2f})")
    for key in ("company", "role", "contact", "interview_at", "interview_end", "reply_by"):
        value = getattr(c, key)
        if value:
            out.print(f"  {key}: {value}")
    for line in c.evidence:
        out.print(f"  · {line}", markup=False)


def classification_json(name: str, c: Classification) -> dict[str, object]:
    return {
        "file": name,
        "label": str(c.label),
        "confidence": c.confidence,
        "company": c.company,
        "role": c.role,
        "contact": str(c.contact) if c.contact else None,
        "interview_at": c.interview_at.isoformat() if c.interview_at else None,
        "interview_end": c.interview_end.isoformat() if c.interview_end else None,
        "location": c.location,
        "reply_by": c.reply_by.isoformat() if c.reply_by else None,
        "evidence": list(c.evidence),
    }


# --- commands ------------------------------------------------------------------------------------------


def cmd_demo(args: argparse.Namespace) -> int:
    from inboxwatch.demo import DEMO_IDENTITY, DEMO_NOW, build_maildirs

    global DISPLAY_TZ  # noqa: PLW0603 - the demo's story happens in New York
    DISPLAY_TZ = ZoneInfo("America/New_York")
    now = parse_now(args.now) if args.now else DEMO_NOW
    with tempfile.TemporaryDirectory(prefix="inboxwatch-demo-") as tmp:
        inbox, sent = build_maildirs(Path(tmp) / "mail")
        account = AccountConfig(name="demo", kind="maildir", inbox=str(inbox), sent=str(sent))
        config = Config.default(DEMO_IDENTITY, [account], Path(tmp) / "state", source="<demo>")
        with Store.open(config.state_path) as store:
            report = scan(config, store, now)
            view = overview(config, store, now)
    out.print(
        f"[bold]inboxwatch demo[/bold] — the mailbox of {DEMO_IDENTITY.name}, a fictional job seeker, "
        f"as of {_when(now)} ({report.added} messages read from inbox and sent).\n"
    )
    render_status(view)
    out.print()
    render_nudges(view)
    return 0


def cmd_scan(args: argparse.Namespace) -> int:
    if not args.once:
        raise UsageError("scan runs once: use `inboxwatch scan --once` (the daemon is `inboxwatch run`)")
    config = _config(args)
    now = parse_now(args.now)
    from inboxwatch.notify import build_channels
    from inboxwatch.sources.registry import open_source

    with Store.open(config.state_path) as store:
        report = scan(config, store, now)
        view = overview(config, store, now)
        channels, problems = build_channels(config, open_source)
        delivery = deliver(config, store, view, channels, now)
    for account in report.accounts:
        if account.error:
            err.print(f"[red]account {account.account}: {account.error}[/red]")
        else:
            out.print(
                f"account {account.account}: {account.fetched} read, {account.added} new, {account.skipped} skipped"
            )
    for problem in problems:
        err.print(f"[red]{escape(problem)}[/red]")
    for nudge, channel, error in delivery.failed:
        what = f"{nudge.company} ({nudge.kind})"
        err.print(f"[red]{channel}: {escape(what)} not delivered, will retry: {escape(error)}[/red]")
    out.print(
        f"{len(view.conversations)} conversations, {len(view.due)} nudges due; "
        f"{len(delivery.delivered)} delivered, {len(delivery.failed)} failed"
        + (f", {delivery.deferred} deferred by quiet hours" if delivery.deferred else "")
        + (f", {delivery.backlog} old ones not announced" if delivery.backlog else "")
    )
    return 1 if report.failed and len(report.failed) == len(report.accounts) else 0


def _view(args: argparse.Namespace) -> tuple[Config, Overview, Store]:
    config = _config(args)
    now = parse_now(args.now)
    store = Store.open(config.state_path)
    return config, overview(config, store, now), store


def cmd_status(args: argparse.Namespace) -> int:
    config, view, store = _view(args)
    with store:
        health = service_health(config, store)
    if args.json:
        _print_json([conversation_json(c, view.ladders[c.id]) for c in view.conversations])
    else:
        render_status(view)
        for line in health:
            err.print(f"[yellow]{escape(line)}[/yellow]")
    return 0


def service_health(config: Config, store: Store) -> list[str]:
    """Problems the service recorded: accounts that keep failing, deliveries waiting for a retry."""
    lines = []
    for account in config.accounts:
        raw = store.get_meta(f"account_status:{account.name}")
        status = json.loads(raw) if raw else None
        if status and not status.get("ok"):
            lines.append(f"account {account.name}: failing since {status['at'][:16]}: {status.get('error', '')}")
    for conversation_id, kind, attempt, d in store.failed_deliveries():
        retry = f", next try {d.next_try_at:%a %d %b %H:%M}" if d.next_try_at else ""
        lines.append(
            f"{kind} #{attempt} of {conversation_id} not delivered on {d.channel} "
            f"({d.tries} tries: {d.last_error}){retry}"
        )
    return lines


def cmd_nudges(args: argparse.Namespace) -> int:
    _, view, store = _view(args)
    with store:
        delivered = {
            d.nudge.key: any(x.state == "delivered" for x in store.deliveries(d.nudge).values()) for d in view.due
        }
    if args.json:
        _print_json([nudge_json(d, delivered[d.nudge.key]) for d in view.due])
    else:
        render_nudges(view)
    return 0


def cmd_check_config(args: argparse.Namespace) -> int:
    config = _config(args)
    out.print(
        f"{config.source}: OK — {len(config.accounts)} account(s), "
        f"channels: {', '.join(config.alerts.channels) or 'none'}"
    )
    return 0


def cmd_classify(args: argparse.Namespace) -> int:
    from inboxwatch.core.detect import classify  # the classifier's tables take a while to build: only when needed
    from inboxwatch.core.parse import parse_message

    if args.me:
        identity = Identity(args.name or "", frozenset(a.lower() for a in args.me))
    else:
        try:
            identity = _config(args).identity
        except ConfigError:
            if args.name is None:
                raise UsageError("classify needs the owner: --me ADDRESS (and --name NAME), or a config") from None
            identity = Identity(args.name, frozenset())
        if args.name:
            identity = Identity(args.name, identity.addresses)
    status = 0
    for name in args.files:
        try:
            raw = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
        except OSError as e:
            err.print(f"[red]{name}: {e.strerror}[/red]")
            status = 1
            continue
        result = classify(parse_message(raw), identity)
        if args.json:
            sys.stdout.write(json.dumps(classification_json(name, result), ensure_ascii=False) + "\n")
        else:
            render_classification(name, result)
    return status


def _control(action: str) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        config = _config(args)
        now = parse_now(args.now)
        with Store.open(config.state_path) as store:
            view = overview(config, store, now)
            ids = {c.id: c for c in view.conversations}
            if args.id not in ids:
                raise UsageError(f"no conversation {args.id!r}; `inboxwatch status` lists them")
            until = now + parse_duration(args.duration) if action == "snooze" else None
            store.set_control(args.id, action, until, now)
        conv = ids[args.id]
        words = {
            "snooze": f"snoozed until {_when(until)}",
            "done": "closed as done",
            "ignore": "ignored: not a job conversation, never tracked again",
            "reopen": "reopened",
        }[action]
        out.print(f"{conv.company} ({args.id}): {words}")
        return 0

    return run


def cmd_track(args: argparse.Namespace) -> int:
    from inboxwatch.core.detect import classify
    from inboxwatch.core.parse import parse_message

    config = _config(args)
    now = parse_now(args.now)
    raw = Path(args.file).read_bytes()
    message = parse_message(raw, source_uid=f"track:{Path(args.file).name}")
    result = classify(message, config.identity)
    label = Label(args.label) if args.label else result.label
    if label in (Label.OTHER, Label.JOB_ALERT, Label.RECRUITER_OUTREACH) and not args.label:
        label = Label.INTERVIEW_REQUEST if result.interview_at is None else Label.INTERVIEW_CONFIRMED
    from dataclasses import replace

    forced = replace(result, label=label, evidence=(*result.evidence, f"label set by the user: {label}"))
    if forced.company is None:
        from inboxwatch.core.detect.extract import find_company

        forced = replace(forced, company=find_company(message, message.text)[0] or args.company)
    if args.company:
        forced = replace(forced, company=args.company)
    with Store.open(config.state_path) as store:
        store.force_message("manual", StoredMessage("manual", message, forced, True), now)
    out.print(f"tracked {args.file} as {label} ({forced.company or 'company unknown'})")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from inboxwatch.runtime.daemon import Daemon, configure_logging

    configure_logging(args.verbose)
    return Daemon(Path(args.config).expanduser() if args.config else None).run()


def unit_text(executable: str) -> str:
    """The shipped user unit, with ExecStart pointing at this installation's inboxwatch."""
    template = (resources.files("inboxwatch") / "inboxwatch.service").read_text(encoding="utf-8")
    return template.replace("ExecStart=/usr/bin/env inboxwatch run", f"ExecStart={executable} run")


def cmd_service(args: argparse.Namespace) -> int:
    executable = shutil.which("inboxwatch") or f"{sys.executable} -m inboxwatch"
    target = Path(args.unit_dir).expanduser() if args.unit_dir else Path("~/.config/systemd/user").expanduser()
    target.mkdir(parents=True, exist_ok=True)
    unit = target / "inboxwatch.service"
    unit.write_text(unit_text(executable), encoding="utf-8")
    out.print(f"wrote {unit}")
    out.print("next: systemctl --user daemon-reload && systemctl --user enable --now inboxwatch")
    out.print("logs: journalctl --user -u inboxwatch")
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    from inboxwatch.runtime.doctor import run_checks

    checks = run_checks(Path(args.config).expanduser() if args.config else None, send_test=args.send_test)
    for check in checks:
        mark = "[green]ok[/green]  " if check.ok else "[red]FAIL[/red]"
        out.print(f"{mark} {escape(check.name)}: {escape(check.detail)}")
        if check.fix:
            out.print(f"       fix: {escape(check.fix)}")
    return 0 if all(c.ok for c in checks) else 1


def cmd_auth(args: argparse.Namespace) -> int:
    config = _config(args)
    account = next((a for a in config.accounts if a.name == args.account), None)
    if account is None:
        raise UsageError(f"no account {args.account!r} in {config.source}")
    if args.kind == "imap":
        import getpass

        from inboxwatch.config.credentials import keyring_username, store_in_keyring

        secret = getpass.getpass(f"password for {account.username or account.name} on {account.host}: ")
        if not secret:
            raise UsageError("no password given; nothing stored")
        store_in_keyring(keyring_username("imap", account.name), secret)
        out.print(f"stored in the keyring as inboxwatch / imap:{account.name}")
        return 0
    if not args.client_secrets:
        raise UsageError("auth gmail needs --client-secrets FILE (the OAuth client of your Google Cloud project)")
    from inboxwatch.sources.gmail_auth import gmail_scopes, run_installed_app_flow

    drafts = config.drafts.enabled and config.drafts.account in (None, account.name)

    def show(url: str) -> None:
        out.print(f"Open this address in a browser to let inboxwatch read your mail:\n{url}")

    run_installed_app_flow(
        account.name,
        Path(args.client_secrets).expanduser(),
        gmail_scopes(drafts),
        not args.no_browser,
        on_url=show,
        port=args.port,
    )
    out.print(f"authorised; the token is in the keyring as inboxwatch / gmail:{account.name}")
    return 0


# --- parser --------------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", metavar="PATH", help="config file (default: ~/.config/inboxwatch/config.toml)")
    common.add_argument("-v", "--verbose", action="store_true", help="log what happens, for debugging")
    timed = argparse.ArgumentParser(add_help=False)
    timed.add_argument(
        "--now", metavar="ISO8601", help="evaluate at this moment instead of the clock (reproducible runs)"
    )

    parser = argparse.ArgumentParser(
        prog="inboxwatch",
        description="Watches your mailbox and nudges you to follow up with employers who went silent.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"inboxwatch {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser(
        "demo",
        parents=[common, timed],
        help="run on the bundled fictional mailbox and show the result",
        description="Scan the bundled demo mailbox at its fixed moment and print what inboxwatch sees.",
    )
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser(
        "scan",
        parents=[common, timed],
        help="read new mail, update conversations, send due alerts",
        description="Read what is new in every account, then deliver the nudges that are due.",
    )
    p.add_argument("--once", action="store_true", help="scan once and exit")
    p.set_defaults(func=cmd_scan)

    p = sub.add_parser(
        "status",
        parents=[common, timed],
        help="list tracked conversations and their next nudge",
        description="Show every employer conversation, its stage and why its next nudge is due when it is.",
    )
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser(
        "nudges",
        parents=[common, timed],
        help="list the follow-ups due now, with suggested text",
        description="List every nudge due and still open, with its suggested message.",
    )
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p.set_defaults(func=cmd_nudges)

    p = sub.add_parser(
        "check-config",
        parents=[common],
        help="validate the config file",
        description="Validate the config and list every problem with its key path (exit 2 if any).",
    )
    p.set_defaults(func=cmd_check_config)

    p = sub.add_parser(
        "classify",
        parents=[common],
        help="explain how messages are classified",
        description="Classify raw RFC 822 files ('-' reads stdin) from the owner's side, with evidence.",
    )
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--me", action="append", metavar="ADDRESS", help="the owner's address (repeatable)")
    p.add_argument("--name", help="the owner's name")
    p.add_argument("--json", action="store_true", help="one JSON object per file, one per line")
    p.set_defaults(func=cmd_classify)

    for action, text in (
        ("done", "close a conversation: you are done with it"),
        ("ignore", "not a job conversation: never track it again"),
        ("reopen", "undo snooze, done or ignore"),
    ):
        p = sub.add_parser(action, parents=[common, timed], help=text, description=text[0].upper() + text[1:] + ".")
        p.add_argument("id", metavar="ID", help="conversation id from `inboxwatch status`")
        p.set_defaults(func=_control(action))
    p = sub.add_parser(
        "snooze",
        parents=[common, timed],
        help="defer a conversation's nudges",
        description="Defer a conversation's next nudge by DURATION (e.g. 2d, 12h).",
    )
    p.add_argument("id", metavar="ID", help="conversation id from `inboxwatch status`")
    p.add_argument("duration", metavar="DURATION", help='how long, e.g. "2d", "12h"')
    p.set_defaults(func=_control("snooze"))

    p = sub.add_parser(
        "track",
        parents=[common, timed],
        help="track a message the classifier missed",
        description="Add a message file to the tracked conversations, whatever the classifier said.",
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("--label", choices=[str(lab) for lab in Label], help="what the message is (default: guessed)")
    p.add_argument("--company", help="the employer, if the message does not say")
    p.set_defaults(func=cmd_track)

    p = sub.add_parser(
        "run",
        parents=[common],
        help="run as a service: watch, evaluate and alert until stopped",
        description="Run the daemon: sync every account, deliver nudges when due (SIGHUP reloads the "
        "config, SIGTERM stops).",
    )
    p.set_defaults(func=cmd_run)

    p = sub.add_parser(
        "service",
        parents=[common],
        help="install the systemd user unit",
        description="Write the systemd user unit for this installation.",
    )
    p.add_argument("action", choices=["install"], help="what to do")
    p.add_argument("--unit-dir", metavar="DIR", help="where to write it (default: ~/.config/systemd/user)")
    p.set_defaults(func=cmd_service)

    p = sub.add_parser(
        "auth",
        parents=[common],
        help="store an account's credentials in the keyring",
        description="Authorise an account once: the Gmail OAuth consent in a browser, or an IMAP password "
        "prompt. The secret goes to the keyring, never to the config file.",
    )
    p.add_argument("kind", choices=["gmail", "imap"], help="which kind of account")
    p.add_argument("account", metavar="ACCOUNT", help="the account's name in the config")
    p.add_argument("--client-secrets", metavar="FILE", help="gmail: the OAuth client file from Google Cloud")
    p.add_argument("--no-browser", action="store_true", help="gmail: print the address instead of opening it")
    p.add_argument("--port", type=int, default=0, help="gmail: local port for the redirect (for SSH forwarding)")
    p.set_defaults(func=cmd_auth)

    p = sub.add_parser(
        "doctor",
        parents=[common],
        help="check config, accounts, channels and state, with fixes",
        description="Check the config, each account's connection, each alert channel and the state "
        "file, and print the fix for every problem found.",
    )
    p.add_argument("--send-test", action="store_true", help="send a test notification on every channel")
    p.set_defaults(func=cmd_doctor)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if getattr(args, "verbose", False) else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args))
    except ConfigError as e:
        err.print(f"[red]config error[/red] {escape(str(e))}")
        return 2
    except UsageError as e:
        err.print(f"[red]error:[/red] {escape(str(e))}")
        return 2
    except InboxwatchError as e:
        err.print(f"[red]error:[/red] {escape(str(e))}")
        return 1
    except KeyboardInterrupt:
        return 130

"""The argument parser: every command, option and example, declared once.

Global options (``--config``, ``-v``) are declared once and accepted before or after the command, as in git
or systemctl: the copy each subcommand carries has no default of its own, so it never overwrites a value
given before the command. Handlers are named as ``"module:function"`` inside ``inboxwatch.cli`` and imported
only when their command runs, so this module needs nothing but the standard library: the man page is built
from it at build time, and shell completion starts quickly.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Final

from inboxwatch import __version__
from inboxwatch.models import Label

PROG: Final = "inboxwatch"
PROVIDERS: Final = (
    "gmail",
    "outlook",
    "fastmail",
    "icloud",
    "yahoo",
    "proton-bridge",
    "imap",
    "maildir",
    "mbox",
)
CHANNELS: Final = ("desktop", "email", "command", "none")
SHELLS: Final = ("bash", "zsh", "fish")

ENVIRONMENT: Final = (
    ("INBOXWATCH_CONFIG", "the config file to read when --config is not given"),
    ("NO_COLOR", "when set (to anything), output has no colour and no box drawing; so does output to a pipe or file"),
)
FILES: Final = (
    ("~/.config/inboxwatch/config.toml", "the config file (XDG_CONFIG_HOME is honoured); `inboxwatch init` writes it"),
    ("~/.local/state/inboxwatch/state.sqlite3", "what inboxwatch has read and done (state_dir in the config)"),
)


class _Formatter(argparse.HelpFormatter):
    """Keeps the examples' line breaks; wraps the rest."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=30)

    def add_argument(self, action: argparse.Action) -> None:
        super().add_argument(action)
        if isinstance(action, argparse._SubParsersAction):
            # argparse measures the command names one indent short, and wraps the longest ("check-config")
            self._action_max_length += self._indent_increment

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith("example:"):
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


def _examples(*lines: str) -> str:
    return "example:\n" + "\n".join(f"  {line}" for line in lines)


def add_global_options(parser: argparse.ArgumentParser, *, in_command: bool) -> None:
    """``--config`` and ``-v``: on the top parser with their defaults, on a subcommand without any."""
    kwargs = {"default": argparse.SUPPRESS} if in_command else {}
    actions = [
        parser.add_argument(
            "--config",
            metavar="PATH",
            help="config file (default: $INBOXWATCH_CONFIG, else ~/.config/inboxwatch/config.toml)",
            **kwargs,  # type: ignore[arg-type]
        ),
        parser.add_argument(
            "-v",
            "--verbose",
            action="store_true",
            help="log what happens, for debugging",
            **kwargs,  # type: ignore[arg-type]
        ),
    ]
    if in_command:
        for action in actions:
            action._global = True  # type: ignore[attr-defined]  # the man page and completion list them once


def _command(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    handler: str,
    help_text: str,
    description: str,
    examples: Sequence[str],
    *,
    timed: bool = False,
    json: str | None = None,
) -> argparse.ArgumentParser:
    p = sub.add_parser(
        name, help=help_text, description=description, epilog=_examples(*examples), formatter_class=_Formatter
    )
    add_global_options(p, in_command=True)
    if timed:
        p.add_argument(
            "--now", metavar="ISO8601", help="evaluate at this moment instead of the clock (reproducible runs)"
        )
    if json:
        p.add_argument("--json", action="store_true", help=json)
    p.set_defaults(handler=handler)
    return p


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Watches your mailbox and nudges you to follow up with employers who went silent.",
        epilog="Start with `inboxwatch init`. Global options work before or after the command; "
        "`inboxwatch COMMAND --help` shows an example for each command.",
        formatter_class=_Formatter,
    )
    add_global_options(parser, in_command=False)
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = _command(
        sub,
        "init",
        "init:run",
        "write your config: who you are, your mailbox, your alerts",
        "Create the config file: ask who you are, which mailbox to watch and how to alert you (or take it all "
        "from flags with --non-interactive), store a typed password in the keyring, write the file with mode "
        "600, and run the same checks as doctor.",
        (
            "inboxwatch init",
            "inboxwatch init --non-interactive --provider fastmail --name 'Jane Doe' \\",
            "    --address jane@fastmail.com --password-command 'pass show mail/fastmail'",
            "inboxwatch init --non-interactive --provider maildir --address jane@example.com \\",
            "    --inbox ~/Mail/INBOX --sent ~/Mail/Sent",
            "inboxwatch init --print-example > config.toml",
        ),
    )
    p.add_argument("--print-example", action="store_true", help="print the fully commented example config and exit")
    p.add_argument("--non-interactive", action="store_true", help="ask nothing: take every answer from the flags")
    p.add_argument("--force", action="store_true", help="replace an existing config file")
    p.add_argument("--no-check", action="store_true", help="skip the doctor checks after writing")
    p.add_argument("--name", help="your name, used in the suggested follow-ups")
    p.add_argument(
        "--address",
        action="append",
        metavar="ADDRESS",
        help="an address you send from (repeatable; the first is the main one)",
    )
    p.add_argument("--provider", choices=PROVIDERS, help="your mail provider or mailbox kind")
    p.add_argument("--imap", action="store_true", help="gmail: read over IMAP instead of the Gmail API")
    p.add_argument("--account", metavar="NAME", help="a short name for the account (default: the provider's)")
    p.add_argument("--host", help="imap: the server (presets fill it in)")
    p.add_argument("--port", type=int, help="imap: the port (presets fill it in)")
    p.add_argument("--security", choices=("tls", "starttls"), help="imap: how the connection is protected")
    p.add_argument("--auth", choices=("password", "xoauth2"), help="imap: how to sign in (presets fill it in)")
    p.add_argument("--username", help="imap: the login (default: your first address)")
    p.add_argument(
        "--password-command", metavar="CMD", help="imap: a command printing the password, e.g. 'pass show mail'"
    )
    p.add_argument("--password-env", metavar="VAR", help="imap: an environment variable holding the password")
    p.add_argument("--ca-file", metavar="FILE", help="imap: the certificate to trust (Proton Bridge: its cert.pem)")
    p.add_argument("--inbox", metavar="PATH", help="maildir/mbox: received mail")
    p.add_argument("--sent", metavar="PATH", help="maildir/mbox: sent mail")
    p.add_argument(
        "--channel", action="append", choices=CHANNELS, help="how to alert you (repeatable; default: desktop)"
    )
    p.add_argument("--email-to", metavar="ADDRESS", help="email alerts: where they go (default: your first address)")
    p.add_argument("--smtp-host", metavar="HOST", help="email alerts: the SMTP server (presets fill it in)")
    p.add_argument("--smtp-port", metavar="PORT", type=int, help="email alerts: its port")
    p.add_argument("--alert-command", metavar="CMD", help="command alerts: the program to run with its arguments")
    p.add_argument("--state-dir", metavar="DIR", help="where to keep the state file (default: the XDG state folder)")

    _command(
        sub,
        "demo",
        "demo:run",
        "run on the bundled fictional mailbox and show the result",
        "Scan the bundled demo mailbox at its fixed moment and print what inboxwatch sees.",
        ("inboxwatch demo",),
        timed=True,
    )

    p = _command(
        sub,
        "scan",
        "mail:scan",
        "read new mail, update conversations, send due alerts",
        "Read what is new in every account, then deliver the nudges that are due.",
        ("inboxwatch scan --once", "inboxwatch scan --once --json | jq '.accounts[] | select(.error)'"),
        timed=True,
        json="print the result as a JSON object",
    )
    p.add_argument("--once", action="store_true", help="scan once and exit")

    p = _command(
        sub,
        "status",
        "conversations:status",
        "list tracked conversations and their next nudge",
        "Show every employer conversation, its stage and why its next nudge is due when it is; with a "
        "conversation's ID, its messages, each with the reference (m-XXXXXXXX) that `inboxwatch relabel` takes.",
        ("inboxwatch status", "inboxwatch status --json | jq -r '.[].company'", "inboxwatch status 3f9c2a"),
        timed=True,
        json="print a JSON array",
    )
    p.add_argument("id", nargs="?", metavar="ID", help="a conversation id: list its messages")
    _command(
        sub,
        "nudges",
        "conversations:nudges",
        "list the follow-ups due now, with suggested text",
        "List every nudge due and still open, with its suggested message.",
        ("inboxwatch nudges", "inboxwatch nudges --now 2026-03-16T09:00:00-04:00 --json"),
        timed=True,
        json="print a JSON array",
    )
    _command(
        sub,
        "check-config",
        "configure:check_config",
        "validate the config file",
        "Validate the config and list every problem with its key path (exit 2 if any).",
        ("inboxwatch check-config", "inboxwatch --config ./test.toml check-config"),
    )

    p = _command(
        sub,
        "classify",
        "mail:classify",
        "explain how messages are classified",
        "Classify raw RFC 822 files ('-' reads stdin) from the owner's side, with evidence.",
        (
            "inboxwatch classify ~/Mail/INBOX/cur/1700000000.eml",
            "inboxwatch classify --me jane@example.com - < message.eml",
        ),
        json="one JSON object per file, one per line",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="a message file, or - for stdin")
    p.add_argument("--me", action="append", metavar="ADDRESS", help="the owner's address (repeatable)")
    p.add_argument("--name", help="the owner's name")

    for action, text in (
        ("done", "close a conversation: you are done with it"),
        ("ignore", "not a job conversation: never track it again, nor mail like it"),
        ("reopen", "undo snooze, done or ignore"),
    ):
        p = _command(
            sub,
            action,
            f"conversations:{action}",
            text,
            text[0].upper() + text[1:] + ".",
            (f"inboxwatch {action} 3f9c2a",),
            timed=True,
        )
        p.add_argument("id", metavar="ID", help="conversation id from `inboxwatch status`")
    p = _command(
        sub,
        "snooze",
        "conversations:snooze",
        "defer a conversation's nudges",
        "Defer a conversation's next nudge by DURATION (e.g. 2d, 12h).",
        ("inboxwatch snooze 3f9c2a 3d",),
        timed=True,
    )
    p.add_argument("id", metavar="ID", help="conversation id from `inboxwatch status`")
    p.add_argument("duration", metavar="DURATION", help='how long, e.g. "2d", "12h"')

    p = _command(
        sub,
        "export",
        "export:run",
        "export conversations as CSV or JSON, interviews and follow-ups as a calendar",
        "Write every conversation (one row each, with its stage and dates) as csv or json, or the interviews "
        "and coming follow-ups as an iCalendar file (ics) with stable UIDs, for a spreadsheet, a job tracker "
        "or a calendar.",
        (
            "inboxwatch export --format csv > search.csv",
            "inboxwatch export --format ics -o ~/search.ics",
        ),
        timed=True,
    )
    p.add_argument("--format", choices=("csv", "json", "ics"), default="csv", help="csv (default), json or ics")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")

    p = _command(
        sub,
        "web",
        "web:run",
        "open the local dashboard: the whole search, and buttons to act on it",
        "Serve the dashboard on 127.0.0.1 (port from [web] port, default 8765) and print its address, which "
        "carries the access token kept in the state folder. Needs the web extra: pip install 'inboxwatch[web]'.",
        ("inboxwatch web --open", "inboxwatch web --port 8800"),
        timed=True,
    )
    p.add_argument("--port", type=int, metavar="N", help="listen on this port of 127.0.0.1 (default: [web] port)")
    p.add_argument("--open", action="store_true", help="open the dashboard in the browser")

    p = _command(
        sub,
        "track",
        "mail:track",
        "track a message the classifier missed",
        "Add a message file to the tracked conversations, whatever the classifier said.",
        ("inboxwatch track invitation.eml --label interview_request --company 'Acme Corp'",),
        timed=True,
    )
    p.add_argument("file", metavar="FILE", help="the message file")
    p.add_argument("--label", choices=[str(label) for label in Label], help="what the message is (default: guessed)")
    p.add_argument("--company", help="the employer, if the message does not say")

    p = _command(
        sub,
        "relabel",
        "corrections:relabel",
        "correct a message's label; mail like it follows",
        "Give one message your own label. It is relabelled at once, and later mail like it (the same sender "
        "or applicant-tracking tenant, and nearly the same words: the same template) gets the same label, "
        "with the evidence naming your correction. MESSAGE is a message's reference, m- and 8 hex digits "
        "(the first 4 are enough), as `inboxwatch status ID` lists a conversation's messages and "
        "`inboxwatch classify FILE` prints a file's; or the message file itself. LABEL is one of "
        f"{', '.join(str(label) for label in Label)}, or not-job (the same as other). Relabelling again "
        "replaces the correction; --forget removes it and gives the message back inboxwatch's own label.",
        (
            "inboxwatch status 3f9c2a                      # its messages, with their m-XXXXXXXX references",
            "inboxwatch relabel m-5e0c41d2 rejection",
            "inboxwatch relabel ~/Mail/INBOX/cur/1700000000.eml not-job",
            "inboxwatch relabel m-5e0c41d2 --forget        # undo",
            "inboxwatch relabel --list",
        ),
        timed=True,
        json="with --list: print a JSON array",
    )
    p.add_argument("message", nargs="?", metavar="MESSAGE", help="m-XXXXXXXX reference, or a message file")
    p.add_argument(
        "label",
        nargs="?",
        metavar="LABEL",
        choices=["not-job", *(str(label) for label in Label)],
        help="what the message is: rejection, not-job, interview_request ...",
    )
    p.add_argument("--forget", action="store_true", help="remove the message's correction")
    p.add_argument("--list", action="store_true", help="list every correction")

    _command(
        sub,
        "run",
        "service:run",
        "run as a service: watch, evaluate and alert until stopped",
        "Run the daemon: sync every account, deliver nudges when due (SIGHUP reloads the config, SIGTERM stops).",
        ("inboxwatch run -v",),
    )
    p = _command(
        sub,
        "service",
        "service:service",
        "install the systemd user unit",
        "Write the systemd user unit for this installation.",
        ("inboxwatch service install && systemctl --user enable --now inboxwatch",),
    )
    p.add_argument("action", choices=["install"], help="what to do")
    p.add_argument("--unit-dir", metavar="DIR", help="where to write it (default: ~/.config/systemd/user)")

    p = _command(
        sub,
        "auth",
        "configure:auth",
        "store an account's credentials in the keyring",
        "Authorise an account once: the Gmail OAuth consent in a browser, or an IMAP password prompt. The "
        "secret goes to the keyring, never to the config file.",
        ("inboxwatch auth imap work", "inboxwatch auth gmail gmail --client-secrets ~/Downloads/client.json"),
    )
    p.add_argument("kind", choices=["gmail", "imap"], help="which kind of account")
    p.add_argument("account", metavar="ACCOUNT", help="the account's name in the config")
    p.add_argument("--client-secrets", metavar="FILE", help="gmail: the OAuth client file from Google Cloud")
    p.add_argument("--no-browser", action="store_true", help="gmail: print the address instead of opening it")
    p.add_argument("--port", type=int, default=0, help="gmail: local port for the redirect (for SSH forwarding)")

    p = _command(
        sub,
        "doctor",
        "configure:doctor",
        "check config, accounts, channels and state, with fixes",
        "Check the config, each account's connection, each alert channel and the state file, and print the "
        "fix for every problem found.",
        ("inboxwatch doctor", "inboxwatch doctor --send-test"),
        json="print the checks as a JSON array",
    )
    p.add_argument("--send-test", action="store_true", help="send a test notification on every channel")

    p = _command(
        sub,
        "completion",
        "completion:run",
        "print the shell completion script for bash, zsh or fish",
        "Print a completion script that completes commands, options and conversation ids.",
        (
            "source <(inboxwatch completion bash)          # in ~/.bashrc",
            "source <(inboxwatch completion zsh)           # in ~/.zshrc, after compinit",
            "inboxwatch completion fish > ~/.config/fish/completions/inboxwatch.fish",
        ),
    )
    shell = p.add_argument("shell", choices=(*SHELLS, "ids"), metavar="SHELL", help="bash, zsh or fish")
    shell.hidden_choices = ("ids",)  # type: ignore[attr-defined]  # what the scripts run to list conversation ids
    return parser

"""``inboxwatch init``: the first run. Asks (or reads from flags) who you are, your mailbox and your alerts,
writes the config, keeps a typed password in the keyring, and runs the doctor's checks."""

from __future__ import annotations

import argparse
import getpass
import shlex
import sys
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.utils import formataddr
from importlib import resources
from pathlib import Path

from inboxwatch.cli import views
from inboxwatch.cli.app import Ui, config_path
from inboxwatch.config import default_config_path, parse_config
from inboxwatch.config.presets import PRESETS, Preset, preset
from inboxwatch.config.schema import is_email, is_env_name, is_host, is_mailbox
from inboxwatch.config.writer import (
    AccountAnswers,
    EmailAlertAnswers,
    InitAnswers,
    render_config,
    write_config,
)
from inboxwatch.errors import AuthError, UsageError

EXAMPLE_RESOURCE = "example.toml"  # inside inboxwatch.config


def example_config() -> str:
    """The fully commented example config shipped inside the package."""
    return (resources.files("inboxwatch.config") / EXAMPLE_RESOURCE).read_text(encoding="utf-8")


# --- asking ----------------------------------------------------------------------------------------------


Check = Callable[[str], str | None]  # None: the answer is fine; else what is wrong with it


class InitInterruptedError(UsageError):
    pass


@dataclass
class Prompter:
    """Questions on a terminal: each answer is checked, and a wrong one is explained and asked again."""

    read: Callable[[str], str] = input
    read_secret: Callable[[str], str] = getpass.getpass
    say: Callable[[str], None] = print

    def _read(self, prompt: str, secret: bool = False) -> str:
        try:
            return (self.read_secret if secret else self.read)(prompt)
        except EOFError:
            raise InitInterruptedError("init stopped before the end: nothing was written") from None

    def ask(self, question: str, *, default: str | None = None, check: Check | None = None) -> str:
        prompt = f"{question} [{default}]: " if default else f"{question}: "
        while True:
            answer = self._read(prompt).strip() or (default or "")
            problem = check(answer) if check else (None if answer else "an answer is needed")
            if problem is None:
                return answer
            self.say(f"  {problem}")

    def secret(self, question: str) -> str:
        while True:
            answer = self._read(f"{question}: ", secret=True)
            if answer:
                return answer
            self.say("  nothing typed; try again (Ctrl-D stops)")

    def choose(self, question: str, options: Sequence[tuple[str, str]], *, default: str) -> str:
        """One of ``options`` (key, text), by its number or its key."""
        self.say(question)
        width = max(len(key) for key, _ in options)
        for i, (key, text) in enumerate(options, start=1):
            self.say(f"  {i:>2}) {key:<{width}}  {text}")
        keys = [key for key, _ in options]

        def check(answer: str) -> str | None:
            if answer in keys or (answer.isdigit() and 1 <= int(answer) <= len(keys)):
                return None
            return f"{answer!r} is not one of the choices: type a number from 1 to {len(keys)}, or a name"

        answer = self.ask(f"Choose 1-{len(keys)}", default=default, check=check)
        return keys[int(answer) - 1] if answer.isdigit() else answer

    def confirm(self, question: str, *, default: bool) -> bool:
        def check(answer: str) -> str | None:
            return None if answer.lower() in ("y", "yes", "n", "no") else "answer y or n"

        answer = self.ask(f"{question} (y/n)", default="y" if default else "n", check=check)
        return answer.lower().startswith("y")


# --- checks shared by the questions and the flags ----------------------------------------------------------


def check_addresses(answer: str) -> str | None:
    addresses = split_list(answer)
    if not addresses:
        return "at least one address is needed, like jane@example.com"
    bad = [a for a in addresses if not is_email(a)]
    if bad:
        return f"{bad[0]!r} is not an email address (like jane@example.com)"
    return None


def check_host(answer: str) -> str | None:
    return None if answer and is_host(answer) else f"{answer!r} is not a host name (like imap.example.com)"


def check_port(answer: str) -> str | None:
    return None if answer.isdigit() and 1 <= int(answer) <= 65535 else "a port is a number from 1 to 65535"


def check_existing(what: str) -> Check:
    def check(answer: str) -> str | None:
        if not answer:
            return f"the path of the {what} is needed"
        path = Path(answer).expanduser()
        return None if path.exists() else f"{path} does not exist (make it first, or give another path)"

    return check


def check_env(answer: str) -> str | None:
    return None if is_env_name(answer) else f"{answer!r} is not an environment variable name"


def check_command(answer: str) -> str | None:
    try:
        return None if shlex.split(answer) else "a command is needed"
    except ValueError as e:
        return f"cannot split it into arguments: {e}"


def split_list(answer: str) -> list[str]:
    return [a.strip() for a in answer.replace(";", ",").split(",") if a.strip()]


def _ca_default(p: Preset) -> str | None:
    if p.ca_file and Path(p.ca_file).expanduser().is_file():
        return str(Path(p.ca_file).expanduser())
    return None


@dataclass(frozen=True)
class Gathered:
    answers: InitAnswers
    secret: str | None = None  # typed by the user: goes to the keyring, never to the file
    smtp_secret: bool = False  # the same secret also signs in to the SMTP server


# --- the interactive flow --------------------------------------------------------------------------------


def _provider_menu() -> list[tuple[str, str]]:
    return [(p.name, p.title) for p in PRESETS.values()]


def ask_all(args: argparse.Namespace, ask: Prompter) -> Gathered:
    """Every answer, asked (a flag given on the command line is taken as its answer)."""
    ask.say("inboxwatch init: a few questions, then your config is written. Enter takes the [default].")
    name = (
        args.name
        if args.name is not None
        else ask.ask("Your name (used in the suggested follow-ups)", check=lambda _: None)
    )
    if args.address:
        _flag_check("--address", check_addresses(",".join(args.address)))
        addresses = list(args.address)
    else:
        addresses = split_list(ask.ask("Your email address(es), separated by commas", check=check_addresses))
    provider = _provider_name(args) or ask.choose(
        "Which mailbox should inboxwatch watch?", _provider_menu(), default="1"
    )
    p = preset(provider)
    account_name = args.account or _default_account_name(p)
    secret: str | None = None
    if p.is_local:
        what = "Maildir" if p.kind == "maildir" else "mbox file"
        inbox = args.inbox or ask.ask(f"The {what} of received mail", check=check_existing(f"inbox {what}"))
        sent = args.sent or ask.ask(f"The {what} of sent mail", check=check_existing(f"sent {what}"))
        account = AccountAnswers(account_name, p, inbox=_abs(inbox), sent=_abs(sent))
    elif p.is_imap:
        host = args.host or p.host or ask.ask("IMAP server", check=check_host)
        security = args.security or p.security
        if security is None:
            security = ask.choose(
                "How is the connection protected?",
                [("tls", "TLS from the start (usually port 993)"), ("starttls", "STARTTLS (usually port 143)")],
                default="1",
            )
        default_port = "993" if security == "tls" else "143"
        port = args.port or p.port or int(ask.ask("Port", default=default_port, check=check_port))
        username = args.username or ask.ask("User name", default=addresses[0], check=lambda a: None if a else "needed")
        ca_file = args.ca_file or (
            ask.ask("The bridge's certificate (cert.pem)", default=_ca_default(p), check=check_existing("certificate"))
            if p.ca_file
            else None
        )
        command, env, secret = args.password_command, args.password_env, None
        if command is None and env is None:
            command, env, secret = _ask_secret_source(ask, p, account_name)
        account = AccountAnswers(
            account_name,
            p,
            host=host,
            port=port,
            security=security,
            auth=args.auth or p.auth,
            username=username,
            password_command=command,
            password_env=env,
            ca_file=_abs(ca_file) if ca_file else None,
        )
    else:
        account = AccountAnswers(account_name, p)
    if args.channel:
        channels = _channels_from(args.channel)
    else:

        def check_channels(answer: str) -> str | None:
            chosen = split_list(answer)
            bad = [c for c in chosen if c not in ("desktop", "email", "command", "none")]
            return f"{bad[0]!r} is not one of desktop, email, command, none" if bad else None

        channels = _channels_from(
            split_list(
                ask.ask(
                    "How should inboxwatch alert you? desktop, email (to yourself), command, or none",
                    default="desktop",
                    check=check_channels,
                )
            )
        )
    email = None
    smtp_secret = False
    if "email" in channels:
        to = args.email_to or ask.ask("Send alert mail to", default=addresses[0], check=_check_one_address)
        smtp = p.smtp
        host = (
            args.smtp_host or (smtp.host if smtp else None) or ask.ask("SMTP server for the alerts", check=check_host)
        )
        port = args.smtp_port or (smtp.port if smtp and host == smtp.host else None)
        port = port or int(ask.ask("SMTP port", default="465", check=check_port))
        security = (smtp.security if smtp and host == smtp.host else None) or ("tls" if port == 465 else "starttls")
        email = EmailAlertAnswers(
            host,
            port,
            security,
            formataddr(("inboxwatch", addresses[0])),
            to,
            username=account.username,
            password_command=account.password_command,
            password_env=account.password_env,
        )
        smtp_secret = secret is not None and account.username is not None
    command_argv: tuple[str, ...] = ()
    if "command" in channels:
        text = args.alert_command or ask.ask(
            "The program to run for each nudge (it gets the nudge as JSON on stdin)", check=check_command
        )
        command_argv = tuple(shlex.split(text))
    answers = InitAnswers(
        name,
        tuple(addresses),
        account,
        channels,
        email,
        command_argv,
        state_dir=_abs(args.state_dir) if args.state_dir else None,
    )
    return Gathered(answers, secret, smtp_secret)


def _check_one_address(answer: str) -> str | None:
    if is_mailbox(answer):
        return None
    return f"{answer!r} is not an email address (like jane@example.com, or Jane Doe <jane@example.com>)"


def _ask_secret_source(ask: Prompter, p: Preset, account: str) -> tuple[str | None, str | None, str | None]:
    """(password_command, password_env, typed secret) — exactly one of them set, or none (keyring later)."""
    token = p.auth == "xoauth2"
    options = [] if token else [("keyring", f"type the {p.secret} now; it is kept in the system keyring")]
    options += [
        ("command", f"a command that prints the {p.secret} (like `pass show mail/{account}`)"),
        ("env", f"an environment variable that holds the {p.secret}"),
    ]
    if not token:
        options.append(("later", f"later, with `inboxwatch auth imap {account}`"))
    how = ask.choose(f"How should inboxwatch get the {p.secret}?", options, default="1")
    if how == "keyring":
        return None, None, ask.secret(f"The {p.secret} (not shown)")
    if how == "command":
        return ask.ask(f"The command that prints the {p.secret}", check=check_command), None, None
    if how == "env":
        return None, ask.ask("The variable's name", check=check_env), None
    return None, None, None


# --- the flags -------------------------------------------------------------------------------------------


def _flag_check(flag: str, problem: str | None) -> None:
    if problem:
        raise UsageError(f"{flag}: {problem}")


def from_flags(args: argparse.Namespace) -> Gathered:
    """Every answer from the flags; a missing or wrong one is a usage error naming its flag."""
    if not args.address:
        raise UsageError("--non-interactive needs --address (your email address; repeatable)")
    _flag_check("--address", check_addresses(",".join(args.address)))
    provider = _provider_name(args)
    if provider is None:
        raise UsageError(f"--non-interactive needs --provider ({', '.join(_flag_providers())})")
    p = preset(provider)
    account_name = args.account or _default_account_name(p)
    if p.is_local:
        for flag, value in (("--inbox", args.inbox), ("--sent", args.sent)):
            if not value:
                raise UsageError(f"--provider {provider} needs {flag} PATH")
            _flag_check(flag, check_existing(flag[2:])(value))
        account = AccountAnswers(account_name, p, inbox=_abs(args.inbox), sent=_abs(args.sent))
    elif p.is_imap:
        host = args.host or p.host
        if not host:
            raise UsageError("--provider imap needs --host (the IMAP server)")
        _flag_check("--host", check_host(host))
        if args.password_command and args.password_env:
            raise UsageError("give only one of --password-command and --password-env")
        if args.password_command:
            _flag_check("--password-command", check_command(args.password_command))
        if args.password_env:
            _flag_check("--password-env", check_env(args.password_env))
        auth = args.auth or p.auth
        if auth == "xoauth2" and not (args.password_command or args.password_env):
            raise UsageError(
                f"--provider {provider} signs in with OAuth: give --password-command CMD, a command that prints an "
                "access token (a token helper such as oama or mutt_oauth2.py)"
            )
        ca_file = args.ca_file or _ca_default(p)
        if p.ca_file and not ca_file:
            raise UsageError(
                f"--provider {provider} needs --ca-file: the bridge's certificate (Bridge → Settings → Export TLS "
                f"certificates; usually {p.ca_file})"
            )
        if ca_file:
            _flag_check("--ca-file", check_existing("certificate")(ca_file))
        account = AccountAnswers(
            account_name,
            p,
            host=host,
            port=args.port or p.port or (993 if (args.security or "tls") == "tls" else 143),
            security=args.security or p.security or "tls",
            auth=auth,
            username=args.username or args.address[0],
            password_command=args.password_command,
            password_env=args.password_env,
            ca_file=_abs(ca_file) if ca_file else None,
        )
    else:
        account = AccountAnswers(account_name, p)
    channels = _channels_from(args.channel or ["desktop"])
    email = None
    if "email" in channels:
        smtp = p.smtp
        host = args.smtp_host or (smtp.host if smtp else None)
        if not host:
            raise UsageError("--channel email needs --smtp-host (the server to send the alerts through)")
        _flag_check("--smtp-host", check_host(host))
        same = smtp is not None and host == smtp.host
        port = args.smtp_port or (smtp.port if smtp and same else 465)
        security = smtp.security if smtp and same else ("tls" if port == 465 else "starttls")
        to = args.email_to or args.address[0]
        _flag_check("--email-to", _check_one_address(to))
        email = EmailAlertAnswers(
            host,
            port,
            security,
            formataddr(("inboxwatch", args.address[0])),
            to,
            username=account.username,
            password_command=account.password_command,
            password_env=account.password_env,
        )
    command_argv: tuple[str, ...] = ()
    if "command" in channels:
        if not args.alert_command:
            raise UsageError("--channel command needs --alert-command CMD (the program to run for each nudge)")
        _flag_check("--alert-command", check_command(args.alert_command))
        command_argv = tuple(shlex.split(args.alert_command))
    answers = InitAnswers(
        args.name or "",
        tuple(args.address),
        account,
        channels,
        email,
        command_argv,
        state_dir=_abs(args.state_dir) if args.state_dir else None,
    )
    return Gathered(answers)


def _flag_providers() -> list[str]:
    return [n for n in PRESETS if n != "gmail-imap"]


def _provider_name(args: argparse.Namespace) -> str | None:
    if args.provider is None:
        return None
    if args.provider == "gmail" and args.imap:
        return "gmail-imap"
    return str(args.provider)


def _default_account_name(p: Preset) -> str:
    return {"maildir": "personal", "mbox": "archive", "gmail-imap": "gmail"}.get(p.name, p.name)


def _channels_from(values: Sequence[str]) -> tuple[str, ...]:
    chosen: list[str] = []
    for value in values:
        if value != "none" and value not in chosen:
            chosen.append(value)
    return tuple(chosen)


def _abs(path: str) -> str:
    return str(Path(path).expanduser().absolute())


# --- the command -----------------------------------------------------------------------------------------


def validate(text: str, path: Path) -> None:
    """Refuse to write a file the loader would refuse (raises ``ConfigError`` with every problem)."""
    parse_config(tomllib.loads(text), source=str(path), base_dir=path.parent)


def keep_secret(gathered: Gathered) -> list[str]:
    """Store a typed secret in the keyring; the lines to tell the user. Raises ``AuthError``."""
    from inboxwatch.config.credentials import keyring_username, store_in_keyring

    if gathered.secret is None:
        return []
    a = gathered.answers.account
    store_in_keyring(keyring_username("imap", a.name), gathered.secret)
    told = [f"the {a.preset.secret} is in the system keyring (inboxwatch / imap:{a.name})"]
    if gathered.smtp_secret and a.username:
        store_in_keyring(keyring_username("smtp", a.username), gathered.secret)
        told.append(f"and for the alert mail (inboxwatch / smtp:{a.username})")
    return told


def next_steps(answers: InitAnswers) -> list[str]:
    """The commands to run next, each with why, aligned."""
    a = answers.account
    steps: list[tuple[str, str]] = []
    if a.kind == "gmail":
        steps.append((f"inboxwatch auth gmail {a.name} --client-secrets client.json", "sign in once"))
    elif a.kind == "imap" and not (a.password_command or a.password_env):
        steps.append((f"inboxwatch auth imap {a.name}", f"the {a.preset.secret}, kept in the keyring"))
    steps += [
        ("inboxwatch scan --once", "read your mail now and see what is tracked"),
        ("inboxwatch service install", "then keep watching in the background (a systemd user unit)"),
    ]
    width = max(len(command) for command, _ in steps)
    return [f"{command:<{width}}  # {why}" for command, why in steps]


def run(args: argparse.Namespace, ui: Ui) -> int:
    if args.print_example:
        sys.stdout.write(example_config())
        return 0
    path = (config_path(args) or default_config_path()).expanduser().absolute()
    interactive = not args.non_interactive
    if interactive and not sys.stdin.isatty():
        raise UsageError(
            "init asks its questions on a terminal; without one, give the answers as flags with --non-interactive "
            "(see `inboxwatch init --help`)"
        )

    def say(text: str) -> None:
        print(text, flush=True)

    ask = Prompter(say=say)
    force = args.force
    if path.exists() and not force:
        if not interactive:
            raise UsageError(f"{path} already exists; keep it, or add --force to replace it")
        if not ask.confirm(f"{path} already exists. Replace it?", default=False):
            say("Kept it; nothing written.")
            return 1
        force = True
    gathered = ask_all(args, ask) if interactive else from_flags(args)
    text = render_config(gathered.answers)
    validate(text, path)
    try:
        told = keep_secret(gathered)
    except AuthError as e:
        raise AuthError(
            f"{e}; nothing written. Run init again and choose a command or a variable for the password"
        ) from e
    write_config(path, text, force=force)
    ui.out.print(f"wrote {path} (mode 600)", markup=False)
    for line in told:
        ui.out.print(line, markup=False)
    account = gathered.answers.account
    for note in account.preset.notes:
        ui.out.print(f"note: {note.format(account=account.name)}", markup=False)
    if not args.no_check:
        from inboxwatch.runtime.doctor import run_checks

        views.render_checks(ui, run_checks(path))
    ui.out.print("next:")
    for step in next_steps(gathered.answers):
        ui.out.print(f"  {step}", markup=False)
    return 0

"""Reading the settings: ``load_config`` reads the TOML file; ``parse_config`` turns its tables into a
:class:`~inboxwatch.config.model.Config`. Every problem in the file is collected and raised as one
:class:`ConfigError`, each line starting with its key path, so a user fixes their file in one round instead of
one error per run. Secrets are never echoed back.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Mapping, Sequence
from datetime import time, timedelta
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

from inboxwatch.config.model import (
    ACCOUNT_KINDS,
    ALERT_CHANNELS,
    AUTH_MODES,
    DEFAULT_WEB_PORT,
    SECURITY_MODES,
    AccountConfig,
    AlertsConfig,
    CommandAlertConfig,
    Config,
    DesktopAlertConfig,
    DraftsConfig,
    EmailAlertConfig,
    WebConfig,
    default_config_path,
    default_state_dir,
)
from inboxwatch.config.schema import (
    MAILBOX_HINT,
    MISSING,
    Problems,
    Table,
    is_email,
    is_env_name,
    is_host,
    is_http_url,
    is_localhost,
    is_mailbox,
    join,
    parse_mailbox,
    show,
)
from inboxwatch.core.policy import FollowUpConfig, FollowUpRules
from inboxwatch.errors import ConfigError
from inboxwatch.models import Identity

_TOML_POSITION_RE: Final = re.compile(r"^(?P<msg>.*?)\s*\(at line (?P<line>\d+), column (?P<col>\d+)\)$")


def load_config(path: Path | None = None) -> Config:
    """Read and validate the TOML file at ``path`` (default: :func:`default_config_path`)."""
    path = (path if path is not None else default_config_path()).expanduser().absolute()
    where = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            [f"config file not found: {path} (run `inboxwatch init` to write one, or name another with --config)"],
            where,
        ) from None
    except IsADirectoryError:
        raise ConfigError([f"{path} is a folder, expected a TOML file"], where) from None
    except OSError as exc:
        raise ConfigError([f"cannot read {path}: {exc.strerror or exc}"], where) from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError([f"byte {exc.start}: the file is not valid UTF-8"], where) from None
    except tomllib.TOMLDecodeError as exc:
        # Python 3.11's TOMLDecodeError has no lineno attribute; the position is only in the message.
        match = _TOML_POSITION_RE.match(str(exc))
        problem = (
            f"line {match['line']}, column {match['col']}: TOML syntax error: {match['msg']}"
            if match
            else f"TOML syntax error: {exc}"
        )
        raise ConfigError([problem], where) from None
    return parse_config(data, source=where, base_dir=path.parent)


def parse_config(data: Mapping[str, Any], *, source: str = "<config>", base_dir: Path | None = None) -> Config:
    """Validate decoded TOML; relative paths are taken from ``base_dir`` (default: the current folder)."""
    base = (base_dir if base_dir is not None else Path.cwd()).expanduser().absolute()
    problems = Problems()
    top = Table(data, "", problems)

    identity = _identity(top.table("identity"), top, problems)
    accounts = _accounts(top, base)
    follow_up, follow_up_quiet = _follow_up(top.table("follow_up"))
    alerts = _alerts(top.table("alerts"), base, follow_up_quiet, problems)
    drafts = _drafts(top.table("drafts"), accounts)
    web = _web(top.table("web"))
    state_dir = top.file_path("state_dir", base)
    if state_dir is not None and state_dir.exists() and not state_dir.is_dir():
        top.problem("state_dir", f'expected a folder, got the file "{state_dir}"')
    templates_dir = top.file_path("templates_dir", base, must_be="folder")
    top.finish()

    if problems.items:
        raise ConfigError(problems.items, source)
    return Config(
        identity=identity,
        accounts=accounts,
        follow_up=follow_up,
        alerts=alerts,
        drafts=drafts,
        state_dir=state_dir or default_state_dir(),
        templates_dir=templates_dir,
        source=source,
        web=web,
    )


# ---------------------------------------------------------------------------------------------------------
# Sections. Each reads its table with a Table (which records problems) and returns a best-effort value.


_NOT_IN_FILE: Final = (
    "do not put {what} in the config file; store it in the system keyring (inboxwatch auth), "
    "or name a password_command or password_env"
)
_FORBIDDEN_SECRETS: Final = {
    "password": _NOT_IN_FILE.format(what="passwords"),
    "passwd": _NOT_IN_FILE.format(what="passwords"),
    "pass": _NOT_IN_FILE.format(what="passwords"),
    "secret": _NOT_IN_FILE.format(what="secrets"),
    "token": "do not put tokens in the config file; run inboxwatch auth, or name a token_env",
}


def _identity(table: Table | None, top: Table, problems: Problems) -> Identity:
    if table is None:
        if not top.has("identity"):
            problems.add("identity", "required section: add [identity] with your email addresses")
        return Identity(name="", addresses=frozenset())
    name = table.get("name")
    if name is MISSING:
        name = ""
    elif not isinstance(name, str):
        table.expected("name", "a string", name)
        name = ""
    addresses: set[str] = set()
    listed = table.array("addresses")
    if (listed is None and not table.has("addresses")) or listed == []:
        table.problem("addresses", "required: a non-empty array of your email addresses")
    for i, address in enumerate(listed or []):
        if isinstance(address, str) and is_email(address.strip()):
            addresses.add(address.strip().lower())
        else:
            problems.add(join(table.path("addresses"), i), f"expected an email address, got {show(address)}")
    table.finish()
    return Identity(name=name.strip(), addresses=frozenset(addresses))


_LOCAL_KEYS: Final = ("inbox", "sent", "drafts")
_IMAP_KEYS: Final = (
    *_LOCAL_KEYS,
    *("host", "port", "security", "username", "password_command", "password_env", "ca_file", "auth"),
)
_GMAIL_KEYS: Final = ("api_endpoint", "token_env", "ca_file")
_KIND_KEYS: Final = {"maildir": _LOCAL_KEYS, "mbox": _LOCAL_KEYS, "imap": _IMAP_KEYS, "gmail": _GMAIL_KEYS}
_ALL_KIND_KEYS: Final = frozenset(_LOCAL_KEYS + _IMAP_KEYS + _GMAIL_KEYS)


def _accounts(top: Table, base: Path) -> tuple[AccountConfig, ...]:
    value = top.get("accounts")
    if value is MISSING:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        top.expected("accounts", "an array of tables ([[accounts]])", value)
        return ()
    accounts: list[AccountConfig] = []
    seen: set[str] = set()
    for i, item in enumerate(value):
        table = Table(item, join("accounts", i), top.problems)
        account = _account(table, base)
        if account.name and account.name in seen:
            table.problem("name", f'duplicate account name "{account.name}"')
        seen.add(account.name)
        accounts.append(account)
    return tuple(accounts)


def _account(t: Table, base: Path) -> AccountConfig:
    name = t.string("name", required='required: a short unique name like "personal"') or ""
    kind = t.string("kind", required="required: one of " + ", ".join(ACCOUNT_KINDS), choices=ACCOUNT_KINDS)
    enabled = t.boolean("enabled")
    backfill = t.duration("backfill")
    poll_every = t.duration("poll_every")
    t.forbid(_FORBIDDEN_SECRETS)
    account = AccountConfig(
        name=name,
        kind=kind or "",
        enabled=True if enabled is None else enabled,
        backfill=backfill or timedelta(days=120),
        poll_every=poll_every or timedelta(seconds=60),
    )
    if kind is None:
        # Without a valid kind we cannot say which keys belong; only flag keys no kind knows.
        t.accept(_ALL_KIND_KEYS)
        t.finish()
        return account

    required = f'required for kind "{kind}"'
    if kind in ("maildir", "mbox"):
        paths = {key: t.file_path(key, base) for key in _LOCAL_KEYS}
        for key in ("inbox", "sent"):
            if paths[key] is None and not t.has(key):
                t.problem(key, required)
        account = dataclasses.replace(
            account, inbox=_str(paths["inbox"]), sent=_str(paths["sent"]), drafts=_str(paths["drafts"])
        )
    elif kind == "imap":
        host = t.checked("host", is_host, 'a host name like "imap.example.com"', required=required)
        security = t.string("security", choices=SECURITY_MODES) or "tls"
        password_command, password_env = _password_source(t)
        account = dataclasses.replace(
            account,
            inbox=t.string("inbox"),
            sent=t.string("sent"),
            drafts=t.string("drafts"),
            host=host,
            port=t.integer("port", 1, 65535) or (993 if security == "tls" else 143),
            security=security,
            username=t.string("username", required=required),
            auth=t.string("auth", choices=AUTH_MODES) or "password",
            password_command=password_command,
            password_env=password_env,
            ca_file=_str(t.file_path("ca_file", base, must_be="file")),
        )
        _plaintext_only_locally(t, "security", security, host)
    else:  # gmail
        endpoint = t.checked("api_endpoint", is_http_url, 'an http(s) URL like "https://gmail.googleapis.com"')
        if endpoint is not None and endpoint.lower().startswith("http:"):
            _plaintext_only_locally(t, "api_endpoint", "none", _hostname(endpoint), what='"http"')
        account = dataclasses.replace(
            account,
            api_endpoint=endpoint,
            token_env=t.checked("token_env", is_env_name, "an environment variable name"),
            ca_file=_str(t.file_path("ca_file", base, must_be="file")),
            auth="xoauth2",
        )
    elsewhere = {key: f'not used by kind "{kind}"' for key in _ALL_KIND_KEYS - set(_KIND_KEYS[kind])}
    t.finish(elsewhere)
    return account


def _password_source(t: Table) -> tuple[str | None, str | None]:
    command = t.string("password_command")
    env = t.checked("password_env", is_env_name, "an environment variable name")
    if command is not None and env is not None:
        t.problem("password_env", "set only one of password_command and password_env")
    return command, env


def _plaintext_only_locally(t: Table, key: str, security: str, host: str | None, what: str = '"none"') -> None:
    if security == "none" and host is not None and not is_localhost(host):
        t.problem(key, f'{what} is only allowed for localhost, got host "{host}"')


def _hostname(url: str) -> str:
    return urlsplit(url).hostname or ""


def _str(path: Path | None) -> str | None:
    return str(path) if path is not None else None


def _follow_up(t: Table | None) -> tuple[FollowUpConfig, tuple[time, time] | None]:
    """The follow-up rules, and ``quiet_hours`` if given here (an alias; [alerts] is its real home)."""
    if t is None:
        return FollowUpConfig(), None
    quiet = t.clock_range("quiet_hours")
    base = _rules(t, FollowUpRules())
    overrides: dict[str, FollowUpRules] = {}
    table = t.table("overrides")
    t.finish()
    if table is not None:
        first_spelling: dict[str, str] = {}
        for company in table.data:
            company_t = table.table(company)
            if company_t is None:
                continue
            key = " ".join(company.split()).casefold()
            if not key:
                table.problem(company, "expected a company name, got an empty key")
            elif key in first_spelling:
                table.problem(
                    company, f'duplicate of "{first_spelling[key]}" (company names are matched ignoring case)'
                )
            first_spelling.setdefault(key, company)
            overrides[company] = _rules(company_t, base)
            company_t.finish()
    return FollowUpConfig(rules=base, overrides=overrides), quiet


def _rules(t: Table, base: FollowUpRules) -> FollowUpRules:
    """Rules from ``t``; every key is optional and falls back to ``base``."""
    changes: dict[str, Any] = {}
    for key in ("thank_you_within", "first_follow_up_after", "next_follow_up_after", "announce_backlog"):
        value = t.duration(key)
        if value is not None:
            changes[key] = value
    silence = t.duration_or_off("application_silence_after")
    if silence is not MISSING:
        changes["application_silence_after"] = silence
    max_follow_ups = t.integer("max_follow_ups", 0, 10)
    if max_follow_ups is not None:
        changes["max_follow_ups"] = max_follow_ups
    business_days = t.boolean("business_days")
    if business_days is not None:
        changes["business_days"] = business_days
    return dataclasses.replace(base, **changes)


def _alerts(t: Table | None, base: Path, follow_up_quiet: tuple[time, time] | None, problems: Problems) -> AlertsConfig:
    if t is None:
        return AlertsConfig(quiet_hours=follow_up_quiet)
    channels: list[str] = []
    listed = t.array("channels")
    for i, channel in enumerate(listed if listed is not None else ["desktop"]):
        where = join(t.path("channels"), i)
        if not isinstance(channel, str) or channel not in ALERT_CHANNELS:
            problems.add(where, f"expected one of {', '.join(ALERT_CHANNELS)}, got {show(channel)}")
        elif channel in channels:
            problems.add(where, f'duplicate channel "{channel}"')
        else:
            channels.append(channel)
    quiet = t.clock_range("quiet_hours") if t.has("quiet_hours") else follow_up_quiet
    digest_at = t.clock("digest_at")
    retry_after = t.duration("retry_after")

    email_t = t.table("email")
    email = _email_alert(email_t, base) if email_t is not None else None
    if email_t is None and not t.has("email") and "email" in channels:
        t.problem("email", 'required when "email" is in alerts.channels')
    command_t = t.table("command")
    command = _command_alert(command_t) if command_t is not None else None
    if command_t is None and not t.has("command") and "command" in channels:
        t.problem("command", 'required when "command" is in alerts.channels')
    desktop_t = t.table("desktop")
    desktop = DesktopAlertConfig()
    if desktop_t is not None:
        actions = desktop_t.boolean("actions")
        desktop = DesktopAlertConfig(
            app_name=desktop_t.string("app_name") or "inboxwatch",
            actions=True if actions is None else actions,
        )
        desktop_t.finish()
    t.finish()
    return AlertsConfig(
        channels=tuple(channels),
        quiet_hours=quiet,
        digest_at=digest_at,
        email=email,
        command=command,
        desktop=desktop,
        retry_after=retry_after or timedelta(minutes=5),
    )


def _email_alert(t: Table, base: Path) -> EmailAlertConfig:
    required = "required for email alerts"
    host = t.checked("smtp_host", is_host, 'a host name like "smtp.example.com"', required=required)
    security = t.string("security", choices=SECURITY_MODES) or "tls"
    _plaintext_only_locally(t, "security", security, host)
    port = t.integer("smtp_port", 1, 65535) or {"tls": 465, "starttls": 587}.get(security, 25)
    password_command, password_env = _password_source(t)
    from_name, from_addr = _mailbox(t, "from", required)
    to_name, to = _mailbox(t, "to", required)
    email = EmailAlertConfig(
        smtp_host=host or "",
        smtp_port=port,
        security=security,
        username=t.string("username"),
        password_command=password_command,
        password_env=password_env,
        from_addr=from_addr,
        to=to,
        ca_file=_str(t.file_path("ca_file", base, must_be="file")),
        from_name=from_name or "inboxwatch",
        to_name=to_name,
    )
    t.forbid(_FORBIDDEN_SECRETS)
    t.finish()
    return email


def _mailbox(t: Table, key: str, required: str) -> tuple[str, str]:
    """(display name, address) of an address field; ("", "") when missing or wrong (the problem is recorded)."""
    value = t.checked(key, is_mailbox, MAILBOX_HINT, required=required)
    parsed = parse_mailbox(value) if value is not None else None
    return parsed or ("", "")


def _command_alert(t: Table) -> CommandAlertConfig:
    argv = t.get("argv", required='required: the program and its arguments, like ["notify-send", "inboxwatch"]')
    valid = isinstance(argv, list) and bool(argv) and all(isinstance(a, str) for a in argv) and bool(argv[0].strip())
    if argv is not MISSING and not valid:
        t.expected("argv", "a non-empty array of strings whose first item names a program", argv)
    timeout = t.duration("timeout")
    env = t.get("env")
    names_ok = isinstance(env, list) and all(isinstance(n, str) and n and "=" not in n for n in env)
    if env is not MISSING and not names_ok:
        t.expected("env", 'an array of environment variable names, like ["NTFY_TOKEN"]', env)
    t.finish()
    return CommandAlertConfig(
        argv=tuple(argv) if valid else (),
        timeout=timeout or timedelta(seconds=30),
        env=tuple(env) if names_ok and isinstance(env, list) else (),
    )


def _drafts(t: Table | None, accounts: Sequence[AccountConfig]) -> DraftsConfig:
    if t is None:
        return DraftsConfig()
    enabled = t.boolean("enabled")
    account = t.string("account")
    names = [a.name for a in accounts]
    if account is not None and account not in names:
        choices = ", ".join(names) if names else "none are configured"
        t.problem("account", f"expected the name of an account ({choices}), got {show(account)}")
    t.finish()
    return DraftsConfig(enabled=bool(enabled), account=account)


def _web(t: Table | None) -> WebConfig:
    if t is None:
        return WebConfig()
    enabled = t.boolean("enabled")
    port = t.integer("port", 1024, 65535)
    t.finish({"host": "the dashboard listens on 127.0.0.1 only; there is no host to choose"})
    return WebConfig(enabled=bool(enabled), port=port or DEFAULT_WEB_PORT)

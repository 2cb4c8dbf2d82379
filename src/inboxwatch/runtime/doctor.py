"""``inboxwatch doctor``: check everything a running service depends on, and say how to fix each problem."""

from __future__ import annotations

import sqlite3
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from inboxwatch.config import Config, default_config_path, load_config
from inboxwatch.errors import AuthError, ConfigError, InboxwatchError, NotifyError
from inboxwatch.models import Nudge, NudgeKind, Suggestion
from inboxwatch.notify import Alert, build_channels
from inboxwatch.sources.registry import open_source
from inboxwatch.state.store import Store


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def run_checks(config_path: Path | None, send_test: bool = False) -> list[Check]:
    checks: list[Check] = []
    where = config_path or default_config_path()
    try:
        config = load_config(config_path)
    except ConfigError as e:
        fix = (
            "run `inboxwatch init` to write it"
            if not where.expanduser().exists()
            else f"edit {where} (`inboxwatch init --print-example` shows every key), then run doctor again"
        )
        return [Check("config", False, str(e), fix)]
    checks.append(Check("config", True, f"{where}: {len(config.accounts)} account(s)"))
    checks.append(_state(config))
    for account in config.accounts:
        checks.append(_account(config, account.name))
    checks.extend(_channels(config, send_test))
    return checks


def _state(config: Config) -> Check:
    path = config.state_path
    if not path.exists():
        return Check("state file", True, f"{path} will be created on the first scan")
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        return Check("state file", False, f"{path} is readable by others (mode {mode:o})", f"chmod 600 {path}")
    fix = (
        f"restore {path} from a backup; or move it aside (mv {path} {path}.damaged): the next scan reads the "
        "mailbox again but forgets what you closed, ignored or snoozed, and announces delivered nudges again"
    )
    try:
        with Store.open(path) as store:
            problems = store.integrity_problems()
    except InboxwatchError as e:
        return Check("state file", False, str(e), fix)
    except sqlite3.Error as e:  # a header too damaged for SQLite to say more
        return Check("state file", False, f"{path} is damaged: {e}", fix)
    if problems:
        return Check("state file", False, f"{path} is damaged: {'; '.join(problems[:3])}", fix)
    return Check("state file", True, f"{path}: mode 600, integrity ok")


def _account(config: Config, name: str) -> Check:
    account = next(a for a in config.accounts if a.name == name)
    label = f"account {name} ({account.kind})"
    try:
        source = open_source(account)
        try:
            roles = source.roles()
            source.check()
        finally:
            source.close()
    except AuthError as e:
        return Check(label, False, str(e), f"check the password source, or run `inboxwatch auth {account.kind} {name}`")
    except InboxwatchError as e:
        return Check(label, False, str(e), "check the host, port and folders in the config, and the network")
    for role_path in (account.inbox, account.sent):
        if account.kind in ("maildir", "mbox") and role_path and not Path(role_path).exists():
            return Check(label, False, f"{role_path} does not exist", "fix the inbox/sent paths in the config")
    return Check(label, True, f"reachable; watching {', '.join(str(r) for r in roles)}")


def _channels(config: Config, send_test: bool) -> list[Check]:
    channels, problems = build_channels(config, open_source)
    checks = [Check("alerts", False, p, "fix [alerts] in the config, or remove the channel") for p in problems]
    if not config.alerts.channels:
        checks.append(Check("alerts", True, "no channels: nudges are listed by `inboxwatch nudges` only"))
    for channel in channels:
        if not send_test:
            checks.append(Check(f"channel {channel.name}", True, "configured (add --send-test to try it)"))
            continue
        try:
            channel.send(_test_alert())
        except NotifyError as e:
            checks.append(Check(f"channel {channel.name}", False, str(e), "see README: Alerts"))
        else:
            checks.append(Check(f"channel {channel.name}", True, "test notification sent"))
    return checks


def _test_alert() -> Alert:
    nudge = Nudge("test00", "inboxwatch", None, NudgeKind.FOLLOW_UP, 1, datetime.now(UTC), "a test from doctor")
    suggestion = Suggestion((), "inboxwatch test", "This is a test notification from `inboxwatch doctor`.\n")
    return Alert(nudge, suggestion, None, "a test from inboxwatch doctor")

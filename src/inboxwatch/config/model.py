"""The user's settings as typed, frozen values: accounts, follow-up rules, alerts, drafts, where state lives.

Built by ``config.load`` from the TOML file, or by ``Config.default`` for the demo and tests.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import time, timedelta
from pathlib import Path
from typing import Final

import platformdirs

from inboxwatch.core.policy import FollowUpConfig
from inboxwatch.models import Identity

ACCOUNT_KINDS: Final = ("maildir", "mbox", "imap", "gmail")
SECURITY_MODES: Final = ("tls", "starttls", "none")
AUTH_MODES: Final = ("password", "xoauth2")
ALERT_CHANNELS: Final = ("desktop", "email", "command")


CONFIG_ENV: Final = "INBOXWATCH_CONFIG"


def default_config_path() -> Path:
    """The file named by ``$INBOXWATCH_CONFIG``, else ``config.toml`` in the XDG config folder."""
    named = os.environ.get(CONFIG_ENV)
    if named:
        return Path(named).expanduser()
    return platformdirs.user_config_path("inboxwatch") / "config.toml"


def default_state_dir() -> Path:
    return platformdirs.user_state_path("inboxwatch")


# ---------------------------------------------------------------------------------------------------------
# The settings


@dataclass(frozen=True)
class AccountConfig:
    """One mailbox to watch. Which fields matter depends on ``kind``; the rest stay ``None``/default."""

    name: str
    kind: str  # maildir | mbox | imap | gmail
    inbox: str | None = None  # maildir/mbox: path; imap: folder name override
    sent: str | None = None
    drafts: str | None = None
    host: str | None = None
    port: int | None = None
    security: str = "tls"  # tls | starttls | none (none only for localhost)
    username: str | None = None
    password_command: str | None = None
    password_env: str | None = None
    ca_file: str | None = None
    auth: str = "password"  # password | xoauth2
    backfill: timedelta = timedelta(days=120)
    poll_every: timedelta = timedelta(seconds=60)
    api_endpoint: str | None = None  # gmail: override for tests and proxies
    token_env: str | None = None
    enabled: bool = True


@dataclass(frozen=True)
class EmailAlertConfig:
    smtp_host: str
    smtp_port: int
    security: str  # tls | starttls | none (none only for localhost)
    username: str | None
    password_command: str | None
    password_env: str | None
    from_addr: str  # TOML key "from": the bare address; its display name is from_name
    to: str  # the bare address
    ca_file: str | None
    from_name: str = "inboxwatch"
    to_name: str = ""

    @property
    def allow_plaintext(self) -> bool:
        return self.security == "none"


@dataclass(frozen=True)
class CommandAlertConfig:
    argv: tuple[str, ...]
    timeout: timedelta = timedelta(seconds=30)
    env: tuple[str, ...] = ()  # environment variables passed on besides the basic ones (PATH, HOME, locale...)


@dataclass(frozen=True)
class DesktopAlertConfig:
    app_name: str = "inboxwatch"
    actions: bool = True


@dataclass(frozen=True)
class AlertsConfig:
    channels: tuple[str, ...] = ("desktop",)
    quiet_hours: tuple[time, time] | None = None  # (start, end); end < start wraps midnight
    digest_at: time | None = None
    email: EmailAlertConfig | None = None
    command: CommandAlertConfig | None = None
    desktop: DesktopAlertConfig = field(default_factory=DesktopAlertConfig)
    retry_after: timedelta = timedelta(minutes=5)


@dataclass(frozen=True)
class DraftsConfig:
    enabled: bool = False
    account: str | None = None


DEFAULT_WEB_PORT: Final = 8765


@dataclass(frozen=True)
class WebConfig:
    """The local dashboard (``inboxwatch web``; served by ``inboxwatch run`` too when enabled): 127.0.0.1 only."""

    enabled: bool = False
    port: int = DEFAULT_WEB_PORT


@dataclass(frozen=True)
class Config:
    identity: Identity
    accounts: tuple[AccountConfig, ...]
    follow_up: FollowUpConfig
    alerts: AlertsConfig
    drafts: DraftsConfig
    state_dir: Path
    templates_dir: Path | None
    source: str
    web: WebConfig = field(default_factory=WebConfig)

    @property
    def state_path(self) -> Path:
        return self.state_dir / "state.sqlite3"

    @classmethod
    def default(
        cls,
        identity: Identity,
        accounts: Sequence[AccountConfig] = (),
        state_dir: Path | None = None,
        *,
        source: str = "<default>",
    ) -> Config:
        """A config with every default, for the demo and tests (no validation: the caller built the parts)."""
        return cls(
            identity=identity,
            accounts=tuple(accounts),
            follow_up=FollowUpConfig(),
            alerts=AlertsConfig(),
            drafts=DraftsConfig(),
            state_dir=state_dir if state_dir is not None else default_state_dir(),
            templates_dir=None,
            source=source,
        )

"""The user's settings: typed, frozen, validated all at once.

``config.model`` holds the values (``Config`` and its parts); ``config.load`` reads and validates the TOML file
(``load_config``, ``parse_config``); ``config.schema`` is the reader's vocabulary. This package re-exports what
callers use, so ``from inboxwatch.config import Config, load_config`` stays the one import.
"""

from __future__ import annotations

from inboxwatch.config.load import load_config, parse_config
from inboxwatch.config.model import (
    ACCOUNT_KINDS,
    ALERT_CHANNELS,
    AUTH_MODES,
    CONFIG_ENV,
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
from inboxwatch.config.schema import format_duration, parse_clock_range, parse_duration
from inboxwatch.core.policy import FollowUpConfig, FollowUpRules

__all__ = [
    "ACCOUNT_KINDS",
    "ALERT_CHANNELS",
    "AUTH_MODES",
    "CONFIG_ENV",
    "SECURITY_MODES",
    "AccountConfig",
    "AlertsConfig",
    "CommandAlertConfig",
    "Config",
    "DesktopAlertConfig",
    "DraftsConfig",
    "EmailAlertConfig",
    "FollowUpConfig",
    "FollowUpRules",
    "WebConfig",
    "default_config_path",
    "default_state_dir",
    "format_duration",
    "load_config",
    "parse_clock_range",
    "parse_config",
    "parse_duration",
]

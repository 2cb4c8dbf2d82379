"""Alert channels. ``build_channels`` turns the config into channels; optional parts load lazily."""

from __future__ import annotations

from inboxwatch.config import Config
from inboxwatch.notify.base import Alert, Channel

__all__ = ["Alert", "Channel", "build_channels"]


def build_channels(config: Config) -> tuple[list[Channel], list[str]]:
    """The configured channels that can run here, and a problem line for each that cannot."""
    channels: list[Channel] = []
    problems: list[str] = []
    for name in config.alerts.channels:
        if name == "command" and config.alerts.command is not None:
            from inboxwatch.notify.command import CommandChannel

            channels.append(CommandChannel(config.alerts.command.argv, config.alerts.command.timeout))
        else:
            problems.append(f"alert channel {name!r} is not available in this version yet; nudges stay listed")
    return channels, problems

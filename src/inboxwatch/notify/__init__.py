"""Alert channels. ``build_channels`` turns the config into channels; optional parts load lazily."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from inboxwatch.config import AccountConfig, Config
from inboxwatch.notify.base import Alert, Channel

if TYPE_CHECKING:
    from inboxwatch.notify.drafts import DraftBox

__all__ = ["Alert", "Channel", "build_channels"]


def build_channels(
    config: Config, open_mailbox: Callable[[AccountConfig], DraftBox]
) -> tuple[list[Channel], list[str]]:
    """The configured channels that can run here, and a problem line for each that cannot.

    ``open_mailbox`` opens an account's mailbox for the drafts channel (``sources.registry.open_source``).

    A channel whose library is missing or whose settings are absent is left out with a problem line; a
    channel that is only unreachable right now (no notification server yet, SMTP server down) is built and
    fails at send time, so its deliveries are recorded and retried.
    """
    channels: list[Channel] = []
    problems: list[str] = []
    alerts = config.alerts
    for name in alerts.channels:
        if name == "command" and alerts.command is not None:
            from inboxwatch.notify.command import CommandChannel

            channels.append(CommandChannel(alerts.command.argv, alerts.command.timeout, alerts.command.env))
        elif name == "desktop":
            try:
                from inboxwatch.notify.desktop import DesktopChannel
            except ImportError as e:  # pragma: no cover - desktop-notifier is a dependency
                problems.append(f"alert channel 'desktop' needs desktop-notifier ({e}); nudges stay listed")
                continue
            channels.append(DesktopChannel(alerts.desktop.app_name))
        elif name == "email" and alerts.email is not None:
            from inboxwatch.notify.email import EmailChannel

            channels.append(EmailChannel(alerts.email))
        elif name in ("command", "email"):
            problems.append(f"alert channel {name!r} has no [alerts.{name}] settings; nudges stay listed")
        else:
            problems.append(f"alert channel {name!r} is not available in this version; nudges stay listed")
    if config.drafts.enabled:
        from inboxwatch.notify.drafts import DraftsChannel

        channels.append(DraftsChannel(config, open_mailbox))
    return channels, problems

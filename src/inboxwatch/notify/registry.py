"""Which channel answers to a name in the config: ``name → "module:Class"``, imported on first use.

Every channel is built the same way, ``Class.from_config(config, wiring)``; one whose settings are missing
raises :class:`ChannelUnavailable` with the line to show. ``config.ALERT_CHANNELS`` (plus ``drafts``, switched
on by ``[drafts] enabled``) lists the same names; a test keeps the two in step.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Final

from inboxwatch.config import AccountConfig, Config
from inboxwatch.notify.base import Channel, ChannelUnavailable, Wiring

if TYPE_CHECKING:
    from inboxwatch.notify.actions import NotificationActions
    from inboxwatch.notify.drafts import DraftBox

__all__ = ["CHANNELS", "ChannelUnavailable", "Wiring", "build_channels", "channel_class"]

CHANNELS: Final = {
    "desktop": "inboxwatch.notify.desktop:DesktopChannel",
    "email": "inboxwatch.notify.email:EmailChannel",
    "command": "inboxwatch.notify.command:CommandChannel",
    "drafts": "inboxwatch.notify.drafts:DraftsChannel",
}


def channel_class(name: str) -> type[Channel]:
    module, _, cls_name = CHANNELS[name].partition(":")
    cls = getattr(importlib.import_module(module), cls_name)
    assert isinstance(cls, type) and issubclass(cls, Channel), CHANNELS[name]
    return cls


def build_channels(
    config: Config, open_mailbox: Callable[[AccountConfig], DraftBox], actions: NotificationActions | None = None
) -> tuple[list[Channel], list[str]]:
    """The configured channels that can run here, and a problem line for each that cannot.

    ``open_mailbox`` opens an account's mailbox for the drafts channel (``sources.registry.open_source``);
    ``actions`` is the daemon's listener for notification buttons (the desktop channel offers them through it).
    A channel whose library is missing or whose settings are absent is left out with a problem line; a
    channel that is only unreachable right now (no notification server yet, SMTP server down) is built and
    fails at send time, so its deliveries are recorded and retried.
    """
    wiring = Wiring(open_mailbox, actions)
    channels: list[Channel] = []
    problems: list[str] = []
    names = [*config.alerts.channels, *(["drafts"] if config.drafts.enabled else [])]
    for name in names:
        if name not in CHANNELS:
            problems.append(f"alert channel {name!r} is not available in this version; nudges stay listed")
            continue
        try:
            channels.append(channel_class(name).from_config(config, wiring))
        except ImportError as e:  # pragma: no cover - every channel's library is a dependency
            problems.append(f"alert channel {name!r} needs a library that is missing ({e}); nudges stay listed")
        except ChannelUnavailable as e:
            problems.append(str(e))
    return channels, problems

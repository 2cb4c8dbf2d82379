"""Alert channels. ``build_channels`` turns the config into channels (see ``notify.registry``)."""

from __future__ import annotations

from inboxwatch.notify.base import Alert, Channel
from inboxwatch.notify.registry import build_channels

__all__ = ["Alert", "Channel", "build_channels"]

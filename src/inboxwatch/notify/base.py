"""The contract every alert channel fulfils, and the registry that builds them from the config.

``Channel.send`` returns only once the channel accepted the alert, and raises ``NotifyError`` otherwise;
the caller records the outcome. A channel never blocks another.
"""

from __future__ import annotations

import abc
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from inboxwatch.models import Address, Nudge, Suggestion
from inboxwatch.notify.payload import command_payload, nudge_title

if TYPE_CHECKING:
    from inboxwatch.config import AccountConfig, Config
    from inboxwatch.notify.actions import NotificationActions
    from inboxwatch.notify.drafts import DraftBox


@dataclass(frozen=True)
class Alert:
    nudge: Nudge
    suggestion: Suggestion
    contact: Address | None
    why: str
    dashboard: str | None = None  # the conversation's dashboard page (with its token), when the dashboard is on

    @property
    def title(self) -> str:
        return nudge_title(self.nudge)

    def as_json(self) -> str:
        """The alert as the ``command`` channel hands it on (``notify.payload``)."""
        return json.dumps(command_payload(self.nudge, self.suggestion, self.why), ensure_ascii=False)


class ChannelUnavailable(Exception):  # noqa: N818 - a reason, shown as a problem line, not an error raised to users
    """The channel cannot be built from this config; ``str()`` is the line to show."""


@dataclass(frozen=True)
class Wiring:
    """What channels get from the runtime rather than reach for: how to open an account's mailbox (drafts)."""

    open_mailbox: Callable[[AccountConfig], DraftBox]
    actions: NotificationActions | None = None  # the daemon's notification buttons (None: no one listens)


class Channel(abc.ABC):
    name: str

    @classmethod
    def from_config(cls, config: Config, wiring: Wiring) -> Channel:
        """The channel as configured (the registry's one constructor shape). Raises ``ChannelUnavailable`` when
        its settings are missing. Every channel in ``notify.registry`` overrides it."""
        raise NotImplementedError(f"{cls.__name__} is not built from a config")

    @abc.abstractmethod
    def send(self, alert: Alert) -> None:
        """Deliver ``alert``; return only when the channel accepted it. Raises ``NotifyError``."""

    def send_text(self, title: str, body: str, kind: str = "digest") -> None:
        """Deliver a plain-text message that is not a nudge: the daily digest (``kind="digest"``) or a problem the
        user must act on (``kind="account"``). Raises ``NotifyError``; channels without one say so."""
        from inboxwatch.errors import NotifyError

        raise NotifyError(f"the {self.name} channel does not send plain messages")

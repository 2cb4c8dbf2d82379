"""The contract every alert channel keeps (``inboxwatch.notify.base``), written once.

A channel's suite subclasses :class:`ChannelContract` and gives its ``outlet`` fixture: a
:class:`ChannelHarness` that builds the channel from a config the way the registry does and reads back what
arrived at the real destination (dunst's history, an SMTP server's mailbox, the command's stdin, the Drafts
folder). Each rule is one test, so a channel that breaks one fails in its own class only.
"""

from __future__ import annotations

import abc
import time
from collections.abc import Callable, Iterator
from typing import ClassVar

import pytest

from inboxwatch.config import Config
from inboxwatch.errors import NotifyError
from inboxwatch.notify.base import Channel, Wiring
from inboxwatch.notify.registry import CHANNELS, channel_class
from inboxwatch.sources.registry import open_source
from tests.support.alerts import make_alert

CONTACT = "sam.okafor@copperline-robotics.example"
SUGGESTION = "following up once more on the Backend Engineer role"


class ChannelHarness(abc.ABC):
    """One channel under test: its config, and what reached its destination."""

    name: ClassVar[str]  # the channel's name in the config and the registry
    sends_text: ClassVar[bool] = True  # whether it delivers plain messages (the digest, account problems)

    @abc.abstractmethod
    def config(self) -> Config:
        """A config under which the channel works."""

    def channel(self) -> Channel:
        return channel_class(self.name).from_config(self.config(), Wiring(open_source))

    @abc.abstractmethod
    def delivered(self, expected: int) -> list[str]:
        """Everything that arrived so far, oldest first, one text per delivery (headers included); waits a little
        for ``expected`` of them where the destination takes its time."""

    @abc.abstractmethod
    def failures(self) -> list[tuple[str, Callable[[], Channel]]]:
        """(what, a factory of a channel whose destination refuses or is gone) for each way it fails."""


class ChannelContract:
    """The rules of ``Channel``; subclasses provide the ``outlet`` fixture."""

    @pytest.fixture
    def outlet(self) -> Iterator[ChannelHarness]:
        raise NotImplementedError("a channel's suite gives its ChannelHarness")

    def test_the_registry_builds_it_from_the_config(self, outlet: ChannelHarness) -> None:
        channel = outlet.channel()
        assert channel.name == outlet.name and outlet.name in CHANNELS
        assert type(channel) is channel_class(outlet.name)

    def test_a_nudge_arrives_once_with_its_essentials(self, outlet: ChannelHarness) -> None:
        outlet.channel().send(make_alert())
        [item] = outlet.delivered(1)
        assert CONTACT in item  # whom to write to
        assert SUGGESTION in item  # what to write
        assert "zcynam" in item  # which conversation (to snooze it, or to match the draft)

    def test_each_send_is_one_delivery(self, outlet: ChannelHarness) -> None:
        channel = outlet.channel()
        sent = ["conv-a", "conv-b", "conv-c"]
        for conversation in sent:
            channel.send(make_alert(conversation_id=conversation))
        items = outlet.delivered(3)
        assert len(items) == 3
        assert sorted(c for item in items for c in sent if c in item) == sent

    def test_text_from_mail_arrives_intact(self, outlet: ChannelHarness) -> None:
        outlet.channel().send(make_alert("Zoë Café", body="Liebe Grüße, Zoë\n\nA < B & C > D.\n"))
        [item] = outlet.delivered(1)
        assert "Grüße" in item and "Zoë" in item

    def test_a_plain_message_is_delivered_or_refused(self, outlet: ChannelHarness) -> None:
        channel = outlet.channel()
        if not outlet.sends_text:
            with pytest.raises(NotifyError):
                channel.send_text("2 follow-up(s) due", "Due now:\n- Acme\n")
            assert outlet.delivered(0) == []
            return
        channel.send_text("2 follow-up(s) due", "Due now:\n- Acme\n")
        [item] = outlet.delivered(1)
        assert "2 follow-up(s) due" in item and "Acme" in item

    def test_a_destination_that_fails_raises_notify_error_in_bounded_time(self, outlet: ChannelHarness) -> None:
        failures = outlet.failures()
        assert failures, "every channel can fail"
        for what, make in failures:
            started = time.monotonic()
            try:
                make().send(make_alert())
            except NotifyError:
                pass
            except Exception as e:
                pytest.fail(f"{what}: {type(e).__name__} ({e}) instead of NotifyError")
            else:
                pytest.fail(f"{what}: send returned as if delivered")
            assert time.monotonic() - started < 15, what
        assert outlet.delivered(0) == []

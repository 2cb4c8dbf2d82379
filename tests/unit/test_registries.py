"""The registries: every kind and channel name the config accepts has a backend, built one way, loaded lazily."""

from __future__ import annotations

import subprocess
import sys

import pytest

from inboxwatch.config import ACCOUNT_KINDS, ALERT_CHANNELS, AccountConfig
from inboxwatch.errors import SourceError
from inboxwatch.notify.base import Channel
from inboxwatch.notify.registry import CHANNELS, channel_class
from inboxwatch.sources.base import Source
from inboxwatch.sources.registry import SOURCES, can_push, open_source, source_class


def test_the_config_accepts_exactly_the_registered_account_kinds() -> None:
    assert set(ACCOUNT_KINDS) == set(SOURCES)


def test_the_config_accepts_exactly_the_registered_channels() -> None:
    # drafts is not listed in alerts.channels: [drafts] enabled switches it on.
    assert set(ALERT_CHANNELS) | {"drafts"} == set(CHANNELS)


@pytest.mark.parametrize("kind", sorted(SOURCES))
def test_every_source_is_built_from_its_config(kind: str) -> None:
    cls = source_class(kind)
    assert issubclass(cls, Source)
    assert cls.from_config.__func__ is not Source.from_config.__func__  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", sorted(CHANNELS))
def test_every_channel_is_built_from_the_config_and_answers_to_its_name(name: str) -> None:
    cls = channel_class(name)
    assert issubclass(cls, Channel) and cls.name == name
    assert cls.from_config.__func__ is not Channel.from_config.__func__  # type: ignore[attr-defined]


def test_only_imap_can_push() -> None:
    assert {kind for kind in SOURCES if can_push(kind)} == {"imap"}


def test_an_unknown_kind_is_a_source_error_naming_the_account() -> None:
    with pytest.raises(SourceError, match=r"account 'x': kind 'pop3' is not available in this version yet"):
        open_source(AccountConfig(name="x", kind="pop3"))


def test_a_backend_library_loads_only_when_its_kind_is_used() -> None:
    code = (
        "import sys; from inboxwatch.sources.registry import open_source; from inboxwatch.notify import build_channels;"
        "print(sorted(m for m in ('imapclient', 'googleapiclient', 'desktop_notifier') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"

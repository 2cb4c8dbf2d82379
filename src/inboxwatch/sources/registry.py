"""Which backend serves an account of a given kind: ``kind → "module:Class"``, imported on first use.

A backend's dependencies (imapclient, the Google client libraries) load only when an account of its kind is
configured. Every backend is built the same way, ``Class.from_config(account)``. ``config.ACCOUNT_KINDS``
lists the same kinds (a test keeps the two in step; config sits below this layer and cannot import it).
"""

from __future__ import annotations

import importlib
from typing import Final

from inboxwatch.config import AccountConfig
from inboxwatch.errors import SourceError
from inboxwatch.sources.base import PushSource, Source

__all__ = ["SOURCES", "can_push", "open_source", "source_class"]

SOURCES: Final = {
    "maildir": "inboxwatch.sources.local:LocalSource",
    "mbox": "inboxwatch.sources.local:LocalSource",
    "imap": "inboxwatch.sources.imap:IMAPSource",
    "gmail": "inboxwatch.sources.gmail:GmailSource",
}


def source_class(kind: str) -> type[Source]:
    """The backend class for ``kind``; ``SourceError`` for a kind this version does not have."""
    spec = SOURCES.get(kind)
    if spec is None:
        raise SourceError(f"kind {kind!r} is not available in this version yet")
    module, _, name = spec.partition(":")
    cls = getattr(importlib.import_module(module), name)
    assert isinstance(cls, type) and issubclass(cls, Source), spec
    return cls


def open_source(account: AccountConfig) -> Source:
    """The backend for an account, built but not connected."""
    try:
        cls = source_class(account.kind)
    except SourceError as e:
        raise SourceError(f"account {account.name!r}: {e}") from None
    return cls.from_config(account)


def can_push(kind: str) -> bool:
    """Whether accounts of ``kind`` can wait for new mail (:class:`PushSource`) instead of only being polled."""
    return issubclass(source_class(kind), PushSource)

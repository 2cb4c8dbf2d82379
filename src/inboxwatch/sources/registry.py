"""Which backend serves an account of a given kind."""

from __future__ import annotations

from pathlib import Path

from inboxwatch.config import AccountConfig
from inboxwatch.errors import SourceError
from inboxwatch.sources.base import Source

__all__ = ["open_source"]


def open_source(account: AccountConfig) -> Source:
    """The backend for an account; optional dependencies load only when that kind is configured."""
    if account.kind in ("maildir", "mbox"):
        from inboxwatch.sources.local import LocalSource

        assert account.inbox is not None
        return LocalSource(
            account.name,
            account.kind,
            Path(account.inbox),
            Path(account.sent) if account.sent else None,
            Path(account.drafts) if account.drafts else None,
        )
    if account.kind == "imap":
        from inboxwatch.sources.imap import IMAPSource

        return IMAPSource(account)
    if account.kind == "gmail":
        from inboxwatch.sources.gmail import GmailSource

        return GmailSource(account)
    raise SourceError(f"account {account.name!r}: kind {account.kind!r} is not available in this version yet")

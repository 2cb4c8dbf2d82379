"""The keys of the state file's ``meta`` table, one owner: who writes a key and who reads it use the same name.

Plain keys are constants; per-account keys are built by a function. The account status, written by the
daemon and read by ``inboxwatch status``, has its shape here too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Protocol

INITIALISED_AT: Final = "initialised_at"  # ISO time of the first scan: nudges older than the backlog are quiet
CONVERSATIONS: Final = "conversations"  # the conversation cache: {"stamp": ..., "conversations": [...]}
MESSAGES_GENERATION: Final = "messages_generation"  # bumped by every change to the messages table
DIGEST_SENT_ON: Final = "digest_sent_on"  # ISO date of the last daily digest
LINKS_INDEXED: Final = "links_indexed"  # set once the rows stored before the link index (migration 5) are in it


def account_status(account: str) -> str:
    """JSON :class:`AccountStatus` of the account's last sync (the daemon's)."""
    return f"account_status:{account}"


def auth_alerted(account: str) -> str:
    """ISO time the user was told the account's credentials need them; empty once it works again."""
    return f"auth_alerted:{account}"


def source_memory(account: str) -> str:
    """What the account's source keeps between processes (``Source.remembered``)."""
    return f"source_memory:{account}"


class _Meta(Protocol):
    def get_meta(self, key: str) -> str | None: ...

    def set_meta(self, key: str, value: str) -> None: ...


@dataclass(frozen=True)
class AccountStatus:
    ok: bool
    at: str  # ISO time of the sync
    new: int | None = None  # ok: messages added
    error: str | None = None  # not ok: why, at most 300 characters

    def write(self, store: _Meta, account: str) -> None:
        fields: dict[str, object] = {"ok": self.ok, "at": self.at}
        if self.ok:
            fields["new"] = self.new
        else:
            fields["error"] = self.error
        store.set_meta(account_status(account), json.dumps(fields))

    @classmethod
    def read(cls, store: _Meta, account: str) -> AccountStatus | None:
        raw = store.get_meta(account_status(account))
        fields = json.loads(raw) if raw else None
        if not isinstance(fields, dict):
            return None
        return cls(bool(fields.get("ok")), str(fields.get("at", "")), fields.get("new"), fields.get("error", ""))

    @classmethod
    def succeeded(cls, at: datetime, new: int) -> AccountStatus:
        return cls(True, at.isoformat(), new=new)

    @classmethod
    def failed(cls, at: datetime, error: Exception) -> AccountStatus:
        return cls(False, at.isoformat(), error=str(error)[:300])

"""Shared by the source suites: test mail (a job message, a newsletter, the owner's reply) and helpers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from inboxwatch.config import AccountConfig, Config
from inboxwatch.models import FolderRole, Identity
from inboxwatch.sources.base import Batch, Source
from tests.support.mailfactory import ME, ME_NAME, make_message

NOW = datetime.now(UTC).replace(microsecond=0)
IDENTITY = Identity(name=ME_NAME, addresses=frozenset({ME}))


def job_mail(n: int, *, days_ago: float = 1, subject: str | None = None, **kwargs: Any) -> bytes:
    return make_message(
        sender="Dana Recruiter <dana@acme.example>",
        subject=subject or f"Interview for the Data Engineer role ({n})",
        body=f"Hi Alex, could we schedule an interview next week? ({n})\n",
        date=NOW - timedelta(days=days_ago),
        message_id=f"<job-{n}@acme.example>",
        **kwargs,
    )


def bulk_mail(n: int, *, days_ago: float = 1) -> bytes:
    return make_message(
        sender="Deals <news@shop.example>",
        subject=f"Weekend sale {n}: 20% off garden furniture",
        body="Lots of furniture.\n" * 50,
        date=NOW - timedelta(days=days_ago),
        message_id=f"<bulk-{n}@shop.example>",
        headers={"List-Unsubscribe": "<mailto:unsubscribe@shop.example>", "Precedence": "bulk"},
    )


def sent_mail(n: int, *, days_ago: float = 1) -> bytes:
    return make_message(
        sender=f"{ME_NAME} <{ME}>",
        to="Dana Recruiter <dana@acme.example>",
        subject=f"Re: Interview for the Data Engineer role ({n})",
        body="Tuesday works for me.\n",
        date=NOW - timedelta(days=days_ago),
        message_id=f"<sent-{n}@example.net>",
        in_reply_to=f"<job-{n}@acme.example>",
    )


def drain(source: Source, role: FolderRole, cursor: str | None, since: datetime | None = None) -> list[Batch]:
    return list(source.fetch_changes(role, cursor, since=since))


def last_cursor(batches: list[Batch], default: str | None = None) -> str | None:
    return batches[-1].cursor if batches else default


def subjects(batches: list[Batch]) -> list[str]:
    return [m.parsed().subject for b in batches for m in b.messages]


def config_for(*accounts: AccountConfig) -> Config:
    return Config.default(IDENTITY, accounts)

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import timedelta

import pytest

from inboxwatch.config import AccountConfig
from tests.support.dovecot import DOVECOT, PASSWORD, Dovecot

PASSWORD_ENV = "INBOXWATCH_TEST_IMAP_PASSWORD"


def _can_run_dovecot() -> str | None:
    if not shutil.which("dovecot") and not os.path.exists(DOVECOT):
        return "dovecot is not installed (scripts/test installs dovecot-imapd)"
    if os.geteuid() != 0:
        return "the Dovecot tests start the server as root"
    return None


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    reason = _can_run_dovecot()
    if reason:
        pytest.skip(reason)
    server = Dovecot()
    try:
        server.start()
        yield server
    finally:
        server.cleanup()


@pytest.fixture
def imap_user(dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh mailbox user on the shared server; its password is in ``PASSWORD_ENV``."""
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    return dovecot.add_user()


def imap_account(
    server: Dovecot,
    user: str,
    *,
    name: str = "work",
    security: str = "none",
    backfill: timedelta = timedelta(days=120),
    **overrides: object,
) -> AccountConfig:
    port = {"none": server.port, "starttls": server.port, "tls": server.tls_port}[security]
    values: dict[str, object] = {
        "name": name,
        "kind": "imap",
        "host": "127.0.0.1",
        "port": port,
        "security": security,
        "username": user,
        "password_env": PASSWORD_ENV,
        "backfill": backfill,
    }
    values.update(overrides)
    return AccountConfig(**values)  # type: ignore[arg-type]

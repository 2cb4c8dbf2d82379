"""The pytest fixtures every suite may use (a plugin loaded by ``tests/conftest.py``): servers started once per
session (Dovecot, TLS files), a private desktop session, an in-memory keyring, an alert."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from inboxwatch.notify.base import Alert
from tests.support.alerts import make_alert
from tests.support.desktop_session import DesktopSession, desktop_session, missing_programs
from tests.support.dovecot import PASSWORD, PASSWORD_ENV, Dovecot, cannot_run_dovecot
from tests.support.keyrings import memory_keyring
from tests.support.smtp_server import TlsFiles, make_tls_files

__all__ = ["alert", "bare_bus", "desktop", "dovecot", "imap_user", "memory_keyring", "tls_files"]


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    reason = cannot_run_dovecot()
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


@pytest.fixture
def alert() -> Alert:
    return make_alert()


def _skip_without_desktop() -> None:
    missing = missing_programs()
    if missing:
        pytest.skip(f"desktop test programs not installed: {', '.join(missing)} (scripts/test installs them)")


@pytest.fixture
def desktop(monkeypatch: pytest.MonkeyPatch) -> Iterator[DesktopSession]:
    """Xvfb + a private session bus + dunst; this process talks to that bus only."""
    _skip_without_desktop()
    with desktop_session() as session:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", session.bus_address)
        monkeypatch.setenv("DISPLAY", session.display)
        yield session


@pytest.fixture
def bare_bus(monkeypatch: pytest.MonkeyPatch) -> Iterator[DesktopSession]:
    """A private session bus with no notification server on it (and none that could be activated)."""
    _skip_without_desktop()
    with desktop_session(display=False, dunst=False) as session:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", session.bus_address)
        monkeypatch.delenv("DISPLAY", raising=False)
        yield session


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    return make_tls_files(Path(tmp_path_factory.mktemp("tls")))

"""UTF-8 passwords and user names: IMAP (AUTHENTICATE PLAIN against the real Dovecot) and SMTP (AUTH PLAIN
against aiosmtpd) log in; a refused one is a clear error naming the account, never a traceback or the
secret's characters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword

from inboxwatch.errors import AuthError, NotifyError
from inboxwatch.models import FolderRole
from inboxwatch.notify.email import EmailChannel
from inboxwatch.sources.imap import IMAPSource
from tests.hostile.mail import good_neighbour
from tests.support.alerts import make_alert
from tests.support.dovecot import UTF8_PASSWORD, Dovecot, imap_account
from tests.support.smtp_server import email_config, smtp_server

SMTP_USER = "ålex@example.net"
NOW = datetime.now(UTC)


def test_imap_with_a_utf8_password(dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch) -> None:
    user = dovecot.add_utf8_user()
    dovecot.write_maildir(user, "INBOX", [(good_neighbour(NOW - timedelta(hours=1)), NOW.timestamp() - 3600)])
    monkeypatch.setenv("UTF8_IMAP_PASSWORD", UTF8_PASSWORD)
    source = IMAPSource(imap_account(dovecot, user, password_env="UTF8_IMAP_PASSWORD"))
    try:
        assert FolderRole.INBOX in source.roles()
        batches = source.fetch_changes(FolderRole.INBOX, None, since=NOW - timedelta(days=3))
        fetched = [m for b in batches for m in b.messages]
    finally:
        source.close()
    assert len(fetched) == 1 and b"Larchmont Analytics" in fetched[0].raw


def test_imap_with_a_wrong_utf8_password_is_an_auth_error_naming_the_account(
    dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = dovecot.add_utf8_user()
    wrong = "wröng-ünïcode-secret"
    monkeypatch.setenv("UTF8_IMAP_PASSWORD", wrong)
    source = IMAPSource(imap_account(dovecot, user, name="büro", password_env="UTF8_IMAP_PASSWORD"))
    try:
        with pytest.raises(AuthError) as caught:
            source.roles()
    finally:
        source.close()
    text = str(caught.value)
    assert "account 'büro'" in text and "login refused" in text
    assert wrong not in text and "ö" not in text.replace("büro", "")


def _utf8_login(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login.decode("utf-8") == SMTP_USER
        and auth_data.password.decode("utf-8") == UTF8_PASSWORD
    )
    return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


@pytest.mark.parametrize("password", [UTF8_PASSWORD, "nöt-the-one"])
def test_smtp_with_a_utf8_user_and_password(monkeypatch: pytest.MonkeyPatch, password: str) -> None:
    monkeypatch.setenv("UTF8_SMTP_PASSWORD", password)
    with smtp_server(authenticator=_utf8_login, auth_require_tls=False) as (controller, mailbox):
        channel = EmailChannel(email_config(controller.port, username=SMTP_USER, password_env="UTF8_SMTP_PASSWORD"))
        if password == UTF8_PASSWORD:
            channel.send(make_alert())
            assert [r.login for r in mailbox.received] == [SMTP_USER]
            return
        with pytest.raises(NotifyError) as caught:
            channel.send(make_alert())
    assert "rejected the login" in str(caught.value) and password not in str(caught.value)
    assert mailbox.received == []

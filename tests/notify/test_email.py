"""The email channel against a real SMTP server (aiosmtpd), with real TLS made from a private CA."""

from __future__ import annotations

import html
import sys
from collections.abc import Iterator
from dataclasses import replace
from email.message import EmailMessage
from pathlib import Path

import pytest

from inboxwatch.errors import NotifyError
from inboxwatch.notify.base import Alert
from inboxwatch.notify.email import EmailChannel
from tests.support.alerts import FOLLOW_UP_BODY, make_alert
from tests.support.keyrings import MemoryKeyring
from tests.support.smtp_server import (
    PASSWORD,
    USERNAME,
    Mailbox,
    TlsFiles,
    check_login,
    email_config,
    smtp_server,
)

ME = "alex.morgan@example.net"


def part(message: EmailMessage, subtype: str) -> str:
    body = message.get_body((subtype,))
    assert body is not None, f"no text/{subtype} part"
    content = body.get_content()
    assert isinstance(content, str)
    return content.replace("\r\n", "\n")  # quoted-printable keeps the wire's line ends


@pytest.fixture
def plain_server() -> Iterator[tuple[int, Mailbox]]:
    with smtp_server() as (controller, mailbox):
        yield controller.port, mailbox


@pytest.fixture
def starttls_server(tls_files: TlsFiles) -> Iterator[tuple[int, Mailbox]]:
    with smtp_server(tls_context=tls_files.server_context(), require_starttls=True, authenticator=check_login) as (
        controller,
        mailbox,
    ):
        yield controller.port, mailbox


def test_plaintext_to_localhost_sends_both_parts(plain_server: tuple[int, Mailbox], alert: Alert) -> None:
    port, mailbox = plain_server
    EmailChannel(email_config(port)).send(alert)

    [got] = mailbox.received
    assert got.rcpt_tos == [ME]
    assert got.mail_from == "inboxwatch@example.net"
    m = got.message
    assert m["To"] == ME
    assert m["Subject"] == "[inboxwatch] Copperline Robotics: follow up again (#2)"
    assert m["Auto-Submitted"] == "auto-generated"
    assert m["X-Inboxwatch-Nudge"] == "zcynam/follow_up/2"
    assert m.get_content_type() == "multipart/alternative"

    text = part(m, "plain")
    assert "To: Sam Okafor <sam.okafor@copperline-robotics.example>" in text
    assert "Subject: Re: Thank you - Backend Engineer interview" in text
    assert FOLLOW_UP_BODY.rstrip() in text  # the suggestion verbatim, ready to copy
    assert "Why: 1 week since your follow-up on Wed 25 Feb; 2nd attempt" in text
    assert "- You have an offer pending (Tidewater Games)" in text
    assert "inboxwatch snooze zcynam 2d" in text

    page = part(m, "html")
    assert "<blockquote" in page
    assert html.escape("Sam Okafor <sam.okafor@copperline-robotics.example>") in page
    assert html.escape("I'm following up once more on the Backend Engineer role") in page
    assert 'href="mailto:sam.okafor@copperline-robotics.example?subject=Re%3A%20Thank' in page
    assert "Tidewater Games" in page


def test_the_notifications_actions_are_links_to_the_dashboard_when_it_is_on(
    plain_server: tuple[int, Mailbox], alert: Alert
) -> None:
    port, mailbox = plain_server
    page_url = "http://127.0.0.1:8765/c/zcynam?token=abc"
    EmailChannel(email_config(port)).send(replace(alert, dashboard=page_url))
    EmailChannel(email_config(port)).send(alert)  # no dashboard configured: no links
    with_links, without = (got.message for got in mailbox.received)
    text = part(with_links, "plain")
    assert f"- Snooze 2 days: {page_url}&act=snooze-2d" in text
    assert f"- Done: {page_url}&act=done" in text
    assert f"- Open: {page_url}\n" in text
    assert html.escape(f"{page_url}&act=snooze-2d") in part(with_links, "html")
    assert "127.0.0.1" not in part(without, "plain") and "127.0.0.1" not in part(without, "html")


def test_html_escapes_text_from_mail(plain_server: tuple[int, Mailbox]) -> None:
    port, mailbox = plain_server
    EmailChannel(email_config(port)).send(make_alert("Smith & <Sons>", body="Hi <b>team</b>,\n\nThanks."))
    page = part(mailbox.received[0].message, "html")
    assert "Smith &amp; &lt;Sons&gt;" in page
    assert "<b>team</b>" not in page
    assert mailbox.received[0].message["Subject"] == "[inboxwatch] Smith & <Sons>: follow up again (#2)"


def test_starttls_verifies_the_server_with_ca_file_and_logs_in(
    starttls_server: tuple[int, Mailbox], tls_files: TlsFiles, alert: Alert, monkeypatch: pytest.MonkeyPatch
) -> None:
    port, mailbox = starttls_server
    monkeypatch.setenv("IW_SMTP_PASSWORD", PASSWORD)
    config = email_config(
        port, security="starttls", ca_file=str(tls_files.ca), username=USERNAME, password_env="IW_SMTP_PASSWORD"
    )
    EmailChannel(config).send(alert)
    [got] = mailbox.received
    assert got.tls
    assert got.login == USERNAME


def test_starttls_with_the_wrong_ca_fails(
    starttls_server: tuple[int, Mailbox], tls_files: TlsFiles, alert: Alert
) -> None:
    port, mailbox = starttls_server
    with pytest.raises(NotifyError, match=r"cannot verify the TLS certificate of 127\.0\.0\.1:\d+"):
        EmailChannel(email_config(port, security="starttls", ca_file=str(tls_files.other_ca))).send(alert)
    assert mailbox.received == []


def test_private_ca_without_ca_file_fails_with_a_hint(
    starttls_server: tuple[int, Mailbox], alert: Alert, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    port, mailbox = starttls_server
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "none.pem"))  # the system's CAs, none of which apply
    with pytest.raises(NotifyError, match=r"set ca_file"):
        EmailChannel(email_config(port, security="starttls")).send(alert)
    assert mailbox.received == []


def test_starttls_refused_when_the_server_does_not_offer_it(
    plain_server: tuple[int, Mailbox], tls_files: TlsFiles, alert: Alert
) -> None:
    port, mailbox = plain_server
    with pytest.raises(NotifyError, match=r"does not offer STARTTLS"):
        EmailChannel(email_config(port, security="starttls", ca_file=str(tls_files.ca))).send(alert)
    assert mailbox.received == []


def test_implicit_tls_with_password_command(tls_files: TlsFiles, alert: Alert) -> None:
    with smtp_server(ssl_context=tls_files.server_context(), authenticator=check_login, auth_require_tls=False) as (
        controller,
        mailbox,
    ):
        command = f"{sys.executable} -c \"print({PASSWORD!r}); print('second line is ignored')\""
        config = email_config(
            controller.port, security="tls", ca_file=str(tls_files.ca), username=USERNAME, password_command=command
        )
        EmailChannel(config).send(alert)
    [got] = mailbox.received
    assert got.tls
    assert got.login == USERNAME


def test_wrong_password_is_an_error_without_the_password(
    starttls_server: tuple[int, Mailbox], tls_files: TlsFiles, alert: Alert, monkeypatch: pytest.MonkeyPatch
) -> None:
    port, mailbox = starttls_server
    monkeypatch.setenv("IW_SMTP_PASSWORD", "hunter2-wrong")
    config = email_config(
        port, security="starttls", ca_file=str(tls_files.ca), username=USERNAME, password_env="IW_SMTP_PASSWORD"
    )
    with pytest.raises(NotifyError, match=r"rejected the login of 'alex@example\.net': 535") as caught:
        EmailChannel(config).send(alert)
    assert "hunter2" not in str(caught.value)
    assert mailbox.received == []


def test_failing_password_command_is_a_notify_error(plain_server: tuple[int, Mailbox], alert: Alert) -> None:
    port, mailbox = plain_server
    command = f"{sys.executable} -c \"import sys; sys.stderr.write('gpg: decryption failed'); sys.exit(2)\""
    with pytest.raises(NotifyError, match=r"no SMTP password: .*exited with status 2") as caught:
        EmailChannel(email_config(port, username=USERNAME, password_command=command)).send(alert)
    assert "decryption" not in str(caught.value), "its error output may hold the secret: never repeated"
    assert mailbox.received == []


def test_missing_password_env_is_a_notify_error(
    plain_server: tuple[int, Mailbox], alert: Alert, monkeypatch: pytest.MonkeyPatch
) -> None:
    port, _ = plain_server
    monkeypatch.delenv("IW_NOT_SET", raising=False)
    with pytest.raises(NotifyError, match=r"IW_NOT_SET is not set"):
        EmailChannel(email_config(port, username=USERNAME, password_env="IW_NOT_SET")).send(alert)


def test_password_from_the_keyring(
    starttls_server: tuple[int, Mailbox], tls_files: TlsFiles, alert: Alert, memory_keyring: MemoryKeyring
) -> None:
    port, mailbox = starttls_server
    config = email_config(port, security="starttls", ca_file=str(tls_files.ca), username=USERNAME)
    with pytest.raises(NotifyError, match=r"no password in the keyring for inboxwatch/smtp:alex@example\.net"):
        EmailChannel(config).send(alert)
    memory_keyring.set_password("inboxwatch", f"smtp:{USERNAME}", PASSWORD)
    EmailChannel(config).send(alert)
    assert mailbox.received[0].login == USERNAME
    assert memory_keyring.asked == [("inboxwatch", f"smtp:{USERNAME}")] * 2


def test_the_daily_digest_is_a_plain_email(plain_server: tuple[int, Mailbox]) -> None:
    port, mailbox = plain_server
    EmailChannel(email_config(port)).send_text("2 follow-up(s) due, 1 coming this week", "Due now:\n- Acme\n")
    [got] = mailbox.received
    assert got.message["Subject"] == "[inboxwatch] 2 follow-up(s) due, 1 coming this week"
    assert got.message["Auto-Submitted"] == "auto-generated"
    assert "- Acme" in got.message.get_content()


def test_display_names_reach_the_headers_and_bare_addresses_the_envelope(
    plain_server: tuple[int, Mailbox], alert: Alert
) -> None:
    port, mailbox = plain_server
    from inboxwatch.config import parse_config

    config = parse_config(
        {
            "identity": {"addresses": [ME]},
            "alerts": {
                "channels": ["email"],
                "email": {
                    "smtp_host": "127.0.0.1",
                    "smtp_port": port,
                    "security": "none",
                    "from": "job watch <me@example.net>",
                    "to": f'"Morgan, Alex" <{ME}>',
                },
            },
        }
    )
    assert config.alerts.email is not None
    EmailChannel(config.alerts.email).send(alert)
    [got] = mailbox.received
    assert (got.mail_from, got.rcpt_tos) == ("me@example.net", [ME])
    assert got.message["From"] == "job watch <me@example.net>"
    assert got.message["To"] == f'"Morgan, Alex" <{ME}>'

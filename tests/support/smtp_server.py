"""A real SMTP server for tests (aiosmtpd on 127.0.0.1) and a private CA made with ``cryptography``."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from inboxwatch.config import EmailAlertConfig
from tests.support.certs import make_ca, make_server_cert, write_cert, write_key

USERNAME = "alex@example.net"
PASSWORD = "correct horse battery staple"


# --- certificates ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TlsFiles:
    ca: Path  # the CA that signed the server's certificate
    other_ca: Path  # a CA that did not
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        return context


def make_tls_files(folder: Path) -> TlsFiles:
    ca_key, ca_cert = make_ca("inboxwatch test CA")
    _, other_cert = make_ca("some other CA")
    key, cert = make_server_cert(ca_key, ca_cert)
    return TlsFiles(
        write_cert(folder / "ca.pem", ca_cert),
        write_cert(folder / "other-ca.pem", other_cert),
        write_cert(folder / "server.pem", cert),
        write_key(folder / "server.key", key),
    )


# --- the server ------------------------------------------------------------------------------------------


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    tls: bool
    login: str | None


@dataclass
class Mailbox:
    """The aiosmtpd handler: keeps every message it accepts, with how the session was secured."""

    received: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        login = session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None
        tls = server.transport.get_extra_info("ssl_object") is not None  # implicit TLS or after STARTTLS
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message, tls, login))
        return "250 Message accepted for delivery"


def check_login(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login.decode() == USERNAME
        and auth_data.password.decode() == PASSWORD
    )
    return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def smtp_server(
    mailbox: Mailbox | None = None, *, port: int | None = None, **kwargs: Any
) -> Iterator[tuple[Controller, Mailbox]]:
    """An aiosmtpd server on 127.0.0.1 (``kwargs`` go to aiosmtpd: tls_context, ssl_context, authenticator …)."""
    mailbox = mailbox if mailbox is not None else Mailbox()
    controller = Controller(
        mailbox, hostname="127.0.0.1", port=port or free_port(), server_hostname="smtp.test", **kwargs
    )
    controller.start()
    try:
        yield controller, mailbox
    finally:
        controller.stop()


def email_config(port: int, **changes: Any) -> EmailAlertConfig:
    """The email channel's settings for a server on ``port`` of 127.0.0.1, plaintext, to the owner."""
    values: dict[str, Any] = {
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "security": "none",
        "username": None,
        "password_command": None,
        "password_env": None,
        "from_addr": "inboxwatch@example.net",
        "to": "alex.morgan@example.net",
        "ca_file": None,
    }
    values.update(changes)
    return EmailAlertConfig(**values)

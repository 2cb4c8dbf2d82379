"""The ``email`` channel: a note to the user over SMTP with the suggested message ready to copy.

Security is ``tls`` (implicit TLS, port 465), ``starttls`` (port 587; refused if the server does not offer
it) or ``none`` (plaintext, only to localhost: a local relay or a test server). Certificates are always
verified, against ``ca_file`` when set (then only that CA is trusted) or the system's CAs. The password
comes from ``password_command``, ``password_env`` or the keyring entry ``inboxwatch`` / ``smtp:<username>``
and is never logged or put in an error; without ``username`` no login is attempted.

The note is multipart/alternative (text/plain and a simple text/html) and carries ``Auto-Submitted:
auto-generated`` and ``X-Inboxwatch-Nudge`` so that a note delivered into the watched mailbox is not
mistaken for mail from an employer.
"""

from __future__ import annotations

import base64
import contextlib
import html
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from typing import Final
from urllib.parse import quote

from inboxwatch.config import Config, EmailAlertConfig
from inboxwatch.config.credentials import keyring_username, resolve_password
from inboxwatch.config.schema import is_localhost
from inboxwatch.errors import AuthError, NotifyError
from inboxwatch.notify.actions import ALERT_ACTIONS
from inboxwatch.notify.base import Alert, Channel, ChannelUnavailable, Wiring
from inboxwatch.notify.render import commands, due_line, recipients

NUDGE_HEADER: Final = "X-Inboxwatch-Nudge"
RULE: Final = "-" * 60


class EmailChannel(Channel):
    name = "email"

    @classmethod
    def from_config(cls, config: Config, wiring: Wiring) -> EmailChannel:
        if config.alerts.email is None:
            raise ChannelUnavailable("alert channel 'email' has no [alerts.email] settings; nudges stay listed")
        return cls(config.alerts.email)

    def __init__(self, config: EmailAlertConfig, timeout: float = 30.0) -> None:
        self.config = config
        self.timeout = timeout

    @property
    def where(self) -> str:
        return f"{self.config.smtp_host}:{self.config.smtp_port}"

    def send(self, alert: Alert) -> None:
        c = self.config
        self._transmit(build_message(alert, c.from_addr, c.to, from_name=c.from_name, to_name=c.to_name))

    def send_text(self, title: str, body: str, kind: str = "digest") -> None:
        c = self.config
        message = EmailMessage()
        message["Subject"] = f"[inboxwatch] {title}"
        message["From"] = formataddr((c.from_name, c.from_addr))
        message["To"] = formataddr((c.to_name, c.to))
        message["Date"] = formatdate(localtime=True)
        message["Message-ID"] = make_msgid("inboxwatch", domain=c.from_addr.rpartition("@")[2] or None)
        message["Auto-Submitted"] = "auto-generated"
        message.set_content(body, cte="quoted-printable")
        self._transmit(message)

    def _transmit(self, message: EmailMessage) -> None:
        c = self.config
        if c.security == "none" and not is_localhost(c.smtp_host):
            raise NotifyError(f'email alerts: security "none" is only allowed for localhost, not {c.smtp_host}')
        password = self._password()
        try:
            smtp = self._open()
            try:
                if c.username is not None and password is not None:
                    self._login(smtp, c.username, password)
                smtp.send_message(message)
                with contextlib.suppress(smtplib.SMTPException, OSError):
                    smtp.quit()
            finally:
                smtp.close()
        except NotifyError:
            raise
        except ssl.SSLCertVerificationError as e:
            hint = "" if c.ca_file else " (for a private CA, set ca_file)"
            raise NotifyError(
                f"cannot verify the TLS certificate of {self.where}: {e.verify_message or e.reason}{hint}"
            ) from e
        except ssl.SSLError as e:
            raise NotifyError(f"TLS with {self.where} failed: {e.reason or e}") from e
        except smtplib.SMTPAuthenticationError as e:
            raise NotifyError(
                f"{self.where} rejected the login of {c.username!r}: {e.smtp_code} {_text(e.smtp_error)}"
            ) from e
        except smtplib.SMTPNotSupportedError as e:
            raise NotifyError(
                f"{self.where} does not offer login (AUTH) on this connection; servers usually want TLS first"
            ) from e
        except smtplib.SMTPRecipientsRefused as e:
            details = "; ".join(f"{code} {_text(text)}" for code, text in e.recipients.values())
            raise NotifyError(f"{self.where} refused the recipient {c.to}: {details}") from e
        except smtplib.SMTPSenderRefused as e:
            refusal = f"{e.smtp_code} {_text(e.smtp_error)}"
            raise NotifyError(f"{self.where} refused the sender {c.from_addr}: {refusal}") from e
        except smtplib.SMTPResponseException as e:
            raise NotifyError(f"{self.where} answered {e.smtp_code} {_text(e.smtp_error)}") from e
        except smtplib.SMTPException as e:
            raise NotifyError(f"SMTP with {self.where} failed: {e}") from e
        except TimeoutError as e:
            raise NotifyError(f"{self.where} did not answer within {self.timeout:g}s") from e
        except OSError as e:
            raise NotifyError(f"cannot reach the SMTP server {self.where}: {e.strerror or e}") from e

    def _login(self, smtp: smtplib.SMTP, username: str, password: str) -> None:
        """smtplib encodes logins as ASCII: a UTF-8 name or password goes as AUTH PLAIN in UTF-8 (RFC 4954)."""
        if username.isascii() and password.isascii():
            smtp.login(username, password)
            return
        smtp.ehlo_or_helo_if_needed()
        if not smtp.has_extn("auth"):
            raise smtplib.SMTPNotSupportedError("AUTH")
        if "PLAIN" not in smtp.esmtp_features["auth"].upper().split():
            raise NotifyError(
                f"{self.where}: the password or user name has non-ASCII characters, which needs AUTH PLAIN, "
                "and the server does not offer it"
            )
        token = base64.b64encode(b"\0" + username.encode("utf-8") + b"\0" + password.encode("utf-8")).decode()
        code, answer = smtp.docmd("AUTH", f"PLAIN {token}")
        if code != 235:
            raise smtplib.SMTPAuthenticationError(code, answer)

    def _password(self) -> str | None:
        c = self.config
        if c.username is None:
            return None
        try:
            return resolve_password(
                command=c.password_command, env=c.password_env, keyring_user=keyring_username("smtp", c.username)
            )
        except AuthError as e:
            raise NotifyError(f"email alerts: no SMTP password: {e}") from e

    def _tls_context(self) -> ssl.SSLContext:
        try:
            return ssl.create_default_context(cafile=self.config.ca_file)
        except (OSError, ssl.SSLError) as e:
            raise NotifyError(f"cannot load ca_file {self.config.ca_file}: {e}") from e

    def _open(self) -> smtplib.SMTP:
        c = self.config
        if c.security == "tls":
            return smtplib.SMTP_SSL(c.smtp_host, c.smtp_port, timeout=self.timeout, context=self._tls_context())
        smtp = smtplib.SMTP(c.smtp_host, c.smtp_port, timeout=self.timeout)
        if c.security != "starttls":
            return smtp
        try:
            smtp.ehlo()
            if not smtp.has_extn("starttls"):
                raise NotifyError(f"{self.where} does not offer STARTTLS; refusing to send in plaintext")
            smtp.starttls(context=self._tls_context())
            smtp.ehlo()
        except BaseException:
            smtp.close()
            raise
        return smtp


def _text(value: bytes | str) -> str:
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
    return " ".join(text.split())[:300]


# ---------------------------------------------------------------------------------------------------------
# The note


def build_message(
    alert: Alert, from_addr: str, to: str, *, from_name: str = "inboxwatch", to_name: str = ""
) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = f"[inboxwatch] {alert.title}"
    message["From"] = formataddr((from_name, from_addr))
    message["To"] = formataddr((to_name, to))
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid("inboxwatch", domain=from_addr.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"
    message[NUDGE_HEADER] = "/".join(str(part) for part in alert.nudge.key)
    message.set_content(text_body(alert), cte="quoted-printable")
    message.add_alternative(html_body(alert), subtype="html")
    return message


def _facts(alert: Alert) -> list[str]:
    n = alert.nudge
    facts = [f"Role: {n.role}"] if n.role else []
    facts.append(due_line(alert))
    if alert.why and alert.why != n.reason:
        facts.append(f"Why: {alert.why}")
    return facts


def text_body(alert: Alert) -> str:
    s = alert.suggestion
    lines = [alert.title, "", *_facts(alert), ""]
    lines += ["Suggested message: copy it, make it yours, send it from your own mailbox.", RULE]
    lines += [f"To: {recipients(alert)}", f"Subject: {s.subject}", "", s.body.rstrip(), RULE]
    if s.tips:
        lines += ["", "Tips:", *(f"- {tip}" for tip in s.tips)]
    if alert.dashboard:
        lines += ["", "Act on it in your dashboard:", *(f"- {label}: {url}" for label, url in action_links(alert))]
    lines += ["", f"From a terminal: {commands(alert)} · all nudges: inboxwatch nudges", ""]
    lines += ["-- ", "Sent by inboxwatch to you only; it never writes to employers."]
    return "\n".join(lines) + "\n"


def action_links(alert: Alert) -> list[tuple[str, str]]:
    """The notification's buttons as links to the dashboard (each page asks to confirm: a link never acts)."""
    if not alert.dashboard:
        return []
    return [
        (label, alert.dashboard if key == "open" else f"{alert.dashboard}&act={key}")
        for key, label in ALERT_ACTIONS.items()
    ]


def _mailto(alert: Alert) -> str | None:
    s = alert.suggestion
    if not s.to:
        return None
    to = ",".join(quote(a.email, safe="@") for a in s.to)
    return f"mailto:{to}?subject={quote(s.subject, safe='')}&body={quote(s.body, safe='')}"


def html_body(alert: Alert) -> str:
    s = alert.suggestion
    e = html.escape
    facts = "".join(f"<li>{e(f)}</li>" for f in _facts(alert))
    tips = "".join(f"<li>{e(t)}</li>" for t in s.tips)
    mailto = _mailto(alert)
    link = f'<p><a href="{e(mailto)}">Open it in your mail app</a></p>' if mailto else ""
    acts = " · ".join(f'<a href="{e(url)}">{e(label)}</a>' for label, url in action_links(alert))
    if acts:
        link += f"\n<p>In your dashboard: {acts}</p>"
    quoted = f"<b>To:</b> {e(recipients(alert))}<br>\n<b>Subject:</b> {e(s.subject)}<br>\n<br>\n" + "<br>\n".join(
        e(line) for line in s.body.rstrip().splitlines()
    )
    return f"""<!DOCTYPE html>
<html><body style="font-family: sans-serif; line-height: 1.4; max-width: 42em">
<h2 style="margin-bottom: 0.3em">{e(alert.title)}</h2>
<ul style="color: #444; padding-left: 1.2em">{facts}</ul>
<p>Suggested message: copy it, make it yours, send it from your own mailbox.</p>
<blockquote style="margin: 0 0 1em 0; padding: 0.6em 1em; border-left: 4px solid #2b5797; background: #f4f6fa">
{quoted}
</blockquote>
{link}
{f"<p><b>Tips</b></p><ul>{tips}</ul>" if tips else ""}
<p style="color: #666; font-size: 90%">From a terminal: {e(commands(alert))}
· all nudges: inboxwatch nudges<br>
Sent by inboxwatch to you only; it never writes to employers.</p>
</body></html>
"""

"""What ``inboxwatch init`` knows about mail providers: host, port, security and sign-in, as data.

Each preset fills in the account block of a new config. Nothing here connects anywhere: the values are the
providers' documented IMAP settings, and ``notes`` tell the user what they must do on the provider's side
(an app password, the bridge's certificate) before the first scan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final


@dataclass(frozen=True)
class SmtpPreset:
    """The provider's submission server, used when the user picks e-mail alerts to themselves."""

    host: str
    port: int
    security: str  # tls | starttls


@dataclass(frozen=True)
class Preset:
    name: str  # what --provider takes
    title: str  # what the interactive menu shows
    kind: str  # the account kind: gmail | imap | maildir | mbox
    host: str | None = None
    port: int | None = None
    security: str | None = None  # tls | starttls
    auth: str = "password"  # password | xoauth2
    secret: str = "password"  # what the user has to provide: "password", "app password", "access token", "none"
    ca_file: str | None = None  # where the provider's own certificate usually is (Proton Bridge)
    smtp: SmtpPreset | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def is_local(self) -> bool:
        return self.kind in ("maildir", "mbox")

    @property
    def is_imap(self) -> bool:
        return self.kind == "imap"


_APP_PASSWORD: Final = "app password"

PRESETS: Final[dict[str, Preset]] = {
    p.name: p
    for p in (
        Preset(
            "gmail",
            "Gmail (the Gmail API, signed in with OAuth)",
            "gmail",
            secret="none",
            notes=(
                "sign in once with `inboxwatch auth gmail {account} --client-secrets client.json` "
                "(an OAuth client of type Desktop app from your Google Cloud project)",
            ),
        ),
        Preset(
            "gmail-imap",
            "Gmail over IMAP (an app password, or XOAUTH2 with a token helper)",
            "imap",
            host="imap.gmail.com",
            port=993,
            security="tls",
            secret=_APP_PASSWORD,
            smtp=SmtpPreset("smtp.gmail.com", 465, "tls"),
            notes=("Gmail needs 2-step verification and an app password (Google Account → Security → App passwords)",),
        ),
        Preset(
            "outlook",
            "Outlook.com / Microsoft 365 (IMAP with XOAUTH2)",
            "imap",
            host="outlook.office365.com",
            port=993,
            security="tls",
            auth="xoauth2",
            secret="access token",
            smtp=SmtpPreset("smtp.office365.com", 587, "starttls"),
            notes=(
                "Microsoft accepts only OAuth: password_command must print a fresh access token "
                "(a token helper such as oama or mutt_oauth2.py does that)",
            ),
        ),
        Preset(
            "fastmail",
            "Fastmail (IMAP with an app password)",
            "imap",
            host="imap.fastmail.com",
            port=993,
            security="tls",
            secret=_APP_PASSWORD,
            smtp=SmtpPreset("smtp.fastmail.com", 465, "tls"),
            notes=("make an app password with IMAP access: Fastmail → Settings → Privacy & Security → App passwords",),
        ),
        Preset(
            "icloud",
            "iCloud Mail (IMAP with an app-specific password)",
            "imap",
            host="imap.mail.me.com",
            port=993,
            security="tls",
            secret=_APP_PASSWORD,
            smtp=SmtpPreset("smtp.mail.me.com", 587, "starttls"),
            notes=("make an app-specific password at account.apple.com → Sign-In and Security",),
        ),
        Preset(
            "yahoo",
            "Yahoo Mail (IMAP with an app password)",
            "imap",
            host="imap.mail.yahoo.com",
            port=993,
            security="tls",
            secret=_APP_PASSWORD,
            smtp=SmtpPreset("smtp.mail.yahoo.com", 465, "tls"),
            notes=("make an app password: Yahoo Account Security → Generate app password",),
        ),
        Preset(
            "proton-bridge",
            "Proton Mail through Proton Mail Bridge (IMAP on this machine)",
            "imap",
            host="127.0.0.1",
            port=1143,
            security="starttls",
            secret="bridge password",
            ca_file="~/.config/protonmail/bridge-v3/cert.pem",
            smtp=SmtpPreset("127.0.0.1", 1025, "starttls"),
            notes=(
                "Bridge must be running; the user name and password are the ones Bridge shows for the account "
                "(not your Proton password)",
                "Bridge signs its own certificate: export it (Bridge → Settings → Export TLS certificates) "
                "and point ca_file at cert.pem",
            ),
        ),
        Preset("imap", "another IMAP server", "imap"),  # host, security and port are asked
        Preset("maildir", "a local Maildir (mbsync, offlineimap, notmuch)", "maildir", secret="none"),
        Preset("mbox", "local mbox files (Thunderbird, a Takeout export)", "mbox", secret="none"),
    )
}

# What --provider accepts; "gmail-imap" is reached with --provider gmail --imap (and stays accepted).
PROVIDERS: Final = tuple(PRESETS)


def preset(name: str) -> Preset:
    """The preset called ``name``; raises ``KeyError`` for an unknown name."""
    return PRESETS[name]

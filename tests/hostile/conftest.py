"""The hostile suite drives the real servers the other suites use (Dovecot, aiosmtpd, dunst)."""

from tests.sources.conftest import dovecot, imap_user

__all__ = ["dovecot", "imap_user"]

"""The one exception hierarchy of inboxwatch.

Library exceptions are wrapped at the edge (``raise SourceError(...) from e``);
only ``cli.py`` turns these into messages and exit codes.
"""

from __future__ import annotations

from collections.abc import Iterable


class InboxwatchError(Exception):
    """Root of every error inboxwatch raises on purpose."""


class ConfigError(InboxwatchError):
    """The configuration is invalid. Carries every problem found, each with its key path."""

    def __init__(self, problems: Iterable[str], path: str | None = None) -> None:
        self.problems = list(problems)
        self.path = path
        where = f" in {path}" if path else ""
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s){where}:\n{lines}")


class AuthError(InboxwatchError):
    """Credentials are missing, wrong or expired; the user has to act (e.g. re-run `inboxwatch auth`)."""


class SourceError(InboxwatchError):
    """A mailbox backend failed in a way retrying will not fix."""


class TransientSourceError(SourceError):
    """A mailbox backend failed in a way that may pass (dropped connection, timeout, rate limit)."""


class NotifyError(InboxwatchError):
    """A notification channel could not deliver."""


class StoreError(InboxwatchError):
    """The state file cannot be opened, migrated or written."""


class TemplateError(InboxwatchError):
    """A follow-up template is broken (names the file and line)."""


class UsageError(InboxwatchError):
    """The command line asks for something that cannot be done (unknown id, bad argument)."""


class ScanCancelledError(InboxwatchError):
    """A scan was stopped before it finished (the daemon is stopping); what was stored before it is kept."""

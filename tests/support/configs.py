"""The one-account Maildir config that system and hostile tests start from."""

from __future__ import annotations

from pathlib import Path

NO_ALERTS = "[alerts]\nchannels = []\n"


def write_maildir_config(home: Path, owner: str, *, account: str = "", rest: str = NO_ALERTS) -> Path:
    """Write ``home/config.toml``: state in ``home/state``, mail in ``home/Mail/{INBOX,Sent}``.

    ``account`` adds keys to the account table (``poll_every``, ``drafts``); ``rest`` is every table after it.
    """
    path = home / "config.toml"
    path.write_text(f"""
state_dir = "{home / "state"}"
[identity]
name = "Alex Morgan"
addresses = ["{owner}"]
[[accounts]]
name = "personal"
kind = "maildir"
inbox = "{home / "Mail" / "INBOX"}"
sent = "{home / "Mail" / "Sent"}"
{account}
{rest}""")
    return path

"""The demo mailbox as a user's setup: real Maildirs, a config file, and its state scanned at the demo's moment."""

from __future__ import annotations

from pathlib import Path

from inboxwatch import cli
from inboxwatch.demo import DEMO_IDENTITY, DEMO_NOW, build_maildirs

NOW = DEMO_NOW.isoformat()


def write_demo_config(home: Path, rest: str = "[alerts]\nchannels = []\n", account: str = "") -> Path:
    """``home/config.toml`` over the demo's Maildirs in ``home/Mail``; state in ``home/state``. ``account`` adds
    keys to the account's table (``drafts``), ``rest`` is every table after it."""
    inbox, sent = build_maildirs(home / "Mail")
    addresses = ", ".join(f'"{a}"' for a in sorted(DEMO_IDENTITY.addresses))
    path = home / "config.toml"
    path.write_text(f"""
state_dir = "{home / "state"}"
[identity]
name = "{DEMO_IDENTITY.name}"
addresses = [{addresses}]
[[accounts]]
name = "demo"
kind = "maildir"
inbox = "{inbox}"
sent = "{sent}"
{account}
{rest}""")
    return path


def scanned_demo(home: Path, rest: str = "[alerts]\nchannels = []\n", account: str = "") -> Path:
    """The demo's config, its mail scanned into the state file at the demo's moment; returns the config path."""
    config = write_demo_config(home, rest, account)
    code = cli.main(["scan", "--once", "--config", str(config), "--now", NOW, "--json"])
    assert code == 0
    return config

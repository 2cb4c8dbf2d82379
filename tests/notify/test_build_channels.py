"""The channel registry: what the config asks for becomes channels, or problem lines."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from inboxwatch.config import AlertsConfig, parse_config
from inboxwatch.notify import build_channels
from inboxwatch.notify.command import CommandChannel
from inboxwatch.notify.desktop import DesktopChannel
from inboxwatch.notify.email import EmailChannel
from inboxwatch.sources.registry import open_source


def test_every_channel_is_built_from_the_config(tmp_path: Path) -> None:
    config = parse_config(
        {
            "identity": {"addresses": ["alex@example.net"]},
            "alerts": {
                "channels": ["desktop", "email", "command"],
                "desktop": {"app_name": "inboxwatch-test"},
                "email": {
                    "smtp_host": "smtp.example.net",
                    "security": "starttls",
                    "username": "alex@example.net",
                    "password_env": "SMTP_PASSWORD",
                    "from": "alex@example.net",
                    "to": "alex@example.net",
                },
                "command": {"argv": ["true"]},
            },
        },
        base_dir=tmp_path,
    )
    channels, problems = build_channels(config, open_source)
    assert problems == []
    assert [type(c) for c in channels] == [DesktopChannel, EmailChannel, CommandChannel]
    assert [c.name for c in channels] == ["desktop", "email", "command"]
    desktop, email, _ = channels
    assert isinstance(desktop, DesktopChannel) and desktop.app_name == "inboxwatch-test"
    assert isinstance(email, EmailChannel) and (email.config.smtp_port, email.config.security) == (587, "starttls")


def test_channels_without_settings_are_problem_lines(tmp_path: Path) -> None:
    config = parse_config({"identity": {"addresses": ["alex@example.net"]}}, base_dir=tmp_path)
    config = dataclasses.replace(config, alerts=AlertsConfig(channels=("email", "command", "pager")))
    channels, problems = build_channels(config, open_source)
    assert channels == []
    assert problems == [
        "alert channel 'email' has no [alerts.email] settings; nudges stay listed",
        "alert channel 'command' has no [alerts.command] settings; nudges stay listed",
        "alert channel 'pager' is not available in this version; nudges stay listed",
    ]

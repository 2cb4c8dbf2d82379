"""The bundled demo mailbox: a fictional job search, frozen at a fixed moment (see STORY.md)."""

from __future__ import annotations

import mailbox
from datetime import datetime
from importlib import resources
from pathlib import Path

from inboxwatch.models import Identity

DEMO_NOW = datetime.fromisoformat("2026-03-16T09:00:00-04:00")
DEMO_IDENTITY = Identity("Alex Morgan", frozenset({"alex.morgan@example.net", "alexmorgan.dev@gmail.example"}))


def demo_messages(folder: str) -> list[tuple[str, bytes]]:
    """(file name, raw bytes) of the demo's ``inbox`` or ``sent`` messages, in file-name order."""
    root = resources.files("inboxwatch") / "demo" / folder
    return sorted((f.name, f.read_bytes()) for f in root.iterdir() if f.name.endswith(".eml"))


def build_maildirs(target: Path) -> tuple[Path, Path]:
    """Write the demo as two real Maildirs under ``target``; returns (inbox, sent)."""
    paths = []
    target.mkdir(parents=True, exist_ok=True)
    for folder in ("inbox", "sent"):
        path = target / folder
        box = mailbox.Maildir(path, create=True)
        for _name, raw in demo_messages(folder):
            box.add(raw)
        paths.append(path)
    return paths[0], paths[1]

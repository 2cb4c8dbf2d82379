"""An in-memory keyring backend: the real ``keyring`` API, with no desktop secret service behind it."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend


class MemoryKeyring(KeyringBackend):
    priority = 1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # keyring's base class has no annotations
        self.entries: dict[tuple[str, str], str] = {}
        self.asked: list[tuple[str, str]] = []

    def get_password(self, service: str, username: str) -> str | None:
        self.asked.append((service, username))
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    before = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    try:
        yield ring
    finally:
        keyring.set_keyring(before)


class FileKeyring(KeyringBackend):
    """A keyring in a JSON file named by $INBOXWATCH_TEST_KEYRING, for inboxwatch run as a subprocess:
    select it with PYTHON_KEYRING_BACKEND=tests.support.keyrings.FileKeyring (and the repository on PYTHONPATH)."""

    priority = 1

    def _path(self) -> Path:
        return Path(os.environ["INBOXWATCH_TEST_KEYRING"])

    def _load(self) -> dict[str, str]:
        try:
            data: dict[str, str] = json.loads(self._path().read_text())
        except FileNotFoundError:
            return {}
        return data

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}/{username}"] = password
        self._path().write_text(json.dumps(data))

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        data.pop(f"{service}/{username}", None)
        self._path().write_text(json.dumps(data))

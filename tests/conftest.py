"""Fixtures every suite may use."""

from tests.keyrings import memory_keyring

__all__ = ["memory_keyring"]

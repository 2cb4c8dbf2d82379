"""Text from mail, a server or a file name, made safe for the terminal: data, never markup or control codes."""

from __future__ import annotations

from rich.markup import escape

from inboxwatch.core.printable import printable as plain


def safe(value: object) -> str:
    """Text from mail made safe for rich: ``plain``, and its brackets taken as text, never as markup."""
    return escape(plain(value))


__all__ = ["plain", "safe"]

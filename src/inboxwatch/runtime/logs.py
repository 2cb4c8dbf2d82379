"""Log lines carry text from mail and servers: each line is made printable (no escape sequences)."""

from __future__ import annotations

import logging

from inboxwatch.core.printable import printable


class PrintableFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return printable(super().format(record))

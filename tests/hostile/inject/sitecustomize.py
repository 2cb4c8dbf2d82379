"""Fault injection for end-to-end tests of the per-message time budget: with ``INBOXWATCH_TEST_LOOP`` set, a
message carrying the header ``X-Test-Loop: forever`` (or, read in parts, that line in its text) makes the parser
loop for ever, growing its memory, as
a library caught in a pathological input would. Put on ``PYTHONPATH`` by the hostile tests only, so that it
runs in inboxwatch and in its worker processes alike."""

from __future__ import annotations

import os

if os.environ.get("INBOXWATCH_TEST_LOOP"):
    import inboxwatch.core.parse as _parse

    _original = _parse.parse_message

    def _looping(raw: bytes, *args: object, **kwargs: object) -> object:
        if b"\nX-Test-Loop: forever" in raw[:8192]:
            hoard: list[bytes] = []
            while True:
                hoard.append(b"x" * 1024)
                if len(hoard) > 50_000:  # ~50 MB, then again: bounded here, as the budget bounds it anyway
                    hoard.clear()
        return _original(raw, *args, **kwargs)  # type: ignore[arg-type]

    _original_parts = _parse.parse_parts

    def _looping_parts(header: bytes, parts: list[_parse.FetchedPart], *args: object, **kwargs: object) -> object:
        if any(b"X-Test-Loop: forever" in part.data for part in parts):
            _looping(b"\nX-Test-Loop: forever")
        return _original_parts(header, parts, *args, **kwargs)  # type: ignore[arg-type]

    _parse.parse_message = _looping  # type: ignore[assignment]
    _parse.parse_parts = _looping_parts  # type: ignore[assignment]

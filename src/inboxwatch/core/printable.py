"""Text that came from outside (mail, a server, a file name) made safe to show on a terminal or in a log."""

from __future__ import annotations

import re

# Escape sequences (CSI, OSC and the other ESC-introduced ones) first, then every C0/C1 control but newline
# and tab: mail text must not set the window title, clear the screen or hide text from the terminal.
_ESCAPES = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, screen clears
    r"|\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: window titles, hyperlinks
    r"|[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC strings
    r"|.?)"  # any other two-character sequence
    r"|\x9b[0-?]*[ -/]*[@-~]"  # the 8-bit CSI
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(value: object) -> str:
    """Text from mail (or a server) made safe to print as it is: no control characters, no escape sequences."""
    return _CONTROLS.sub("", _ESCAPES.sub("", str(value)))

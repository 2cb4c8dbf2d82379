"""The command line: the only layer that prints; errors become exit codes (0 ok, 1 failure, 2 usage/config).

- ``parser``: every command and option, declared once (standard library only);
- ``app``: ``main``: parse, pick the output style, run the command's handler, map errors to exit codes;
- ``views``: what the commands print, as text and as JSON;
- one module per group of commands: ``init``, ``configure`` (check-config, doctor, auth), ``mail`` (scan,
  classify, track), ``conversations`` (status, nudges, snooze, done, ignore, reopen), ``export``, ``web``,
  ``service`` (run, service), ``demo``, ``completion``; ``manpage`` writes inboxwatch.1 at build time.

Importing this package is cheap: ``main`` loads the rest when it runs.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    from inboxwatch.cli.app import main as run

    return run(argv)


def build_parser() -> argparse.ArgumentParser:
    from inboxwatch.cli.parser import build_parser as build

    return build()


__all__ = ["build_parser", "main"]

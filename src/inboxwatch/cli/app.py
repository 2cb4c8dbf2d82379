"""``main``: parse the command line, choose how output looks, run the command, turn errors into exit codes."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any

from rich.console import Console

from inboxwatch.cli.parser import build_parser
from inboxwatch.cli.text import safe
from inboxwatch.errors import ConfigError, InboxwatchError, UsageError
from inboxwatch.runtime.logs import PrintableFormatter


@dataclass
class Ui:
    """Where output goes, and how it looks: ``plain`` means no colour and no box drawing."""

    out: Console
    err: Console
    plain: bool
    display_tz: tzinfo | None = None  # None: the machine's local zone; the demo shows its own


def no_color() -> bool:
    """NO_COLOR (https://no-color.org): set to anything but the empty string, colour is off."""
    return bool(os.environ.get("NO_COLOR"))


def _console(*, stderr: bool, plain: bool, width: int | None = None) -> Console:
    # color_system=None: no escape sequence at all (no colour, and no bold or dim either).
    style: dict[str, Any] = {"color_system": None} if plain else {}
    return Console(stderr=stderr, highlight=False, emoji=False, width=width, **style)


def make_ui() -> Ui:
    """Colour and box drawing only for a terminal, and only without NO_COLOR; the same for stderr."""
    plain = no_color() or not sys.stdout.isatty()
    out = _console(stderr=False, plain=plain, width=None if sys.stdout.isatty() else 120)
    err = _console(stderr=True, plain=no_color() or not sys.stderr.isatty())
    return Ui(out, err, plain)


Handler = Callable[[argparse.Namespace, Ui], int]


def handler_of(name: str) -> Handler:
    """The function named ``"module:function"`` inside ``inboxwatch.cli``, imported now."""
    module_name, _, function = name.partition(":")
    module = importlib.import_module(f"inboxwatch.cli.{module_name}")
    found: Handler = getattr(module, function)
    return found


def config_path(args: argparse.Namespace) -> Path | None:
    """The --config file, or None: the config layer then takes $INBOXWATCH_CONFIG or the XDG default."""
    value = getattr(args, "config", None)
    return Path(value).expanduser() if value else None


def parse_now(value: str | None) -> datetime:
    if value is None:
        return datetime.now(UTC).astimezone()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as e:
        raise UsageError(f"--now: expected an ISO 8601 time like 2026-03-16T09:00:00-04:00, got {value!r}") from e
    return parsed if parsed.tzinfo else parsed.astimezone()


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(PrintableFormatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.DEBUG if getattr(args, "verbose", False) else logging.WARNING, handlers=[handler])
    name = getattr(args, "handler", None)
    if not name:
        parser.print_help()
        return 2
    ui = make_ui()
    try:
        return int(handler_of(name)(args, ui))
    except ConfigError as e:
        ui.err.print(f"[red]config error[/red] {safe(str(e))}")
        return 2
    except UsageError as e:
        ui.err.print(f"[red]error:[/red] {safe(str(e))}")
        return 2
    except InboxwatchError as e:
        ui.err.print(f"[red]error:[/red] {safe(str(e))}")
        return 1
    except KeyboardInterrupt:
        return 130

"""``export``: the whole search as CSV, JSON or an iCalendar file (``inboxwatch.runtime.export``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from inboxwatch.cli.app import Ui, config_path, parse_now
from inboxwatch.config import load_config
from inboxwatch.runtime.export import FORMATS
from inboxwatch.runtime.pipeline import overview
from inboxwatch.state.store import Store


def run(args: argparse.Namespace, ui: Ui) -> int:
    config = load_config(config_path(args))
    now = parse_now(args.now)
    with Store.open(config.state_path) as store:
        view = overview(config, store, now)
    render, _ = FORMATS[args.format]
    text = render(view)
    if args.output and args.output != "-":
        Path(args.output).expanduser().write_text(text, encoding="utf-8", newline="")
        ui.err.print(f"wrote {len(view.conversations)} conversation(s) to {args.output}", markup=False)
    else:
        sys.stdout.write(text)
    return 0

"""``demo``: the bundled fictional mailbox, scanned at its fixed moment."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

from inboxwatch.cli import views
from inboxwatch.cli.app import Ui, parse_now
from inboxwatch.config import AccountConfig, Config
from inboxwatch.runtime.pipeline import overview, scan
from inboxwatch.state.store import Store


def run(args: argparse.Namespace, ui: Ui) -> int:
    from inboxwatch.demo import DEMO_IDENTITY, DEMO_NOW, build_maildirs

    ui.display_tz = ZoneInfo("America/New_York")  # the demo's story happens in New York
    now = parse_now(args.now) if args.now else DEMO_NOW
    with tempfile.TemporaryDirectory(prefix="inboxwatch-demo-") as tmp:
        inbox, sent = build_maildirs(Path(tmp) / "mail")
        account = AccountConfig(name="demo", kind="maildir", inbox=str(inbox), sent=str(sent))
        config = Config.default(DEMO_IDENTITY, [account], Path(tmp) / "state", source="<demo>")
        with Store.open(config.state_path) as store:
            report = scan(config, store, now)
            view = overview(config, store, now)
    ui.out.print(
        f"[bold]inboxwatch demo[/bold] — the mailbox of {DEMO_IDENTITY.name}, a fictional job seeker, "
        f"as of {views.when(now, ui.display_tz)} ({report.added} messages read from inbox and sent).\n"
    )
    views.render_status(ui, view)
    ui.out.print()
    views.render_nudges(ui, view)
    return 0

"""``web``: the local dashboard (``inboxwatch.web``), on 127.0.0.1; prints the address to open, with its token."""

from __future__ import annotations

import argparse
import logging
import sys
import webbrowser
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from inboxwatch.cli.app import Ui, config_path, parse_now
from inboxwatch.config import Config, load_config
from inboxwatch.errors import UsageError
from inboxwatch.state.web_token import dashboard_url

if TYPE_CHECKING:
    from uvicorn import Server

log = logging.getLogger(__name__)

MISSING_EXTRA = "the dashboard needs its libraries: pip install 'inboxwatch[web]'"


def run(args: argparse.Namespace, ui: Ui) -> int:
    config = load_config(config_path(args))
    try:
        from inboxwatch.web.serve import server
    except ImportError as e:
        raise UsageError(f"{MISSING_EXTRA} ({e})") from None
    port = args.port or config.web.port
    srv = server(config, clock_of(args.now), port)
    url = dashboard_url(config, "/", port)
    sys.stdout.write(f"inboxwatch dashboard: {url}\n")
    sys.stdout.flush()
    if args.open:
        webbrowser.open(url)
    srv.run()
    return 0


def clock_of(now: str | None) -> Callable[[], datetime]:
    """The clock the pages and actions read: ``--now`` pins it (reproducible pages), else the wall clock."""
    if now is None:
        return lambda: parse_now(None)
    fixed = parse_now(now)
    return lambda: fixed


def start_dashboard(config: Config, clock: Callable[[], datetime]) -> Server | None:
    """``inboxwatch run`` with ``[web] enabled``: the dashboard in a thread beside the daemon; else nothing of it is
    even imported."""
    if not config.web.enabled:
        return None
    try:
        from inboxwatch.web.serve import serve_in_thread
    except ImportError as e:
        log.error("[web] enabled, but %s (%s)", MISSING_EXTRA, e)
        return None
    server, _ = serve_in_thread(config, clock)
    log.info("dashboard on http://127.0.0.1:%d/ (the token is in %s)", config.web.port, config.state_dir / "web-token")
    return server

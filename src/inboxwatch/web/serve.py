"""Serving the dashboard with uvicorn on 127.0.0.1: in the foreground, or in a thread beside the daemon."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime

import uvicorn

from inboxwatch.config import Config
from inboxwatch.state.web_token import HOST
from inboxwatch.web.app import create_app


def server(config: Config, clock: Callable[[], datetime], port: int | None = None) -> uvicorn.Server:
    port = port or config.web.port
    app = create_app(config, clock, port=port)
    settings = uvicorn.Config(app, host=HOST, port=port, log_level="warning", access_log=False, lifespan="off")
    return uvicorn.Server(settings)


def serve_in_thread(config: Config, clock: Callable[[], datetime]) -> tuple[uvicorn.Server, threading.Thread]:
    """The dashboard in a daemon thread of ``inboxwatch run`` (uvicorn installs no signal handlers there)."""
    srv = server(config, clock)
    thread = threading.Thread(target=srv.run, name="dashboard", daemon=True)
    thread.start()
    return srv, thread

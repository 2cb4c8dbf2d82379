"""The dashboard's access token: random, kept in the state folder with mode 0600, made on first use.

It lives here, below the channels and the web layer, because three places need it: the dashboard checks it,
and the desktop and email alerts put it in their links to the dashboard.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
from pathlib import Path
from typing import Final

from inboxwatch.config import Config
from inboxwatch.errors import StoreError

TOKEN_FILE: Final = "web-token"
HOST: Final = "127.0.0.1"


def token_path(config: Config) -> Path:
    return config.state_dir / TOKEN_FILE


def dashboard_token(config: Config) -> str:
    """The token, made (32 random bytes, URL-safe) and written 0600 the first time."""
    path = token_path(config)
    with contextlib.suppress(FileNotFoundError):
        existing = path.read_text(encoding="ascii").strip()
        if len(existing) >= 32:
            os.chmod(path, 0o600)
            return existing
    try:
        config.state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        token = secrets.token_urlsafe(32)
        temporary = path.with_name(f".{TOKEN_FILE}.{os.getpid()}")
        fd = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(token + "\n")
        os.replace(temporary, path)
    except OSError as e:
        raise StoreError(f"cannot keep the dashboard token in {path}: {e}") from e
    return token


def csrf_token(token: str) -> str:
    """The form token of state-changing requests: derived from the access token, so it needs no storage and
    reveals nothing of it."""
    return hmac.new(token.encode(), b"inboxwatch csrf", hashlib.sha256).hexdigest()[:40]


def dashboard_url(config: Config, path: str = "/", port: int | None = None) -> str:
    """The address to open (carrying the token) of a page of the dashboard."""
    return f"http://{HOST}:{port or config.web.port}{path}?token={dashboard_token(config)}"


def conversation_url(config: Config, conversation_id: str) -> str | None:
    """The dashboard page of a conversation, when the dashboard is configured (alerts link to it); else None."""
    if not config.web.enabled:
        return None
    return dashboard_url(config, f"/c/{conversation_id}")

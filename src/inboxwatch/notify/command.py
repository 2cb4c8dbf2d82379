"""The ``command`` channel: run the user's program with the alert as JSON on stdin (ntfy, Matrix, scripts).

The program gets a minimal environment (``BASIC_ENV``: the path, home, locale, time zone and what a desktop
notifier needs) plus the variables the user lists in ``[alerts.command] env`` — never the rest of
inboxwatch's environment, which may hold the secrets named by ``password_env`` or ``token_env``.
"""

from __future__ import annotations

import json
import os
import subprocess
from datetime import timedelta

from inboxwatch.config import Config
from inboxwatch.errors import NotifyError
from inboxwatch.notify.base import Alert, Channel, ChannelUnavailable, Wiring

BASIC_ENV = (
    "PATH",
    "HOME",
    "USER",
    "LOGNAME",
    "SHELL",
    "LANG",
    "LANGUAGE",
    "LC_ALL",
    "LC_CTYPE",
    "LC_MESSAGES",
    "TZ",
    "TMPDIR",
    "XDG_RUNTIME_DIR",
    "DBUS_SESSION_BUS_ADDRESS",
    "DISPLAY",
    "WAYLAND_DISPLAY",
)


def hook_environment(extra: tuple[str, ...] = ()) -> dict[str, str]:
    return {name: os.environ[name] for name in (*BASIC_ENV, *extra) if name in os.environ}


class CommandChannel(Channel):
    name = "command"

    @classmethod
    def from_config(cls, config: Config, wiring: Wiring) -> CommandChannel:
        settings = config.alerts.command
        if settings is None:
            raise ChannelUnavailable("alert channel 'command' has no [alerts.command] settings; nudges stay listed")
        return cls(settings.argv, settings.timeout, settings.env)

    def __init__(self, argv: tuple[str, ...], timeout: timedelta, env: tuple[str, ...] = ()) -> None:
        self.argv = argv
        self.timeout = timeout.total_seconds()
        self.env = env

    def send(self, alert: Alert) -> None:
        self._run(alert.as_json().encode("utf-8"))

    def send_text(self, title: str, body: str, kind: str = "digest") -> None:
        message = {"message": {"kind": kind, "title": title, "body": body}}
        self._run(json.dumps(message, ensure_ascii=False).encode("utf-8"))

    def _run(self, payload: bytes) -> None:
        try:
            done = subprocess.run(
                self.argv,
                input=payload,
                capture_output=True,
                timeout=self.timeout,
                check=False,
                env=hook_environment(self.env),
            )
        except FileNotFoundError as e:
            raise NotifyError(f"command {self.argv[0]!r} not found") from e
        except subprocess.TimeoutExpired as e:
            raise NotifyError(f"command {self.argv[0]!r} took longer than {self.timeout:.0f}s") from e
        except OSError as e:
            raise NotifyError(f"command {self.argv[0]!r} failed to start: {e}") from e
        if done.returncode != 0:
            detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            raise NotifyError(f"command {self.argv[0]!r} exited {done.returncode}: {detail[0][:200]}")

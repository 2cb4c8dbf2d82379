"""The ``command`` channel: run the user's program with the alert as JSON on stdin (ntfy, Matrix, scripts)."""

from __future__ import annotations

import json
import subprocess
from datetime import timedelta

from inboxwatch.config import Config
from inboxwatch.errors import NotifyError
from inboxwatch.notify.base import Alert, Channel, ChannelUnavailable, Wiring


class CommandChannel(Channel):
    name = "command"

    @classmethod
    def from_config(cls, config: Config, wiring: Wiring) -> CommandChannel:
        settings = config.alerts.command
        if settings is None:
            raise ChannelUnavailable("alert channel 'command' has no [alerts.command] settings; nudges stay listed")
        return cls(settings.argv, settings.timeout)

    def __init__(self, argv: tuple[str, ...], timeout: timedelta) -> None:
        self.argv = argv
        self.timeout = timeout.total_seconds()

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

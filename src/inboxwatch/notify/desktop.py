"""The ``desktop`` channel: a notification on the session bus (org.freedesktop.Notifications).

Sending goes through ``desktop-notifier``. That library only logs a failed send, so the channel first asks
the notification server for its capabilities over its own bus connection (which also starts a server that
is D-Bus activatable), then checks that desktop-notifier dispatched the notification. Anything else is a
``NotifyError`` naming what is missing: the session bus, or a notification server on it.

The body uses notification markup only when the server announces ``body-markup``; text from mail (names,
subjects) is escaped for it. The summary (title) is plain text by the specification and never escaped.

Buttons ("Snooze 2 days", "Done", and "Open" when the dashboard is on) are offered when the daemon listens for
their answers (``notify.actions``: they arrive as D-Bus signals to the connection that showed the notification)
and the server announces ``actions``. Otherwise (``scan --once`` exits right after sending; a server without
buttons) the notification is sent as before and its body names the commands instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Final, TypeVar

from inboxwatch.config import Config
from inboxwatch.errors import NotifyError
from inboxwatch.notify.actions import ALERT_ACTIONS, NotificationActions
from inboxwatch.notify.base import Alert, Channel, Wiring
from inboxwatch.notify.render import due_line, excerpt, recipients

NOTIFICATIONS: Final = "org.freedesktop.Notifications"
NOTIFICATIONS_PATH: Final = "/org/freedesktop/Notifications"
NO_SERVER_ERRORS: Final = frozenset(
    {
        "org.freedesktop.DBus.Error.ServiceUnknown",
        "org.freedesktop.DBus.Error.NameHasNoOwner",
        "org.freedesktop.DBus.Error.Spawn.ChildExited",
        "org.freedesktop.DBus.Error.Spawn.Failed",
    }
)
ICON_NAME: Final = "mail-message-new"  # freedesktop icon naming spec

T = TypeVar("T")


class DesktopChannel(Channel):
    name = "desktop"

    @classmethod
    def from_config(cls, config: Config, wiring: Wiring) -> DesktopChannel:
        actions = wiring.actions if config.alerts.desktop.actions else None
        return cls(config.alerts.desktop.app_name, actions=actions)

    def __init__(
        self, app_name: str = "inboxwatch", timeout: float = 10.0, actions: NotificationActions | None = None
    ) -> None:
        self.app_name = app_name
        self.timeout = timeout
        self.actions = actions

    def send(self, alert: Alert) -> None:
        if self.actions is not None:
            try:
                capabilities = self.actions.capabilities()
            except NotifyError:
                capabilities = frozenset()  # the plain path below says what is wrong
            if "actions" in capabilities:
                buttons = [(key, label) for key, label in ALERT_ACTIONS.items() if key != "open" or alert.dashboard]
                body = desktop_body(alert, "body-markup" in capabilities, buttons=True)
                self.actions.notify(self.app_name, ICON_NAME, alert.title, body, buttons, alert.nudge.conversation_id)
                return
        self._run(alert.title, lambda markup: desktop_body(alert, markup))

    def send_text(self, title: str, body: str, kind: str = "digest") -> None:
        self._run(title, lambda markup: html.escape(body, quote=False) if markup else body)

    def _run(self, title: str, body: Callable[[bool], str]) -> None:
        try:
            run_sync(self._send(title, body), self.timeout)
        except NotifyError:
            raise
        except TimeoutError as e:
            raise NotifyError(f"the notification server did not answer within {self.timeout:g}s") from e
        except Exception as e:  # the library's own surprises stay inside this channel
            raise NotifyError(f"desktop notification failed: {type(e).__name__}: {e}") from e

    async def _send(self, title: str, body_for: Callable[[bool], str]) -> None:
        from desktop_notifier import DesktopNotifier, Icon, Notification

        capabilities = await server_capabilities()
        body = body_for("body-markup" in capabilities)
        notifier = DesktopNotifier(app_name=self.app_name, app_icon=Icon(name=ICON_NAME))
        dispatched: list[bool] = []
        notification = Notification(title, body, on_dispatched=lambda: dispatched.append(True))
        with _library_failures() as failures:
            try:
                await notifier.send_notification(notification)
            finally:
                await _close_connection(notifier)
        if not dispatched:
            reason = f": {failures[0]}" if failures else ""
            raise NotifyError(f"the notification server did not take the notification{reason}")


def desktop_body(alert: Alert, markup: bool, buttons: bool = False) -> str:
    """The essentials on four short lines: who to write to, when and why, the opening of the text, commands (with
    ``buttons``, only where the full text is: the buttons do the rest)."""

    def esc(text: str) -> str:
        return html.escape(text, quote=False) if markup else text

    lines = [esc(f"To: {recipients(alert)}"), esc(due_line(alert))]
    if alert.suggestion.body.strip():
        opening = esc(f"“{excerpt(alert.suggestion.body)}”")
        lines.append(f"<i>{opening}</i>" if markup else opening)
    if buttons:
        lines.append(esc("Full text: inboxwatch nudges" + (" or Open" if alert.dashboard else "")))
    else:
        lines.append(esc(f"Full text: inboxwatch nudges · later: inboxwatch snooze {alert.nudge.conversation_id} 2d"))
    return "\n".join(lines)


async def server_capabilities() -> frozenset[str]:
    """The notification server's capabilities; ``NotifyError`` when there is no session bus or no server."""
    from dbus_fast import Message, MessageType
    from dbus_fast.aio import MessageBus

    try:
        bus = await MessageBus().connect()
    except Exception as e:  # InvalidAddressError, OSError, AuthError: all mean "no usable session bus"
        detail = str(e) or type(e).__name__
        raise NotifyError(f"no D-Bus session bus to show desktop notifications on ({detail})") from e
    try:
        reply = await bus.call(
            Message(
                destination=NOTIFICATIONS,
                path=NOTIFICATIONS_PATH,
                interface=NOTIFICATIONS,
                member="GetCapabilities",
            )
        )
    finally:
        await _disconnect(bus)
    if reply is None:
        raise NotifyError("the notification server sent no answer")
    if reply.message_type is MessageType.ERROR:
        if reply.error_name in NO_SERVER_ERRORS:
            raise NotifyError(
                f"no notification server on the session bus (nothing provides {NOTIFICATIONS}); "
                "start one such as dunst, or run inboxwatch inside your desktop session"
            )
        detail = reply.body[0] if reply.body else ""
        raise NotifyError(f"the notification server failed: {reply.error_name} {detail}".strip())
    return frozenset(str(c) for c in reply.body[0])


def run_sync(coro: Coroutine[Any, Any, T], timeout: float) -> T:
    """Run ``coro`` to the end within ``timeout`` seconds, also when called from inside an event loop."""

    async def bounded() -> T:
        return await asyncio.wait_for(coro, timeout)

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(bounded())
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="inboxwatch-desktop") as pool:
        return pool.submit(asyncio.run, bounded()).result()


@contextlib.contextmanager
def _library_failures() -> Iterator[list[str]]:
    """Collect (and keep out of the log) the warning desktop-notifier logs instead of raising."""
    failures: list[str] = []

    def keep(record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            exc = record.exc_info[1] if record.exc_info else None
            failures.append(f"{type(exc).__name__}: {exc}" if exc else record.getMessage())
            return False
        return True

    logger = logging.getLogger("desktop_notifier.backends.base")
    logger.addFilter(keep)
    try:
        yield failures
    finally:
        logger.removeFilter(keep)


async def _close_connection(notifier: object) -> None:
    # desktop-notifier opens its own bus connection and never closes it; each send uses a fresh event loop,
    # so close it here instead of leaking a socket per notification.
    bus = getattr(getattr(notifier, "_backend", None), "bus", None)
    if bus is not None:
        await _disconnect(bus)


async def _disconnect(bus: Any) -> None:
    """Close a dbus-fast connection and wait until its socket is closed; never raises."""
    with contextlib.suppress(Exception):
        bus.disconnect()
        await bus.wait_for_disconnect()

"""Notifications with buttons, and their answers: a long-lived connection to the notification server.

A server sends ``ActionInvoked`` to the connection that showed the notification, so the buttons work only for a
process that stays on the bus: the daemon (``inboxwatch run``) keeps one of these, on its own thread with its own
event loop, and hands each answer to the callback it was given (the runtime's, which applies the action through
the CLI's code). Each notification's answer is taken once: the first button pressed, from the server that showed
it; repeated or forged signals for it are ignored.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import Any, Final

from inboxwatch.errors import NotifyError

log = logging.getLogger(__name__)

NOTIFICATIONS: Final = "org.freedesktop.Notifications"
NOTIFICATIONS_PATH: Final = "/org/freedesktop/Notifications"
# What a nudge's buttons say (and the email's links, and the dashboard's ``?act=``): key → label.
ALERT_ACTIONS: Final = {"snooze-2d": "Snooze 2 days", "done": "Done", "open": "Open"}

OnAction = Callable[[str, str], None]  # (conversation id, action key)


class NotificationActions:
    """``start`` connects; ``notify`` shows a notification with buttons; answers go to ``on_action``."""

    def __init__(self, on_action: OnAction, timeout: float = 10.0) -> None:
        self.on_action = on_action
        self.timeout = timeout
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="notification-actions", daemon=True)
        self.bus: Any = None
        self.server: str | None = None  # the unique bus name of the server that showed our notifications
        self.waiting: dict[int, str] = {}  # notification id → conversation id, until answered or closed
        self.lock = threading.Lock()
        self.closing: set[asyncio.Future[None]] = set()

    def _run(self, coro: Any) -> Any:
        future: Future[Any] = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return future.result(self.timeout)
        except TimeoutError as e:
            future.cancel()
            raise NotifyError(f"the notification server did not answer within {self.timeout:g}s") from e

    def start(self) -> None:
        self.thread.start()
        self._run(self._connect())

    async def _connect(self) -> None:
        from dbus_fast import Message
        from dbus_fast.aio import MessageBus

        try:
            self.bus = await MessageBus().connect()
        except Exception as e:
            raise NotifyError(f"no D-Bus session bus for notification buttons ({e or type(e).__name__})") from e
        rule = f"type='signal',interface='{NOTIFICATIONS}',path='{NOTIFICATIONS_PATH}'"
        await self.bus.call(
            Message(
                destination="org.freedesktop.DBus",
                path="/org/freedesktop/DBus",
                interface="org.freedesktop.DBus",
                member="AddMatch",
                signature="s",
                body=[rule],
            )
        )
        self.bus.add_message_handler(self._on_message)

    async def _call(self, member: str, signature: str = "", body: Sequence[Any] = ()) -> Any:
        from dbus_fast import Message, MessageType

        reply = await self.bus.call(
            Message(
                destination=NOTIFICATIONS,
                path=NOTIFICATIONS_PATH,
                interface=NOTIFICATIONS,
                member=member,
                signature=signature,
                body=list(body),
            )
        )
        if reply is None or reply.message_type is MessageType.ERROR:
            detail = f"{reply.error_name} {reply.body[0] if reply.body else ''}" if reply else "no answer"
            raise NotifyError(f"the notification server refused {member}: {detail}".strip())
        return reply

    def capabilities(self) -> frozenset[str]:
        reply = self._run(self._call("GetCapabilities"))
        return frozenset(str(c) for c in reply.body[0])

    def notify(
        self, app_name: str, icon: str, title: str, body: str, actions: Sequence[tuple[str, str]], conversation_id: str
    ) -> int:
        """Show a notification whose buttons answer for ``conversation_id``; returns its id."""
        flat = [part for key, label in actions for part in (key, label)]
        reply = self._run(self._call("Notify", "susssasa{sv}i", [app_name, 0, icon, title, body, flat, {}, -1]))
        number = int(reply.body[0])
        with self.lock:
            self.server = reply.sender
            self.waiting[number] = conversation_id
        return number

    def _on_message(self, message: Any) -> bool:
        from dbus_fast import MessageType

        if message.message_type is not MessageType.SIGNAL or message.interface != NOTIFICATIONS:
            return False
        with self.lock:
            if message.sender != self.server:
                return False  # not from the server that showed them: nobody else answers for our notifications
            number = int(message.body[0])
            if message.member == "NotificationClosed":
                self.waiting.pop(number, None)
                return False
            if message.member != "ActionInvoked":
                return False
            conversation_id = self.waiting.pop(number, None)
        key = str(message.body[1])
        if conversation_id is None or key not in ALERT_ACTIONS:
            return False
        # Answered: some servers (dunst's menu) leave it on screen; a button pressed twice must not act twice.
        closing = asyncio.ensure_future(self._close_notification(number))
        self.closing.add(closing)  # held until done: the loop keeps only a weak reference to a task
        closing.add_done_callback(self.closing.discard)
        log.info("notification %d: %s on %s", number, ALERT_ACTIONS[key], conversation_id)
        try:
            self.on_action(conversation_id, key)
        except Exception:  # the listener keeps listening whatever one answer does
            log.exception("notification action %s on %s failed", key, conversation_id)
        return False

    async def _close_notification(self, number: int) -> None:
        try:
            await self._call("CloseNotification", "u", [number])
        except NotifyError as e:
            log.debug("notification %d not closed: %s", number, e)

    def close(self) -> None:
        async def disconnect() -> None:
            if self.bus is not None:
                self.bus.disconnect()
                await self.bus.wait_for_disconnect()

        if self.thread.is_alive():
            try:
                self._run(disconnect())
            except Exception:  # closing never raises
                log.debug("notification bus did not close cleanly", exc_info=True)
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=self.timeout)

"""The desktop channel against a real notification server: dunst on a private bus, drawing on Xvfb."""

from __future__ import annotations

import asyncio
import contextlib
import html
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import pytest
from dbus_fast import DBusError, Variant
from dbus_fast.aio import MessageBus
from dbus_fast.annotations import DBusSignature
from dbus_fast.service import ServiceInterface, dbus_method

from inboxwatch.errors import NotifyError
from inboxwatch.models import Address
from inboxwatch.notify.actions import NotificationActions
from inboxwatch.notify.base import Alert
from inboxwatch.notify.desktop import DesktopChannel, desktop_body
from tests.support.alerts import make_alert
from tests.support.desktop_session import DesktopSession

SCREENSHOT = Path(__file__).resolve().parents[2] / "benchmarks" / "results" / "desktop-nudge.png"


def test_dunst_shows_title_and_essentials(desktop: DesktopSession, alert: Alert) -> None:
    DesktopChannel(app_name="inboxwatch").send(alert)

    [shown] = desktop.history()
    assert shown["appname"] == "inboxwatch"
    assert shown["summary"] == "Copperline Robotics: follow up again (#2)"
    body = shown["body"]
    assert "To: Sam Okafor &lt;sam.okafor@copperline-robotics.example&gt;" in body
    assert "1 week since your follow-up on Wed 25 Feb" in body
    assert "I'm following up once more on the Backend Engineer role" in body
    assert "inboxwatch snooze zcynam 2d" in body


def test_text_from_mail_is_escaped_for_markup(desktop: DesktopSession) -> None:
    alert = make_alert(
        "Smith & <Sons>",
        to=(Address("R&D <Team>", "rd@smith.example"),),
        body="Hi <b>team</b> & friends,\n\nA < B > C.",
    )
    DesktopChannel().send(alert)

    [shown] = desktop.history()
    assert shown["summary"] == "Smith & <Sons>: follow up again (#2)"  # the summary is plain text by the spec
    assert html.escape("R&D <Team> <rd@smith.example>", quote=False) in shown["body"]
    assert html.escape("Hi <b>team</b> & friends, A < B > C.", quote=False) in shown["body"]
    assert "<b>team</b>" not in shown["body"]


def test_without_a_notification_server_send_raises(bare_bus: DesktopSession, alert: Alert) -> None:
    with pytest.raises(NotifyError, match=r"no notification server on the session bus"):
        DesktopChannel(timeout=5).send(alert)


class SilentServer(ServiceInterface):
    """A notification server that never answers."""

    def __init__(self) -> None:
        super().__init__("org.freedesktop.Notifications")

    @dbus_method()
    async def GetCapabilities(self) -> Annotated[list[str], DBusSignature("as")]:  # noqa: N802
        await asyncio.sleep(30)
        return []


@contextlib.contextmanager
def notification_server(server: ServiceInterface) -> Iterator[None]:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    async def serve() -> MessageBus:
        bus = await MessageBus().connect()
        bus.export("/org/freedesktop/Notifications", server)
        await bus.request_name("org.freedesktop.Notifications")
        return bus

    bus = asyncio.run_coroutine_threadsafe(serve(), loop).result(timeout=5)
    try:
        yield
    finally:
        loop.call_soon_threadsafe(bus.disconnect)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)
        loop.close()


class RecordingServer(ServiceInterface):
    """A notification server that shows nothing and keeps what it was asked: (actions, body) of each Notify;
    with ``refuse``, it refuses every notification instead."""

    def __init__(
        self, capabilities: list[str], shown: list[tuple[list[str], str]] | None = None, refuse: bool = False
    ) -> None:
        super().__init__("org.freedesktop.Notifications")
        self.capabilities = capabilities
        self.shown = [] if shown is None else shown
        self.refuse = refuse

    @dbus_method()
    def GetCapabilities(self) -> Annotated[list[str], DBusSignature("as")]:  # noqa: N802 - D-Bus names
        return self.capabilities

    @dbus_method()
    def GetServerInformation(self) -> Annotated[list[str], DBusSignature("ssss")]:  # noqa: N802
        return ["recorder", "tests", "1", "1.2"]

    @dbus_method()
    def Notify(  # noqa: N802
        self,
        app_name: Annotated[str, DBusSignature("s")],
        replaces_id: Annotated[int, DBusSignature("u")],
        app_icon: Annotated[str, DBusSignature("s")],
        summary: Annotated[str, DBusSignature("s")],
        body: Annotated[str, DBusSignature("s")],
        actions: Annotated[list[str], DBusSignature("as")],
        hints: Annotated[dict[str, Variant], DBusSignature("a{sv}")],
        expire_timeout: Annotated[int, DBusSignature("i")],
    ) -> Annotated[int, DBusSignature("u")]:
        if self.refuse:
            raise DBusError("org.freedesktop.Notifications.Error.Refused", "too many notifications")
        self.shown.append((list(actions), body))
        return len(self.shown)


@pytest.mark.parametrize(
    ("capabilities", "dashboard", "buttons"),
    [
        (["body"], None, []),
        (["body", "actions"], None, ["snooze-2d", "Snooze 2 days", "done", "Done"]),
        (
            ["body", "actions"],
            "http://127.0.0.1:8765/c/zcynam?token=t",
            ["snooze-2d", "Snooze 2 days", "done", "Done", "open", "Open"],
        ),
    ],
)
def test_buttons_only_where_the_server_has_actions(
    bare_bus: DesktopSession, capabilities: list[str], dashboard: str | None, buttons: list[str]
) -> None:
    alert = replace(make_alert(), dashboard=dashboard)
    shown: list[tuple[list[str], str]] = []
    listener = NotificationActions(lambda conversation_id, key: None, timeout=5)
    with notification_server(RecordingServer(capabilities, shown)):
        listener.start()
        try:
            DesktopChannel(timeout=5, actions=listener).send(alert)
        finally:
            listener.close()
    ((actions, body),) = shown
    pairs = list(zip(actions[::2], actions[1::2], strict=True))
    assert [
        part for key, label in pairs if key != "default" for part in (key, label)
    ] == buttons  # desktop-notifier's click
    # without buttons, today's text: the body names the command
    assert ("inboxwatch snooze zcynam 2d" in body) is (not buttons)


def test_a_refused_notification_raises(bare_bus: DesktopSession, alert: Alert) -> None:
    # desktop-notifier only logs a failed Notify call; the channel must turn it into an error.
    refused = r"did not take the notification: .*too many notifications"
    with notification_server(RecordingServer(["body"], refuse=True)), pytest.raises(NotifyError, match=refused):
        DesktopChannel(timeout=5).send(alert)


def test_a_server_that_does_not_answer_times_out(bare_bus: DesktopSession, alert: Alert) -> None:
    started = time.monotonic()
    with notification_server(SilentServer()), pytest.raises(NotifyError, match=r"did not answer within 0.3s"):
        DesktopChannel(timeout=0.3).send(alert)
    assert time.monotonic() - started < 3


def test_without_a_session_bus_send_raises(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, alert: Alert) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path / 'no-bus-here'}")
    with pytest.raises(NotifyError, match=r"no D-Bus session bus"):
        DesktopChannel(timeout=5).send(alert)
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS")
    monkeypatch.delenv("DISPLAY", raising=False)
    with pytest.raises(NotifyError, match=r"no D-Bus session bus"):
        DesktopChannel(timeout=5).send(alert)


def test_server_gone_between_sends(desktop: DesktopSession, alert: Alert) -> None:
    channel = DesktopChannel(timeout=5)
    channel.send(alert)
    dunst = desktop.processes[-1]
    desktop.stop_process(dunst)
    with pytest.raises(NotifyError, match=r"no notification server"):
        channel.send(alert)


def test_body_without_markup_is_plain(alert: Alert) -> None:
    alert = make_alert("Smith & Sons")
    plain = desktop_body(alert, markup=False)
    assert "<i>" not in plain
    assert "&amp;" not in plain
    assert plain.splitlines()[0] == "To: Sam Okafor <sam.okafor@copperline-robotics.example>"


def test_screenshot_of_a_nudge(desktop: DesktopSession, alert: Alert) -> None:
    """What a user sees: saved to benchmarks/results/desktop-nudge.png (gitignored) to look at."""
    if shutil.which("import") is None or shutil.which("identify") is None:
        pytest.skip("ImageMagick (import, identify) is not installed")
    DesktopChannel().send(alert)
    desktop.wait_displayed(1)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    colours = 0
    deadline = time.monotonic() + 5
    while colours <= 20 and time.monotonic() < deadline:  # dunst draws just after it counts the notification
        desktop.screenshot(SCREENSHOT)
        found = subprocess.run(["identify", "-format", "%k", str(SCREENSHOT)], capture_output=True, check=True)
        colours = int(found.stdout)
    assert colours > 20, "the screen is blank: dunst drew nothing"

"""A throwaway desktop for tests: Xvfb on a free display, a private D-Bus session bus, dunst on both.

Nothing of the machine's own session is used or touched: the bus has its own config (no activatable
services, so no real notification daemon can be started behind our back), its socket lives in a private
temporary folder, and Xvfb picks a free display number itself (``-displayfd``).
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

REQUIRED = ("Xvfb", "dbus-daemon", "dunst", "dunstctl")

BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""

DUNSTRC = """[global]
    font = DejaVu Sans 10
    width = 460
    origin = top-right
    offset = 16x16
    padding = 10
    horizontal_padding = 12
    frame_width = 2
    frame_color = "#8fa8c8"
    markup = full
    format = "<b>%s</b>\\n%b"
    word_wrap = yes
    icon_position = off
    show_indicators = no

[urgency_low]
    background = "#1f2d3d"
    foreground = "#ffffff"
    timeout = 0

[urgency_normal]
    background = "#1f2d3d"
    foreground = "#ffffff"
    timeout = 0

[urgency_critical]
    background = "#5a1f1f"
    foreground = "#ffffff"
    timeout = 0
"""


def missing_programs() -> list[str]:
    return [p for p in REQUIRED if shutil.which(p) is None]


class SessionError(RuntimeError):
    pass


@dataclass
class DesktopSession:
    """What the test needs to reach the session; ``stop`` ends every process it started."""

    root: Path
    display: str = ""
    bus_address: str = ""
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    logs: list[IO[bytes]] = field(default_factory=list)

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "DBUS_SESSION_BUS_ADDRESS")}
        if self.display:
            env["DISPLAY"] = self.display
        if self.bus_address:
            env["DBUS_SESSION_BUS_ADDRESS"] = self.bus_address
        return env

    # --- starting -------------------------------------------------------------------------------------

    def _spawn(self, argv: list[str], name: str, **kwargs: Any) -> subprocess.Popen[bytes]:
        log = (self.root / f"{name}.log").open("wb")
        self.logs.append(log)
        kwargs.setdefault("stdout", log)
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stderr=log, start_new_session=True, **kwargs)
        self.processes.append(proc)
        return proc

    def log(self, name: str) -> str:
        path = self.root / f"{name}.log"
        return path.read_text("utf-8", "replace") if path.exists() else ""

    def start_display(self, size: str = "800x450x24", timeout: float = 10.0) -> None:
        read_fd, write_fd = os.pipe()
        try:
            self._spawn(
                ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", size, "-nolisten", "tcp", "-nocursor"],
                "xvfb",
                pass_fds=(write_fd,),
            )
            os.close(write_fd)
            write_fd = -1
            number = _read_line(read_fd, timeout, "Xvfb", lambda: self.log("xvfb"))
        finally:
            os.close(read_fd)
            if write_fd >= 0:
                os.close(write_fd)
        self.display = f":{number}"

    def start_bus(self, timeout: float = 10.0) -> None:
        config = self.root / "bus.conf"
        config.write_text(BUS_CONFIG.format(socket=self.root / "bus"))
        proc = self._spawn(
            ["dbus-daemon", f"--config-file={config}", "--nofork", "--nopidfile", "--print-address"],
            "dbus",
            stdout=subprocess.PIPE,
        )
        assert proc.stdout is not None
        self.bus_address = _read_line(proc.stdout.fileno(), timeout, "dbus-daemon", lambda: self.log("dbus"))

    def start_dunst(self, timeout: float = 10.0, menu: Path | None = None) -> None:
        """dunst on the bus; ``menu`` is the program its context menu runs (``dmenu``: the actions on stdin, the
        chosen one on stdout), so a test can press a notification's button the way a user picks one."""
        rc = self.root / "dunstrc"
        rc.write_text(DUNSTRC.replace("[global]\n", f"[global]\n    dmenu = {menu}\n") if menu else DUNSTRC)
        proc = self._spawn(["dunst", "-config", str(rc)], "dunst", env=self.env)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise SessionError(f"dunst exited {proc.returncode}: {self.log('dunst')[-500:]}")
            if self.owns_notifications():
                return
            time.sleep(0.02)
        raise SessionError(f"dunst did not take org.freedesktop.Notifications within {timeout}s")

    # --- looking ---------------------------------------------------------------------------------------

    def owns_notifications(self) -> bool:
        done = subprocess.run(
            [
                "dbus-send",
                f"--bus={self.bus_address}",
                "--print-reply=literal",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                "string:org.freedesktop.Notifications",
            ],
            capture_output=True,
            check=False,
            timeout=5,
        )
        return done.returncode == 0 and b"true" in done.stdout

    def dunstctl(self, *args: str) -> str:
        done = subprocess.run(["dunstctl", *args], env=self.env, capture_output=True, check=True, timeout=5)
        return done.stdout.decode("utf-8")

    def displayed(self) -> int:
        return int(self.dunstctl("count", "displayed").strip() or 0)

    def wait_displayed(self, count: int, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while self.displayed() < count:
            if time.monotonic() > deadline:
                raise SessionError(f"dunst displays {self.displayed()} notification(s), expected {count}")
            time.sleep(0.02)

    def history(self) -> list[dict[str, Any]]:
        """Every notification dunst showed, newest first (closing the displayed ones moves them there)."""
        self.dunstctl("close-all")
        data = json.loads(self.dunstctl("history"))
        return [{key: value["data"] for key, value in item.items()} for item in data["data"][0]]

    def screenshot(self, target: Path) -> None:
        subprocess.run(
            ["import", "-display", self.display, "-window", "root", str(target)],
            env=self.env,
            check=True,
            capture_output=True,
            timeout=15,
        )

    # --- stopping --------------------------------------------------------------------------------------

    def stop_process(self, proc: subprocess.Popen[bytes]) -> None:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=3)
        if proc.stdout is not None:
            proc.stdout.close()

    def stop(self) -> None:
        for proc in reversed(self.processes):
            self.stop_process(proc)
        self.processes.clear()
        for log in self.logs:
            log.close()
        self.logs.clear()
        shutil.rmtree(self.root, ignore_errors=True)


def _read_line(fd: int, timeout: float, what: str, log: Any) -> str:
    """One line from ``fd`` (what a daemon prints when ready), or ``SessionError`` after ``timeout``."""
    data = b""
    deadline = time.monotonic() + timeout
    while not data.endswith(b"\n"):
        left = deadline - time.monotonic()
        ready, _, _ = select.select([fd], [], [], max(left, 0))
        if not ready:
            raise SessionError(f"{what} was not ready within {timeout}s: {log()[-500:]}")
        chunk = os.read(fd, 256)
        if not chunk:
            raise SessionError(f"{what} exited before it was ready: {log()[-500:]}")
        data += chunk
    return data.decode().strip()


@contextlib.contextmanager
def desktop_session(*, display: bool = True, dunst: bool = True, menu: Path | None = None) -> Iterator[DesktopSession]:
    """A private bus, and unless told otherwise a display and dunst (``menu``: its context menu's program);
    everything ends on exit."""
    # A short folder in /tmp: a unix socket path must stay under 108 bytes.
    session = DesktopSession(Path(tempfile.mkdtemp(prefix="iw-desk-")))
    try:
        if display:
            session.start_display()
        session.start_bus()
        if dunst:
            session.start_dunst(menu=menu)
        yield session
    finally:
        session.stop()

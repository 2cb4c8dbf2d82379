"""``inboxwatch run`` with hostile mail: READY within 2 s of start, watchdog pings keep coming while a bad
message is abandoned, and SIGTERM ends the process within 5 s even in the middle of one. The bad messages
are calendar bombs and messages the parser loops on (an injected fault, tests/hostile/inject: the calendar
code bounds the bombs itself now, and the budget is for whatever a library can still loop on)."""

from __future__ import annotations

import mailbox
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.hostile.mail import calendar_bombs, good_neighbour, looping
from tests.hostile.scan import companies, looping_env, maildir_home, skipped

NOW = datetime.now(UTC)


@pytest.fixture
def notify_socket() -> Iterator[tuple[socket.socket, str]]:
    folder = tempfile.mkdtemp(prefix="iw-")  # a short path: unix socket names are limited to 108 bytes
    path = os.path.join(folder, "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(0.1)
    yield sock, path
    sock.close()
    os.unlink(path)
    os.rmdir(folder)


def messages_until(sock: socket.socket, deadline: float) -> list[tuple[float, str]]:
    got = []
    while time.monotonic() < deadline:
        try:
            got.append((time.monotonic(), sock.recv(4096).decode()))
        except TimeoutError:
            continue
    return got


def test_run_is_ready_at_once_keeps_pinging_while_abandoning_and_stops_within_5_s(
    tmp_path: Path, notify_socket: tuple[socket.socket, str]
) -> None:
    sock, path = notify_socket
    inbox, config = maildir_home(tmp_path)
    config.write_text(config.read_text().replace('sent = "', 'poll_every = "1s"\nsent = "'))
    bombs = calendar_bombs(NOW - timedelta(days=1))
    inbox.add(bombs[0].raw)
    inbox.add(looping(NOW - timedelta(hours=3)))
    inbox.add(good_neighbour(NOW - timedelta(hours=2)))
    env = {**os.environ, **looping_env(), "NOTIFY_SOCKET": path, "WATCHDOG_USEC": "2000000"}  # a ping a second
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "inboxwatch", "run", "--config", str(config)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = messages_until(sock, started + 10)
        ready = [t for t, m in first if "READY=1" in m]
        assert ready, [m for _, m in first]
        assert ready[0] - started < 2.0, f"READY after {ready[0] - started:.1f} s"
        pings = [t for t, m in first if m == "WATCHDOG=1"]
        assert len(pings) >= 5, first
        gaps = [b - a for a, b in zip([ready[0], *pings], pings, strict=False)]
        assert max(gaps) < 2.5, f"the watchdog went quiet for {max(gaps):.1f} s"
        assert len(skipped(tmp_path)) == 1, "the hostile message was not abandoned within 10 s"

        # More hostile mail arrives; SIGTERM while the daemon is abandoning it.
        for n in range(2, 5):
            mailbox.Maildir(tmp_path / "Mail" / "INBOX").add(looping(NOW - timedelta(minutes=n), n))
        mailbox.Maildir(tmp_path / "Mail" / "INBOX").add(bombs[1].raw)
        time.sleep(2.5)  # the next poll (1 s) has started on them
        stopping = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=30)
        assert time.monotonic() - stopping < 5.0, f"stopped after {time.monotonic() - stopping:.1f} s"
        assert code == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        _, err = proc.communicate()
    assert "Traceback" not in err, err
    assert "Larchmont Analytics" in companies(config)

"""``inboxwatch run`` as a real process: systemd readiness, delivery exactly once, reload, stop, restart."""

from __future__ import annotations

import json
import mailbox
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from tests.support.mailfactory import ME, ics, make_message

NOW = datetime.now(UTC)
INTERVIEW = NOW - timedelta(days=8)  # the first follow-up fell due a day ago


def wait_for(check: Callable[[], bool], timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def home(tmp_path: Path) -> Path:
    (tmp_path / "Mail").mkdir()
    inbox = mailbox.Maildir(tmp_path / "Mail" / "INBOX", create=True)
    mailbox.Maildir(tmp_path / "Mail" / "Sent", create=True)
    start = INTERVIEW.strftime("%Y%m%dT%H%M%SZ")
    end = (INTERVIEW + timedelta(hours=1)).strftime("%Y%m%dT%H%M%SZ")
    inbox.add(
        make_message(
            sender="Dana Whitfield <dana@northwind-analytics.example>",
            subject="Interview confirmed: Senior Data Engineer at Northwind Analytics",
            body="Hi Alex,\n\nYour interview is confirmed. Looking forward to it!\n\nDana",
            date=INTERVIEW - timedelta(days=3),
            calendar=ics(
                "nw-daemon",
                start,
                end,
                "Interview: Alex Morgan / Senior Data Engineer",
                organizer="dana@northwind-analytics.example",
            ),
        )
    )
    alerts = tmp_path / "alerts.jsonl"
    hook = tmp_path / "hook.py"
    hook.write_text(
        f"import sys\nwith open({str(alerts)!r}, 'a') as f:\n    f.write(sys.stdin.read().strip() + '\\n')\n"
    )
    write_config(tmp_path, valid=True)
    return tmp_path


def write_config(home: Path, valid: bool) -> None:
    (home / "config.toml").write_text(f"""
state_dir = "{home / "state"}"
[identity]
name = "Alex Morgan"
addresses = ["{ME}"]
[[accounts]]
name = "personal"
kind = "{"maildir" if valid else "pop3"}"
inbox = "{home / "Mail" / "INBOX"}"
sent = "{home / "Mail" / "Sent"}"
poll_every = "1s"
[alerts]
channels = ["command"]
[alerts.command]
argv = ["{sys.executable}", "{home / "hook.py"}"]
""")


@pytest.fixture
def notify_socket() -> Iterator[tuple[socket.socket, str]]:
    folder = tempfile.mkdtemp(prefix="iw-")  # a short path: unix socket names are limited to 108 bytes
    path = os.path.join(folder, "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(0.2)
    yield sock, path
    sock.close()
    os.unlink(path)
    os.rmdir(folder)


def start(home: Path, notify_path: str) -> subprocess.Popen[str]:
    env = {**os.environ, "NOTIFY_SOCKET": notify_path}
    return subprocess.Popen(
        [sys.executable, "-m", "inboxwatch", "run", "--config", str(home / "config.toml")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def received(sock: socket.socket) -> list[str]:
    states = []
    while True:
        try:
            states.append(sock.recv(4096).decode())
        except TimeoutError:
            return states


def alerts(home: Path) -> list[dict[str, Any]]:
    path = home / "alerts.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def stop(proc: subprocess.Popen[str]) -> tuple[int, str]:
    proc.send_signal(signal.SIGTERM)
    try:
        _, err = proc.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    return proc.returncode, err


def test_daemon_delivers_once_reloads_stops_and_restarts(home: Path, notify_socket: tuple[socket.socket, str]) -> None:
    sock, path = notify_socket
    proc = start(home, path)
    try:
        states: list[str] = []

        def ready() -> bool:
            states.extend(received(sock))
            return any("READY=1" in s for s in states)

        assert wait_for(ready), (
            "no READY=1 on the notify socket"
        )
        assert wait_for(lambda: len(alerts(home)) == 1), "the due follow-up was not delivered"
        (alert,) = alerts(home)
        assert alert["kind"] == "follow_up" and alert["company"] == "Northwind Analytics"

        # New mail is picked up by the next poll.
        mailbox.Maildir(home / "Mail" / "INBOX").add(
            make_message(
                sender="Priya Nair <priya@larkspur-health.example>",
                subject="Interview invitation - Product Analyst at Larkspur Health",
                body="Hi Alex, we would like to invite you to an interview for the Product Analyst role. "
                "Please share your availability.",
                date=NOW - timedelta(hours=1),
            )
        )

        def conversations() -> int:
            out = subprocess.run(
                [sys.executable, "-m", "inboxwatch", "status", "--json", "--config", str(home / "config.toml")],
                capture_output=True,
                text=True,
                check=False,
            )
            return len(json.loads(out.stdout)) if out.returncode == 0 and out.stdout.strip() else 0

        assert wait_for(lambda: conversations() == 2), "the new message was not scanned"

        # A broken config on SIGHUP keeps the old one running.
        write_config(home, valid=False)
        proc.send_signal(signal.SIGHUP)
        time.sleep(2)
        assert proc.poll() is None
        write_config(home, valid=True)

        code, err = stop(proc)
        assert code == 0
        assert "new configuration rejected" in err
        assert "accounts[0].kind" in err
    finally:
        if proc.poll() is None:
            proc.kill()
    assert len(alerts(home)) == 1

    proc = start(home, path)  # a restart repeats nothing
    try:
        time.sleep(4)
        assert proc.poll() is None
        assert len(alerts(home)) == 1
        code, _ = stop(proc)
        assert code == 0
    finally:
        if proc.poll() is None:
            proc.kill()


def test_config_error_at_start_exits_2(home: Path) -> None:
    write_config(home, valid=False)
    done = subprocess.run(
        [sys.executable, "-m", "inboxwatch", "run", "--config", str(home / "config.toml")],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 2
    assert "accounts[0].kind" in done.stderr


def test_shipped_unit_is_hardened_and_verifies(tmp_path: Path) -> None:
    analyze = "/usr/bin/systemd-analyze"
    if not os.path.exists(analyze):
        pytest.skip("systemd-analyze is not installed")
    unit = Path(str(resources.files("inboxwatch") / "inboxwatch.service"))  # the one unit, as shipped
    copy = tmp_path / "inboxwatch.service"
    copy.write_text(unit.read_text())
    out = subprocess.run(
        [analyze, "security", "--offline=true", str(copy)], capture_output=True, text=True, check=False
    )
    line = next(x for x in out.stdout.splitlines() if "Overall exposure level" in x)
    exposure = float(line.split(":")[1].split()[0])
    assert exposure <= 2.5, line
    verify = subprocess.run([analyze, "verify", str(copy)], capture_output=True, text=True, check=False)
    assert verify.returncode == 0, verify.stderr
    assert "RestartPreventExitStatus=2" in unit.read_text()


def test_service_install_writes_the_unit_with_this_executable(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "inboxwatch", "service", "install", "--unit-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    text = (tmp_path / "inboxwatch.service").read_text()
    assert "Type=notify" in text and "ExecStart=" in text and " run" in text
    assert "systemctl --user enable --now inboxwatch" in done.stdout


def test_the_daily_digest_is_sent_once_a_day_on_the_command_channel(home: Path) -> None:
    from inboxwatch.runtime.daemon import Daemon

    clock = [datetime(2026, 3, 16, 8, 30, tzinfo=UTC)]
    daemon = Daemon(home / "config.toml", clock=lambda: clock[0])
    try:
        daemon.digest()
        daemon.digest()  # the same day again (a restart): nothing
        clock[0] += timedelta(days=1)
        daemon.digest()
    finally:
        daemon.store.close()
    digests = [a["message"] for a in alerts(home) if a.get("message", {}).get("kind") == "digest"]
    assert len(digests) == 2
    assert "follow-up(s) due" in str(digests[0]["title"])


def test_credentials_that_need_the_user_are_reported_once_not_at_every_retry(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from inboxwatch.runtime.daemon import Daemon

    monkeypatch.delenv("INBOXWATCH_NO_SUCH_TOKEN", raising=False)
    config = home / "config.toml"
    config.write_text(
        config.read_text()
        + """
[[accounts]]
name = "gmail"
kind = "gmail"
api_endpoint = "http://127.0.0.1:9"
token_env = "INBOXWATCH_NO_SUCH_TOKEN"
"""
    )
    daemon = Daemon(config)
    try:
        daemon.sync("gmail")
        daemon.sync("gmail")
    finally:
        daemon.store.close()
    told = [a["message"] for a in alerts(home) if a.get("message", {}).get("kind") == "account"]
    assert len(told) == 1
    assert "gmail" in told[0]["title"] and "INBOXWATCH_NO_SUCH_TOKEN" in told[0]["body"]

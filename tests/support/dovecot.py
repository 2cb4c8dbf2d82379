"""A throwaway Dovecot IMAP server for tests and benchmarks: loopback only, its own config, data and logs.

Dovecot runs as root (the master) and serves mail as ``nobody``; its unprivileged processes must traverse
the data folder's parents, so the data folder lives in a ``0755`` folder under ``/tmp`` (pytest's temporary
folders are ``0700``). One server listens on two ports: plaintext with STARTTLS, and implicit TLS, both
with a certificate signed by a CA the server object makes (``ca_file``).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

from imapclient import IMAPClient

from inboxwatch.config import AccountConfig
from inboxwatch.sources.imap import IMAPSource
from tests.support.certs import make_ca_and_cert

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
DOVEADM = shutil.which("doveadm") or "/usr/bin/doveadm"
PASSWORD = "s3cret-Pa55"
USER_POOL = 100
UTF8_USER = "utf8user"  # a user whose password is not ASCII (AUTHENTICATE PLAIN carries UTF-8)
UTF8_PASSWORD = "pässwörd-✓-密码"
PASSWORD_ENV = "INBOXWATCH_TEST_IMAP_PASSWORD"  # where the tests put PASSWORD for the source to read

CONFIG = """\
base_dir = {d}/run
state_dir = {d}/state
instance_name = inboxwatch-test-{port}
protocols = imap
listen = 127.0.0.1
default_internal_user = dovecot
default_login_user = dovenull
log_path = {d}/dovecot.log
info_log_path = {d}/dovecot.log
ssl = yes
ssl_cert = <{d}/server.crt
ssl_key = <{d}/server.key
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
auth_cache_size = 0
shutdown_clients = yes
mail_max_userip_connections = 200
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/passwd
}}
userdb {{
  driver = static
  args = uid=nobody gid=nogroup home={d}/home/%u
}}
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Sent {{
    special_use = \\Sent
    auto = subscribe
  }}
  mailbox Drafts {{
    special_use = \\Drafts
    auto = subscribe
  }}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
    ssl = yes
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0600
  }}
  unix_listener stats-writer {{
    mode = 0660
  }}
}}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, timeout: float = 10.0, *, up: bool = True) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                if up:
                    return
        except OSError:
            if not up:
                return
        time.sleep(0.02)
    raise TimeoutError(f"port {port} did not {'open' if up else 'close'} within {timeout} s")


def _descendants(pid: int) -> list[int]:
    """Process ids started by ``pid``, directly or not (read from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError, IndexError):
            stat = (entry / "stat").read_text()
            parents[int(entry.name)] = int(stat.rpartition(")")[2].split()[1])
    found: list[int] = []
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        kids = [child for child, p in parents.items() if p == parent]
        found.extend(kids)
        frontier.extend(kids)
    return found


class Dovecot:
    """One Dovecot instance. ``start()``/``stop()`` may be called repeatedly (same ports, same data)."""

    def __init__(self, root: Path | None = None) -> None:
        self._own_root = root is None
        self.root = Path(tempfile.mkdtemp(prefix="inboxwatch-dovecot-", dir="/tmp")) if root is None else root
        self.root.chmod(0o755)
        self.port = free_port()
        self.tls_port = free_port()
        self.conf = self.root / "dovecot.conf"
        self.log = self.root / "dovecot.log"
        self.passwd = self.root / "passwd"
        self.home = self.root / "home"
        self.home.mkdir(exist_ok=True)
        self.home.chmod(0o755)
        # Dovecot re-reads a changed passwd-file at most once a second, so users are made up front.
        users = "".join(f"user{n}:{{PLAIN}}{PASSWORD}::::::\n" for n in range(1, USER_POOL + 1))
        self.passwd.write_text(users + f"{UTF8_USER}:{{PLAIN}}{UTF8_PASSWORD}::::::\n", encoding="utf-8")
        self.passwd.chmod(0o644)
        self.ca_file, _, _ = make_ca_and_cert(self.root)
        self.conf.write_text(CONFIG.format(d=self.root, port=self.port, tls_port=self.tls_port))
        self.proc: subprocess.Popen[bytes] | None = None
        self._users = 0
        self._nobody = pwd.getpwnam("nobody")

    # --- lifecycle ---------------------------------------------------------------------------------

    def start(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            return
        self.proc = subprocess.Popen(
            [DOVECOT, "-c", str(self.conf), "-F"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        try:
            wait_for_port(self.port)
            wait_for_port(self.tls_port)
        except TimeoutError as e:
            self.proc.kill()
            _, err = self.proc.communicate()
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"dovecot did not start: {err.decode()} {log[-2000:]}") from e

    def stop(self) -> None:
        """Stop the master and every process it started (its imap processes outlive it otherwise)."""
        if self.proc is None:
            return
        children = _descendants(self.proc.pid)
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.proc = None
        wait_for_port(self.port, up=False)

    def cleanup(self) -> None:
        self.stop()
        if self._own_root:
            shutil.rmtree(self.root, ignore_errors=True)

    # --- users and mail ------------------------------------------------------------------------------

    def add_user(self) -> str:
        """A user with an empty mailbox (from the pool in the passwd file; password ``PASSWORD``)."""
        self._users += 1
        if self._users > USER_POOL:
            raise RuntimeError(f"more than {USER_POOL} users: raise USER_POOL")
        name = f"user{self._users}"
        home = self.home / name
        home.mkdir()
        os.chown(home, self._nobody.pw_uid, self._nobody.pw_gid)
        return name

    def add_utf8_user(self) -> str:
        """The user ``UTF8_USER`` (password ``UTF8_PASSWORD``), with an empty mailbox."""
        home = self.home / UTF8_USER
        if not home.exists():
            home.mkdir()
            os.chown(home, self._nobody.pw_uid, self._nobody.pw_gid)
        return UTF8_USER

    def maildir(self, user: str, folder: str = "INBOX") -> Path:
        base = self.home / user / "Maildir"
        return base if folder == "INBOX" else base / f".{folder}"

    def write_maildir(self, user: str, folder: str, messages: Iterable[tuple[bytes, float]]) -> int:
        """Write messages (raw, internal-date timestamp) as Maildir files, before Dovecot looks at them."""
        path = self.maildir(user, folder)
        uid, gid = self._nobody.pw_uid, self._nobody.pw_gid
        for sub in ("", "new", "cur", "tmp"):
            (path / sub).mkdir(parents=True, exist_ok=True)
            os.chown(path / sub, uid, gid)
        os.chown(path.parent if folder != "INBOX" else path, uid, gid)
        count = 0
        host = socket.gethostname()
        for count, (raw, stamp) in enumerate(messages, 1):
            file = path / "cur" / f"{int(stamp)}.M{count}P{os.getpid()}.{host},S={len(raw)}:2,"
            file.write_bytes(raw)
            os.chown(file, uid, gid)
            os.utime(file, (stamp, stamp))
        return count

    def client(self, user: str, password: str = PASSWORD) -> IMAPClient:
        c = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=30)
        c.login(user, password)
        return c

    @contextlib.contextmanager
    def session(self, user: str) -> Iterator[IMAPClient]:
        c = self.client(user)
        try:
            yield c
        finally:
            with contextlib.suppress(Exception):
                c.logout()

    def doveadm(self, *args: str) -> str:
        done = subprocess.run([DOVEADM, "-c", str(self.conf), *args], capture_output=True, check=True, timeout=60)
        return done.stdout.decode()


def cannot_run_dovecot() -> str | None:
    """Why the Dovecot tests cannot run here (a skip reason), or None."""
    if not shutil.which("dovecot") and not os.path.exists(DOVECOT):
        return "dovecot is not installed (scripts/test installs dovecot-imapd)"
    if os.geteuid() != 0:
        return "the Dovecot tests start the server as root"
    return None


def imap_account(
    server: Dovecot,
    user: str,
    *,
    name: str = "work",
    security: str = "none",
    backfill: timedelta = timedelta(days=120),
    **overrides: object,
) -> AccountConfig:
    """An ``imap`` account of ``user`` on ``server``; its password is read from ``PASSWORD_ENV``."""
    port = {"none": server.port, "starttls": server.port, "tls": server.tls_port}[security]
    values: dict[str, object] = {
        "name": name,
        "kind": "imap",
        "host": "127.0.0.1",
        "port": port,
        "security": security,
        "username": user,
        "password_env": PASSWORD_ENV,
        "backfill": backfill,
    }
    values.update(overrides)
    return AccountConfig(**values)  # type: ignore[arg-type]


class Recording(IMAPSource):
    """The real source, with every IMAP command it sends recorded (first words, secrets left out)."""

    def __init__(self, account: AccountConfig, **kwargs: Any) -> None:
        super().__init__(account, **kwargs)
        self.commands: list[str] = []

    def create_client(self) -> IMAPClient:
        client = super().create_client()
        imap = client._imap
        send, tagpre = imap.send, imap.tagpre

        def recording_send(data: bytes) -> None:
            for line in data.split(b"\r\n"):
                if line.startswith(tagpre):
                    words = line.decode("ascii", "replace").split(" ")
                    name = words[1].upper()
                    if name == "UID":
                        name += " " + words[2].upper()
                    arg = words[2] if len(words) > 2 and name in ("STATUS", "SELECT", "EXAMINE") else ""
                    self.commands.append(f"{name} {arg}".strip())
            send(data)

        imap.send = recording_send
        return client

"""The source contract (``source_contract.py``) run against every backend: Maildir, mbox, IMAP on a real
Dovecot, the Gmail REST API on its local fake (driven by the real client library), Gmail over IMAP on its fake.

Backend-specific behaviour (command counts, quota, TLS, IDLE, drafts) stays in ``tests/sources/``.
"""

from __future__ import annotations

import mailbox as mailboxes
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import ClassVar

import pytest

from inboxwatch.errors import AuthError, SourceError, TransientSourceError
from inboxwatch.models import FolderRole
from inboxwatch.sources.base import Source
from inboxwatch.sources.gmail import GmailSource
from inboxwatch.sources.imap import FolderCursor, IMAPSource
from inboxwatch.sources.local import LocalSource
from tests.contract.source_contract import INBOX, SENT, Failure, SourceContract, SourceHarness
from tests.support.certs import make_ca_and_cert
from tests.support.dovecot import Dovecot, Recording, free_port, imap_account
from tests.support.gmail_fake import TOKEN, TOKEN_ENV, FakeGmail, Sleeps, gmail_account
from tests.support.gmail_imap_fake import TOKEN as IMAP_TOKEN
from tests.support.gmail_imap_fake import TOKEN_ENV as IMAP_TOKEN_ENV
from tests.support.gmail_imap_fake import GmailIMAP, writes
from tests.support.gmail_imap_fake import gmail_account as gmail_imap_account
from tests.support.mail import NOW
from tests.support.mailfactory import ME

WRITING = ("SELECT", "STORE", "UID STORE", "COPY", "UID COPY", "MOVE", "UID MOVE", "EXPUNGE", "APPEND", "DELETE")


def other_uidvalidity(cursor: str) -> list[str]:
    """The cursor as it reads after the folder was recreated: the server announces a new UIDVALIDITY."""
    state = FolderCursor.load(cursor)
    assert state is not None
    return [FolderCursor(state.folder, state.uidvalidity + 1, state.uidnext, state.highestmodseq).dump()]


# --- Maildir and mbox ---------------------------------------------------------------------------------


class MaildirHarness(SourceHarness):
    bounded_by_date: ClassVar[bool] = False  # a local folder is read whole; the store de-duplicates

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        super().__init__()
        self.root, self.monkeypatch = root, monkeypatch
        self.folders = {INBOX: mailboxes.Maildir(root / "INBOX"), SENT: mailboxes.Maildir(root / "Sent")}

    def add(self, raw: bytes, *, role: FolderRole = INBOX, days_ago: float = 1, flagged: bool = False) -> None:
        message = mailboxes.MaildirMessage(raw)
        if flagged:
            message.set_subdir("cur")
            message.set_flags("F")
        message.set_date((NOW - timedelta(days=days_ago)).timestamp())
        self.folders[role].add(message)

    def make(self) -> Source:
        if self.batch_size:
            self.monkeypatch.setattr("inboxwatch.sources.local.BATCH_SIZE", self.batch_size)
        return LocalSource("personal", "maildir", self.root / "INBOX", self.root / "Sent")

    def snapshot(self) -> object:
        return sorted(
            (str(p.relative_to(self.root)), p.read_bytes(), p.stat().st_mtime_ns)
            for p in self.root.rglob("*")
            if p.is_file()
        )

    def failures(self) -> list[Failure]:
        return [("a missing folder", lambda: LocalSource("p", "maildir", self.root / "gone", None), SourceError)]


class MboxHarness(SourceHarness):
    bounded_by_date: ClassVar[bool] = False

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        super().__init__()
        self.root, self.monkeypatch = root, monkeypatch
        self.files = {INBOX: root / "inbox.mbox", SENT: root / "sent.mbox"}
        self.raws: dict[FolderRole, list[bytes]] = {INBOX: [], SENT: []}
        for path in self.files.values():
            path.touch()

    def add(self, raw: bytes, *, role: FolderRole = INBOX, days_ago: float = 1, flagged: bool = False) -> None:
        if flagged:
            raw = b"X-Status: F\n" + raw
        self.raws[role].append(raw)
        with self.files[role].open("ab") as fh:
            fh.write(self._entry(raw, days_ago))

    @staticmethod
    def _entry(raw: bytes, days_ago: float = 1) -> bytes:
        when = (NOW - timedelta(days=days_ago)).strftime("%a %b %d %H:%M:%S %Y")
        return f"From MAILER-DAEMON {when}\n".encode() + raw.replace(b"\r\n", b"\n") + b"\n"

    def make(self) -> Source:
        if self.batch_size:
            self.monkeypatch.setattr("inboxwatch.sources.local.BATCH_SIZE", self.batch_size)
        return LocalSource("personal", "mbox", self.files[INBOX], self.files[SENT])

    def snapshot(self) -> object:
        return sorted((p.name, p.read_bytes(), p.stat().st_mtime_ns) for p in self.files.values())

    def stale(self, cursor: str) -> list[str]:
        """A mail client rewrote the file (same messages, another order): the cursor's fingerprint fails."""
        self.files[INBOX].write_bytes(b"".join(self._entry(raw) for raw in reversed(self.raws[INBOX])))
        return [cursor]

    def failures(self) -> list[Failure]:
        return [("a missing file", lambda: LocalSource("p", "mbox", self.root / "gone.mbox", None), SourceError)]


class TestMaildir(SourceContract):
    @pytest.fixture
    def mailbox(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SourceHarness]:
        harness = MaildirHarness(tmp_path, monkeypatch)
        yield harness
        harness.close()


class TestMbox(SourceContract):
    @pytest.fixture
    def mailbox(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SourceHarness]:
        harness = MboxHarness(tmp_path, monkeypatch)
        yield harness
        harness.close()


# --- IMAP on Dovecot ----------------------------------------------------------------------------------


class DovecotHarness(SourceHarness):
    FOLDERS: ClassVar = {INBOX: "INBOX", SENT: "Sent"}

    def __init__(self, server: Dovecot, user: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        super().__init__()
        self.server, self.user, self.tmp_path, self.monkeypatch = server, user, tmp_path, monkeypatch
        self.recorders: list[Recording] = []

    def add(self, raw: bytes, *, role: FolderRole = INBOX, days_ago: float = 1, flagged: bool = False) -> None:
        with self.server.session(self.user) as c:
            c.append(
                self.FOLDERS[role],
                raw,
                flags=[b"\\Flagged"] if flagged else [],
                msg_time=NOW - timedelta(days=days_ago),
            )

    def make(self) -> Source:
        if self.batch_size:
            self.monkeypatch.setattr("inboxwatch.sources.imap.BATCH_SIZE", self.batch_size)
        source = Recording(imap_account(self.server, self.user))
        self.recorders.append(source)
        return source

    def snapshot(self) -> object:
        flags = {}
        with self.server.session(self.user) as c:
            for folder in self.FOLDERS.values():
                c.select_folder(folder, readonly=True)
                flags[folder] = {uid: sorted(f) for uid, f in c.get_flags(c.search(["ALL"])).items()}
        return flags

    def writes(self) -> list[str]:
        return [c for r in self.recorders for c in r.commands if c.split(" ")[0] in WRITING or c in WRITING]

    def stale(self, cursor: str) -> list[str]:
        return other_uidvalidity(cursor)

    def failures(self) -> list[Failure]:
        other_ca, _, _ = make_ca_and_cert(self.tmp_path, "other-")
        self.monkeypatch.delenv("NO_SUCH_PASSWORD_ENV", raising=False)
        return [
            (
                "nothing listening",
                lambda: IMAPSource(imap_account(self.server, self.user, port=free_port())),
                TransientSourceError,
            ),
            (
                "no password",
                lambda: IMAPSource(imap_account(self.server, self.user, password_env="NO_SUCH_PASSWORD_ENV")),
                AuthError,
            ),
            (
                "a certificate from another CA",
                lambda: IMAPSource(imap_account(self.server, self.user, security="tls", ca_file=str(other_ca))),
                SourceError,
            ),
        ]


class TestDovecotIMAP(SourceContract):
    @pytest.fixture
    def mailbox(
        self, dovecot: Dovecot, imap_user: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> Iterator[SourceHarness]:
        harness = DovecotHarness(dovecot, imap_user, tmp_path, monkeypatch)
        yield harness
        harness.close()


# --- the Gmail REST API, on its fake ------------------------------------------------------------------


class GmailAPIHarness(SourceHarness):
    LABELS: ClassVar = {INBOX: "INBOX", SENT: "SENT"}

    def __init__(self, fake: FakeGmail, monkeypatch: pytest.MonkeyPatch) -> None:
        super().__init__()
        self.fake, self.monkeypatch = fake, monkeypatch

    def add(self, raw: bytes, *, role: FolderRole = INBOX, days_ago: float = 1, flagged: bool = False) -> None:
        labels = [self.LABELS[role], *(["STARRED"] if flagged else [])]
        self.fake.add_message(raw, labels, internal_date=(NOW - timedelta(days=days_ago)).timestamp())

    def make(self) -> Source:
        source = GmailSource(gmail_account(self.fake), sleep=Sleeps())
        if self.batch_size:
            source.page_size = self.batch_size
        return source

    def snapshot(self) -> object:
        return {i: sorted(m.labels) for i, m in self.fake.messages.items()}

    def writes(self) -> list[str]:
        return [f"{s.method} {s.path}" for s in self.fake.seen if s.method != "GET" and s.path != "/batch"]

    def stale(self, cursor: str) -> list[str]:
        """Gmail keeps a week or so of history: later activity, then the cursor's history id has expired."""
        self.fake.bump_history()
        self.fake.expire_history()
        return [cursor]

    def failures(self) -> list[Failure]:
        self.monkeypatch.setenv("WRONG_GMAIL_TOKEN", "ya29.not-the-right-one")
        nobody = f"http://127.0.0.1:{free_port()}"
        return [
            ("a wrong token", lambda: GmailSource(gmail_account(self.fake, token_env="WRONG_GMAIL_TOKEN")), AuthError),
            (
                "nothing listening",
                lambda: GmailSource(gmail_account(self.fake, api_endpoint=nobody)),
                TransientSourceError,
            ),
            ("a server error that lasts", self._failing, TransientSourceError),
        ]

    def _failing(self) -> Source:
        self.fake.fail(r"/messages\?", 503, times=1000)
        return GmailSource(gmail_account(self.fake), sleep=Sleeps())


class TestGmailAPI(SourceContract):
    @pytest.fixture
    def mailbox(self, monkeypatch: pytest.MonkeyPatch) -> Iterator[SourceHarness]:
        monkeypatch.setenv(TOKEN_ENV, TOKEN)
        with FakeGmail(token=TOKEN) as fake:
            harness = GmailAPIHarness(fake, monkeypatch)
            yield harness
            harness.close()


# --- Gmail over IMAP, on its fake ---------------------------------------------------------------------


class GmailIMAPHarness(SourceHarness):
    LABELS: ClassVar = {INBOX: "\\Inbox", SENT: "\\Sent"}

    def __init__(self, server: GmailIMAP, monkeypatch: pytest.MonkeyPatch) -> None:
        super().__init__()
        self.server, self.monkeypatch = server, monkeypatch

    def add(self, raw: bytes, *, role: FolderRole = INBOX, days_ago: float = 1, flagged: bool = False) -> None:
        when = NOW - timedelta(days=days_ago)
        self.server.add(raw, [self.LABELS[role]], flags=["\\Flagged"] if flagged else [], date=when)

    def make(self) -> Source:
        if self.batch_size:
            self.monkeypatch.setattr("inboxwatch.sources.imap.BATCH_SIZE", self.batch_size)
        return IMAPSource(gmail_imap_account(self.server), timeout=10)

    def snapshot(self) -> object:
        return {m.msgid: (sorted(m.flags), sorted(m.labels)) for m in self.server.messages.values()}

    def writes(self) -> list[str]:
        return writes(self.server.commands)

    def stale(self, cursor: str) -> list[str]:
        return other_uidvalidity(cursor)

    def failures(self) -> list[Failure]:
        self.monkeypatch.setenv("WRONG_GMAIL_IMAP_TOKEN", "ya29.not-the-right-one")
        return [
            (
                "a wrong token",
                lambda: IMAPSource(gmail_imap_account(self.server, password_env="WRONG_GMAIL_IMAP_TOKEN")),
                AuthError,
            ),
            (
                "nothing listening",
                lambda: IMAPSource(gmail_imap_account(self.server, port=free_port())),
                TransientSourceError,
            ),
        ]


class TestGmailIMAP(SourceContract):
    @pytest.fixture
    def mailbox(self, monkeypatch: pytest.MonkeyPatch) -> Iterator[SourceHarness]:
        monkeypatch.setenv(IMAP_TOKEN_ENV, IMAP_TOKEN)
        with GmailIMAP(user=ME, token=IMAP_TOKEN) as server:
            harness = GmailIMAPHarness(server, monkeypatch)
            yield harness
            harness.close()

"""The IMAP source's pure parts: prefilter, folder roles, cursor, fetch groups, secrets, error mapping."""

from __future__ import annotations

import socket
import sys
from datetime import timedelta

import pytest
from imapclient import IMAPClient

from inboxwatch.config import AccountConfig
from inboxwatch.config.credentials import keyring_username, password_from_command, resolve_password
from inboxwatch.errors import AuthError, SourceError, TransientSourceError
from inboxwatch.models import FolderRole
from inboxwatch.sources.imap import MAX_BODY_BYTES, FolderCursor, IMAPSource, _body_groups
from inboxwatch.sources.imap_folders import needs_listing, resolve_folders
from inboxwatch.sources.prefilter import might_be_job_mail, parse_header_lines
from tests.support.fresh import run_fresh

# --- prefilter ----------------------------------------------------------------------------------------

BULK = (
    b"From: Deals <news@shop.example>\r\nSubject: Weekend sale: 20% off\r\n"
    b"List-Unsubscribe: <mailto:u@shop.example>\r\nPrecedence: bulk\r\n\r\n"
)


def headers(**fields: str) -> bytes:
    return b"".join(f"{k.replace('_', '-')}: {v}\r\n".encode() for k, v in fields.items()) + b"\r\n"


def test_plain_bulk_mail_is_not_a_candidate() -> None:
    assert might_be_job_mail(BULK, FolderRole.INBOX) is False
    digest = headers(From="a@news.example", Subject="Digest", List_Id="<x.news>")
    assert might_be_job_mail(digest, FolderRole.INBOX) is False
    esp = headers(From="a@esp.example", Subject="Hi", Feedback_ID="1:2:esp")
    assert might_be_job_mail(esp, FolderRole.INBOX) is False
    # A reply posted to a list (a code review, a forum thread) answers the list, not the owner.
    review = headers(
        From="Forge <notifications@forge.example>",
        Subject="Re: [org/repo] Fix flaky test (#42)",
        In_Reply_To="<org/repo/pull/42@forge.example>",
        List_Id="org/repo <repo.org.forge.example>",
        List_Unsubscribe="<mailto:u@forge.example>",
    )
    assert might_be_job_mail(review, FolderRole.INBOX) is False
    job_review = review.replace(b"Fix flaky test", b"Interview kit for the backend role")
    assert might_be_job_mail(job_review, FolderRole.INBOX) is True  # job words still count


@pytest.mark.parametrize(
    "fields",
    [
        {"From": "Dana <dana@acme.example>", "Subject": "Quick question"},  # not bulk: always read
        {"From": "x@shop.example", "Subject": "Interview availability", "List-Id": "<l>"},
        {"From": "no-reply@us.greenhouse-mail.io", "Subject": "Thanks!", "List-Unsubscribe": "<u>"},
        {"From": "jobs-noreply@linkedin.com", "Subject": "Your update", "List-Unsubscribe": "<u>"},
        {"From": "x@shop.example", "Subject": "Re: hi", "In-Reply-To": "<a@b>", "Precedence": "bulk"},
        {"From": "x@shop.example", "Subject": "Event", "Precedence": "list", "Content-Type": "text/calendar"},
        {"From": "x@shop.example", "Subject": "Away", "Precedence": "bulk", "Auto-Submitted": "auto-replied"},
        {"From": "x@shop.example", "Subject": "=?utf-8?q?Ihre_Bewerbung?=", "List-Id": "<l>"},
        {"From": "x@shop.example", "Subject": "Thank you for applying", "List-Id": "<l>"},
    ],
)
def test_anything_that_may_be_about_a_job_is_a_candidate(fields: dict[str, str]) -> None:
    assert might_be_job_mail(headers(**fields), FolderRole.INBOX) is True


def test_sent_and_drafts_are_always_candidates() -> None:
    assert might_be_job_mail(BULK, FolderRole.SENT) is True
    assert might_be_job_mail(BULK, FolderRole.DRAFTS) is True


def test_garbage_headers_are_candidates() -> None:
    assert might_be_job_mail(b"\xff\xfe not a header\r\n\r\n", FolderRole.INBOX) is True
    assert might_be_job_mail(b"", FolderRole.INBOX) is True


def test_header_lines_are_unfolded_and_repeats_joined() -> None:
    parsed = parse_header_lines(b"Subject: a long\r\n  subject\r\nTo: a@x\r\nTo: b@x\r\n\r\nBody: no\r\n")
    assert parsed == {"subject": "a long subject", "to": "a@x, b@x"}


# --- folders ------------------------------------------------------------------------------------------


def test_special_use_flags_decide_and_overrides_win() -> None:
    listing = [
        ((b"\\HasNoChildren",), b"/", "INBOX"),
        ((b"\\HasNoChildren", b"\\Sent"), b"/", "Gesendet"),
        ((b"\\Drafts",), b"/", "Entwürfe"),
        ((b"\\All",), b"/", "Alle"),
        ((), b"/", "Sent"),
    ]
    assert resolve_folders(listing, {}) == {
        FolderRole.INBOX: "INBOX",
        FolderRole.SENT: "Gesendet",
        FolderRole.DRAFTS: "Entwürfe",
        FolderRole.ALL: "Alle",
    }
    assert resolve_folders(listing, {FolderRole.SENT: "Sent", FolderRole.INBOX: "Jobs"})[FolderRole.SENT] == "Sent"
    assert resolve_folders(listing, {FolderRole.INBOX: "Jobs"})[FolderRole.INBOX] == "Jobs"


def test_gmail_names_when_flags_are_missing() -> None:
    listing = [
        ((b"\\Noselect", b"\\HasChildren"), b"/", "[Gmail]"),
        ((b"\\HasNoChildren",), b"/", "[Gmail]/Sent Mail"),
        ((b"\\HasNoChildren",), b"/", "[Gmail]/Drafts"),
        ((b"\\HasNoChildren",), b"/", "[Gmail]/All Mail"),
    ]
    found = resolve_folders(listing, {})
    assert found[FolderRole.SENT] == "[Gmail]/Sent Mail"
    assert found[FolderRole.DRAFTS] == "[Gmail]/Drafts"
    assert found[FolderRole.ALL] == "[Gmail]/All Mail"


def test_no_sent_folder_is_left_out() -> None:
    assert resolve_folders([((), b".", "INBOX")], {}) == {FolderRole.INBOX: "INBOX"}
    assert needs_listing({FolderRole.SENT: "S", FolderRole.DRAFTS: "D"}, [FolderRole.INBOX, FolderRole.SENT]) is False
    assert needs_listing({FolderRole.SENT: None}, [FolderRole.INBOX, FolderRole.SENT]) is True


# --- cursor and fetch groups ------------------------------------------------------------------------


def test_cursor_round_trip_and_unreadable_cursors() -> None:
    cursor = FolderCursor("INBOX", 7, 42, 99)
    assert FolderCursor.load(cursor.dump()) == cursor
    assert FolderCursor.load(FolderCursor("Sent", 7, 42).dump()) == FolderCursor("Sent", 7, 42, None)
    for bad in (None, "", "{", "[]", '{"uidvalidity": 1}', '{"folder": "INBOX", "uidvalidity": "x", "uidnext": 1}'):
        assert FolderCursor.load(bad) is None


def test_body_fetches_are_grouped_by_size() -> None:
    small = [(n, 3 << 20 >> 4) for n in range(1, 40)]  # 192 KiB each
    big = [(100, 30 << 20), (101, 2 << 20)]
    groups = list(_body_groups([*small, *big]))
    assert all(item == "BODY.PEEK[]" for item, _, _ in groups[:-1])
    assert groups[-1] == (f"BODY.PEEK[]<0.{MAX_BODY_BYTES}>", b"BODY[]<0>", [100, 101])
    assert sum(len(g) for _, _, g in groups) == len(small) + 2
    assert all(len(g) * (3 << 20 >> 4) <= 8 << 20 for _, _, g in groups[:-1])


# --- secrets ------------------------------------------------------------------------------------------


def test_password_command_takes_the_first_line_only() -> None:
    command = f"{sys.executable} -c \"print('first line'); print('second')\""
    assert password_from_command(command) == "first line"


def test_failing_password_command_never_shows_its_output() -> None:
    command = f"{sys.executable} -c \"print('hunter2-secret'); raise SystemExit(3)\""
    with pytest.raises(AuthError, match="exited with status 3") as caught:
        password_from_command(command)
    assert "hunter2" not in str(caught.value)
    with pytest.raises(AuthError, match="not found"):
        password_from_command("/nonexistent/pass show mail")


def test_keyring_is_the_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring

    asked: list[tuple[str, str]] = []

    def get_password(service: str, username: str) -> str | None:
        asked.append((service, username))
        return "from-keyring" if username == "imap:work" else None

    monkeypatch.setattr(keyring, "get_password", get_password)
    assert resolve_password(command=None, env=None, keyring_user=keyring_username("imap", "work")) == "from-keyring"
    with pytest.raises(AuthError, match="inboxwatch auth"):
        resolve_password(command=None, env=None, keyring_user="imap:other")
    assert asked == [("inboxwatch", "imap:work"), ("inboxwatch", "imap:other")]


# --- how connection failures are told apart ------------------------------------------------------------


class ConnectFails(IMAPSource):
    """The real source, whose connection fails the way ``error`` says before any command is sent."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(AccountConfig(name="w", kind="imap", host="imap.example.com", username="me"))
        self.error = error

    def password(self) -> str:
        return "app-password"

    def create_client(self) -> IMAPClient:
        raise self.error


@pytest.mark.parametrize(
    "error",
    [
        TimeoutError("timed out"),
        ConnectionResetError(104, "reset"),
        socket.gaierror(-3, "Temporary failure in name resolution"),
        EOFError(),
    ],
)
def test_network_errors_are_transient(error: BaseException) -> None:
    with pytest.raises(TransientSourceError) as caught:
        ConnectFails(error).roles()
    assert caught.value.__cause__ is error


def test_missing_host_or_unknown_security_is_a_source_error() -> None:
    with pytest.raises(SourceError, match="no IMAP host"):
        IMAPSource(AccountConfig(name="w", kind="imap", username="u"))
    with pytest.raises(SourceError, match="unknown security"):
        IMAPSource(AccountConfig(name="w", kind="imap", host="h", username="u", security="ssl3"))
    assert timedelta(days=120) == IMAPSource(AccountConfig(name="w", kind="imap", host="h", username="u")).backfill


def test_the_phrase_tables_load_while_the_connection_is_made_not_before() -> None:
    """Loading the IMAP source leaves the classifier's phrase tables (a fifth of a second) for later: the first
    connection starts loading them in a thread, so the login's round trips are waited for meanwhile."""
    code = (
        "import sys, time\n"
        "import inboxwatch.sources.imap as imap\n"
        "assert 'inboxwatch.core.detect.rules' not in sys.modules, 'loaded with the source'\n"
        "class Refused(imap.IMAPSource):\n"
        "    def password(self): raise RuntimeError('no server here')\n"
        "from inboxwatch.config import AccountConfig\n"
        "source = Refused(AccountConfig(name='w', kind='imap', host='127.0.0.1', port=9, username='u'))\n"
        "try:\n"
        "    source._connection()\n"
        "except RuntimeError:\n"
        "    pass\n"
        "deadline = time.monotonic() + 30\n"
        "def loaded():\n"
        "    return hasattr(sys.modules.get('inboxwatch.core.detect.reading'), 'read_wanted')\n"
        "while not loaded():\n"
        "    assert time.monotonic() < deadline, 'never loaded'\n"
        "    time.sleep(0.01)\n"
        "print('loaded')\n"
    )
    assert run_fresh(code, timeout=60) == "loaded"

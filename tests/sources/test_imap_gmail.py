"""The IMAP source against Gmail's IMAP extensions, on a protocol-level fake of Gmail (gmail_imap_fake).

Dovecot (test_imap.py) cannot send X-GM-MSGID, X-GM-THRID or Gmail's folders and labels, so these tests
run the real IMAPSource, imapclient and imaplib over TCP against :class:`GmailIMAP`, and assert on both
what the source makes of Gmail's answers and on the IMAP commands it sent.
"""

from __future__ import annotations

import base64
import logging
import re
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from imapclient import IMAPClient
from imapclient.exceptions import LoginError

from inboxwatch import cli
from inboxwatch.config import AccountConfig, load_config
from inboxwatch.core.track import EventKind
from inboxwatch.errors import AuthError, InboxwatchError, TransientSourceError
from inboxwatch.models import FolderRole
from inboxwatch.runtime.pipeline import overview, scan
from inboxwatch.sources.imap import FolderCursor, IMAPSource
from inboxwatch.state.store import Store
from tests.support.gmail_fake import FakeGmail
from tests.support.gmail_imap_fake import (
    FOLDER_NAMES,
    TOKEN,
    TOKEN_ENV,
    GmailIMAP,
    command_names,
    gmail_account,
    writes,
)
from tests.support.mail import (
    NOW,
    bulk_mail,
    config_for,
    drain,
    job_mail,
    last_cursor,
    sent_mail,
    subjects,
)
from tests.support.mailfactory import ME, ME_NAME, make_message

pytestmark = pytest.mark.system

GERMAN = {  # Gmail localises its folder names; only the SPECIAL-USE attributes stay the same
    "all": "[Google Mail]/Alle Nachrichten",
    "drafts": "[Google Mail]/Entwürfe",
    "important": "[Google Mail]/Wichtig",
    "sent": "[Google Mail]/Gesendet",
    "spam": "[Google Mail]/Spam",
    "starred": "[Google Mail]/Markiert",
    "trash": "[Google Mail]/Papierkorb",
}
INBOX, SENT, DRAFTS, ALL = FolderRole.INBOX, FolderRole.SENT, FolderRole.DRAFTS, FolderRole.ALL
STATUS_INBOX = 'STATUS "INBOX" (UIDVALIDITY UIDNEXT HIGHESTMODSEQ)'
STATUS_SENT = 'STATUS "[Gmail]/Sent Mail" (UIDVALIDITY UIDNEXT HIGHESTMODSEQ)'
LOGIN = ["CAPABILITY", "AUTHENTICATE XOAUTH2"]  # CONDSTORE is enabled before the first EXAMINE, not here


@pytest.fixture
def gmail(monkeypatch: pytest.MonkeyPatch) -> Iterator[GmailIMAP]:
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    with GmailIMAP(user=ME, token=TOKEN) as server:
        yield server


@pytest.fixture
def source_for() -> Iterator[Any]:
    opened: list[IMAPSource] = []

    def make(server: GmailIMAP, **overrides: Any) -> IMAPSource:
        source = IMAPSource(gmail_account(server, **overrides), timeout=10)
        opened.append(source)
        return source

    yield make
    for source in opened:
        source.close()


# --- the fake itself -----------------------------------------------------------------------------------


def test_the_fake_catches_a_client_that_selects_stores_or_reads_without_peek(gmail: GmailIMAP) -> None:
    """What the read-only assertions below rely on: a careless client leaves traces in commands and flags."""
    message = gmail.add(job_mail(1))
    with IMAPClient("127.0.0.1", port=gmail.port, ssl=False, timeout=10) as client:
        client.oauth2_login(ME, TOKEN)
        client.select_folder("INBOX")
        client.fetch([1], ["BODY[]"])
        client.add_flags([1], [b"\\Flagged"])
    assert gmail.flags()[message.msgid] == {"\\Seen", "\\Flagged"}
    assert writes(gmail.commands) == ['SELECT "INBOX"', "UID FETCH 1 (BODY[])", "UID STORE 1 +FLAGS (\\Flagged)"]


# --- folders ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("names", "special_use", "expected"),
    [
        (FOLDER_NAMES, True, ("[Gmail]/Sent Mail", "[Gmail]/Drafts", "[Gmail]/All Mail")),
        # Names no list knows: found by the \Sent, \Drafts and \All attributes alone.
        (GERMAN, True, ("[Google Mail]/Gesendet", "[Google Mail]/Entwürfe", "[Google Mail]/Alle Nachrichten")),
        # No attributes (older answers): Gmail's English names are known.
        (FOLDER_NAMES, False, ("[Gmail]/Sent Mail", "[Gmail]/Drafts", "[Gmail]/All Mail")),
        # Neither: nothing to go by, so no sent folder (the config must name it).
        (GERMAN, False, (None, None, None)),
    ],
)
def test_folders_are_found_by_special_use_then_by_gmail_names(
    monkeypatch: pytest.MonkeyPatch,
    names: dict[str, str],
    special_use: bool,
    expected: tuple[str | None, str | None, str | None],
) -> None:
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    with GmailIMAP(user=ME, token=TOKEN, folder_names=names, special_use=special_use) as server:
        source = IMAPSource(gmail_account(server))
        try:
            found = source.folders()
            roles = source.roles()
        finally:
            source.close()
        listed = server.commands.count('LIST "" "*"')
    sent, drafts, everything = expected
    wanted = {INBOX: "INBOX", SENT: sent, DRAFTS: drafts, ALL: everything}
    assert found == {role: name for role, name in wanted.items() if name}
    assert roles == ((INBOX, SENT) if sent else (INBOX,))
    assert listed == 1  # once per connection; Spam (\Junk) and Trash are never chosen


@pytest.mark.parametrize("special_use", [True, False])
def test_an_imported_sent_label_does_not_hide_gmails_sent_mail(
    monkeypatch: pytest.MonkeyPatch, source_for: Any, special_use: bool
) -> None:
    """Mail moved to Gmail from another client keeps its old folder as a user label: "Sent", listed with
    no attribute. Gmail's own sent folder is still the one watched."""
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    with GmailIMAP(user=ME, token=TOKEN, special_use=special_use) as server:
        server.add(sent_mail(1), ["Sent"])  # imported
        server.add(sent_mail(2), ["\\Sent"])  # sent from Gmail
        source = source_for(server)
        assert "Sent" in server.folders
        assert source.folder(SENT) == "[Gmail]/Sent Mail"
        assert subjects(drain(source, SENT, None)) == ["Re: Interview for the Data Engineer role (2)"]


# --- identity and threads ----------------------------------------------------------------------------------


def test_identity_and_thread_are_gmails_ids_in_hex(gmail: GmailIMAP, source_for: Any) -> None:
    # On the wire these are decimal (X-GM-MSGID 1793963709737594022); the Gmail API spells them in hex.
    first = gmail.add(job_mail(1), msgid=0x18E5707D3AD9ECA6, thread=0x18E5707D3AD9ECA6)
    reply = job_mail(2, subject="Re: Interview for the Data Engineer role (1)")
    gmail.add(reply, msgid=0x18E5B90C1C48A801, thread=first)
    gmail.add(bulk_mail(3), msgid=0x18E5A1C2D3E4F5A6)
    source = source_for(gmail)
    messages = [m for b in drain(source, INBOX, None) for m in b.messages]
    assert [(m.uid, m.identity, m.thread_id) for m in messages] == [
        ("1", "gmail:18e5707d3ad9eca6", "18e5707d3ad9eca6"),
        ("2", "gmail:18e5b90c1c48a801", "18e5707d3ad9eca6"),
        ("3", "gmail:18e5a1c2d3e4f5a6", "18e5a1c2d3e4f5a6"),  # bulk mail, kept to its headers, still has its id
    ]
    fetches = [c for c in gmail.commands if c.startswith("UID FETCH")]
    assert fetches[0].startswith("UID FETCH 1,2,3 (RFC822.SIZE BODY.PEEK[HEADER.FIELDS (FROM ")
    assert fetches[0].endswith(")] BODYSTRUCTURE X-GM-MSGID X-GM-THRID)")  # asked in pass 1, with the header fields
    assert fetches[1:] == ["UID FETCH 1,2 (BODY.PEEK[1]<0.4160>)"]  # the text part, as far as the classifier reads


def test_a_server_without_x_gm_ext_1_is_not_asked_for_gmail_items(
    monkeypatch: pytest.MonkeyPatch, source_for: Any
) -> None:
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    with GmailIMAP(user=ME, token=TOKEN, gmail_extensions=False) as server:  # it answers BAD to X-GM-*
        server.add(job_mail(1))
        messages = [m for b in drain(source_for(server), INBOX, None) for m in b.messages]
        items = [re.sub(r"HEADER\.FIELDS \([^)]*\)", "", c) for c in server.commands]  # header names aside
        assert not [c for c in items if "X-GM" in c]
    assert [(m.identity, m.thread_id) for m in messages] == [(None, None)]


def test_imap_and_the_gmail_api_give_a_message_the_same_identity_and_thread(
    gmail: GmailIMAP, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INBOXWATCH_TEST_GMAIL_API_TOKEN", "api-token")
    with FakeGmail(token="api-token", email_address=ME) as api:
        invite = api.add_message(job_mail(1), ["INBOX"])
        reply = api.add_message(sent_mail(1), ["SENT"])  # the API fake threads it by In-Reply-To
        thread = api.messages[invite].thread_id
        assert api.messages[reply].thread_id == thread
        # The same two messages seen over IMAP: X-GM-MSGID and X-GM-THRID are the API's ids as numbers.
        gmail.add(job_mail(1), msgid=int(invite, 16), thread=int(thread, 16))
        gmail.add(sent_mail(1), ["\\Sent"], msgid=int(reply, 16), thread=int(thread, 16))
        through_api = AccountConfig(
            name="gmail-api", kind="gmail", api_endpoint=api.url, token_env="INBOXWATCH_TEST_GMAIL_API_TOKEN"
        )
        store = Store.memory()
        report = scan(config_for(gmail_account(gmail), through_api), store, NOW)
    assert not report.failed, report
    assert [(a.account, a.fetched, a.added) for a in report.accounts] == [("gmail", 2, 2), ("gmail-api", 2, 0)]
    stored = {m.message.key: m.message.thread_id for m in store.messages()}
    assert stored == {f"gmail:{invite}": thread, f"gmail:{reply}": thread}


def test_a_message_labelled_inbox_and_sent_is_stored_once(gmail: GmailIMAP) -> None:
    job = gmail.add(job_mail(1), date=NOW - timedelta(days=2))
    note = make_message(  # the user's reply, copied to themselves: Gmail gives it \Inbox and \Sent
        sender=f"{ME_NAME} <{ME}>",
        to="Dana Recruiter <dana@acme.example>",
        cc=ME,
        subject="Re: Interview for the Data Engineer role (1)",
        body="Hi Dana, Tuesday at 10 works for me.\n",
        date=NOW - timedelta(days=1),
        message_id="<reply-1@example.net>",
        in_reply_to="<job-1@acme.example>",
    )
    mine = gmail.add(note, ["\\Inbox", "\\Sent"], flags=["\\Seen"], thread=job)
    store = Store.memory()
    report = scan(config_for(gmail_account(gmail)), store, NOW)
    assert not report.failed, report
    assert report.accounts[0].fetched == 3  # the job mail in INBOX; the reply in INBOX and in Sent Mail
    assert report.added == 2 and store.message_count() == 2
    assert {m.message.key for m in store.messages()} == {f"gmail:{job.msgid:x}", f"gmail:{mine.msgid:x}"}
    [conversation] = overview(config_for(gmail_account(gmail)), store, NOW).conversations
    assert [e.message_key for e in conversation.of_kind(EventKind.USER_SENT)] == [f"gmail:{mine.msgid:x}"]

    # Archived, then moved back to the inbox: a new UID there, the same message, not stored again.
    gmail.relabel(job, remove=["\\Inbox"])
    gmail.relabel(job, add=["\\Inbox"])
    assert gmail.uid("INBOX", job) == 3
    again = scan(config_for(gmail_account(gmail)), store, NOW + timedelta(minutes=5))
    assert (again.accounts[0].fetched, again.added, store.message_count()) == (1, 0, 2)


def test_threads_are_grouped_by_x_gm_thrid_without_in_reply_to(monkeypatch: pytest.MonkeyPatch) -> None:
    """The user's answer lacks In-Reply-To and References and goes to another address of the recruiter:
    only Gmail's thread id ties it to the invitation. Without X-GM-EXT-1 (the control) it stays apart."""
    invitation = make_message(
        sender="Priya Raman <priya@northwind-analytics.example>",
        subject="Senior Data Engineer at Northwind Analytics: next steps",
        body="Hi Alex,\n\nthanks for applying. Could you share your availability for a first interview?\n\nPriya\n",
        date=NOW - timedelta(days=3),
        message_id="<nw-1@northwind-analytics.example>",
    )
    answer = make_message(  # written on the phone: no In-Reply-To, no References
        sender=f"{ME_NAME} <{ME}>",
        to="Priya Raman <priya.raman@recruiting-mail.example>",
        subject="Re: Senior Data Engineer at Northwind Analytics: next steps",
        body="Hi Priya,\n\nThursday or Friday afternoon works well for me.\n\nAlex\n",
        date=NOW - timedelta(days=2),
        message_id="<phone-7@example.net>",
    )
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    grouped: dict[bool, list[list[str]]] = {}
    for extensions in (True, False):
        with GmailIMAP(user=ME, token=TOKEN, gmail_extensions=extensions) as server:
            first = server.add(invitation)
            mine = server.add(answer, ["\\Sent"], thread=first)
            config = config_for(gmail_account(server))
            store = Store.memory()
            assert not scan(config, store, NOW).failed
            view = overview(config, store, NOW)
            grouped[extensions] = [[e.kind for e in c.events] for c in view.conversations]
            if extensions:
                [conversation] = view.conversations
                assert conversation.thread_ids == {f"{first.thrid:x}"}
                assert conversation.message_keys == [f"gmail:{first.msgid:x}", f"gmail:{mine.msgid:x}"]
    assert grouped == {
        True: [[EventKind.INTERVIEW_REQUESTED, EventKind.USER_SENT]],
        False: [[EventKind.INTERVIEW_REQUESTED]],  # the answer is linked to nothing, so it is left out
    }


# --- credentials -----------------------------------------------------------------------------------------


def test_xoauth2_logs_in_with_the_token_and_never_logs_it(
    gmail: GmailIMAP, source_for: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # imapclient logs every line imaplib sends and receives at DEBUG
    source = source_for(gmail)
    assert source.roles() == (INBOX, SENT)
    assert gmail.commands == [*LOGIN, 'LIST "" "*"']
    assert gmail.auth_failures == 0 and gmail.connections == 1
    sasl = base64.b64encode(f"user={ME}\x01auth=Bearer {TOKEN}\x01\x01".encode()).decode()
    assert any(r.name.startswith("imapclient") and "AUTHENTICATE" in r.getMessage() for r in caplog.records)
    assert TOKEN not in caplog.text and sasl not in caplog.text


def test_a_wrong_token_is_an_auth_error_that_does_not_show_it(
    gmail: GmailIMAP, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXPIRED_GMAIL_TOKEN", "ya29.expired-token-Zq81")
    account = gmail_account(gmail, password_env="EXPIRED_GMAIL_TOKEN")
    source = IMAPSource(account, timeout=10)
    with pytest.raises(AuthError) as caught:
        source.roles()
    text = str(caught.value)
    assert text.endswith(f"login refused for {ME!r}: [AUTHENTICATIONFAILED] Invalid credentials (Failure)")
    assert "expired-token" not in text and TOKEN not in text
    assert isinstance(caught.value.__cause__, LoginError)
    assert gmail.auth_failures == 1 and gmail.commands == ["CAPABILITY", "AUTHENTICATE XOAUTH2"]

    gmail.add(job_mail(1))  # through the pipeline: the account fails, nothing is stored, no cursor moves
    store = Store.memory()
    report = scan(config_for(account), store, NOW)
    assert [a.account for a in report.failed] == ["gmail"]
    assert "ya29" not in str(report.failed[0].error) and store.message_count() == 0
    assert store.cursor("gmail", "inbox") is None


def test_gmails_connection_limit_at_login_is_transient(gmail: GmailIMAP, source_for: Any) -> None:
    """Other mail clients (a phone, a laptop) hold Gmail's 15 connections: the login is refused for now,
    the token is fine. The daemon must retry, not tell the user the credentials were refused."""
    others = [IMAPClient("127.0.0.1", port=gmail.port, ssl=False, timeout=10) for _ in range(gmail.max_connections)]
    source = source_for(gmail)
    try:
        for client in others:
            client.oauth2_login(ME, TOKEN)
        with pytest.raises(InboxwatchError) as caught:
            source.roles()
        assert str(caught.value).endswith("[ALERT] Too many simultaneous connections. (Failure)")
        assert gmail.auth_failures == 0  # the token was accepted; only the connection count refused it
        assert isinstance(caught.value, TransientSourceError), f"{type(caught.value).__name__}: {caught.value}"
    finally:
        for client in others:
            client.logout()
    assert source.roles() == (INBOX, SENT)  # once a connection is free, the next attempt works


def test_an_app_password_logs_in_with_login(gmail: GmailIMAP, source_for: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GMAIL_APP_PASSWORD", gmail.password)
    source = source_for(gmail, auth="password", password_env="GMAIL_APP_PASSWORD")
    assert source.roles() == (INBOX, SENT)
    assert command_names(gmail.commands) == ["CAPABILITY", "LOGIN", "LIST"]


# --- read-only, incremental --------------------------------------------------------------------------------


def test_a_rescan_with_nothing_new_is_one_status_per_folder(gmail: GmailIMAP, source_for: Any) -> None:
    gmail.add(job_mail(1))
    gmail.add(sent_mail(1), ["\\Sent"])
    source = source_for(gmail)
    cursors = {role: last_cursor(drain(source, role, None)) for role in source.roles()}
    gmail.commands.clear()
    for role in source.roles():
        assert drain(source, role, cursors[role]) == []
    assert gmail.commands == [STATUS_INBOX, STATUS_SENT]

    fresh = source_for(gmail)  # a new process: log in, list the folders once, then still one STATUS each
    gmail.commands.clear()
    for role in fresh.roles():
        assert drain(fresh, role, cursors[role]) == []
    fresh.close()
    assert gmail.commands == [*LOGIN, 'LIST "" "*"', STATUS_INBOX, STATUS_SENT, "LOGOUT"]


def test_new_mail_is_read_once(gmail: GmailIMAP) -> None:
    gmail.add(job_mail(1))
    gmail.add(bulk_mail(2))
    config = config_for(gmail_account(gmail))
    store = Store.memory()
    assert scan(config, store, NOW).added == 2
    new = gmail.add(job_mail(3))
    gmail.commands.clear()
    report = scan(config, store, NOW + timedelta(minutes=5))
    assert (report.accounts[0].fetched, report.added) == (1, 1)
    assert store.has_message(f"gmail:{new.msgid:x}")
    pass_1 = re.compile(
        r"UID FETCH 3 \(RFC822\.SIZE BODY\.PEEK\[HEADER\.FIELDS \([A-Z -]+\)\] BODYSTRUCTURE X-GM-MSGID X-GM-THRID\)"
    )
    assert [pass_1.pattern if pass_1.fullmatch(c) else c for c in gmail.commands] == [
        *LOGIN,  # no LIST: the first scan's folders are remembered in the store
        STATUS_INBOX,
        "ENABLE CONDSTORE",  # only once a folder is to be opened
        'EXAMINE "INBOX"',
        "UID SEARCH UID 3:*",
        pass_1.pattern,
        "UID FETCH 3 (BODY.PEEK[1]<0.4160>)",
        "UNSELECT",
        STATUS_SENT,  # nothing new in Sent Mail: STATUS alone
        "LOGOUT",
    ]
    assert scan(config, store, NOW + timedelta(minutes=10)).accounts[0].fetched == 0


def test_parts_the_server_names_otherwise_are_read_whole_not_lost(gmail: GmailIMAP) -> None:
    """A server that answers ``BODY[1]`` for ``BODY.PEEK[1]<0.N>``: the message is read whole instead (still
    peeking), recorded and labelled, not dropped with its cursor moved past it."""
    gmail.partial_without_origin = True
    message = gmail.add(job_mail(1))
    store = Store.memory()
    assert scan(config_for(gmail_account(gmail)), store, NOW).added == 1
    assert store.has_message(f"gmail:{message.msgid:x}")
    assert "UID FETCH 1 (BODY.PEEK[1]<0.4160>)" in gmail.commands
    assert "UID FETCH 1 (BODY.PEEK[])" in gmail.commands
    assert "\\Seen" not in message.flags


def test_a_part_not_given_in_a_later_round_is_read_whole(gmail: GmailIMAP) -> None:
    """Job mail is read past its first look in a second round; when the server answers that read NIL, the message
    is read whole, not kept with half of what the analysis reads."""
    gmail.nil_beyond_start = True
    long_body = "Hi Alex, could we schedule an interview next week?\n" + "More about the role and the team.\n" * 300
    message = gmail.add(
        make_message(
            sender="Dana Recruiter <dana@acme.example>",
            subject="Interview for the Data Engineer role",
            body=long_body,
            date=NOW - timedelta(days=1),
            message_id="<long-1@acme.example>",
        )
    )
    store = Store.memory()
    assert scan(config_for(gmail_account(gmail)), store, NOW).added == 1
    assert any(re.fullmatch(r"UID FETCH 1 \(BODY\.PEEK\[1\]<[1-9]\d*\.\d+>\)", c) for c in gmail.commands)
    assert "UID FETCH 1 (BODY.PEEK[])" in gmail.commands
    assert "\\Seen" not in message.flags


def test_mail_archived_before_the_rescan_is_not_read_again(gmail: GmailIMAP, source_for: Any) -> None:
    """UIDNEXT moved but the new message left INBOX: ``UID SEARCH UID 3:*`` then names the last message
    there (UID 2, RFC 3501's ``n:*``), which the source must not read a second time."""
    gmail.add(job_mail(1))
    gmail.add(job_mail(2))
    source = source_for(gmail)
    cursor = last_cursor(drain(source, INBOX, None))
    archived = gmail.add(job_mail(3))
    gmail.relabel(archived, remove=["\\Inbox"])
    gmail.commands.clear()
    batches = drain(source, INBOX, cursor)
    assert [m for b in batches for m in b.messages] == []
    assert command_names(gmail.commands) == ["STATUS", "EXAMINE", "UID SEARCH", "UNSELECT"]
    state = FolderCursor.load(last_cursor(batches))
    assert state is not None and state.uidnext == 4


def test_a_flag_change_moves_the_cursor_without_reading(gmail: GmailIMAP, source_for: Any) -> None:
    message = gmail.add(job_mail(1))
    source = source_for(gmail)
    cursor = FolderCursor.load(last_cursor(drain(source, INBOX, None)))
    gmail.set_flags(message, ["\\Seen"])  # read on the phone
    gmail.commands.clear()
    [batch] = drain(source, INBOX, cursor.dump() if cursor else None)
    assert batch.messages == [] and gmail.commands == [STATUS_INBOX]
    moved = FolderCursor.load(batch.cursor)
    assert cursor is not None and moved is not None
    assert (moved.uidvalidity, moved.uidnext) == (cursor.uidvalidity, cursor.uidnext)
    assert moved.highestmodseq is not None and cursor.highestmodseq is not None
    assert moved.highestmodseq > cursor.highestmodseq


# --- IDLE and drafts -------------------------------------------------------------------------------------


def test_wait_for_changes_wakes_when_mail_arrives_during_idle(gmail: GmailIMAP, source_for: Any) -> None:
    first = gmail.add(job_mail(1))
    source = source_for(gmail)
    cursor = last_cursor(drain(source, INBOX, None))
    started = time.monotonic()
    assert source.wait_for_changes(INBOX, 0.3) is False
    assert 0.25 <= time.monotonic() - started < 3

    gmail.commands.clear()
    timer = threading.Timer(0.3, gmail.add, (job_mail(2),))
    timer.start()
    started = time.monotonic()
    try:
        assert source.wait_for_changes(INBOX, 10) is True
    finally:
        timer.join()
    assert time.monotonic() - started < 3
    assert command_names(gmail.commands)[:3] == ["EXAMINE", "IDLE", "DONE"]
    assert subjects(drain(source, INBOX, cursor)) == ["Interview for the Data Engineer role (2)"]

    # What Gmail pushes while the user reads mail on the phone is no arrival: a flag change (FETCH), an
    # archived message (EXPUNGE), and mail only labelled \Sent (not in INBOX) do not wake the wait.
    def elsewhere() -> None:
        gmail.set_flags(first, ["\\Seen"])
        gmail.relabel(first, remove=["\\Inbox"])
        gmail.add(sent_mail(3), ["\\Sent"])

    gmail.commands.clear()
    timer = threading.Timer(0.2, elsewhere)
    timer.start()
    try:
        assert source.wait_for_changes(INBOX, 0.8) is False
    finally:
        timer.join()
    assert command_names(gmail.commands)[:5] == ["EXAMINE", "IDLE", "DONE", "NOOP", "IDLE"]  # woken, not fooled


@pytest.mark.parametrize(
    ("names", "on_the_wire"),
    [(FOLDER_NAMES, '"[Gmail]/Drafts"'), (GERMAN, '"[Google Mail]/Entw&APw-rfe"')],  # modified UTF-7
)
def test_append_draft_saves_a_draft_in_gmails_drafts(
    monkeypatch: pytest.MonkeyPatch, source_for: Any, names: dict[str, str], on_the_wire: str
) -> None:
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    with GmailIMAP(user=ME, token=TOKEN, folder_names=names) as server:
        source = source_for(server)
        assert source.append_draft(sent_mail(9)) == f"{names['drafts']}/1"
        [draft] = server.in_folder(names["drafts"])
        assert draft.labels == {"\\Draft"} and draft.flags == {"\\Draft", "\\Seen"}
        assert draft in server.in_folder(names["all"])
        assert server.in_folder("INBOX") == [] and server.in_folder(names["sent"]) == []
        assert b"Message-ID: <sent-9@example.net>\r\n" in draft.raw
        [append] = [c for c in server.commands if c.startswith("APPEND")]
    pattern = rf'APPEND {re.escape(on_the_wire)} \(\\Draft \\Seen\) "\d\d-\w{{3}}-\d{{4}} [\d:]{{8}} \+0000" \{{\d+\}}'
    assert re.fullmatch(pattern, append), append


# --- the command line ----------------------------------------------------------------------------------


def test_scan_once_reads_a_gmail_account_over_imap(
    gmail: GmailIMAP, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gmail.add(job_mail(1))
    gmail.add(bulk_mail(2), ["\\Inbox", "Newsletters"])
    gmail.add(sent_mail(1), ["\\Sent"])
    config = tmp_path / "config.toml"
    config.write_text(f"""
state_dir = "{tmp_path / "state"}"
[identity]
name = "{ME_NAME}"
addresses = ["{ME}"]
[[accounts]]
name = "gmail"
kind = "imap"
host = "127.0.0.1"
port = {gmail.port}
security = "none"
username = "{ME}"
auth = "xoauth2"
password_env = "{TOKEN_ENV}"
[alerts]
channels = []
""")
    argv = ["scan", "--once", "--config", str(config), "--now", NOW.isoformat()]
    assert cli.main(argv) == 0
    assert "account gmail: 3 read, 3 new, 0 skipped" in capsys.readouterr().out
    assert cli.main(argv) == 0
    assert "account gmail: 0 read, 0 new, 0 skipped" in capsys.readouterr().out
    assert writes(gmail.commands) == []
    with Store.open(load_config(config).state_path) as store:
        keys = {m.message.key for m in store.messages()}
    assert keys == {f"gmail:{m.msgid:x}" for m in gmail.messages.values()}

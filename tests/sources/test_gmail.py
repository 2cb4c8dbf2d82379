"""The Gmail source: the real google-api-python-client against a local fake of the Gmail REST API.

What the IMAP and local tests check of the contract (roles, cursor resumption, de-duplication) is checked
here too, plus what is Gmail's own: metadata first and bodies only for candidates, history.list for
incremental scans, expired history, HTTP batches with failed parts, rate limits, OAuth credentials.
"""

from __future__ import annotations

import json
import logging
import threading
import urllib.request
import webbrowser
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from google.oauth2.credentials import Credentials

from inboxwatch.config import AccountConfig
from inboxwatch.core.parse import parse_message
from inboxwatch.errors import AuthError, SourceError, TransientSourceError
from inboxwatch.models import FolderRole
from inboxwatch.runtime.pipeline import scan, scan_account
from inboxwatch.sources.base import Source
from inboxwatch.sources.gmail import GmailCursor, GmailSource
from inboxwatch.sources.gmail_auth import (
    COMPOSE_SCOPE,
    READONLY_SCOPE,
    gmail_scopes,
    keyring_user,
    load_credentials,
    run_installed_app_flow,
    save_credentials,
)
from inboxwatch.sources.registry import open_source
from inboxwatch.state.store import Store
from tests.support.gmail_fake import TOKEN, TOKEN_ENV, FakeGmail, Sleeps, gmail_account
from tests.support.keyrings import MemoryKeyring
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
from tests.support.mailfactory import ME, make_message


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGmail]:
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    with FakeGmail(token=TOKEN) as server:
        yield server


@pytest.fixture
def source_for(fake: FakeGmail) -> Iterator[Any]:
    opened: list[GmailSource] = []

    def make(**kwargs: Any) -> GmailSource:
        overrides = {k: kwargs.pop(k) for k in list(kwargs) if k in AccountConfig.__dataclass_fields__}
        kwargs.setdefault("sleep", Sleeps())
        source = GmailSource(gmail_account(fake, **overrides), **kwargs)
        opened.append(source)
        return source

    yield make
    for s in opened:
        s.close()


# --- scanning -----------------------------------------------------------------------------------------


def test_first_scan_reads_metadata_of_all_and_bodies_only_of_candidates(fake: FakeGmail) -> None:
    fake.add_message(job_mail(1, days_ago=200))  # outside the backfill window
    job = fake.add_message(job_mail(2))
    bulk = fake.add_message(bulk_mail(3))
    sent = fake.add_message(sent_mail(2, days_ago=0.5), labels=("SENT",))
    store = Store.memory()
    report = scan(config_for(gmail_account(fake)), store, NOW)  # through open_source, with token_env
    assert not report.failed, report
    assert report.accounts[0].fetched == 3
    assert {m.message.key for m in store.messages()} == {f"gmail:{job}", f"gmail:{bulk}", f"gmail:{sent}"}
    by_key = {m.message.key: m for m in store.messages()}
    assert by_key[f"gmail:{bulk}"].classification.label == "other"
    assert by_key[f"gmail:{job}"].message.thread_id == job
    assert by_key[f"gmail:{sent}"].message.thread_id == job  # the reply is in the job mail's thread

    assert sorted(fake.gets("metadata")) == sorted([job, bulk, sent])
    assert all(s.in_batch for s in fake.seen if s.message_id)  # every get went out in an HTTP batch
    assert sorted(fake.gets("full")) == sorted([job, sent])  # the bulk mail was read only to its headers
    assert not fake.gets("raw")  # format=full: the text parts, attachments by reference
    assert fake.batch_paths and set(fake.batch_paths) == {"/batch"}  # the client's own batch path, rebased
    assert {s.method for s in fake.seen if not s.path.startswith("/batch")} == {"GET"}  # read-only
    for role in ("inbox", "sent"):
        cursor = GmailCursor.load(store.cursor("work", role))
        assert cursor is not None and cursor.backfill is None and cursor.history_id == 1004
    list_calls = fake.calls("/messages")
    assert {c.query["q"][0] for c in list_calls} == {"newer_than:120d"}
    assert sorted(c.query["labelIds"][0] for c in list_calls) == ["INBOX", "SENT"]


def test_bulk_mail_is_handed_on_as_its_header_lines(fake: FakeGmail, source_for: Any) -> None:
    job = fake.add_message(job_mail(1))
    bulk = fake.add_message(bulk_mail(2))
    source: GmailSource = source_for()
    messages = {m.uid: m for b in drain(source, FolderRole.INBOX, None) for m in b.messages}
    assert set(messages) == {job, bulk}
    assert "schedule an interview" in parse_message(messages[job].raw).text
    raw = messages[bulk].raw
    assert b"Lots of furniture" not in raw and raw.endswith(b"\r\n\r\n")
    parsed = parse_message(raw)
    assert parsed.subject.startswith("Weekend sale") and parsed.message_id == "bulk-2@shop.example"
    assert parsed.headers["list-unsubscribe"] == "<mailto:unsubscribe@shop.example>"
    assert messages[bulk].identity == f"gmail:{bulk}" and messages[bulk].thread_id == bulk


def test_roles_are_inbox_and_sent_without_a_call(fake: FakeGmail, source_for: Any) -> None:
    source: GmailSource = source_for()
    assert source.roles() == (FolderRole.INBOX, FolderRole.SENT)
    assert fake.seen == []
    source.check()  # what `inboxwatch doctor` calls: one labels.list
    assert [s.path for s in fake.seen] == ["/gmail/v1/users/me/labels"]


def test_rescan_with_nothing_new_is_one_history_call_per_label(
    fake: FakeGmail, source_for: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="inboxwatch.sources.gmail")
    fake.add_message(job_mail(1))
    fake.add_message(sent_mail(1, days_ago=0.5), labels=("SENT",))
    source: GmailSource = source_for()
    cursors = {role: last_cursor(drain(source, role, None)) for role in source.roles()}
    fake.clear()
    units = source.quota_units
    for role in source.roles():
        assert drain(source, role, cursors[role]) == []
    assert [(s.path, s.query["labelId"][0]) for s in fake.seen] == [
        ("/gmail/v1/users/me/history", "INBOX"),
        ("/gmail/v1/users/me/history", "SENT"),
    ]
    assert fake.seen[0].query["historyTypes"] == ["messageAdded"]
    assert source.quota_units - units == 4  # history.list costs 2 units
    assert "scanning SENT cost 2 Gmail quota units" in caplog.text

    # Other activity moved the history on: still one call, and the cursor follows.
    fake.bump_history(3)
    [moved] = drain(source, FolderRole.INBOX, cursors[FolderRole.INBOX])
    assert moved.messages == []
    cursor = GmailCursor.load(moved.cursor)
    assert cursor is not None and cursor.history_id == fake.history_id


def test_a_message_deleted_before_it_is_read_is_skipped(fake: FakeGmail, source_for: Any) -> None:
    source: GmailSource = source_for()
    cursor = last_cursor(drain(source, FolderRole.INBOX, None))
    gone = fake.add_message(job_mail(1))
    kept = fake.add_message(job_mail(2))
    fake.delete_message(gone)  # still in the history, 404 on get
    batches = drain(source, FolderRole.INBOX, cursor)
    assert [m.uid for b in batches for m in b.messages] == [kept]


def test_expired_history_resyncs_the_window_without_duplicates(fake: FakeGmail) -> None:
    fake.add_message(job_mail(1))
    fake.add_message(bulk_mail(2))
    fake.add_message(sent_mail(1, days_ago=0.5), labels=("SENT",))
    account = gmail_account(fake)
    store = Store.memory()
    first = scan(config_for(account), store, NOW)
    assert first.added == 3 and not first.failed
    fake.add_message(job_mail(3))
    fake.expire_history()
    fake.clear()
    second = scan(config_for(account), store, NOW + timedelta(minutes=5))
    assert not second.failed, second
    assert second.added == 1  # only job-3 is new; the others were read again and recognised
    assert second.accounts[0].fetched == 4
    assert store.message_count() == 4
    assert [s.status for s in fake.calls("/history")] == [404, 404]
    assert len(fake.calls("/profile")) == 2
    third = scan(config_for(account), store, NOW + timedelta(minutes=10))
    assert third.accounts[0].fetched == 0
    assert [s.status for s in fake.calls("/history")][-2:] == [200, 200]


def test_an_interrupted_first_scan_resumes_where_it_stopped(fake: FakeGmail) -> None:
    ids = [fake.add_message(job_mail(n, days_ago=1 + n / 24)) for n in range(8)]  # an hour apart, newest first
    account = gmail_account(fake)
    config = config_for(account)
    store = Store.memory()

    class StopsAfterOneBatch(Source):
        def __init__(self, inner: GmailSource) -> None:
            super().__init__(inner.account)
            self.inner = inner

        def roles(self) -> tuple[FolderRole, ...]:
            return (FolderRole.INBOX,)

        def fetch_changes(self, role: FolderRole, cursor: str | None, *, since: datetime | None = None) -> Any:
            batches = self.inner.fetch_changes(role, cursor, since=since)
            yield next(batches)  # committed by the pipeline before it asks for more
            raise TransientSourceError("connection lost")

    inner = GmailSource(account, sleep=Sleeps())
    inner.page_size = 3
    with pytest.raises(TransientSourceError):
        scan_account(config, store, StopsAfterOneBatch(inner), account, NOW)
    inner.close()
    assert {m.message.key for m in store.messages()} == {f"gmail:{i}" for i in ids[:3]}
    cursor = GmailCursor.load(store.cursor("work", "inbox"))
    assert cursor is not None and cursor.backfill is not None

    fake.clear()
    resumed = GmailSource(account, sleep=Sleeps())
    resumed.page_size = 3
    try:
        report = scan_account(config, store, resumed, account, NOW + timedelta(minutes=1))
    finally:
        resumed.close()
    assert report.fetched == 6  # the rest, and the oldest of the first batch again (same second: kept, not lost)
    assert report.added == 5
    assert store.message_count() == 8
    inbox_lists = [c for c in fake.calls("/messages") if c.query["labelIds"] == ["INBOX"]]
    assert inbox_lists and all(c.query["q"][0].startswith("after:") for c in inbox_lists)
    assert len(fake.calls("/profile")) == 1  # for the sent label; the inbox keeps its first history id
    done = GmailCursor.load(store.cursor("work", "inbox"))
    assert done is not None and done.backfill is None and done.history_id == cursor.history_id


def test_a_message_in_inbox_and_sent_is_stored_once(fake: FakeGmail) -> None:
    fake.add_message(
        make_message(sender=ME, to=ME, subject="Note to self: interview prep", body="STAR stories\n", date=NOW),
        labels=("INBOX", "SENT"),
    )
    store = Store.memory()
    report = scan(config_for(gmail_account(fake)), store, NOW)
    assert report.accounts[0].fetched == 2 and report.added == 1
    assert store.message_count() == 1


def test_a_big_candidate_is_read_as_text_without_its_attachments(fake: FakeGmail, source_for: Any) -> None:
    line = b"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0NTY3\r\n"
    raw = b"".join(
        [
            b"From: Dana Recruiter <dana@acme.example>\r\nTo: Alex Morgan <alex.morgan@example.net>\r\n",
            b"Subject: Offer letter and onboarding pack\r\nDate: "
            + NOW.strftime("%a, %d %b %Y %H:%M:%S +0000").encode(),
            b"\r\nMessage-ID: <offer-1@acme.example>\r\nMIME-Version: 1.0\r\n",
            b'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n',
            b"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n",
            b"Hi Alex, please find the offer attached; could we schedule an interview with the team?\r\n",
            b"--b1\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n",
            b"Content-Disposition: attachment; filename=offer.pdf\r\n\r\n",
            line * (3 * (1 << 20) // len(line)),
            b"--b1--\r\n",
        ]
    )
    big = fake.add_message(raw)
    small = fake.add_message(job_mail(1))
    source: GmailSource = source_for()
    messages = {m.uid: m for b in drain(source, FolderRole.INBOX, None) for m in b.messages}
    assert sorted(fake.gets("full")) == sorted([big, small]) and not fake.gets("raw")
    assert len(messages[big].raw) < 4096
    parsed = parse_message(messages[big].raw)
    assert parsed.subject == "Offer letter and onboarding pack"
    assert "schedule an interview" in parsed.text


# --- failures -----------------------------------------------------------------------------------------


def test_429_with_retry_after_is_waited_out(fake: FakeGmail, source_for: Any) -> None:
    fake.add_message(job_mail(1))
    fake.fail(r"/messages\?", 429, times=2, headers={"Retry-After": "1"})
    sleeps = Sleeps()
    source: GmailSource = source_for(sleep=sleeps)
    assert subjects(drain(source, FolderRole.INBOX, None)) == ["Interview for the Data Engineer role (1)"]
    assert sleeps.calls == [1.0, 1.0]
    assert [s.status for s in fake.calls("/messages")] == [429, 429, 200]


def test_retry_after_zero_really_retries(fake: FakeGmail, source_for: Any) -> None:
    fake.add_message(job_mail(1))
    fake.fail(r"/profile", 429, headers={"Retry-After": "0"})
    source: GmailSource = source_for(sleep=__import__("time").sleep)
    assert len(subjects(drain(source, FolderRole.INBOX, None))) == 1


def test_403_rate_limit_without_retry_after_backs_off_with_jitter(fake: FakeGmail, source_for: Any) -> None:
    fake.add_message(job_mail(1))
    fake.fail(r"/history", 403, times=2, reason="userRateLimitExceeded")
    sleeps = Sleeps()
    source: GmailSource = source_for(sleep=sleeps)
    cursor = last_cursor(drain(source, FolderRole.INBOX, None))
    fake.add_message(job_mail(2))
    assert len(subjects(drain(source, FolderRole.INBOX, cursor))) == 1
    assert len(sleeps.calls) == 2
    assert 0.5 <= sleeps.calls[0] <= 1.0 and 1.0 <= sleeps.calls[1] <= 2.0


def test_rate_limits_beyond_the_cap_are_transient(fake: FakeGmail, source_for: Any) -> None:
    fake.add_message(job_mail(1))
    fake.fail(r"/messages\?", 429, times=1, headers={"Retry-After": "3600"})
    sleeps = Sleeps()
    source: GmailSource = source_for(sleep=sleeps)
    with pytest.raises(TransientSourceError, match="429"):
        drain(source, FolderRole.INBOX, None)
    assert sleeps.calls == []

    fake.fail(r"/messages\?", 503, times=100)
    with pytest.raises(TransientSourceError, match="503"):
        drain(source, FolderRole.INBOX, None)
    assert sum(sleeps.calls) <= source.max_total_wait


def test_a_500_in_the_middle_of_a_batch_is_retried_alone(fake: FakeGmail, source_for: Any) -> None:
    ids = [fake.add_message(job_mail(n)) for n in range(5)]
    fake.fail(rf"/messages/{ids[2]}\?format=metadata", 500, where="batch")
    source: GmailSource = source_for()
    batches = drain(source, FolderRole.INBOX, None)
    assert sorted(m.uid for b in batches for m in b.messages) == sorted(ids)
    assert fake.gets("metadata", in_batch=False) == [ids[2]]  # only the failed part, on its own
    assert sorted(fake.gets("metadata", in_batch=True)) == sorted(ids)
    failed = [s for s in fake.seen if s.message_id == ids[2] and s.format == "metadata"]
    assert [(s.in_batch, s.status) for s in failed] == [(True, 500), (False, 200)]


def test_rate_limited_parts_wait_as_asked_and_a_broken_part_is_an_error(fake: FakeGmail, source_for: Any) -> None:
    ids = [fake.add_message(job_mail(n)) for n in range(4)]
    fake.fail(rf"/messages/({ids[1]}|{ids[3]})\?format=full", 429, times=2, headers={"Retry-After": "1"}, where="batch")
    sleeps = Sleeps()
    source: GmailSource = source_for(sleep=sleeps)
    batches = drain(source, FolderRole.INBOX, None)
    assert sorted(m.uid for b in batches for m in b.messages) == sorted(ids)
    assert sleeps.calls == [1.0]  # once for the failed parts, then each alone
    assert sorted(fake.gets("full", in_batch=False)) == sorted([ids[1], ids[3]])

    fake.add_message(job_mail(9))
    fake.fail(r"format=metadata", 400, where="batch")
    with pytest.raises(SourceError, match="HTTP 400") as caught:
        drain(source, FolderRole.INBOX, last_cursor(batches))
    assert not isinstance(caught.value, TransientSourceError)


def test_a_refused_batch_is_sent_again(fake: FakeGmail, source_for: Any) -> None:
    ids = [fake.add_message(job_mail(n)) for n in range(3)]
    fake.fail(r"^/batch", 503, method="POST", headers={"Retry-After": "2"})
    sleeps = Sleeps()
    source: GmailSource = source_for(sleep=sleeps)
    assert sorted(m.uid for b in drain(source, FolderRole.INBOX, None) for m in b.messages) == sorted(ids)
    assert sleeps.calls == [2.0]


def test_a_wrong_access_token_is_an_auth_error_without_the_token(
    fake: FakeGmail, source_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WRONG_GMAIL_TOKEN", "ya29.not-the-right-one")
    source: GmailSource = source_for(token_env="WRONG_GMAIL_TOKEN")
    with pytest.raises(AuthError, match="WRONG_GMAIL_TOKEN") as caught:
        drain(source, FolderRole.INBOX, None)
    assert "not-the-right-one" not in str(caught.value)
    assert caught.value.__cause__ is not None
    with pytest.raises(AuthError):
        source.check()


def test_a_missing_token_env_is_an_auth_error(
    fake: FakeGmail, source_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MISSING_GMAIL_TOKEN", raising=False)
    source: GmailSource = source_for(token_env="MISSING_GMAIL_TOKEN")
    with pytest.raises(AuthError, match="MISSING_GMAIL_TOKEN is not set"):
        drain(source, FolderRole.INBOX, None)


def test_a_token_that_fails_to_refresh_is_an_auth_error_telling_what_to_do(fake: FakeGmail, source_for: Any) -> None:
    def revoked(_account: AccountConfig) -> Credentials:
        return Credentials(  # type: ignore[no-untyped-call]  # google-auth's constructor is not annotated
            token="ya29.expired",
            refresh_token="1//revoked",
            token_uri=f"{fake.url}/token",
            client_id="client.apps.googleusercontent.com",
            client_secret="client-secret",
            expiry=datetime.now(UTC).replace(tzinfo=None) - timedelta(hours=1),
        )

    source: GmailSource = source_for(token_env=None, credentials_factory=revoked)
    with pytest.raises(AuthError, match=r"invalid_grant.*run `inboxwatch auth gmail work`") as caught:
        drain(source, FolderRole.INBOX, None)
    assert "1//revoked" not in str(caught.value) and "client-secret" not in str(caught.value)
    assert [s.path for s in fake.seen] == ["/token"]


def test_http_is_refused_for_a_remote_endpoint() -> None:
    account = AccountConfig(name="w", kind="gmail", api_endpoint="http://gmail.example.com")
    with pytest.raises(SourceError, match="only allowed to localhost"):
        GmailSource(account)


def test_open_source_makes_a_gmail_source_without_any_call(fake: FakeGmail) -> None:
    source = open_source(gmail_account(fake))
    assert isinstance(source, GmailSource)
    source.close()
    assert fake.seen == []


# --- credentials in the keyring -----------------------------------------------------------------------


@pytest.fixture
def google_token_endpoint(fake: FakeGmail, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point google-auth's token endpoint at the fake.

    Credentials read back from JSON always renew at Google's endpoint (google-auth overrides the saved
    token_uri on purpose), so that is the one place tests have to redirect.
    """
    import google.oauth2.credentials

    monkeypatch.setattr(google.oauth2.credentials, "_GOOGLE_OAUTH2_TOKEN_ENDPOINT", f"{fake.url}/token")


def stored_credentials(fake: FakeGmail, *, refresh_token: str, expired: bool) -> Credentials:
    expiry = datetime.now(UTC).replace(tzinfo=None) + timedelta(hours=-1 if expired else 1)
    return Credentials(  # type: ignore[no-untyped-call]
        token="ya29.old" if expired else TOKEN,
        refresh_token=refresh_token,
        token_uri=f"{fake.url}/token",
        client_id="client.apps.googleusercontent.com",
        client_secret="client-secret",
        scopes=[READONLY_SCOPE],
        expiry=expiry,
    )


@pytest.mark.usefixtures("google_token_endpoint")
def test_keyring_credentials_are_renewed_saved_and_used(fake: FakeGmail, memory_keyring: MemoryKeyring) -> None:
    fake.refresh_tokens["1//good"] = READONLY_SCOPE
    save_credentials("work", stored_credentials(fake, refresh_token="1//good", expired=True))
    job = fake.add_message(job_mail(1))
    account = gmail_account(fake, token_env=None)
    source = GmailSource(account)
    try:
        assert [m.uid for b in drain(source, FolderRole.INBOX, None) for m in b.messages] == [job]
    finally:
        source.close()
    saved = json.loads(memory_keyring.entries[("inboxwatch", keyring_user("work"))])
    assert saved["token"].startswith("ya29.fake-") and saved["refresh_token"] == "1//good"
    assert len(fake.calls("/token")) == 1
    load_credentials(account)  # still valid: no second renewal
    assert len(fake.calls("/token")) == 1


@pytest.mark.usefixtures("google_token_endpoint")
def test_revoked_keyring_credentials_are_an_auth_error(fake: FakeGmail, memory_keyring: MemoryKeyring) -> None:
    save_credentials("work", stored_credentials(fake, refresh_token="1//revoked", expired=True))
    with pytest.raises(AuthError, match=r"run `inboxwatch auth gmail work`"):
        load_credentials(gmail_account(fake, token_env=None))


def test_no_keyring_entry_is_an_auth_error(fake: FakeGmail, memory_keyring: MemoryKeyring) -> None:
    with pytest.raises(AuthError, match=r"not authorised .*inboxwatch auth gmail work"):
        load_credentials(gmail_account(fake, token_env=None))


# --- the consent flow ---------------------------------------------------------------------------------


def client_secrets(fake: FakeGmail, tmp_path: Path) -> Path:
    path = tmp_path / "client_secret.json"
    installed = {
        "client_id": "client.apps.googleusercontent.com",
        "client_secret": "client-secret",
        "auth_uri": f"{fake.url}/o/oauth2/auth",
        "token_uri": f"{fake.url}/token",
        "redirect_uris": ["http://localhost"],
    }
    path.write_text(json.dumps({"installed": installed}))
    return path


def browser_for(fake: FakeGmail, *, deny: bool = False) -> tuple[list[str], Any]:
    """A stand-in for the user's browser: consents (or refuses) and follows Google's redirect."""
    urls: list[str] = []

    def visit(url: str) -> None:
        urls.append(url)
        params = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        if deny:
            answer = {"error": "access_denied", "state": params["state"]}
        else:
            code = f"4/code-{len(urls)}"
            fake.codes[code] = (params["scope"], params["code_challenge"])
            answer = {"code": code, "state": params["state"], "scope": params["scope"]}

        def follow() -> None:
            with urllib.request.urlopen(f"{params['redirect_uri']}?{urlencode(answer)}", timeout=10) as response:
                response.read()

        threading.Thread(target=follow, daemon=True).start()

    return urls, visit


def test_consent_flow_keeps_the_refresh_token_in_the_keyring_and_prints_nothing(
    fake: FakeGmail,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the fake's token endpoint is plain http
    urls, visit = browser_for(fake)
    run_installed_app_flow("work", client_secrets(fake, tmp_path), gmail_scopes(drafts=True), False, on_url=visit)
    out, err = capsys.readouterr()
    assert (out, err) == ("", "")
    [url] = urls
    params = parse_qs(urlsplit(url).query)
    assert params["scope"] == [f"{READONLY_SCOPE} {COMPOSE_SCOPE}"]
    assert params["access_type"] == ["offline"] and params["code_challenge_method"] == ["S256"]
    assert params["redirect_uri"][0].startswith("http://localhost:")
    saved = json.loads(memory_keyring.entries[("inboxwatch", "gmail:work")])
    assert saved["refresh_token"] in fake.refresh_tokens
    assert gmail_scopes(drafts=False) == [READONLY_SCOPE]

    # The daemon's side: the saved credentials read the mailbox.
    job = fake.add_message(job_mail(1))
    source = GmailSource(gmail_account(fake, token_env=None))
    try:
        assert [m.uid for b in drain(source, FolderRole.INBOX, None) for m in b.messages] == [job]
    finally:
        source.close()


def test_consent_flow_opens_the_browser_when_asked(
    fake: FakeGmail, memory_keyring: MemoryKeyring, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    urls, visit = browser_for(fake)

    class Browser:
        def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
            visit(url)
            return True

    monkeypatch.setattr("webbrowser.get", lambda using=None: Browser())
    run_installed_app_flow("work", client_secrets(fake, tmp_path), gmail_scopes(drafts=False), True)
    assert len(urls) == 1 and ("inboxwatch", "gmail:work") in memory_keyring.entries


def test_consent_flow_without_a_browser_only_announces_the_url(
    fake: FakeGmail, memory_keyring: MemoryKeyring, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    urls, visit = browser_for(fake)

    def no_browser(using: str | None = None) -> Any:
        raise webbrowser.Error("could not locate runnable browser")

    monkeypatch.setattr("webbrowser.get", no_browser)
    run_installed_app_flow("work", client_secrets(fake, tmp_path), gmail_scopes(drafts=False), True, on_url=visit)
    assert len(urls) == 1 and ("inboxwatch", "gmail:work") in memory_keyring.entries
    with pytest.raises(AuthError, match="no web browser"):
        run_installed_app_flow("work", client_secrets(fake, tmp_path), gmail_scopes(drafts=False), True)


def test_consent_refused_or_unusable_secrets_are_auth_errors(
    fake: FakeGmail, memory_keyring: MemoryKeyring, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    _, refuse = browser_for(fake, deny=True)
    with pytest.raises(AuthError, match="access_denied"):
        run_installed_app_flow("work", client_secrets(fake, tmp_path), gmail_scopes(False), False, on_url=refuse)
    assert memory_keyring.entries == {}
    with pytest.raises(AuthError, match="cannot read the client secrets file"):
        run_installed_app_flow("work", tmp_path / "missing.json", gmail_scopes(False), False)
    web = tmp_path / "web.json"
    web.write_text(json.dumps({"other": {}}))
    with pytest.raises(AuthError, match="Desktop app"):
        run_installed_app_flow("work", web, gmail_scopes(False), False)
    with pytest.raises(AuthError, match="no answer from the browser"):
        run_installed_app_flow("work", client_secrets(fake, tmp_path), gmail_scopes(False), False, timeout=0.2)


# --- drafts -------------------------------------------------------------------------------------------


def test_append_draft_lands_in_the_thread_it_replies_to(fake: FakeGmail, source_for: Any) -> None:
    job = fake.add_message(job_mail(1))
    source: GmailSource = source_for()
    drain(source, FolderRole.INBOX, None)
    fake.clear()
    where = source.append_draft(sent_mail(1, days_ago=0.5))
    draft_id = where.removeprefix("drafts/")
    message_id = fake.drafts[draft_id]
    assert fake.messages[message_id].thread_id == job
    assert fake.messages[message_id].labels == {"DRAFT"}
    assert [s.path for s in fake.seen] == ["/gmail/v1/users/me/drafts"]  # the thread was known: no search
    thread = source._api().threads().get(userId="me", id=job, format="minimal").execute()
    assert [m["id"] for m in thread["messages"]] == [job, message_id]

    # A fresh source has seen nothing: it finds the thread with one search.
    fresh: GmailSource = source_for()
    where = fresh.append_draft(sent_mail(1, days_ago=0.5))
    assert fake.messages[fake.drafts[where.removeprefix("drafts/")]].thread_id == job
    assert [c.query["q"] for c in fake.calls("/messages")] == [["rfc822msgid:job-1@acme.example"]]

    # Not a reply: a new thread.
    where = fresh.append_draft(make_message(sender=ME, to="hr@acme.example", subject="Hello", body="Hi\n", date=NOW))
    new_id = fake.drafts[where.removeprefix("drafts/")]
    assert fake.messages[new_id].thread_id == new_id


def test_append_draft_without_the_compose_permission_is_an_auth_error(fake: FakeGmail, source_for: Any) -> None:
    def read_only(_account: AccountConfig) -> Credentials:
        return Credentials(token=TOKEN, scopes=[READONLY_SCOPE])  # type: ignore[no-untyped-call]

    source: GmailSource = source_for(credentials_factory=read_only)
    with pytest.raises(AuthError, match=r"gmail\.compose"):
        source.append_draft(sent_mail(1, days_ago=0.5))
    assert fake.drafts == {}

"""Tests for inboxwatch.config: durations, defaults, per-kind rules and, above all, the problem messages."""

from __future__ import annotations

import copy
import json
import re
from datetime import time, timedelta
from pathlib import Path
from typing import Any

import platformdirs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from inboxwatch.config import (
    AccountConfig,
    AlertsConfig,
    Config,
    FollowUpRules,
    default_config_path,
    default_state_dir,
    format_duration,
    load_config,
    parse_clock_range,
    parse_config,
    parse_duration,
)
from inboxwatch.errors import ConfigError
from inboxwatch.models import Identity

EXAMPLE = Path(__file__).resolve().parents[2] / "src" / "inboxwatch" / "config" / "example.toml"

BASE: dict[str, Any] = {"identity": {"name": "Jane Doe", "addresses": ["jane@example.com"]}}


def make(**sections: Any) -> dict[str, Any]:
    """The minimal valid config plus ``sections`` (top-level keys replaced wholesale)."""
    data = copy.deepcopy(BASE)
    data.update(sections)
    return data


def maildir(name: str = "personal", **extra: Any) -> dict[str, Any]:
    return {"name": name, "kind": "maildir", "inbox": "/mail/in", "sent": "/mail/sent", **extra}


def imap(name: str = "work", **extra: Any) -> dict[str, Any]:
    return {"name": name, "kind": "imap", "host": "imap.example.com", "username": "jane", **extra}


def smtp(**extra: Any) -> dict[str, Any]:
    return {"smtp_host": "smtp.example.com", "from": "jane@example.com", "to": "jane@example.com", **extra}


def problems(data: dict[str, Any], base_dir: Path | None = None) -> list[str]:
    with pytest.raises(ConfigError) as info:
        parse_config(data, base_dir=base_dir)
    return info.value.problems


def only_problem(data: dict[str, Any], base_dir: Path | None = None) -> str:
    found = problems(data, base_dir)
    assert len(found) == 1, found
    return found[0]


# --- durations and clock ranges -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("60s", timedelta(seconds=60)),
        ("90m", timedelta(minutes=90)),
        ("24h", timedelta(hours=24)),
        ("7d", timedelta(days=7)),
        ("2w", timedelta(weeks=2)),
        ("1d12h", timedelta(days=1, hours=12)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("1w2d3h4m5s", timedelta(weeks=1, days=2, hours=3, minutes=4, seconds=5)),
        (" 7D ", timedelta(days=7)),
        ("0d1h", timedelta(hours=1)),
    ],
)
def test_parse_duration_accepts(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    "text", ["", "7", "d", "a week", "0d", "0s", "-1d", "1.5h", "1h1d", "1m1m", "7 days", "1d 12h", "P7D"]
)
def test_parse_duration_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


def test_parse_duration_rejects_overflow() -> None:
    with pytest.raises(ValueError):
        parse_duration("99999999999999w")


@pytest.mark.parametrize(
    ("td", "text"),
    [
        (timedelta(days=7), "7d"),
        (timedelta(days=14), "14d"),
        (timedelta(days=1, hours=12), "1d12h"),
        (timedelta(hours=1, minutes=30), "1h30m"),
        (timedelta(seconds=61), "1m1s"),
    ],
)
def test_format_duration_is_compact(td: timedelta, text: str) -> None:
    assert format_duration(td) == text


@pytest.mark.parametrize("td", [timedelta(0), timedelta(seconds=-5), timedelta(seconds=1, microseconds=5)])
def test_format_duration_rejects_what_parse_cannot_read(td: timedelta) -> None:
    with pytest.raises(ValueError):
        format_duration(td)


@given(st.integers(min_value=1, max_value=10**10).map(lambda s: timedelta(seconds=s)))
def test_format_then_parse_round_trips(td: timedelta) -> None:
    assert parse_duration(format_duration(td)) == td


@given(st.lists(st.integers(min_value=0, max_value=500), min_size=5, max_size=5))
def test_parse_sums_units(counts: list[int]) -> None:
    text = "".join(f"{n}{unit}" for n, unit in zip(counts, "wdhms", strict=True))
    total = timedelta(weeks=counts[0], days=counts[1], hours=counts[2], minutes=counts[3], seconds=counts[4])
    if total:
        assert parse_duration(text) == total
        assert format_duration(parse_duration(text)) == format_duration(total)
    else:
        with pytest.raises(ValueError):
            parse_duration(text)


def test_parse_clock_range() -> None:
    assert parse_clock_range("21:00-08:00") == (time(21, 0), time(8, 0))
    assert parse_clock_range("9:15 - 17:45") == (time(9, 15), time(17, 45))


@pytest.mark.parametrize("text", ["", "21:00", "21:00-", "25:00-08:00", "21:60-08:00", "08:00-08:00", "9-5"])
def test_parse_clock_range_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_clock_range(text)


# --- defaults -------------------------------------------------------------------------------------


def test_default_paths_follow_platformdirs() -> None:
    assert default_config_path() == platformdirs.user_config_path("inboxwatch") / "config.toml"
    assert default_state_dir() == platformdirs.user_state_path("inboxwatch")


def test_minimal_config_gets_every_default() -> None:
    config = parse_config(make())
    assert config.identity == Identity(name="Jane Doe", addresses=frozenset({"jane@example.com"}))
    assert config.accounts == ()
    assert config.follow_up.rules == FollowUpRules()
    assert config.follow_up.rules.thank_you_within == timedelta(hours=24)
    assert config.follow_up.rules.application_silence_after is None
    assert config.follow_up.overrides == {}
    assert config.alerts == AlertsConfig()
    assert config.alerts.channels == ("desktop",)
    assert config.alerts.retry_after == timedelta(minutes=5)
    assert config.alerts.desktop.app_name == "inboxwatch"
    assert not config.drafts.enabled
    assert config.state_dir == default_state_dir()
    assert config.state_path == default_state_dir() / "state.sqlite3"
    assert config.templates_dir is None
    assert config.source == "<config>"


def test_config_default_builder(tmp_path: Path) -> None:
    identity = Identity(name="", addresses=frozenset({"me@example.com"}))
    account = AccountConfig(name="demo", kind="maildir", inbox="/in", sent="/sent")
    config = Config.default(identity=identity, accounts=[account], state_dir=tmp_path)
    assert config.accounts == (account,)
    assert config.state_path == tmp_path / "state.sqlite3"
    assert config.alerts == parse_config(make()).alerts
    assert account.backfill == timedelta(days=120) and account.poll_every == timedelta(seconds=60)


# --- accounts -------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["maildir", "mbox"])
def test_local_kinds_require_inbox_and_sent(kind: str) -> None:
    found = problems(make(accounts=[{"name": "a", "kind": kind}]))
    assert found == [
        f'accounts[0].inbox: required for kind "{kind}"',
        f'accounts[0].sent: required for kind "{kind}"',
    ]


def test_maildir_account_parses() -> None:
    data = make(accounts=[maildir(drafts="/mail/drafts", backfill="30d", poll_every="5m", enabled=False)])
    (account,) = parse_config(data).accounts
    assert (account.inbox, account.sent, account.drafts) == ("/mail/in", "/mail/sent", "/mail/drafts")
    assert account.backfill == timedelta(days=30) and account.poll_every == timedelta(minutes=5)
    assert account.enabled is False and account.host is None and account.port is None


def test_imap_requires_host_and_username() -> None:
    found = problems(make(accounts=[maildir(), {"name": "work", "kind": "imap"}]))
    assert found == [
        'accounts[1].host: required for kind "imap"',
        'accounts[1].username: required for kind "imap"',
    ]


@pytest.mark.parametrize(("security", "port"), [("tls", 993), ("starttls", 143)])
def test_imap_default_port_follows_security(security: str, port: int) -> None:
    (account,) = parse_config(make(accounts=[imap(security=security)])).accounts
    assert (account.port, account.security, account.auth) == (port, security, "password")
    assert account.inbox is None  # imap folder names are only overrides


def test_imap_folder_overrides_are_names_not_paths() -> None:
    (account,) = parse_config(make(accounts=[imap(sent="~/Sent Items", auth="xoauth2", port=1993)])).accounts
    assert account.sent == "~/Sent Items" and account.auth == "xoauth2" and account.port == 1993


def test_gmail_account_and_endpoint_rules() -> None:
    ok = make(accounts=[{"name": "g", "kind": "gmail", "api_endpoint": "http://127.0.0.1:8080"}])
    assert parse_config(ok).accounts[0].api_endpoint == "http://127.0.0.1:8080"
    bad = make(
        accounts=[
            {"name": "g1", "kind": "gmail", "api_endpoint": "gmail.googleapis.com"},
            {"name": "g2", "kind": "gmail", "api_endpoint": "http://gmail.example.com"},
        ]
    )
    assert problems(bad) == [
        'accounts[0].api_endpoint: expected an http(s) URL like "https://gmail.googleapis.com", '
        'got "gmail.googleapis.com"',
        'accounts[1].api_endpoint: "http" is only allowed for localhost, got host "gmail.example.com"',
    ]


def test_unknown_kind_is_reported_with_choices() -> None:
    message = only_problem(make(accounts=[{"name": "x", "kind": "pop3", "host": "pop.example.com"}]))
    assert message == 'accounts[0].kind: expected one of maildir, mbox, imap, gmail, got "pop3"'


def test_keys_of_another_kind_are_named_as_such() -> None:
    message = only_problem(make(accounts=[maildir(host="imap.example.com")]))
    assert message == 'accounts[0].host: not used by kind "maildir"'


def test_duplicate_account_name() -> None:
    found = problems(make(accounts=[maildir("personal"), imap("personal")]))
    assert found == ['accounts[1].name: duplicate account name "personal"']


def test_accounts_must_be_array_of_tables() -> None:
    message = only_problem(make(accounts=maildir()))
    assert message == "accounts: expected an array of tables ([[accounts]]), got a table"


def test_wrong_toml_types() -> None:
    found = problems(make(accounts=[{**imap(port=True, enabled="yes"), "name": 12}]))
    assert found == [
        "accounts[0].name: expected a string, got 12",
        'accounts[0].enabled: expected true or false, got "yes"',
        "accounts[0].port: expected an integer from 1 to 65535, got true",
    ]


def test_ca_file_must_exist_and_is_expanded(tmp_path: Path) -> None:
    (tmp_path / "ca.pem").write_text("cert")
    (account,) = parse_config(make(accounts=[imap(ca_file="ca.pem")]), base_dir=tmp_path).accounts
    assert account.ca_file == str(tmp_path / "ca.pem")
    message = only_problem(make(accounts=[imap(ca_file="missing.pem")]), base_dir=tmp_path)
    assert message == f'accounts[0].ca_file: expected an existing file, got "{tmp_path / "missing.pem"}"'


def test_password_command_and_env_are_exclusive() -> None:
    message = only_problem(make(accounts=[imap(password_command="pass work", password_env="WORK_PW")]))
    assert message == "accounts[0].password_env: set only one of password_command and password_env"


# --- plaintext only on localhost ------------------------------------------------------------------


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST", "127.0.0.1", "127.1.2.3", "::1", "[::1]"])
def test_plaintext_allowed_for_localhost(host: str) -> None:
    (account,) = parse_config(make(accounts=[imap(host=host, security="none")])).accounts
    assert account.security == "none" and account.port == 143
    alerts = parse_config(make(alerts={"email": smtp(smtp_host=host, security="none")})).alerts
    assert alerts.email is not None and alerts.email.smtp_port == 25 and alerts.email.allow_plaintext


@pytest.mark.parametrize("host", ["imap.example.com", "128.0.0.1", "10.0.0.1", "localhost.example.com"])
def test_plaintext_refused_elsewhere(host: str) -> None:
    data = make(accounts=[maildir("a"), maildir("b"), imap(host=host, security="none")])
    assert (
        only_problem(data) == f'accounts[2].security: "none" is only allowed for localhost, got host "{host}"'
    )


def test_plaintext_smtp_refused_elsewhere() -> None:
    message = only_problem(make(alerts={"email": smtp(security="none")}))
    assert (
        message == 'alerts.email.security: "none" is only allowed for localhost, got host "smtp.example.com"'
    )


# --- identity -------------------------------------------------------------------------------------


def test_identity_addresses_are_validated_and_lowercased() -> None:
    config = parse_config(make(identity={"addresses": ["Jane@Example.COM", "j@example.org"]}))
    assert config.identity == Identity(name="", addresses=frozenset({"jane@example.com", "j@example.org"}))
    found = problems(make(identity={"addresses": ["jane@example.com", "jane", 7]}))
    assert found == [
        'identity.addresses[1]: expected an email address, got "jane"',
        "identity.addresses[2]: expected an email address, got 7",
    ]


@pytest.mark.parametrize("identity", [{"name": "Jane"}, {"addresses": []}])
def test_identity_needs_addresses(identity: dict[str, Any]) -> None:
    message = only_problem(make(identity=identity))
    assert message == "identity.addresses: required: a non-empty array of your email addresses"


def test_identity_section_required() -> None:
    message = only_problem({})
    assert message.startswith("identity: required section")


# --- follow-up rules and overrides ---------------------------------------------------------------


def test_bad_duration_message() -> None:
    message = only_problem(make(follow_up={"first_follow_up_after": "a week"}))
    assert (
        message
        == 'follow_up.first_follow_up_after: expected a duration like "7d", "24h" or "90m", got "a week"'
    )
    message = only_problem(make(follow_up={"thank_you_within": 24}))
    assert message == 'follow_up.thank_you_within: expected a duration like "7d", "24h" or "90m", got 24'
    message = only_problem(make(follow_up={"announce_backlog": "0d"}))
    assert message == 'follow_up.announce_backlog: expected a duration longer than zero, got "0d"'


@pytest.mark.parametrize(
    ("value", "shown"), [(-1, "-1"), (11, "11"), (True, "true"), ("2", '"2"'), (2.0, "2.0")]
)
def test_max_follow_ups_range_and_type(value: object, shown: str) -> None:
    message = only_problem(make(follow_up={"max_follow_ups": value}))
    assert message == f"follow_up.max_follow_ups: expected an integer from 0 to 10, got {shown}"


def test_application_silence_after_off_by_default() -> None:
    rules = parse_config(make(follow_up={"application_silence_after": "off"})).follow_up.rules
    assert rules.application_silence_after is None
    rules = parse_config(make(follow_up={"application_silence_after": "21d"})).follow_up.rules
    assert rules.application_silence_after == timedelta(days=21)
    message = only_problem(make(follow_up={"application_silence_after": "never"}))
    assert message.endswith('expected a duration like "7d", "24h" or "90m" or "off", got "never"')


def test_overrides_fall_back_and_match_ignoring_case() -> None:
    follow_up = {
        "first_follow_up_after": "5d",
        "max_follow_ups": 3,
        "application_silence_after": "14d",
        "overrides": {"Acme Corp": {"max_follow_ups": 0, "application_silence_after": "off"}},
    }
    config = parse_config(make(follow_up=follow_up)).follow_up
    acme = config.rules_for("acme  CORP")
    assert acme.max_follow_ups == 0 and acme.application_silence_after is None
    assert acme.first_follow_up_after == timedelta(days=5)  # inherited from the base rules
    assert config.rules_for("Globex") == config.rules_for(None) == config.rules
    assert config.rules.max_follow_ups == 3


def test_override_problems_have_quoted_paths() -> None:
    follow_up = {
        "overrides": {"Acme Corp": {"max_follow_ups": 20, "quiet_hours": "21:00-08:00"}, "acme corp": {}}
    }
    found = problems(make(follow_up=follow_up))
    assert len(found) == 3, found
    assert (
        found[0] == 'follow_up.overrides."Acme Corp".max_follow_ups: expected an integer from 0 to 10, got 20'
    )
    assert found[1].startswith('follow_up.overrides."Acme Corp".quiet_hours: unknown key')
    assert found[2] == (
        'follow_up.overrides."acme corp": duplicate of "Acme Corp" (company names are matched ignoring case)'
    )


def test_quiet_hours_alias_under_follow_up() -> None:
    alias = parse_config(make(follow_up={"quiet_hours": "22:00-07:00"}))
    assert alias.alerts.quiet_hours == (time(22), time(7))
    both = parse_config(make(follow_up={"quiet_hours": "22:00-07:00"}, alerts={"quiet_hours": "20:00-06:00"}))
    assert both.alerts.quiet_hours == (time(20), time(6))
    message = only_problem(make(alerts={"quiet_hours": "late"}))
    assert (
        message
        == 'alerts.quiet_hours: expected a time range like "21:00-08:00" (start and end differ), got "late"'
    )


# --- unknown keys ---------------------------------------------------------------------------------


def test_unknown_key_suggests_the_closest() -> None:
    message = only_problem(make(follow_up={"frist_follow_up_after": "7d"}))
    assert message == 'follow_up.frist_follow_up_after: unknown key (did you mean "first_follow_up_after"?)'
    message = only_problem(make(accounts=[imap(hots="x")]))
    assert message == 'accounts[0].hots: unknown key (did you mean "host"?)'


def test_unknown_key_without_suggestion_lists_valid_keys() -> None:
    message = only_problem(make(zzz=1))
    assert message.startswith("zzz: unknown key (valid keys: accounts, alerts, drafts, follow_up, identity")


# --- alerts and drafts ----------------------------------------------------------------------------


def test_channel_sections_required_when_listed() -> None:
    found = problems(make(alerts={"channels": ["email", "command"]}))
    assert found == [
        'alerts.email: required when "email" is in alerts.channels',
        'alerts.command: required when "command" is in alerts.channels',
    ]


def test_channels_validated() -> None:
    assert parse_config(make(alerts={"channels": []})).alerts.channels == ()
    found = problems(make(alerts={"channels": ["desktop", "sms", "desktop"]}))
    assert found == [
        'alerts.channels[1]: expected one of desktop, email, command, got "sms"',
        'alerts.channels[2]: duplicate channel "desktop"',
    ]


def test_email_alert_defaults_and_required_keys() -> None:
    email = parse_config(
        make(alerts={"channels": ["email"], "email": smtp(security="starttls")})
    ).alerts.email
    assert email is not None and (email.smtp_port, email.from_addr) == (587, "jane@example.com")
    found = problems(make(alerts={"email": {"to": "nobody"}}))
    assert found == [
        "alerts.email.smtp_host: required for email alerts",
        "alerts.email.from: required for email alerts",
        'alerts.email.to: expected an email address like "jane@example.com" or "Jane Doe <jane@example.com>", '
        'got "nobody"',
    ]


def test_command_alert_argv() -> None:
    alerts = parse_config(make(alerts={"command": {"argv": ["notify-send", "hi"], "timeout": "10s"}})).alerts
    assert alerts.command is not None
    assert alerts.command.argv == ("notify-send", "hi") and alerts.command.timeout == timedelta(seconds=10)
    for argv in ([], [""], "notify-send hi", ["x", 1]):
        message = only_problem(make(alerts={"command": {"argv": argv}}))
        assert message.startswith("alerts.command.argv: expected a non-empty array of strings")


def test_digest_at_accepts_string_and_toml_time() -> None:
    assert parse_config(make(alerts={"digest_at": "08:30"})).alerts.digest_at == time(8, 30)
    assert parse_config(make(alerts={"digest_at": time(7, 0)})).alerts.digest_at == time(7, 0)
    message = only_problem(make(alerts={"digest_at": "8.30am"}))
    assert message == 'alerts.digest_at: expected a 24-hour time like "08:30", got "8.30am"'


def test_drafts_account_must_exist() -> None:
    ok = parse_config(make(accounts=[maildir()], drafts={"enabled": True, "account": "personal"}))
    assert ok.drafts.enabled and ok.drafts.account == "personal"
    message = only_problem(make(accounts=[maildir()], drafts={"account": "persnal"}))
    assert message == 'drafts.account: expected the name of an account (personal), got "persnal"'


# --- many problems at once ------------------------------------------------------------------------


def test_every_problem_is_reported_at_once() -> None:
    data: dict[str, Any] = {
        "identity": {"addresses": ["jane"]},
        "accounts": [
            {"name": "personal", "kind": "pop3"},
            imap("personal", host=None),
            imap("lab", security="none"),
        ],
        "follow_up": {"first_follow_up_after": "a week", "max_follow_ups": -1, "frist_follow_up_after": "1d"},
        "alerts": {"channels": ["email"]},
        "drafts": {"account": "nope"},
    }
    del data["accounts"][1]["host"]
    with pytest.raises(ConfigError) as info:
        parse_config(data, source="/tmp/config.toml")
    assert info.value.path == "/tmp/config.toml"
    assert info.value.problems == [
        'identity.addresses[0]: expected an email address, got "jane"',
        'accounts[0].kind: expected one of maildir, mbox, imap, gmail, got "pop3"',
        'accounts[1].host: required for kind "imap"',
        'accounts[1].name: duplicate account name "personal"',
        'accounts[2].security: "none" is only allowed for localhost, got host "imap.example.com"',
        'follow_up.first_follow_up_after: expected a duration like "7d", "24h" or "90m", got "a week"',
        "follow_up.max_follow_ups: expected an integer from 0 to 10, got -1",
        'follow_up.frist_follow_up_after: unknown key (did you mean "first_follow_up_after"?)',
        'alerts.email: required when "email" is in alerts.channels',
        'drafts.account: expected the name of an account (personal, personal, lab), got "nope"',
    ]
    assert "10 problem(s) in /tmp/config.toml" in str(info.value)


# --- secrets --------------------------------------------------------------------------------------


def test_literal_password_is_refused_without_echo() -> None:
    found = problems(
        make(accounts=[imap(password="hunter2-SECRET")], alerts={"email": smtp(password="s3cr3t!")})
    )
    assert found == [
        "accounts[0].password: do not put passwords in the config file; store it in the system keyring "
        "(inboxwatch auth), or name a password_command or password_env",
        "alerts.email.password: do not put passwords in the config file; store it in the system keyring "
        "(inboxwatch auth), or name a password_command or password_env",
    ]


def test_secrets_never_appear_in_messages() -> None:
    secret = "hunter2 tops3cret"
    data = make(
        accounts=[
            imap(password_env=secret),
            imap("b", password_command=["pass", secret]),
            {"name": "g", "kind": "gmail", "token_env": secret, "token": secret},
        ],
        alerts={"email": smtp(password_env=secret, password_cmd=secret)},
    )
    found = problems(data)
    assert len(found) == 6, found
    assert all("hunter2" not in p and "s3cret" not in p for p in found), found
    assert (
        found[0]
        == "accounts[0].password_env: expected an environment variable name, got a string (value hidden)"
    )
    assert found[1] == "accounts[1].password_command: expected a string, got an array (value hidden)"


# --- paths ----------------------------------------------------------------------------------------


def test_tilde_and_relative_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    (tmp_path / "templates").mkdir()
    data = make(
        accounts=[maildir(inbox="~/Mail/INBOX", sent="mail/sent")],
        state_dir="~/state",
        templates_dir="templates",
    )
    config = parse_config(data, base_dir=tmp_path)
    assert config.accounts[0].inbox == str(home / "Mail" / "INBOX")
    assert config.accounts[0].sent == str(tmp_path / "mail" / "sent")
    assert config.state_dir == home / "state"
    assert config.state_path == home / "state" / "state.sqlite3"
    assert config.templates_dir == tmp_path / "templates"


def test_templates_dir_must_be_an_existing_folder(tmp_path: Path) -> None:
    message = only_problem(make(templates_dir="nowhere"), base_dir=tmp_path)
    assert message == f'templates_dir: expected an existing folder, got "{tmp_path / "nowhere"}"'


def test_load_config_resolves_paths_against_the_file_folder(tmp_path: Path) -> None:
    path = tmp_path / "conf" / "config.toml"
    path.parent.mkdir()
    path.write_text(
        '[identity]\naddresses = ["jane@example.com"]\n\n'
        '[[accounts]]\nname = "m"\nkind = "mbox"\ninbox = "in.mbox"\nsent = "../sent.mbox"\n'
    )
    config = load_config(path)
    assert config.source == str(path)
    assert config.accounts[0].inbox == str(tmp_path / "conf" / "in.mbox")
    assert Path(config.accounts[0].sent or "") == tmp_path / "conf" / ".." / "sent.mbox"


# --- loading files --------------------------------------------------------------------------------


def test_missing_file_names_inboxwatch_init(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    with pytest.raises(ConfigError) as info:
        load_config(path)
    (message,) = info.value.problems
    assert str(path) in message and "inboxwatch init" in message and "config.example.toml" not in message
    assert info.value.path == str(path)


def test_toml_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[identity]\naddresses = ["jane@example.com"]\nname = Jane\n')
    with pytest.raises(ConfigError) as info:
        load_config(path)
    (message,) = info.value.problems
    assert re.match(r"line 3, column \d+: TOML syntax error: ", message), message


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'[identity]\nname = "J\xe9r\xf4me"\n')
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert "not valid UTF-8" in info.value.problems[0]


def test_example_file_loads_cleanly() -> None:
    config = load_config(EXAMPLE)
    assert [a.kind for a in config.accounts] == ["maildir", "mbox"]
    assert config.follow_up.rules_for("ACME CORP").first_follow_up_after == timedelta(days=10)
    assert config.alerts.email is not None and config.alerts.command is not None
    assert config.alerts.quiet_hours == (time(21), time(8))


def test_example_commented_accounts_are_valid(tmp_path: Path) -> None:
    """The imap and gmail blocks are commented out; uncommented, they must load too."""
    lines = EXAMPLE.read_text().splitlines()
    uncommented: list[str] = []
    in_block = False
    for line in lines:
        if line == "# [[accounts]]":
            in_block = True
        elif not line.startswith("# "):
            in_block = False
        # ca_file must exist, and password_env is an alternative to password_command, not an addition.
        keep_commented = not in_block or "ca_file" in line or "password_env" in line
        uncommented.append(line if keep_commented else line[2:])
    path = tmp_path / "config.toml"
    path.write_text("\n".join(uncommented))
    config = load_config(path)
    assert [a.kind for a in config.accounts] == ["maildir", "mbox", "imap", "gmail"]
    assert config.accounts[2].host == "imap.example.com" and config.accounts[3].token_env


# --- address fields -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "name", "address"),
    [
        ("inboxwatch <me@example.net>", "inboxwatch", "me@example.net"),
        ("me@example.net", "", "me@example.net"),
        ('"Doe, Jane" <jane@example.com>', "Doe, Jane", "jane@example.com"),
        ("Zoë Ünal <zoe@example.com>", "Zoë Ünal", "zoe@example.com"),
        ("  <jane@example.com>  ", "", "jane@example.com"),
    ],
)
def test_address_fields_accept_a_display_name(written: str, name: str, address: str) -> None:
    email = parse_config(make(alerts={"email": smtp(**{"from": written, "to": written})})).alerts.email
    assert email is not None
    assert (email.from_addr, email.to, email.to_name) == (address, address, name)
    assert email.from_name == (name or "inboxwatch")  # a bare sender is still shown as inboxwatch


@pytest.mark.parametrize(
    "written", ["jane", "Jane <jane@example.com", "Jane Doe <jane>", "a@example.com, b@example.com", "x@y.z <j@x.org>"]
)
def test_an_invalid_address_is_named_by_its_key_path(written: str) -> None:
    message = only_problem(make(alerts={"email": smtp(to=written)}))
    assert message.startswith("alerts.email.to: expected an email address like")
    assert "Jane Doe <jane@example.com>" in message and json.dumps(written) in message


def test_identity_addresses_stay_bare() -> None:
    message = only_problem(make(identity={"addresses": ["Jane <jane@example.com>"]}))
    assert message == 'identity.addresses[0]: expected an email address, got "Jane <jane@example.com>"'


def test_the_config_file_can_be_named_by_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "elsewhere.toml"
    path.write_text('[identity]\naddresses = ["jane@example.com"]\n')
    monkeypatch.setenv("INBOXWATCH_CONFIG", str(path))
    assert default_config_path() == path
    assert load_config().source == str(path)
    monkeypatch.setenv("INBOXWATCH_CONFIG", "")
    assert default_config_path() == platformdirs.user_config_path("inboxwatch") / "config.toml"

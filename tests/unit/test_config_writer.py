"""``inboxwatch init``'s file: presets rendered as commented TOML that the loader accepts, saved safely."""

from __future__ import annotations

import stat
import tomllib
from pathlib import Path

import pytest

from inboxwatch.config import load_config, parse_config
from inboxwatch.config.presets import PRESETS, preset
from inboxwatch.config.writer import (
    AccountAnswers,
    EmailAlertAnswers,
    InitAnswers,
    render_config,
    write_config,
)
from inboxwatch.errors import UsageError


def _maildir(tmp_path: Path) -> InitAnswers:
    for role in ("INBOX", "Sent"):
        for sub in ("cur", "new", "tmp"):
            (tmp_path / "Mail" / role / sub).mkdir(parents=True, exist_ok=True)
    account = AccountAnswers(
        "personal", preset("maildir"), inbox=str(tmp_path / "Mail" / "INBOX"), sent=str(tmp_path / "Mail" / "Sent")
    )
    return InitAnswers('Jane "JD" Doe \\ Smith', ("jane@example.com",), account, channels=())


def test_a_maildir_config_round_trips_through_the_loader(tmp_path: Path) -> None:
    text = render_config(_maildir(tmp_path))
    config = parse_config(tomllib.loads(text))
    assert config.identity.name == 'Jane "JD" Doe \\ Smith'
    assert config.identity.addresses == frozenset({"jane@example.com"})
    (account,) = config.accounts
    assert (account.kind, account.inbox) == ("maildir", str(tmp_path / "Mail" / "INBOX"))
    assert config.alerts.channels == ()
    assert text.startswith("# inboxwatch configuration") and "inboxwatch init --print-example" in text


@pytest.mark.parametrize("name", [n for n, p in PRESETS.items() if p.is_imap and p.host])
def test_every_imap_preset_gives_a_valid_account_with_its_server(name: str, tmp_path: Path) -> None:
    p = preset(name)
    ca = None
    if p.ca_file:
        ca = tmp_path / "cert.pem"
        ca.write_text("not checked here")
    account = AccountAnswers(
        "mail",
        p,
        host=p.host,
        port=p.port,
        security=p.security,
        auth=p.auth,
        username="jane@example.com",
        password_command="pass show mail",
        ca_file=str(ca) if ca else None,
    )
    text = render_config(InitAnswers("Jane", ("jane@example.com",), account))
    config = parse_config(tomllib.loads(text))
    (got,) = config.accounts
    assert (got.kind, got.host, got.port, got.security, got.auth) == ("imap", p.host, p.port, p.security, p.auth)
    assert got.password_command == "pass show mail"


def test_a_fastmail_config_names_the_server_and_holds_no_secret(tmp_path: Path) -> None:
    p = preset("fastmail")
    account = AccountAnswers("fastmail", p, host=p.host, port=p.port, security=p.security, username="jane@fastmail.com")
    email = EmailAlertAnswers("smtp.fastmail.com", 465, "tls", "inboxwatch <jane@fastmail.com>", "jane@fastmail.com")
    text = render_config(InitAnswers("Jane", ("jane@fastmail.com",), account, ("desktop", "email"), email))
    data = tomllib.loads(text)
    assert data["accounts"][0]["host"] == "imap.fastmail.com"
    assert data["accounts"][0]["port"] == 993 and data["accounts"][0]["security"] == "tls"
    assert not any(key.startswith(("password", "token", "secret")) for key in data["accounts"][0])
    assert "inboxwatch auth imap fastmail" in text  # where the password is instead
    assert data["alerts"]["email"]["from"] == "inboxwatch <jane@fastmail.com>"


def test_the_file_is_private_and_never_replaced_without_force(tmp_path: Path) -> None:
    target = tmp_path / "conf" / "inboxwatch" / "config.toml"
    text = render_config(_maildir(tmp_path))
    write_config(target, text)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700
    assert load_config(target).accounts[0].name == "personal"
    target.write_text("# mine\n")
    with pytest.raises(UsageError, match=r"already exists.*--force"):
        write_config(target, text)
    assert target.read_text() == "# mine\n"
    write_config(target, text, force=True)
    assert target.read_text() == text and stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in target.parent.iterdir()) == ["config.toml"]  # no temporary file left


def test_the_parser_offers_every_preset_and_only_those() -> None:
    from inboxwatch.cli.parser import PROVIDERS as OFFERED

    # gmail-imap is reached with --provider gmail --imap
    assert set(OFFERED) == set(PRESETS) - {"gmail-imap"}
    assert [p.name for p in PRESETS.values() if p.kind not in ("imap", "gmail", "maildir", "mbox")] == []


def test_proton_bridge_is_local_starttls_with_the_bridge_certificate() -> None:
    p = preset("proton-bridge")
    assert (p.host, p.port, p.security, p.auth) == ("127.0.0.1", 1143, "starttls", "password")
    assert p.ca_file is not None and p.ca_file.endswith("cert.pem")
    assert preset("outlook").auth == "xoauth2" and preset("gmail").kind == "gmail"
    for name in ("fastmail", "icloud", "yahoo", "gmail-imap"):
        assert (preset(name).port, preset(name).security, preset(name).secret) == (993, "tls", "app password")

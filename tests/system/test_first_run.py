"""Issue 13: from install to a watched mailbox. Global options anywhere, INBOXWATCH_CONFIG, NO_COLOR, --json,
``inboxwatch init`` (by flags and through a pseudo-terminal), shell completion and the manual page."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pexpect
import pytest

from inboxwatch import cli
from inboxwatch.cli.manpage import inboxwatch_manpage
from inboxwatch.config import load_config
from tests.support.mailfactory import ME

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
NOW = "2026-03-02T16:00:00+00:00"

# The smallest valid arguments of every subcommand: a new command must be added here (and so is tested).
MINIMAL = {
    "init": [],
    "demo": [],
    "scan": ["--once"],
    "status": [],
    "nudges": [],
    "check-config": [],
    "classify": ["m.eml"],
    "done": ["abc123"],
    "ignore": ["abc123"],
    "reopen": ["abc123"],
    "snooze": ["abc123", "2d"],
    "track": ["m.eml"],
    "export": ["--format", "ics"],
    "web": ["--port", "8800"],
    "relabel": ["m-5e0c41d2", "rejection"],
    "run": [],
    "service": ["install"],
    "auth": ["imap", "work"],
    "doctor": [],
    "completion": ["bash"],
}


def subcommands() -> dict[str, object]:
    parser = cli.build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return dict(action.choices)  # type: ignore[arg-type]


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A clean user: an empty home, the test keyring file, this virtualenv's inboxwatch first on PATH."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INBOXWATCH_", "XDG_")) and k != "NO_COLOR"}
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env.update(
        HOME=str(home),
        PATH=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        PYTHONPATH=str(REPO),
        PYTHON_KEYRING_BACKEND="tests.support.keyrings.FileKeyring",
        INBOXWATCH_TEST_KEYRING=str(tmp_path / "keyring.json"),
        TERM="xterm-256color",
        COLUMNS="160",
    )
    env.update(extra)
    return env


def inboxwatch(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "inboxwatch", *argv], capture_output=True, text=True, env=env, timeout=120, check=False
    )


def maildirs(tmp_path: Path) -> tuple[Path, Path]:
    return tmp_path / "Mail" / "INBOX", tmp_path / "Mail" / "Sent"


# --- global options, the config's location ---------------------------------------------------------


def test_every_subcommand_takes_the_global_options_before_or_after_it() -> None:
    assert set(subcommands()) == set(MINIMAL)
    parser = cli.build_parser()
    for name, rest in MINIMAL.items():
        before = parser.parse_args(["--config", "X.toml", "-v", name, *rest])
        after = parser.parse_args([name, *rest, "--config", "X.toml", "--verbose"])
        neither = parser.parse_args([name, *rest])
        assert (before.config, before.verbose) == ("X.toml", True), name
        assert (after.config, after.verbose) == ("X.toml", True), name
        assert (neither.config, neither.verbose) == (None, False), name


def test_status_reads_the_config_named_before_after_or_by_the_environment(
    mailhome: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = str(mailhome / "config.toml")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(mailhome / "nothing-here"))
    assert cli.main(["scan", "--once", "--config", config, "--now", NOW]) == 0
    capsys.readouterr()
    outputs = []
    for argv in (["--config", config, "status", "--json"], ["status", "--json", "--config", config]):
        assert cli.main([*argv, "--now", NOW]) == 0
        outputs.append(json.loads(capsys.readouterr().out))
    monkeypatch.setenv("INBOXWATCH_CONFIG", config)
    assert cli.main(["status", "--json", "--now", NOW]) == 0
    outputs.append(json.loads(capsys.readouterr().out))
    assert [[c["company"] for c in out] for out in outputs] == [["Northwind Analytics"]] * 3
    # --config wins over the environment
    assert cli.main(["--config", str(mailhome / "other.toml"), "status"]) == 2
    assert "other.toml" in capsys.readouterr().err


def test_without_a_config_the_error_names_inboxwatch_init(tmp_path: Path) -> None:
    done = inboxwatch(environment(tmp_path), "status")
    assert done.returncode == 2
    message = " ".join(done.stderr.split())
    assert "config file not found" in message and "run `inboxwatch init`" in message
    assert str(tmp_path / "home" / ".config" / "inboxwatch" / "config.toml") in message
    assert "config.example.toml" not in message


def test_doctor_without_a_config_says_to_run_init(tmp_path: Path) -> None:
    done = inboxwatch(environment(tmp_path), "doctor")
    assert done.returncode == 1
    assert "FAIL config" in done.stdout and "fix: run `inboxwatch init` to write it" in done.stdout


def test_verbose_works_on_either_side(mailhome: Path, tmp_path: Path) -> None:
    env = environment(tmp_path)
    config = str(mailhome / "config.toml")
    quiet = inboxwatch(env, "scan", "--once", "--config", config, "--now", NOW)
    assert quiet.returncode == 0 and "INFO" not in quiet.stderr
    for argv in (["-v", "scan", "--once"], ["scan", "--once", "-v"]):
        done = inboxwatch(env, *argv, "--config", config, "--now", NOW)
        assert done.returncode == 0
        assert "INFO inboxwatch.runtime.pipeline: account personal" in done.stderr


# --- output conventions ---------------------------------------------------------------------------


def _has_box_drawing(text: str) -> bool:
    return any("\u2500" <= ch <= "\u257f" for ch in text)


def test_colour_and_box_drawing_only_on_a_terminal_without_no_color(mailhome: Path, tmp_path: Path) -> None:
    env = environment(tmp_path)
    config = str(mailhome / "config.toml")
    assert inboxwatch(env, "scan", "--once", "--config", config, "--now", NOW).returncode == 0
    command = f"{sys.executable} -m inboxwatch status --config {config} --now {NOW}"
    on_tty = pexpect.run(command, env=env, encoding="utf-8", timeout=60, dimensions=(40, 160))
    assert "\x1b[" in on_tty and _has_box_drawing(on_tty)  # the same command does use both on a terminal
    no_color = pexpect.run(command, env={**env, "NO_COLOR": "1"}, encoding="utf-8", timeout=60, dimensions=(40, 160))
    piped = inboxwatch(env, "status", "--config", config, "--now", NOW).stdout
    for plain in (no_color, piped):
        assert "Northwind Analytics" in plain and "interview scheduled" in plain
        assert "\x1b[" not in plain and not _has_box_drawing(plain)


def test_listing_commands_speak_json(mailhome: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = str(mailhome / "config.toml")
    assert cli.main(["scan", "--once", "--json", "--config", config, "--now", NOW]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["accounts"] == [{"account": "personal", "read": 2, "new": 2, "skipped": 0, "error": None}]
    assert report["conversations"] == 1
    assert cli.main(["doctor", "--json", "--config", config]) == 0
    checks = json.loads(capsys.readouterr().out)
    assert {c["check"] for c in checks} >= {"config", "state file", "account personal (maildir)"}
    assert all(c["ok"] for c in checks)
    for command in ("status", "nudges"):
        assert cli.main([command, "--json", "--config", config, "--now", NOW]) == 0
        assert isinstance(json.loads(capsys.readouterr().out), list)


def test_every_command_help_shows_an_example() -> None:
    top = cli.build_parser().format_help()
    assert "\n    check-config  validate the config file\n" in top  # every command on one line
    assert "Start with `inboxwatch init`." in top
    for name, parser in subcommands().items():
        text = parser.format_help()  # type: ignore[attr-defined]
        _, found, example = text.partition("\nexample:\n  ")
        assert found and f"inboxwatch {name}" in example, name


# --- init -------------------------------------------------------------------------------------------


def test_print_example_prints_the_example_shipped_in_the_package(tmp_path: Path) -> None:
    done = inboxwatch(environment(tmp_path), "init", "--print-example")
    assert done.returncode == 0
    assert done.stdout == (REPO / "src" / "inboxwatch" / "config" / "example.toml").read_text()
    assert (REPO / "config.example.toml").resolve() == (REPO / "src" / "inboxwatch" / "config" / "example.toml")
    data = tomllib.loads(done.stdout)
    assert data["alerts"]["email"]["from"] == "inboxwatch <jane.doe@example.com>"


def test_init_maildir_by_flags_then_doctor_and_a_real_scan(mailhome: Path, tmp_path: Path) -> None:
    env = environment(tmp_path)
    inbox, sent = maildirs(mailhome)
    flags = [
        "init", "--non-interactive", "--provider", "maildir", "--name", "Alex Morgan", "--address", ME,
        "--inbox", str(inbox), "--sent", str(sent), "--channel", "none", "--state-dir", str(tmp_path / "state"),
    ]  # fmt: skip
    done = inboxwatch(env, *flags)
    assert done.returncode == 0, done.stderr
    written = tmp_path / "home" / ".config" / "inboxwatch" / "config.toml"
    assert f"wrote {written} (mode 600)" in done.stdout
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert "ok   account personal (maildir)" in done.stdout and "FAIL" not in done.stdout  # the doctor's checks
    assert "inboxwatch scan --once" in done.stdout and "inboxwatch service install" in done.stdout

    assert inboxwatch(env, "check-config").returncode == 0
    doctor = inboxwatch(env, "doctor")
    assert doctor.returncode == 0 and "FAIL" not in doctor.stdout
    scan = inboxwatch(env, "scan", "--once", "--now", NOW)
    assert scan.returncode == 0 and "account personal: 2 read, 2 new" in scan.stdout
    status = json.loads(inboxwatch(env, "status", "--json", "--now", NOW).stdout)
    assert [c["company"] for c in status] == ["Northwind Analytics"]

    before = written.read_text()
    again = inboxwatch(env, *flags)
    assert again.returncode == 2 and "already exists" in again.stderr and "--force" in again.stderr
    assert written.read_text() == before
    assert inboxwatch(env, *flags, "--name", "A. Morgan", "--force").returncode == 0
    assert 'name = "A. Morgan"' in written.read_text()


def test_init_fastmail_by_flags_names_the_server_and_keeps_no_secret(tmp_path: Path) -> None:
    env = environment(tmp_path)
    target = tmp_path / "fm.toml"
    done = inboxwatch(
        env,
        "--config", str(target),
        "init", "--non-interactive", "--provider", "fastmail", "--name", "Jane Doe",
        "--address", "jane@fastmail.example", "--password-command", "pass show mail/fastmail",
        "--channel", "desktop", "--channel", "email", "--no-check",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "note: make an app password with IMAP access: Fastmail" in done.stdout  # what to do on Fastmail's side
    assert inboxwatch(env, "check-config", "--config", str(target)).returncode == 0
    data = tomllib.loads(target.read_text())
    (account,) = data["accounts"]
    assert (account["host"], account["port"], account["security"]) == ("imap.fastmail.com", 993, "tls")
    assert account["username"] == "jane@fastmail.example"
    assert account["password_command"] == "pass show mail/fastmail"
    assert data["alerts"]["email"]["smtp_host"] == "smtp.fastmail.com"
    assert data["alerts"]["email"]["from"] == "inboxwatch <jane@fastmail.example>"
    assert not any(k.startswith(("password", "token", "secret")) and k != "password_command" for k in account)
    assert not (tmp_path / "keyring.json").exists()
    config = load_config(target)
    assert config.alerts.email is not None and config.alerts.email.from_name == "inboxwatch"


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (["--provider", "gmail"], {"name": "gmail", "kind": "gmail"}),
        (
            ["--provider", "gmail", "--imap", "--password-env", "GMAIL_APP_PASSWORD"],
            {"kind": "imap", "host": "imap.gmail.com", "port": 993, "password_env": "GMAIL_APP_PASSWORD"},
        ),
        (
            ["--provider", "outlook", "--password-command", "oama access jane@example.com"],
            {"kind": "imap", "host": "outlook.office365.com", "port": 993, "auth": "xoauth2"},
        ),
        (["--provider", "icloud"], {"host": "imap.mail.me.com", "port": 993, "security": "tls"}),
        (["--provider", "yahoo"], {"host": "imap.mail.yahoo.com", "port": 993, "security": "tls"}),
        (
            ["--provider", "proton-bridge", "--username", "jane@proton.me", "--ca-file", "CERT"],
            {
                "host": "127.0.0.1",
                "port": 1143,
                "security": "starttls",
                "username": "jane@proton.me",
                "ca_file": "CERT",
            },
        ),
        (
            ["--provider", "imap", "--host", "mail.example.org", "--security", "starttls", "--account", "work"],
            {"name": "work", "host": "mail.example.org", "port": 143, "security": "starttls"},
        ),
    ],
)
def test_init_by_flags_fills_in_each_provider(flags: list[str], expected: dict[str, object], tmp_path: Path) -> None:
    cert = tmp_path / "cert.pem"
    cert.write_text("the bridge's certificate\n")
    target = tmp_path / "c.toml"
    flags = [str(cert) if f == "CERT" else f for f in flags]
    env = environment(tmp_path)
    done = inboxwatch(env, "init", "--non-interactive", "--address", ME, *flags, "--config", str(target), "--no-check")
    assert done.returncode == 0, done.stderr
    assert inboxwatch(env, "check-config", "--config", str(target)).returncode == 0
    (account,) = tomllib.loads(target.read_text())["accounts"]
    wanted = {k: str(cert) if v == "CERT" else v for k, v in expected.items()}
    assert {k: account.get(k) for k in wanted} == wanted
    if account["kind"] == "gmail":
        assert "inboxwatch auth gmail gmail --client-secrets" in done.stdout  # the next step says how to sign in


def test_init_by_flags_says_which_flag_is_missing_or_wrong(tmp_path: Path) -> None:
    env = environment(tmp_path)
    cases = [
        (["--provider", "maildir"], "--address"),
        (["--address", "jane"], "--address: 'jane' is not an email address"),
        (["--address", ME], "--provider"),
        (["--address", ME, "--provider", "maildir", "--inbox", str(tmp_path)], "needs --sent"),
        (["--address", ME, "--provider", "imap"], "--host"),
        (["--address", ME, "--provider", "outlook"], "access token"),
        (["--address", ME, "--provider", "proton-bridge", "--password-env", "BRIDGE"], "--ca-file"),
    ]
    for flags, expected in cases:
        done = inboxwatch(env, "--config", str(tmp_path / "c.toml"), "init", "--non-interactive", *flags)
        assert done.returncode == 2, flags
        assert expected in " ".join(done.stderr.split()), (flags, done.stderr)
    assert not (tmp_path / "c.toml").exists()


def _spawn_init(env: dict[str, str], *argv: str) -> pexpect.spawn:
    return pexpect.spawn(
        sys.executable, ["-m", "inboxwatch", "init", *argv], env=env, encoding="utf-8", timeout=60, dimensions=(40, 160)
    )


def test_init_asks_on_a_terminal_and_asks_again_after_a_wrong_answer(mailhome: Path, tmp_path: Path) -> None:
    env = environment(tmp_path)
    inbox, sent = maildirs(mailhome)
    child = _spawn_init(env, "--state-dir", str(tmp_path / "state"))
    child.expect_exact("Your name")
    child.sendline("Alex Morgan")
    child.expect_exact("Your email address(es), separated by commas:")
    child.sendline("alex.morgan")  # forgot the domain
    child.expect_exact("'alex.morgan' is not an email address")
    child.expect_exact("Your email address(es), separated by commas:")
    child.sendline(ME)
    child.expect_exact("Which mailbox should inboxwatch watch?")
    child.expect_exact("Choose 1-10 [1]:")
    child.sendline("12")
    child.expect_exact("'12' is not one of the choices")
    child.expect_exact("Choose 1-10 [1]:")
    child.sendline("maildir")
    child.expect_exact("The Maildir of received mail:")
    child.sendline(str(tmp_path / "no-such-folder"))
    child.expect_exact("does not exist")
    child.expect_exact("The Maildir of received mail:")
    child.sendline(str(inbox))
    child.expect_exact("The Maildir of sent mail:")
    child.sendline(str(sent))
    child.expect_exact("How should inboxwatch alert you?")
    child.sendline("none")
    child.expect_exact("(mode 600)")
    child.expect_exact("next:")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    written = tmp_path / "home" / ".config" / "inboxwatch" / "config.toml"
    config = load_config(written)
    assert (config.identity.name, config.identity.addresses) == ("Alex Morgan", frozenset({ME}))
    assert config.accounts[0].inbox == str(inbox) and config.alerts.channels == ()
    scan = inboxwatch(env, "scan", "--once", "--now", NOW)
    assert scan.returncode == 0 and "2 new" in scan.stdout

    # a second run asks before replacing the file; "no" keeps it
    child = _spawn_init(env)
    child.expect_exact("already exists. Replace it? (y/n) [n]:")
    child.sendline("")
    child.expect_exact("nothing written")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1 and load_config(written).identity.name == "Alex Morgan"


def test_init_keeps_a_typed_password_in_the_keyring_not_in_the_file(tmp_path: Path) -> None:
    env = environment(tmp_path)
    target = tmp_path / "fm.toml"
    child = _spawn_init(env, "--config", str(target), "--no-check")
    child.expect_exact("Your name")
    child.sendline("Jane Doe")
    child.expect_exact("separated by commas:")
    child.sendline("jane@fastmail.example, jane@example.org")
    child.expect_exact("Choose 1-10 [1]:")
    child.sendline("4")  # fastmail
    child.expect_exact("User name [jane@fastmail.example]:")
    child.sendline("")
    child.expect_exact("How should inboxwatch get the app password?")
    child.expect_exact("Choose 1-4 [1]:")
    child.sendline("1")
    child.expect_exact("The app password (not shown):")
    child.sendline("s3cret-app-password")
    child.expect_exact("How should inboxwatch alert you?")
    child.sendline("desktop, email")
    child.expect_exact("Send alert mail to [jane@fastmail.example]:")
    child.sendline("")
    child.expect_exact("next:")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    text = target.read_text()
    assert "s3cret-app-password" not in text and "s3cret" not in child.before
    ring = json.loads((tmp_path / "keyring.json").read_text())
    assert ring == {
        "inboxwatch/imap:fastmail": "s3cret-app-password",
        "inboxwatch/smtp:jane@fastmail.example": "s3cret-app-password",
    }
    config = load_config(target)
    assert config.identity.addresses == frozenset({"jane@fastmail.example", "jane@example.org"})
    assert (config.accounts[0].host, config.accounts[0].password_command) == ("imap.fastmail.com", None)
    assert config.alerts.channels == ("desktop", "email")


def test_init_without_a_terminal_says_to_use_flags(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "inboxwatch", "init"],
        capture_output=True, text=True, env=environment(tmp_path), stdin=subprocess.DEVNULL, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2 and "--non-interactive" in done.stderr


# --- completion -------------------------------------------------------------------------------------


@pytest.fixture
def scanned(mailhome: Path, tmp_path: Path) -> tuple[dict[str, str], str, str]:
    """(environment, config path, the one conversation id) after a real scan."""
    env = environment(tmp_path)
    config = str(mailhome / "config.toml")
    assert inboxwatch(env, "scan", "--once", "--config", config, "--now", NOW).returncode == 0
    (conv,) = json.loads(inboxwatch(env, "status", "--json", "--config", config, "--now", NOW).stdout)
    return env, config, str(conv["id"])


def _bash_complete(env: dict[str, str], *words: str) -> list[str]:
    line = " ".join(f"'{w}'" for w in words)
    script = (
        "source <(inboxwatch completion bash) || exit 9\n"
        f"COMP_WORDS=({line}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); _inboxwatch\n"
        'printf "%s\\n" "${COMPREPLY[@]}"'
    )
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_bash_completion_loads_and_completes_commands_options_and_conversation_ids(
    scanned: tuple[dict[str, str], str, str],
) -> None:
    env, config, conv_id = scanned
    loaded = subprocess.run(
        ["bash", "-c", "source <(inboxwatch completion bash) && complete -p inboxwatch"],
        capture_output=True, text=True, env=env, timeout=60, check=False,
    )  # fmt: skip
    assert loaded.stdout.strip() == "complete -F _inboxwatch inboxwatch"
    assert _bash_complete(env, "inboxwatch", "sta") == ["status"]
    assert _bash_complete(env, "inboxwatch", "--config", config, "sn") == ["snooze"]
    assert "--json" in _bash_complete(env, "inboxwatch", "status", "--")
    assert _bash_complete(env, "inboxwatch", "init", "--provider", "pro") == ["proton-bridge"]
    assert _bash_complete(env, "inboxwatch", "--config", config, "snooze", "") == [conv_id]
    assert _bash_complete(env, "inboxwatch", "done", "--config", config, conv_id[:2]) == [conv_id]
    assert _bash_complete({**env, "INBOXWATCH_CONFIG": config}, "inboxwatch", "reopen", "") == [conv_id]
    assert _bash_complete(env, "inboxwatch", "snooze", conv_id, "") == []  # the duration is free text
    assert _bash_complete(env, "inboxwatch", "--config", str(Path(config).parent / "none.toml"), "done", "") == []


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed (scripts/test installs it)")
def test_fish_completion_completes_commands_and_conversation_ids(scanned: tuple[dict[str, str], str, str]) -> None:
    env, config, conv_id = scanned

    def complete(line: str) -> list[str]:
        script = f"inboxwatch completion fish | source; complete -C{json.dumps(line)}"
        done = subprocess.run(["fish", "-c", script], capture_output=True, text=True, env=env, timeout=60, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout.splitlines()

    assert complete("inboxwatch sno") == ["snooze\tdefer a conversation's nudges"]
    assert complete(f"inboxwatch --config {config} done ") == [f"{conv_id}\tNorthwind Analytics"]
    assert "--json\tprint a JSON array" in complete("inboxwatch status --")


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed (scripts/test installs it)")
def test_zsh_completion_completes_commands_and_conversation_ids(
    scanned: tuple[dict[str, str], str, str], tmp_path: Path
) -> None:
    env, config, conv_id = scanned
    shell = pexpect.spawn("zsh", ["-f", "-i"], env=env, encoding="utf-8", timeout=30, dimensions=(40, 200))
    shell.sendline("PS1='> '; autoload -Uz compinit && compinit -u -D")
    shell.sendline("source <(inboxwatch completion zsh) && echo OK")
    shell.expect_exact("OK\r\n")
    shell.send("inboxwatch sno\t")
    shell.expect_exact("snooze")
    shell.send("\x15")  # clear the line
    shell.send(f"inboxwatch --config {config} done \t")
    shell.expect_exact(conv_id)
    shell.send("\x15exit\r")
    shell.expect(pexpect.EOF)


# --- the manual page ------------------------------------------------------------------------------


def test_the_manual_page_documents_every_command_and_renders_cleanly(tmp_path: Path) -> None:
    page = inboxwatch_manpage()
    assert page.startswith(".TH INBOXWATCH 1 ")
    for name in MINIMAL:
        assert f".SS {name.replace('-', chr(92) + '-')}\n" in page, name
    assert "INBOXWATCH_CONFIG" in page and "NO_COLOR" in page
    assert "inboxwatch init \\-\\-non\\-interactive \\-\\-provider fastmail" in page  # the examples
    if shutil.which("groff") is None:
        pytest.skip("groff is not installed")
    (tmp_path / "inboxwatch.1").write_text(page)
    rendered = subprocess.run(
        ["groff", "-man", "-Tutf8", "-ww", "-Wbreak", str(tmp_path / "inboxwatch.1")],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert rendered.returncode == 0 and rendered.stderr == ""
    assert "inboxwatch snooze 3f9c2a 3d" in rendered.stdout.replace("\b", "")


def test_the_manual_page_needs_only_the_standard_library() -> None:
    """The build writes it before any dependency is installed: -S leaves site-packages out."""
    code = (
        "import sys; sys.path.insert(0, 'src'); from inboxwatch.cli.manpage import inboxwatch_manpage; "
        "print(inboxwatch_manpage()[:4])"
    )
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60, check=False
    )
    assert (done.returncode, done.stdout) == (0, ".TH \n"), done.stderr


def test_the_wheel_installs_the_manual_page(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    for name in ("pyproject.toml", "setup.py", "README.md"):
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / name, tree / name)
    shutil.copytree(REPO / "src", tree / "src", ignore=shutil.ignore_patterns("*.egg-info", "__pycache__"))
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(tmp_path), "."],
        cwd=tree, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    (wheel,) = tmp_path.glob("inboxwatch-*.whl")
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        (man,) = [n for n in names if n.endswith("/data/share/man/man1/inboxwatch.1")]
        assert z.read(man).decode().startswith(".TH INBOXWATCH 1 ")
        assert "inboxwatch/config/example.toml" in names

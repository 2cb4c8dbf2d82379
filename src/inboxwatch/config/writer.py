"""Writing a new config file: the answers of ``inboxwatch init`` rendered as commented TOML, saved safely.

:func:`render_config` builds the text (every value TOML-quoted, each block explained in a comment);
:func:`write_config` saves it with mode 0600, atomically, and never replaces an existing file unless told to.
Secrets are never written: a typed password goes to the keyring, and the file names only where a password
comes from (``password_command``, ``password_env``, or nothing: the keyring).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from inboxwatch.config.presets import Preset
from inboxwatch.errors import UsageError


@dataclass(frozen=True)
class AccountAnswers:
    name: str
    preset: Preset
    host: str | None = None
    port: int | None = None
    security: str | None = None
    auth: str | None = None
    username: str | None = None
    password_command: str | None = None
    password_env: str | None = None
    ca_file: str | None = None
    inbox: str | None = None  # maildir/mbox: paths
    sent: str | None = None

    @property
    def kind(self) -> str:
        return self.preset.kind


@dataclass(frozen=True)
class EmailAlertAnswers:
    smtp_host: str
    smtp_port: int
    security: str
    from_addr: str  # may carry a display name: "inboxwatch <jane@example.com>"
    to: str
    username: str | None = None
    password_command: str | None = None
    password_env: str | None = None


@dataclass(frozen=True)
class InitAnswers:
    name: str
    addresses: tuple[str, ...]
    account: AccountAnswers
    channels: tuple[str, ...] = ("desktop",)
    email: EmailAlertAnswers | None = None
    command: tuple[str, ...] = ()
    state_dir: str | None = None


def toml_str(value: str) -> str:
    """``value`` as a TOML basic string (JSON's escapes are a subset of TOML's)."""
    return json.dumps(value, ensure_ascii=False)


def _toml_array(values: Sequence[str]) -> str:
    return "[" + ", ".join(toml_str(v) for v in values) + "]"


def _line(key: str, value: str | int | bool | Sequence[str] | None, comment: str = "") -> list[str]:
    if value is None:
        return []
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, int):
        text = str(value)
    elif isinstance(value, str):
        text = toml_str(value)
    else:
        text = _toml_array(value)
    line = f"{key} = {text}"
    return [f"{line:<40} # {comment}" if comment else line]


def render_config(answers: InitAnswers) -> str:
    """The config file for ``answers``: valid TOML that ``load_config`` accepts, with comments for a person."""
    a = answers.account
    lines = [
        "# inboxwatch configuration, written by `inboxwatch init`.",
        "# Every key is explained in the full example: `inboxwatch init --print-example`.",
        "# Check it with `inboxwatch check-config`; `inboxwatch doctor` also tries the accounts and alerts.",
        "# No password or token is ever kept here: they live in the system keyring, or come from",
        "# password_command / password_env.",
        "",
    ]
    if answers.state_dir:
        lines += ["# Where inboxwatch keeps what it has read (an SQLite file).", *_line("state_dir", answers.state_dir)]
        lines.append("")
    lines += [
        "[identity]",
        "# Your name, used in the suggested follow-ups.",
        *_line("name", answers.name),
        "# Every address you send from: mail from these is yours.",
        *_line("addresses", list(answers.addresses)),
        "",
        "# The mailbox to watch. Add more [[accounts]] blocks for more mailboxes.",
        "[[accounts]]",
        *_line("name", a.name),
        *_line("kind", a.kind, a.preset.title),
    ]
    if a.kind in ("maildir", "mbox"):
        what = "Maildir" if a.kind == "maildir" else "mbox file"
        lines += [*_line("inbox", a.inbox, f"the {what} of received mail"), *_line("sent", a.sent, "of sent mail")]
    elif a.kind == "imap":
        lines += [
            *_line("host", a.host),
            *_line("port", a.port),
            *_line("security", a.security, '"tls", "starttls", or "none" (localhost only)'),
            *_line("username", a.username),
        ]
        if a.auth and a.auth != "password":
            lines += _line("auth", a.auth, "the secret is an OAuth access token")
        if a.password_command:
            lines += _line("password_command", a.password_command, f"prints the {a.preset.secret}")
        elif a.password_env:
            lines += _line("password_env", a.password_env, f"the variable that holds the {a.preset.secret}")
        else:
            lines.append(f"# The {a.preset.secret} is in the system keyring (`inboxwatch auth imap {a.name}`).")
        lines += _line("ca_file", a.ca_file, "the certificate to trust for this server")
    else:  # gmail
        lines.append(f"# Sign in once: `inboxwatch auth gmail {a.name} --client-secrets client.json`.")
    lines += [
        "",
        "[alerts]",
        '# How nudges reach you: any of "desktop", "email", "command"; [] lists them in `inboxwatch nudges` only.',
        *_line("channels", list(answers.channels)),
    ]
    if answers.email is not None:
        e = answers.email
        lines += [
            "",
            "# Alerts by e-mail, to yourself.",
            "[alerts.email]",
            *_line("smtp_host", e.smtp_host),
            *_line("smtp_port", e.smtp_port),
            *_line("security", e.security),
            *_line("username", e.username),
            *_line("password_command", e.password_command),
            *_line("password_env", e.password_env),
            *_line("from", e.from_addr, "sender of the alerts"),
            *_line("to", e.to, "where the alerts go"),
        ]
    if answers.command:
        lines += [
            "",
            "# Alerts to your own program: it gets each nudge as JSON on stdin (run without a shell).",
            "[alerts.command]",
            *_line("argv", list(answers.command)),
        ]
    return "\n".join(lines) + "\n"


def write_config(path: Path, text: str, *, force: bool = False) -> Path:
    """Save ``text`` at ``path`` with mode 0600, atomically; an existing file is replaced only with ``force``.

    The folder is created (mode 0700) when missing. Raises ``UsageError`` when the file exists and ``force``
    is false, or when it cannot be written.
    """
    path = path.expanduser()
    if path.exists() and not force:
        raise UsageError(f"{path} already exists; keep it, or add --force to replace it")
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp_name = tempfile.mkstemp(prefix=".config-", suffix=".toml", dir=path.parent)
    except OSError as e:
        raise UsageError(f"cannot write {path}: {e.strerror or e}") from e
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            os.fchmod(f.fileno(), 0o600)
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        if force:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)  # fails if the file appeared meanwhile: never replaced by accident
            tmp.unlink()
    except FileExistsError:
        tmp.unlink(missing_ok=True)
        raise UsageError(f"{path} already exists; keep it, or add --force to replace it") from None
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise UsageError(f"cannot write {path}: {e.strerror or e}") from e
    return path

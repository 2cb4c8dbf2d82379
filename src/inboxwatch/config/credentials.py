"""Where passwords come from: a command (``pass show …``), an environment variable, or the system keyring.

A secret never appears in a log line or an error message: errors name where the secret was looked for
(the command's program, the variable's name, the keyring entry), never its value.
"""

from __future__ import annotations

import logging
import os
import re
import shlex
import subprocess
from typing import Final

from inboxwatch.errors import AuthError

log = logging.getLogger(__name__)

KEYRING_SERVICE: Final = "inboxwatch"
COMMAND_TIMEOUT_SECONDS: Final = 60.0


def scrub(text: str, secret: str | None) -> str:
    """``text`` with ``secret`` replaced by ``***`` where it stands as itself: not inside a longer word, so a
    secret that happens to be "xpe" leaves "unexpected" alone while a leaked ``LOGIN alex xpe`` is hidden."""
    if not secret:
        return text
    return re.sub(rf"(?<![A-Za-z0-9]){re.escape(secret)}(?![A-Za-z0-9])", "***", text)


def keyring_username(kind: str, account: str) -> str:
    """The keyring user name for ``account`` of ``kind`` ("imap", "smtp", …): ``"imap:personal"``."""
    return f"{kind}:{account}"


def password_from_command(command: str, *, timeout: float = COMMAND_TIMEOUT_SECONDS) -> str:
    """The first line ``command`` prints on stdout (split with shlex, no shell). Raises ``AuthError``."""
    try:
        argv = shlex.split(command)
    except ValueError as e:
        raise AuthError(f"password_command cannot be split into arguments: {e}") from e
    if not argv:
        raise AuthError("password_command is empty")
    program = argv[0]
    try:
        done = subprocess.run(argv, capture_output=True, timeout=timeout, check=False, stdin=subprocess.DEVNULL)
    except FileNotFoundError as e:
        raise AuthError(f"password_command: program {program!r} not found") from e
    except subprocess.TimeoutExpired as e:
        raise AuthError(f"password_command: {program!r} did not finish within {timeout:g} s") from e
    except OSError as e:
        raise AuthError(f"password_command: cannot run {program!r}: {e.strerror or e}") from e
    if done.returncode != 0:
        # Its error output is not repeated: a failing decryption can print the secret (or part of it) there,
        # and this message goes to logs, `status`, the state file and alerts.
        raise AuthError(
            f"password_command: {program!r} exited with status {done.returncode} (its error output is not "
            "shown, as it may hold the secret: run the command yourself to see it)"
        )
    lines = done.stdout.decode("utf-8", "replace").splitlines()
    password = lines[0] if lines else ""
    if not password:
        raise AuthError(f"password_command: {program!r} printed nothing on its first line")
    return password


def password_from_env(name: str) -> str:
    """The value of the environment variable ``name``. Raises ``AuthError`` when unset or empty."""
    value = os.environ.get(name)
    if not value:
        raise AuthError(f"password_env: environment variable {name} is not set")
    return value


def password_from_keyring(username: str, *, service: str = KEYRING_SERVICE) -> str:
    """The keyring entry (``service``, ``username``). Raises ``AuthError`` when missing or unreadable."""
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError as e:  # pragma: no cover - keyring is a declared dependency
        raise AuthError("no password_command or password_env, and the keyring module is missing") from e
    try:
        value = keyring.get_password(service, username)
    except KeyringError as e:
        raise AuthError(f"cannot read keyring entry {service}/{username}: {type(e).__name__}") from e
    except Exception as e:  # backends raise anything (D-Bus errors, locked collections)
        raise AuthError(f"cannot read keyring entry {service}/{username}: {type(e).__name__}") from e
    if not value:
        raise AuthError(
            f"no password in the keyring for {service}/{username}: run `inboxwatch auth`, "
            "or set password_command or password_env"
        )
    return value


def resolve_password(
    *,
    command: str | None,
    env: str | None,
    keyring_user: str,
    service: str = KEYRING_SERVICE,
) -> str:
    """The password from ``command``, else ``env``, else the keyring entry ``keyring_user``."""
    if command:
        return password_from_command(command)
    if env:
        return password_from_env(env)
    return password_from_keyring(keyring_user, service=service)


def secret_from_keyring(username: str, *, service: str = KEYRING_SERVICE) -> str | None:
    """The keyring entry (``service``, ``username``), or ``None`` when there is none.

    For secrets other than passwords (OAuth tokens), whose "missing" message depends on the caller.
    Raises ``AuthError`` when the keyring cannot be read.
    """
    try:
        import keyring
    except ImportError as e:  # pragma: no cover - keyring is a declared dependency
        raise AuthError("the keyring module is missing") from e
    try:
        value = keyring.get_password(service, username)
    except Exception as e:  # backends raise anything (D-Bus errors, locked collections)
        raise AuthError(f"cannot read keyring entry {service}/{username}: {type(e).__name__}") from e
    return value or None


def store_in_keyring(username: str, secret: str, *, service: str = KEYRING_SERVICE) -> None:
    """Save ``secret`` as the keyring entry (``service``, ``username``). Raises ``AuthError`` when it cannot."""
    try:
        import keyring
    except ImportError as e:  # pragma: no cover - keyring is a declared dependency
        raise AuthError("the keyring module is missing") from e
    try:
        keyring.set_password(service, username, secret)
    except Exception as e:  # no backend (headless session), locked collection, D-Bus errors
        detail = scrub(str(e), secret)[:200]
        raise AuthError(f"cannot write keyring entry {service}/{username}: {type(e).__name__}: {detail}") from e

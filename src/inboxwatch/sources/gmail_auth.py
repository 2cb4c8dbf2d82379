"""Gmail authorisation: the one-time consent, and the credentials every scan uses afterwards.

- :func:`run_installed_app_flow` is what ``inboxwatch auth gmail ACCOUNT`` runs: OAuth 2.0 for installed
  apps with a loopback redirect (``http://localhost:PORT/``) and PKCE. It prints nothing: the consent URL
  goes to the ``on_url`` callback, so the command line decides how to show it. The result — the refresh
  token with the client id and secret it belongs to — is kept in the keyring as JSON (service
  ``inboxwatch``, user ``gmail:<account>``), never in a file.
- :func:`load_credentials` is what the Gmail source uses: an access token from ``token_env`` (scripts, CI,
  tests), else the keyring entry, renewed when expired. It never prompts: when Google refuses to renew,
  it raises ``AuthError`` telling the user to run ``inboxwatch auth gmail ACCOUNT``.

Secrets never appear in logs or error messages.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final

from inboxwatch.config import AccountConfig
from inboxwatch.config.credentials import keyring_username, secret_from_keyring, store_in_keyring
from inboxwatch.errors import AuthError, TransientSourceError

log = logging.getLogger(__name__)

READONLY_SCOPE: Final = "https://www.googleapis.com/auth/gmail.readonly"
COMPOSE_SCOPE: Final = "https://www.googleapis.com/auth/gmail.compose"
DEFAULT_FLOW_TIMEOUT: Final = 300.0  # seconds the loopback server waits for the browser
SUCCESS_PAGE: Final = "inboxwatch can now read this Gmail account. You may close this window."


def gmail_scopes(drafts: bool) -> list[str]:
    """The scopes to ask for: read-only always, compose (drafts only) when drafts are enabled."""
    return [READONLY_SCOPE, COMPOSE_SCOPE] if drafts else [READONLY_SCOPE]


def keyring_user(account_name: str) -> str:
    """The keyring user name of an account's Gmail token: ``gmail:<account>``."""
    return keyring_username("gmail", account_name)


def reauth_hint(account_name: str) -> str:
    return f"run `inboxwatch auth gmail {account_name}`"


def run_installed_app_flow(
    account_name: str,
    client_secrets: Path,
    scopes: Sequence[str],
    open_browser: bool = True,
    *,
    on_url: Callable[[str], None] | None = None,
    port: int = 0,
    timeout: float | None = DEFAULT_FLOW_TIMEOUT,
) -> None:
    """Ask the user's consent in a browser and keep the resulting token in the keyring.

    ``client_secrets`` is the JSON file of an OAuth client of type "Desktop app" (from the Google Cloud
    console). A loopback server on ``localhost:port`` (0: any free port) waits up to ``timeout`` seconds
    for Google's redirect. ``on_url(url)`` receives the consent URL before the wait starts — with
    ``open_browser=False`` it is the only way the user learns it (open it on this machine, or forward the
    port over SSH); with ``open_browser=True`` show it too, in case no browser opens. Prints nothing.

    Raises ``AuthError`` when the file is unusable, the user refuses, time runs out, Google grants less
    than read access or returns no refresh token, or the keyring cannot store the result.
    """
    import webbrowser

    from google_auth_oauthlib.flow import InstalledAppFlow, WSGITimeoutError
    from oauthlib.oauth2.rfc6749.errors import OAuth2Error  # type: ignore[import-untyped]
    from requests import RequestException

    try:
        flow: Any = InstalledAppFlow.from_client_secrets_file(str(client_secrets), scopes=list(scopes))
    except OSError as e:
        raise AuthError(f"cannot read the client secrets file {client_secrets}: {e.strerror or e}") from e
    except (ValueError, KeyError) as e:
        raise AuthError(
            f'{client_secrets} is not the JSON of an OAuth client of type "Desktop app" '
            "(download it from the Google Cloud console, APIs & Services, Credentials)"
        ) from e

    if open_browser:
        try:
            webbrowser.get()
        except webbrowser.Error as e:
            if on_url is None:
                raise AuthError("no web browser found here; run again without opening one (--no-browser)") from e
            log.info("no web browser found; the consent URL is only shown")
            open_browser = False

    if on_url is not None:
        authorization_url = flow.authorization_url

        def announcing(**kwargs: Any) -> Any:
            url, state = authorization_url(**kwargs)
            on_url(url)
            return url, state

        flow.authorization_url = announcing  # run_local_server builds the URL after binding the port

    try:
        credentials = flow.run_local_server(
            host="localhost",
            port=port,
            open_browser=open_browser,
            authorization_prompt_message=None,  # nothing printed: the URL went to on_url
            success_message=SUCCESS_PAGE,
            timeout_seconds=timeout,
            access_type="offline",
            prompt="consent",  # so Google returns a refresh token even when consent was given before
        )
    except WSGITimeoutError as e:
        raise AuthError(f"no answer from the browser within {timeout or 0:g} s; run the command again") from e
    except RequestException as e:  # before OSError: requests' errors are OSErrors too
        raise AuthError(f"cannot exchange the authorisation code at Google: {type(e).__name__}") from e
    except OAuth2Error as e:
        what = e.description or e.error
        raise AuthError(f"Google did not authorise inboxwatch: {what}") from e
    except Warning as e:  # oauthlib: "Scope has changed" when the user unticked a permission
        raise AuthError(
            "Google granted fewer permissions than asked for; run again and allow all of them "
            "(or disable drafts to ask for read access only)"
        ) from e
    except OSError as e:
        raise AuthError(f"cannot listen on localhost:{port} for Google's answer: {e.strerror or e}") from e
    except (ValueError, KeyError) as e:  # a token answer without a token, a malformed redirect
        raise AuthError(f"exchanging the authorisation code failed: {type(e).__name__}: {e}") from e

    granted = set(credentials.granted_scopes or credentials.scopes or scopes)
    if READONLY_SCOPE not in granted:
        raise AuthError("Google did not grant read access to Gmail; run again and allow it")
    if not credentials.refresh_token:
        raise AuthError(
            "Google returned no refresh token; remove inboxwatch at https://myaccount.google.com/permissions "
            "and run the command again"
        )
    save_credentials(account_name, credentials)
    log.info("account %s: Gmail authorisation saved in the keyring (%s)", account_name, ", ".join(sorted(granted)))


def save_credentials(account_name: str, credentials: Any) -> None:
    """Keep ``credentials`` (google.oauth2.credentials.Credentials) in the keyring. Raises ``AuthError``."""
    store_in_keyring(keyring_user(account_name), credentials.to_json())


def load_credentials(account: AccountConfig) -> Any:
    """Credentials for ``account``: from ``token_env`` (an access token), else the keyring; never prompts.

    Stored credentials that have expired are renewed here and saved again. Returns a
    ``google.oauth2.credentials.Credentials``. Raises ``AuthError`` when there are none, they are
    unreadable, or Google refuses to renew them (the message says to run ``inboxwatch auth gmail``);
    ``TransientSourceError`` when Google cannot be reached to renew them.
    """
    from google.oauth2 import credentials as oauth2_credentials

    Credentials: Any = oauth2_credentials.Credentials  # noqa: N806 - untyped constructor, used as a class
    name = account.name
    if account.token_env:
        token = os.environ.get(account.token_env)
        if not token:
            raise AuthError(f"account {name!r}: token_env: environment variable {account.token_env} is not set")
        return Credentials(token=token)

    stored = secret_from_keyring(keyring_user(name))
    if stored is None:
        raise AuthError(f"account {name!r} is not authorised to read Gmail yet: {reauth_hint(name)}")
    try:
        credentials = Credentials.from_authorized_user_info(json.loads(stored))
    except (ValueError, TypeError, KeyError) as e:
        raise AuthError(f"account {name!r}: the saved Gmail authorisation is unreadable; {reauth_hint(name)}") from e
    if not credentials.valid:
        refresh(name, credentials)
        try:
            save_credentials(name, credentials)
        except AuthError as e:  # the renewed token still works for this run
            log.warning("account %s: %s", name, e)
    return credentials


def refresh(account_name: str, credentials: Any) -> None:
    """Renew ``credentials`` now. Raises ``AuthError`` (refused) or ``TransientSourceError`` (unreachable)."""
    import google_auth_httplib2  # type: ignore[import-untyped]
    import httplib2  # type: ignore[import-untyped]
    from google.auth.exceptions import RefreshError, TransportError

    try:
        credentials.refresh(google_auth_httplib2.Request(httplib2.Http(timeout=30)))
    except RefreshError as e:
        raise AuthError(refusal_message(account_name, e)) from e
    except (TransportError, OSError, httplib2.HttpLib2Error) as e:
        raise TransientSourceError(
            f"account {account_name!r}: cannot reach Google to renew the Gmail authorisation: {type(e).__name__}"
        ) from e


def refusal_message(account_name: str, error: BaseException) -> str:
    """The ``AuthError`` text for a ``RefreshError``: Google's reason (never a token) and what to do."""
    reason = str(error.args[0])[:200] if error.args else type(error).__name__
    hint = reauth_hint(account_name)
    return f"account {account_name!r}: Google refused to renew the Gmail authorisation ({reason}); {hint}"


__all__ = [
    "COMPOSE_SCOPE",
    "READONLY_SCOPE",
    "gmail_scopes",
    "keyring_user",
    "load_credentials",
    "refresh",
    "run_installed_app_flow",
    "save_credentials",
]

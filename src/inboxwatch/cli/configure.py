"""``check-config``, ``doctor`` and ``auth``: is the setup right, and the credentials it needs."""

from __future__ import annotations

import argparse
import getpass
from pathlib import Path

from rich.markup import escape

from inboxwatch.cli import views
from inboxwatch.cli.app import Ui, config_path
from inboxwatch.config import load_config
from inboxwatch.errors import UsageError


def check_config(args: argparse.Namespace, ui: Ui) -> int:
    config = load_config(config_path(args))
    ui.out.print(
        f"{escape(config.source)}: OK — {len(config.accounts)} account(s), "
        f"channels: {', '.join(config.alerts.channels) or 'none'}"
    )
    return 0


def doctor(args: argparse.Namespace, ui: Ui) -> int:
    from inboxwatch.runtime.doctor import run_checks

    checks = run_checks(config_path(args), send_test=args.send_test)
    if args.json:
        views.print_json(views.checks_json(checks))
    else:
        views.render_checks(ui, checks)
    return 0 if all(c.ok for c in checks) else 1


def auth(args: argparse.Namespace, ui: Ui) -> int:
    config = load_config(config_path(args))
    account = next((a for a in config.accounts if a.name == args.account), None)
    if account is None:
        raise UsageError(f"no account {args.account!r} in {config.source}")
    if args.kind == "imap":
        from inboxwatch.config.credentials import keyring_username, store_in_keyring

        secret = getpass.getpass(f"password for {account.username or account.name} on {account.host}: ")
        if not secret:
            raise UsageError("no password given; nothing stored")
        store_in_keyring(keyring_username("imap", account.name), secret)
        ui.out.print(f"stored in the keyring as inboxwatch / imap:{escape(account.name)}")
        return 0
    if not args.client_secrets:
        raise UsageError("auth gmail needs --client-secrets FILE (the OAuth client of your Google Cloud project)")
    from inboxwatch.sources.gmail_auth import gmail_scopes, run_installed_app_flow

    drafts = config.drafts.enabled and config.drafts.account in (None, account.name)

    def show(url: str) -> None:
        ui.out.print(f"Open this address in a browser to let inboxwatch read your mail:\n{url}", markup=False)

    run_installed_app_flow(
        account.name,
        Path(args.client_secrets).expanduser(),
        gmail_scopes(drafts),
        not args.no_browser,
        on_url=show,
        port=args.port,
    )
    ui.out.print(f"authorised; the token is in the keyring as inboxwatch / gmail:{escape(account.name)}")
    return 0

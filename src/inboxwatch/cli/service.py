"""``run`` (the daemon itself) and ``service install`` (its systemd user unit)."""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import sys
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from inboxwatch.cli.app import Ui, config_path
from inboxwatch.errors import UsageError

if TYPE_CHECKING:
    from inboxwatch.config import Config


def run(args: argparse.Namespace, ui: Ui) -> int:
    from inboxwatch.runtime.daemon import Daemon, configure_logging

    configure_logging(args.verbose)
    from inboxwatch.cli.web import start_dashboard

    daemon = Daemon(config_path(args))
    start_dashboard(daemon.config, daemon.clock)  # with [web] enabled only: else nothing of the web stack loads
    return daemon.run()


_PLAIN_ARG = re.compile(r"[A-Za-z0-9/._+:@=,-]+")


def systemd_quote(arg: str, *, command: bool = False) -> str:
    """One ExecStart argument as systemd reads it: quoted when it has spaces or quotes, ``%`` doubled
    (specifiers are expanded even inside quotes), and ``$`` too except in the command itself (systemd
    expands variables in the arguments only)."""
    if not _PLAIN_ARG.fullmatch(arg):
        arg = '"' + arg.replace("\\", "\\\\").replace('"', '\\"') + '"'
    arg = arg.replace("%", "%%")
    return arg if command else arg.replace("$", "$$")


def _quote_word(text: str) -> str:
    """One word of a unit setting: ``%`` doubled (specifiers), quoted when it has spaces or quotes."""
    text = text.replace("%", "%%")
    if re.search(r"[\s\"'\\]", text):
        text = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


# Where the CLI looks by default, as the installing shell has it: the service gets the same (the user manager does
# not see the shell's environment).
XDG_VARIABLES = ("XDG_CONFIG_HOME", "XDG_STATE_HOME")


def unit_text(
    executable: str | list[str],
    config: Path | None = None,
    writable: Sequence[Path] = (),
    environment: Mapping[str, str] | None = None,
) -> str:
    """The shipped user unit, with ExecStart pointing at this installation's inboxwatch (and at ``config`` when
    it is not the default one), ``writable`` added to what the hardened service may write and ``environment``
    set for it. A line break in any of them cannot be written into a unit: ``UsageError``."""
    argv = [executable] if isinstance(executable, str) else executable
    if config is not None:
        argv = [*argv, "--config", str(config)]
    settings = [*argv, *map(str, writable), *(environment or {}).values()]
    if any("\n" in value or "\r" in value for value in settings):
        raise UsageError("a path with a line break cannot be written into a systemd unit")
    template = (resources.files("inboxwatch") / "inboxwatch.service").read_text(encoding="utf-8")
    command = " ".join(systemd_quote(a, command=i == 0) for i, a in enumerate(argv))
    text = template.replace("ExecStart=/usr/bin/env inboxwatch run", f"ExecStart={command} run")
    if environment:
        variables = " ".join(_quote_word(f"{name}={value}") for name, value in sorted(environment.items()))
        text = text.replace("NotifyAccess=main\n", f"NotifyAccess=main\nEnvironment={variables}\n")
    if writable:
        default = "ReadWritePaths=-%S/inboxwatch -%h/.local/state/inboxwatch\n"
        # "-": a path missing when the service starts is no error
        extra = "ReadWritePaths=" + " ".join(_quote_word(f"-{p}") for p in writable) + "\n"
        text = text.replace(default, default + extra)
    return text


def writable_paths(config: Config) -> list[Path]:
    """Where the service writes besides the default state folder (ProtectHome=read-only keeps the rest of the
    home read-only): the state folder the config names, and the local mailbox that drafts are saved to."""
    paths = []
    state = config.state_dir.expanduser().absolute()
    if state != Path("~/.local/state/inboxwatch").expanduser().absolute():  # the unit lists that one already
        paths.append(state)
    # The account drafts go to, as the drafts channel picks it: the one named, else the first.
    wanted = config.drafts.account
    account = next((a for a in config.accounts if a.name == wanted), config.accounts[0] if config.accounts else None)
    if config.drafts.enabled and account is not None and account.kind in ("maildir", "mbox") and account.drafts:
        drafts = Path(account.drafts).expanduser().absolute()
        # An mbox is rewritten beside itself (and locked with a file there); a Maildir not made yet is made in
        # its parent.
        paths.append(drafts.parent if account.kind == "mbox" or not drafts.exists() else drafts)
    return list(dict.fromkeys(paths))


def _write_unit(unit: Path, text: str) -> None:
    """Write the unit 0644 whatever the umask, into place by rename: a symlink there is replaced, not followed."""
    temporary = unit.with_name(f".{unit.name}.{os.getpid()}.new")
    fd = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    try:
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(temporary, unit)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def service(args: argparse.Namespace, ui: Ui) -> int:
    from inboxwatch.config import default_config_path, load_config
    from inboxwatch.errors import ConfigError

    found = shutil.which("inboxwatch")
    executable = [os.path.abspath(found)] if found else [sys.executable, "-m", "inboxwatch"]
    target = Path(args.unit_dir).expanduser() if args.unit_dir else Path("~/.config/systemd/user").expanduser()
    # The service does not see --config or $INBOXWATCH_CONFIG: a config other than the XDG default is named.
    chosen = (config_path(args) or default_config_path()).expanduser().absolute()
    xdg = platformdirs.user_config_path("inboxwatch") / "config.toml"
    named = None if chosen == xdg.absolute() else chosen
    writable: list[Path] = []
    try:
        config = load_config(chosen)
    except ConfigError as e:  # no config yet, or a broken one: the unit is still right for the default places
        ui.err.print(f"note: the unit lets the service write the default state folder only: {e}", markup=False,
                     soft_wrap=True)
    else:
        writable = writable_paths(config)
        config.state_dir.expanduser().mkdir(parents=True, exist_ok=True, mode=0o700)  # a missing one can't be made
    target.mkdir(parents=True, exist_ok=True)
    unit = target / "inboxwatch.service"
    environment = {name: os.environ[name] for name in XDG_VARIABLES if os.environ.get(name)}
    _write_unit(unit, unit_text(executable, named, writable, environment))
    ui.out.print(f"wrote {unit}", markup=False)
    ui.out.print("next: systemctl --user daemon-reload && systemctl --user enable --now inboxwatch", markup=False)
    ui.out.print("logs: journalctl --user -u inboxwatch", markup=False)
    return 0

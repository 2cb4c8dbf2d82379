"""``run`` (the daemon itself) and ``service install`` (its systemd user unit)."""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import sys
from importlib import resources
from pathlib import Path

from inboxwatch.cli.app import Ui, config_path


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


def unit_text(executable: str | list[str]) -> str:
    """The shipped user unit, with ExecStart pointing at this installation's inboxwatch."""
    argv = [executable] if isinstance(executable, str) else executable
    template = (resources.files("inboxwatch") / "inboxwatch.service").read_text(encoding="utf-8")
    command = " ".join(systemd_quote(a, command=i == 0) for i, a in enumerate(argv))
    return template.replace("ExecStart=/usr/bin/env inboxwatch run", f"ExecStart={command} run")


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
    found = shutil.which("inboxwatch")
    executable = [os.path.abspath(found)] if found else [sys.executable, "-m", "inboxwatch"]
    target = Path(args.unit_dir).expanduser() if args.unit_dir else Path("~/.config/systemd/user").expanduser()
    target.mkdir(parents=True, exist_ok=True)
    unit = target / "inboxwatch.service"
    _write_unit(unit, unit_text(executable))
    ui.out.print(f"wrote {unit}", markup=False)
    ui.out.print("next: systemctl --user daemon-reload && systemctl --user enable --now inboxwatch", markup=False)
    ui.out.print("logs: journalctl --user -u inboxwatch", markup=False)
    return 0

"""``run`` (the daemon itself) and ``service install`` (its systemd user unit)."""

from __future__ import annotations

import argparse
import shutil
import sys
from importlib import resources
from pathlib import Path

from inboxwatch.cli.app import Ui, config_path


def run(args: argparse.Namespace, ui: Ui) -> int:
    from inboxwatch.runtime.daemon import Daemon, configure_logging

    configure_logging(args.verbose)
    return Daemon(config_path(args)).run()


def unit_text(executable: str) -> str:
    """The shipped user unit, with ExecStart pointing at this installation's inboxwatch."""
    template = (resources.files("inboxwatch") / "inboxwatch.service").read_text(encoding="utf-8")
    return template.replace("ExecStart=/usr/bin/env inboxwatch run", f"ExecStart={executable} run")


def service(args: argparse.Namespace, ui: Ui) -> int:
    executable = shutil.which("inboxwatch") or f"{sys.executable} -m inboxwatch"
    target = Path(args.unit_dir).expanduser() if args.unit_dir else Path("~/.config/systemd/user").expanduser()
    target.mkdir(parents=True, exist_ok=True)
    unit = target / "inboxwatch.service"
    unit.write_text(unit_text(executable), encoding="utf-8")
    ui.out.print(f"wrote {unit}", markup=False)
    ui.out.print("next: systemctl --user daemon-reload && systemctl --user enable --now inboxwatch", markup=False)
    ui.out.print("logs: journalctl --user -u inboxwatch", markup=False)
    return 0

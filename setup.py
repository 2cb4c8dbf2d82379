"""Build hook (the project's metadata is in pyproject.toml): the manual page, written from the argument parser.

``inboxwatch.1`` is generated at every build from ``inboxwatch.cli.parser`` (standard library only, so the
build needs none of inboxwatch's dependencies) and installed as a data file in ``share/man/man1``, where
``man`` finds it next to the ``inboxwatch`` script (pip, pipx and distribution packages alike).
"""

from __future__ import annotations

import sys
from pathlib import Path

from setuptools import setup

ROOT = Path(__file__).resolve().parent
MANPAGE = Path("build") / "man" / "inboxwatch.1"  # relative: setuptools wants data_files relative to setup.py


def write_manpage() -> str:
    sys.path.insert(0, str(ROOT / "src"))
    try:
        from inboxwatch.cli.manpage import write_manpage as write

        write(ROOT / MANPAGE)
    finally:
        sys.path.remove(str(ROOT / "src"))
        for name in [m for m in sys.modules if m == "inboxwatch" or m.startswith("inboxwatch.")]:
            del sys.modules[name]  # the build must not keep this copy imported
    return str(MANPAGE)


setup(data_files=[("share/man/man1", [write_manpage()])])

"""What the package ships: every package-data pattern names files that exist, and nothing else is needed."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "inboxwatch"


def test_every_package_data_pattern_matches_a_file() -> None:
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["inboxwatch"]
    assert [p for p in patterns if not list(PACKAGE.glob(p))] == []


def test_every_data_file_in_the_package_is_shipped() -> None:
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["inboxwatch"]
    shipped = {f for p in patterns for f in PACKAGE.glob(p)}
    data = {f for f in PACKAGE.rglob("*") if f.is_file() and f.suffix not in (".py", ".pyc")}
    assert sorted(str(f.relative_to(PACKAGE)) for f in data - shipped) == []

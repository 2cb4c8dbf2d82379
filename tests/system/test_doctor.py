from __future__ import annotations

import os
from pathlib import Path

import pytest

from inboxwatch import cli
from inboxwatch.state.store import Store
from tests.support.mailfactory import ME


def config(tmp_path: Path, inbox: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f"""
state_dir = "{tmp_path / 'state'}"
[identity]
addresses = ["{ME}"]
[[accounts]]
name = "personal"
kind = "maildir"
inbox = "{inbox}"
sent = "{inbox}"
[alerts]
channels = []
""")
    return path


def test_doctor_finds_problems_and_prints_fixes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = config(tmp_path, tmp_path / "no-such-maildir")
    Store.open(tmp_path / "state" / "state.sqlite3").close()
    os.chmod(tmp_path / "state" / "state.sqlite3", 0o644)
    assert cli.main(["doctor", "--config", str(cfg)]) == 1
    out = capsys.readouterr().out
    assert "FAIL state file" in out and "chmod 600" in out
    assert "FAIL account personal" in out and "fix:" in out


def test_doctor_all_good(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for sub in ("cur", "new", "tmp"):
        (tmp_path / "Mail" / sub).mkdir(parents=True)
    cfg = config(tmp_path, tmp_path / "Mail")
    assert cli.main(["doctor", "--config", str(cfg)]) == 0
    assert "FAIL" not in capsys.readouterr().out


def test_doctor_on_a_broken_config_explains(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[identity]\naddresses = []\n")
    assert cli.main(["doctor", "--config", str(bad)]) == 1
    assert "FAIL config" in capsys.readouterr().out

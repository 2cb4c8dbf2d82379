"""``service install`` writes a unit systemd can read when the installation's path has a space (or a % or
a $), 0644 whatever the umask, and replaces a symlink at the unit's place instead of writing through it."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile.scan import inboxwatch


@pytest.fixture
def spaced_install(tmp_path: Path) -> Path:
    """An ``inboxwatch`` executable in a folder whose name has a space, a % and a $, first on PATH."""
    folder = tmp_path / "my tools 100% $HOME" / "bin"
    folder.mkdir(parents=True)
    program = folder / "inboxwatch"
    program.write_text(f"#!{sys.executable}\nfrom inboxwatch.cli import main\nraise SystemExit(main())\n")
    program.chmod(0o755)
    return program


def test_a_unit_for_an_installation_with_spaces_verifies_and_is_0644(tmp_path: Path, spaced_install: Path) -> None:
    units = tmp_path / "units"
    decoy = tmp_path / "decoy.txt"
    decoy.write_text("not a unit\n")
    units.mkdir()
    (units / "inboxwatch.service").symlink_to(decoy)
    env = {"PATH": f"{spaced_install.parent}{os.pathsep}{os.environ['PATH']}"}
    old = os.umask(0)
    try:
        run = inboxwatch("service", "install", "--unit-dir", str(units), env=env)
    finally:
        os.umask(old)
    assert run.code == 0, run.err
    unit = units / "inboxwatch.service"
    assert not unit.is_symlink() and decoy.read_text() == "not a unit\n", "wrote through the symlink"
    assert stat.S_IMODE(unit.stat().st_mode) == 0o644
    text = unit.read_text()
    assert 'ExecStart="' in text and "100%% $HOME" in text, text
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    done = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True, check=False)
    assert "is not executable" not in done.stderr and "Failed to" not in done.stderr, done.stderr
    assert done.returncode == 0, done.stderr


def test_a_unit_for_a_named_config_lets_the_service_write_its_state_and_drafts(tmp_path: Path) -> None:
    """ProtectHome=read-only keeps the home read-only: a state folder and a drafts Maildir the config puts
    elsewhere are listed in ReadWritePaths=, and the service is started with that config."""
    mail = tmp_path / "my mail"
    for box in ("inbox", "sent"):
        for sub in ("cur", "new", "tmp"):
            (mail / box / sub).mkdir(parents=True)
    state = tmp_path / "state 50%"
    config = tmp_path / "conf" / "inboxwatch.toml"
    config.parent.mkdir()
    config.write_text(
        f'state_dir = "{state}"\n[identity]\naddresses = ["me@example.org"]\n[drafts]\nenabled = true\n'
        f'[[accounts]]\nname = "home"\nkind = "maildir"\ninbox = "{mail / "inbox"}"\nsent = "{mail / "sent"}"\n'
        f'drafts = "{mail / "drafts"}"\n'
    )
    units = tmp_path / "units"
    run = inboxwatch("service", "install", "--unit-dir", str(units), "--config", str(config))
    assert run.code == 0, run.err
    text = (units / "inboxwatch.service").read_text()
    exec_line = next(x for x in text.splitlines() if x.startswith("ExecStart="))
    assert exec_line.endswith(f"--config {config} run"), exec_line
    extra = [x for x in text.splitlines() if x.startswith("ReadWritePaths=") and "%S" not in x]
    # The drafts Maildir does not exist yet: its parent is where it will be made.
    assert extra == [f'ReadWritePaths="-{tmp_path}/state 50%%" "-{mail}"'], extra
    assert state.is_dir() and stat.S_IMODE(state.stat().st_mode) == 0o700
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    done = subprocess.run([analyze, "verify", str(units / "inboxwatch.service")], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr


def test_a_unit_for_the_default_config_names_no_config_and_no_extra_paths(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"), "XDG_STATE_HOME": str(home / ".local/state")}
    run = inboxwatch("service", "install", "--unit-dir", str(tmp_path / "units"), env=env)
    assert run.code == 0, run.err
    text = (tmp_path / "units" / "inboxwatch.service").read_text()
    assert "--config" not in text
    assert [x for x in text.splitlines() if x.startswith("ReadWritePaths=")] == [
        "ReadWritePaths=-%S/inboxwatch -%h/.local/state/inboxwatch"
    ]


def test_the_shells_xdg_folders_are_the_services_too(tmp_path: Path) -> None:
    """With XDG_CONFIG_HOME / XDG_STATE_HOME set, the CLI's defaults are elsewhere; the user manager does not see
    the shell's environment, so the unit sets them (and may write that state folder)."""
    config_home, state_home = tmp_path / "conf home", tmp_path / "state home"
    (config_home / "inboxwatch").mkdir(parents=True)
    (config_home / "inboxwatch" / "config.toml").write_text('[identity]\naddresses = ["me@example.org"]\n')
    env = {"XDG_CONFIG_HOME": str(config_home), "XDG_STATE_HOME": str(state_home)}
    run = inboxwatch("service", "install", "--unit-dir", str(tmp_path / "units"), env=env)
    assert run.code == 0, run.err
    text = (tmp_path / "units" / "inboxwatch.service").read_text()
    assert "--config" not in text  # the default config, as the service will find it with the same XDG folders
    assert f'Environment="XDG_CONFIG_HOME={config_home}" "XDG_STATE_HOME={state_home}"\n' in text, text
    assert f'ReadWritePaths="-{state_home}/inboxwatch"\n' in text
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    unit = tmp_path / "units" / "inboxwatch.service"
    done = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_a_path_with_a_line_break_is_refused_not_written(tmp_path: Path) -> None:
    config = tmp_path / "odd\nname.toml"
    config.write_text('[identity]\naddresses = ["me@example.org"]\n')
    env = {"HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path / "state")}  # the state folder is made
    run = inboxwatch("service", "install", "--unit-dir", str(tmp_path / "units"), "--config", str(config), env=env)
    assert run.code == 2 and "line break" in run.err, run.err
    assert not (tmp_path / "units" / "inboxwatch.service").exists()

"""The labelled detection fixtures are data: the committed files are exactly what their specs render.

``tests/fixtures/detection/build_fixtures.py`` turns the ``specs_*.py`` modules into ``.eml`` files and
``labels.tsv``. A file edited by hand, a spec changed without rebuilding, or a stale file left behind fails here,
naming the file. Rebuild with ``python tests/fixtures/detection/build_fixtures.py``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "detection"


def test_committed_fixtures_are_what_the_specs_render(tmp_path: Path) -> None:
    for script in FIXTURES.glob("*.py"):
        shutil.copy(script, tmp_path / script.name)
    done = subprocess.run(
        [sys.executable, str(tmp_path / "build_fixtures.py")], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]

    def rendered(folder: Path) -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in folder.iterdir() if p.suffix in (".eml", ".tsv")}

    built, committed = rendered(tmp_path), rendered(FIXTURES)
    stale = sorted(set(committed) - set(built))
    assert not stale, f"committed but no spec renders them: {stale}"
    missing = sorted(set(built) - set(committed))
    assert not missing, f"rendered by a spec but not committed: {missing}"
    drifted = sorted(name for name in built if built[name] != committed[name])
    assert not drifted, f"differ from what their spec renders (edited by hand, or a spec changed): {drifted}"


DEMO = Path(__file__).resolve().parents[2] / "src" / "inboxwatch" / "demo"
BUILD_DEMO = Path(__file__).resolve().parents[2] / "scripts" / "build_demo.py"


def test_the_committed_demo_mailbox_is_what_build_demo_renders(tmp_path: Path) -> None:
    """The demo's .eml files and STORY.md come from scripts/build_demo.py; rebuild with it, never edit by hand."""
    done = subprocess.run(
        [sys.executable, str(BUILD_DEMO), "--out", str(tmp_path)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]

    def rendered(root: Path) -> dict[str, bytes]:
        files = [root / "STORY.md", *sorted((root / "inbox").glob("*")), *sorted((root / "sent").glob("*"))]
        return {str(p.relative_to(root)): p.read_bytes() for p in files if p.is_file()}

    built, committed = rendered(tmp_path), rendered(DEMO)
    assert sorted(set(built) ^ set(committed)) == [], "files only on one side"
    drifted = sorted(name for name in built if built[name] != committed[name])
    assert not drifted, f"differ from what scripts/build_demo.py renders: {drifted}"

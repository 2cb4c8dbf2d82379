"""The labelled detection fixtures are data: the committed files are exactly what their specs render.

``tests/fixtures/detection/build_fixtures.py`` turns the ``specs_*.py`` modules into ``.eml`` files and
``labels.tsv``. A file edited by hand, a spec changed without rebuilding, or a stale file left behind fails here,
naming the file. Rebuild with ``python tests/fixtures/detection/build_fixtures.py``.

The demo mailbox's mail is committed as it is (its ``.eml`` files are the source); its STORY.md is rendered from
``demo/stories.toml`` and that mail by ``scripts/build_story.py``, and must be what that renders.
"""

from __future__ import annotations

import email
import email.policy
import shutil
import subprocess
import sys
from email.utils import getaddresses
from pathlib import Path

from inboxwatch.demo import DEMO_NOW

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
BUILD_STORY = Path(__file__).resolve().parents[2] / "scripts" / "build_story.py"
OWNERS = {"alex.morgan@example.net", "alexmorgan.dev@gmail.example"}


def test_the_committed_story_is_what_build_story_renders_from_stories_toml_and_the_mail() -> None:
    """STORY.md comes from demo/stories.toml and the .eml files: a hand edit, a message no story tells, a story
    naming a message that is gone, or mail changed without re-rendering fails here."""
    done = subprocess.run([sys.executable, str(BUILD_STORY), "--check"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


def test_the_demo_mail_is_well_formed() -> None:
    """Every demo message parses, has its basic headers, is dated before the demo's now, replies only within the
    mailbox, and (in sent) comes from the owner."""
    messages = {
        f"{folder}/{path.name}": email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        for folder in ("inbox", "sent")
        for path in sorted((DEMO / folder).glob("*.eml"))
    }
    ids = {str(m["Message-ID"]).strip() for m in messages.values()}
    for name, msg in messages.items():
        for header in ("Message-ID", "Date", "From", "To", "Subject"):
            assert msg[header], f"{name}: no {header}"
        assert msg["Date"].datetime < DEMO_NOW, f"{name}: dated at or after the demo's now"
        if msg["In-Reply-To"]:
            assert str(msg["In-Reply-To"]).strip() in ids, f"{name}: In-Reply-To points outside the mailbox"
        if name.startswith("sent/"):
            assert {a.lower() for _, a in getaddresses([str(msg["From"])])} & OWNERS, f"{name}: not from the owner"
        for part in msg.walk():
            if not part.is_multipart():
                part.get_content()  # raises on an undecodable part

"""Mail that weighs 50 MB a message: Maildir and mbox are read only as far as the parser reads (the same cap
as IMAP's partial fetch), and batches close by bytes as well as by count, so a scan's memory stays
bounded (the shipped unit has MemoryMax=512M) — 20 such messages once took 1.08 GB."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.hostile.mail import good_neighbour
from tests.hostile.scan import companies, inboxwatch, maildir_home, stored_subjects, write_config
from tests.support.mailfactory import make_message

NOW = datetime.now(UTC)
HEAVY = 50 << 20
COUNT = 20
LIMIT_MB = 300


def heavy_head(i: int) -> bytes:
    return make_message(
        sender=f"Archive {i} <archive{i}@storage.example>",
        subject=f"Your exported files, part {i}",
        body="The export is attached.\n",
        date=NOW - timedelta(days=2, minutes=i),
    )


def sparse(path: Path, head: bytes, size: int) -> None:
    """A file of ``size`` bytes that costs no disk: the head, then a hole (read back as zero bytes)."""
    with path.open("wb") as fh:
        fh.write(head)
        fh.truncate(size)


def check(home: Path, config: Path) -> None:
    run = inboxwatch("scan", "--once", "--config", str(config), "--now", NOW.isoformat())
    assert run.code == 0, run.err
    assert run.peak_mb <= LIMIT_MB, f"peak RSS {run.peak_mb:.0f} MB"
    assert f"{COUNT + 1} read" in run.out, run.out
    assert "Larchmont Analytics" in companies(config)
    assert sum(s.startswith("Your exported files") for s in stored_subjects(home).values()) == COUNT


def test_a_maildir_of_50_mb_messages_is_read_in_bounded_memory(tmp_path: Path) -> None:
    inbox, config = maildir_home(tmp_path)
    for i in range(COUNT):
        key = inbox.add(heavy_head(i))
        file = next((tmp_path / "Mail" / "INBOX" / "new").glob(f"{key}*"))
        sparse(file, file.read_bytes(), HEAVY)
    inbox.add(good_neighbour(NOW - timedelta(hours=2)))
    check(tmp_path, config)


def test_an_mbox_of_50_mb_messages_is_read_in_bounded_memory(tmp_path: Path) -> None:
    mbox = tmp_path / "inbox.mbox"
    with mbox.open("wb") as fh:
        for i in range(COUNT):
            fh.write(b"From archive@storage.example Mon Mar  2 10:00:00 2026\n" + heavy_head(i))
            fh.seek(HEAVY, 1)  # a 50 MB hole: one "line" of zero bytes
            fh.write(b"\n\n")
        fh.write(b"From imogen@larchmont-analytics.example Mon Mar  2 10:00:00 2026\n")
        fh.write(good_neighbour(NOW - timedelta(hours=2)) + b"\n")
    (tmp_path / "sent.mbox").write_bytes(b"")
    config = write_config(
        tmp_path,
        f"""
[[accounts]]
name = "personal"
kind = "mbox"
inbox = "{mbox}"
sent = "{tmp_path / "sent.mbox"}"
""",
    )
    check(tmp_path, config)


@pytest.mark.parametrize("line", [b"x" * 200_000 + b"\n", b"\n", b"text\nFrom not-a-separator\n", b"y" * 70_000])
def test_mbox_splitting_in_pieces_keeps_messages_whole(tmp_path: Path, line: bytes) -> None:
    from inboxwatch.sources.local import _split_mbox

    first = b"Subject: one\n\n" + line + b"end one\n"
    second = b"Subject: two\n\nend two\n"
    data = b"From a@b Mon Mar  2 10:00:00 2026\n" + first + b"\nFrom a@b Mon Mar  2 10:00:00 2026\n" + second
    path = tmp_path / "box"
    path.write_bytes(data)
    with path.open("rb") as fh:
        got = [raw for _, _, raw in _split_mbox(fh, 0)]
    assert got == [first + b"\n", second]  # a long line read in pieces, a "From " not after a blank line

"""The per-message time budget end to end, for whatever a library can still loop on: a message the parser
loops on for ever (an injected fault, tests/hostile/inject) through ``scan --once`` on Maildir and IMAP
(Dovecot): each scan ends within 20 s with a peak RSS of at most 300 MB, the neighbouring message is
tracked, and the looping one is recorded once as damaged with its reason — and not read again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.hostile.mail import good_neighbour, looping
from tests.hostile.scan import companies, inboxwatch, looping_env, maildir_home, skipped, write_config
from tests.support.dovecot import PASSWORD_ENV, Dovecot

NOW = datetime.now(UTC)


def check(home: Path, config: Path, loops: int) -> None:
    env = looping_env()
    first = inboxwatch("scan", "--once", "--config", str(config), "--now", NOW.isoformat(), env=env)
    assert first.code == 0, first.err
    assert first.seconds < 20, f"scan took {first.seconds:.1f} s"
    assert first.peak_mb <= 300, f"peak RSS {first.peak_mb:.0f} MB"
    assert "Larchmont Analytics" in companies(config)
    reasons = skipped(home)
    assert len(reasons) == loops
    for reason in reasons.values():
        assert reason.startswith("abandoned: reading it took longer than 3 s"), reason
        assert "tests.hostile.inject" in reason or "sitecustomize" in reason, reason  # where it was stuck
    assert first.err.count("skipped message") == loops, first.err
    again = inboxwatch("scan", "--once", "--config", str(config), "--now", NOW.isoformat(), env=env)
    assert again.code == 0 and "skipped message" not in again.err and "0 read" in again.out


def test_a_looping_message_in_a_maildir(tmp_path: Path) -> None:
    inbox, config = maildir_home(tmp_path)
    inbox.add(looping(NOW - timedelta(hours=3), 1))
    inbox.add(good_neighbour(NOW - timedelta(hours=2)))
    inbox.add(looping(NOW - timedelta(hours=1), 2))
    check(tmp_path, config, loops=2)


def test_a_looping_message_over_imap(tmp_path: Path, dovecot: Dovecot, imap_user: str) -> None:
    stamp = (NOW - timedelta(hours=3)).timestamp()
    messages = [(looping(NOW - timedelta(hours=3), 1), stamp), (good_neighbour(NOW - timedelta(hours=2)), stamp)]
    dovecot.write_maildir(imap_user, "INBOX", messages)
    config = write_config(
        tmp_path,
        f"""
[[accounts]]
name = "work"
kind = "imap"
host = "127.0.0.1"
port = {dovecot.port}
security = "none"
username = "{imap_user}"
password_env = "{PASSWORD_ENV}"
""",
    )
    check(tmp_path, config, loops=1)

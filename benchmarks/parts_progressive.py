"""Does the progressive part fetch pay? Bytes and FETCH commands of the IMAP source on the personal mailbox.

Usage (as root, with Dovecot installed): python benchmarks/parts_progressive.py [--messages 1000]

The source alone reads the personal-mail mailbox (``tests/support/benchmail.py``) twice from a throwaway
Dovecot: progressively (the classifier's first look, ``FIRST_LOOK_CHARS`` of text, then more only for mail
whose first look shows a sign of a job, a reply or a forward), and in one read of ``REPLY_CHARS`` for every
candidate. Each extra FETCH costs a round trip (30 ms through the scan benchmark's shaper); each byte, 0.16 µs.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.benchmail import personal_mailbox
from tests.support.dovecot import PASSWORD, PASSWORD_ENV, Dovecot, Recording, imap_account

import inboxwatch.sources.imap as imap_module
from inboxwatch.core.detect import reading


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--messages", type=int, default=1000)
    args = parser.parse_args()
    os.environ[PASSWORD_ENV] = PASSWORD
    now = datetime.now(UTC)
    mail = list(personal_mailbox(args.messages, 7, now))
    size = sum(len(raw) for _, raw, _ in mail)
    server = Dovecot()
    server.start()
    try:
        user = server.add_user()
        for folder in ("INBOX", "Sent"):
            server.write_maildir(user, folder, [(raw, stamp) for f, raw, stamp in mail if f == folder])
        server.doveadm("force-resync", "-u", user, "*")
        for label, first in (("progressive", reading.FIRST_LOOK_CHARS), ("one read", reading.REPLY_CHARS)):
            setattr(imap_module, "FIRST_LOOK_CHARS", first)  # noqa: B010 - what the source reads first
            source = Recording(imap_account(server, user, backfill=timedelta(days=3650)))
            read = count = 0
            for role in source.roles():
                for batch in source.fetch_changes(role, None, since=now - timedelta(days=3650)):
                    read += sum(m.size for m in batch.messages)
                    count += len(batch.messages)
            fetches = sum(1 for c in source.commands if c.startswith("UID FETCH"))
            source.close()
            print(f"{label:12} (first read {first} characters): {count} messages, {read} bytes read "
                  f"({read / size:.2f}x the messages' {size}), {fetches} FETCH commands")
    finally:
        server.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

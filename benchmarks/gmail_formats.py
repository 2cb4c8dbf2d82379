"""Gmail API: is ``format=full`` (the payload's parts, attachments by reference) cheaper than ``format=raw``
(the whole message) for the candidates of the header prefilter?

Usage: python benchmarks/gmail_formats.py [--messages 20000] [--personal 4000]

Puts the two benchmark mailboxes (``tests/support/benchmail.py``) in the local Gmail REST fake, picks the
candidates as the source does (``might_be_job_mail`` on the metadata headers), and gets each candidate in
both formats, one format after the other, over HTTP on loopback: bytes of the JSON answers (as sent, and
gzip-compressed as Google sends them to a client that accepts it), wall time of the gets, and the time to
turn the answer into a ``Message`` (``decode_raw`` + ``parse_message`` against ``rebuild_from_full`` +
``parse_message``). It also checks that both give the same labels, facts and message for every candidate.
Prints a table and writes JSON to benchmarks/results/gmail_formats.json.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.benchmail import ME, bulk_mailbox, personal_mailbox  # noqa: E402
from tests.support.gmail_fake import FakeGmail  # noqa: E402

from inboxwatch.core.detect import classify  # noqa: E402
from inboxwatch.core.parse import parse_message  # noqa: E402
from inboxwatch.models import FolderRole, Identity  # noqa: E402
from inboxwatch.sources.gmail_sync import decode_raw, header_block, rebuild_from_full  # noqa: E402
from inboxwatch.sources.prefilter import might_be_job_mail  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "gmail_formats.json"
OWNER = Identity("Alex Morgan", frozenset({ME}))


def get(conn: http.client.HTTPConnection, token: str, message_id: str, fmt: str) -> bytes:
    conn.request("GET", f"/gmail/v1/users/me/messages/{message_id}?format={fmt}",
                 headers={"Authorization": f"Bearer {token}"})
    response = conn.getresponse()
    body = response.read()
    assert response.status == 200, body[:200]
    return body


def measure(fake: FakeGmail, ids: list[tuple[str, FolderRole]], fmt: str) -> dict[str, Any]:
    host, port = fake.url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    answers: list[bytes] = []
    started = time.perf_counter()
    for message_id, _ in ids:
        answers.append(get(conn, fake.tokens[0] if isinstance(fake.tokens, list) else next(iter(fake.tokens)),
                           message_id, fmt))
    seconds = time.perf_counter() - started
    conn.close()
    started = time.perf_counter()
    messages = []
    for (message_id, role), body in zip(ids, answers, strict=True):
        data = json.loads(body)
        raw = decode_raw(data["raw"]) if fmt == "raw" else rebuild_from_full(data["payload"])
        messages.append(parse_message(raw, role, message_id))
    parse_seconds = time.perf_counter() - started
    return {
        "format": fmt,
        "candidates": len(ids),
        "bytes": sum(len(b) for b in answers),
        "gzip_bytes": sum(len(gzip.compress(b, 6)) for b in answers),
        "get_seconds": seconds,
        "parse_seconds": parse_seconds,
        "messages": messages,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--personal", type=int, default=4_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, default=RESULTS)
    args = parser.parse_args()
    now = datetime.now(UTC)
    summary: dict[str, Any] = {"when": now.isoformat(timespec="seconds"), "mailboxes": {}}
    print(f"{'mailbox':9} {'format':6} {'candidates':>10} {'MB':>8} {'MB gzip':>8} {'get s':>7} {'parse s':>8}")
    for box, mail in (("personal", personal_mailbox(args.personal, args.seed, now)),
                      ("bulk", bulk_mailbox(args.messages, args.seed, now))):
        with FakeGmail(email_address=ME) as fake:
            ids: list[tuple[str, FolderRole]] = []
            total = 0
            for n, (folder, raw, stamp) in enumerate(mail):
                role = FolderRole.SENT if folder == "Sent" else FolderRole.INBOX
                message_id = fake.add_message(raw, ["SENT" if folder == "Sent" else "INBOX"], thread_id=f"t{n:x}",
                                              internal_date=stamp)
                total += 1
                head = raw.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n"
                if might_be_job_mail(header_block(_headers(head)), role):
                    ids.append((message_id, role))
            results = {fmt: measure(fake, ids, fmt) for fmt in ("raw", "full")}
        differ = 0
        for whole, parts in zip(results["raw"]["messages"], results["full"]["messages"], strict=True):
            said, heard = classify(whole, OWNER), classify(parts, OWNER)
            if (replace(said, evidence=()) != replace(heard, evidence=()) or
                    replace(whole, text="", defects=()) != replace(parts, text="", defects=()) or
                    whole.text != parts.text):
                differ += 1
        for fmt, r in results.items():
            print(f"{box:9} {fmt:6} {r['candidates']:>10} {r['bytes'] / 1e6:>8.2f} {r['gzip_bytes'] / 1e6:>8.2f} "
                  f"{r['get_seconds']:>7.2f} {r['parse_seconds']:>8.2f}")
            r.pop("messages")
        full, raw_ = results["full"], results["raw"]
        ratio = {k: full[k] / raw_[k] for k in ("bytes", "gzip_bytes", "get_seconds", "parse_seconds")}
        print(f"{box:9} full/raw: bytes {ratio['bytes']:.2f}, gzip bytes {ratio['gzip_bytes']:.2f}, "
              f"get time {ratio['get_seconds']:.2f}, parse time {ratio['parse_seconds']:.2f}; "
              f"messages that differ: {differ} of {len(ids)} ({total} in the mailbox)")
        summary["mailboxes"][box] = {"messages": total, "results": results, "full_over_raw": ratio, "differ": differ}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(summary, indent=2) + "\n")
    print(f"written to {args.json}")
    return 0


def _headers(head: bytes) -> list[dict[str, str]]:
    """The header block as the metadata format lists it (name, value), for the prefilter."""
    import email
    import email.policy

    parsed = email.message_from_bytes(head, policy=email.policy.compat32)
    return [{"name": k, "value": str(v)} for k, v in parsed.items()]


if __name__ == "__main__":
    raise SystemExit(main())

"""Parse + classify throughput on one core, in messages per second.

Usage: python benchmarks/classify_speed.py [DIR ...] [--seconds N]

Reads every .eml under the given folders (default: the test fixtures and the bundled demo), then parses
and classifies them round-robin for N seconds in this one process. Prints a table and writes JSON.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from inboxwatch.core.detect import classify
from inboxwatch.core.parse import parse_message
from inboxwatch.models import Identity

DEFAULTS = [Path("tests/fixtures/detection"), Path("src/inboxwatch/demo")]
OWNER = Identity("Alex Morgan", frozenset({"alex.morgan@example.net"}))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="parse + classify messages per second")
    parser.add_argument("dirs", nargs="*", type=Path, default=DEFAULTS)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--json", type=Path, default=Path("benchmarks/results/classify_speed.json"))
    args = parser.parse_args(argv)
    raws = [p.read_bytes() for d in args.dirs for p in sorted(d.rglob("*.eml"))]
    if not raws:
        print("no .eml files found", file=sys.stderr)
        return 1
    sizes = [len(r) for r in raws]
    for raw in raws[:20]:  # warm caches and compiled patterns
        classify(parse_message(raw), OWNER)
    done = 0
    parse_time = classify_time = 0.0
    deadline = time.perf_counter() + args.seconds
    while time.perf_counter() < deadline:
        for raw in raws:
            t0 = time.perf_counter()
            message = parse_message(raw)
            t1 = time.perf_counter()
            classify(message, OWNER)
            t2 = time.perf_counter()
            parse_time += t1 - t0
            classify_time += t2 - t1
            done += 1
    total = parse_time + classify_time
    figures = {
        "messages": done,
        "distinct_messages": len(raws),
        "median_size_bytes": int(statistics.median(sizes)),
        "messages_per_second": done / total,
        "parse_ms_per_message": 1000 * parse_time / done,
        "classify_ms_per_message": 1000 * classify_time / done,
    }
    print(f"{'distinct messages':28} {len(raws)}")
    print(f"{'median size':28} {figures['median_size_bytes']} bytes")
    print(f"{'parse':28} {figures['parse_ms_per_message']:.3f} ms/message")
    print(f"{'classify':28} {figures['classify_ms_per_message']:.3f} ms/message")
    print(f"{'parse + classify':28} {figures['messages_per_second']:.0f} messages/s (one core)")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

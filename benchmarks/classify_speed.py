"""Parse + classify throughput on one core, in messages per second.

Usage: python benchmarks/classify_speed.py [DIR ...] [--seconds N]

Reads every .eml under the given folders (default: the test fixtures and the bundled demo), then parses
and classifies them round-robin for N seconds in this one process, after one first pass over every message
with cold caches. Wall time and this process's CPU time (the steadier figure on a busy machine) are both
given. Prints a table and writes JSON.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from inboxwatch.core.detect import classify
from inboxwatch.core.detect.model import WEIGHTS_FILE, LinearModel, default_model
from inboxwatch.core.parse import parse_message
from inboxwatch.models import Identity

DEFAULTS = [Path("tests/fixtures/detection"), Path("src/inboxwatch/demo")]
OWNER = Identity("Alex Morgan", frozenset({"alex.morgan@example.net"}))


def _rss_kib() -> int:
    """Resident memory of this process (Linux /proc), in KiB; 0 where unknown."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


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
    classify(parse_message(raws[0]), OWNER)  # the phrase tables, before the model is measured
    rss_before = _rss_kib()
    t0 = time.perf_counter()
    default_model.cache_clear()
    default_model()
    load_ms = 1000 * (time.perf_counter() - t0)
    model_rss_mib = (_rss_kib() - rss_before) / 1024
    # First pass: every distinct message once, with the model's packed rows and the extractor's memo still cold
    # (what the first few hundred messages of a first scan cost).
    cpu0 = time.process_time()
    for raw in raws:
        classify(parse_message(raw), OWNER)
    first_pass_rate = len(raws) / (time.process_time() - cpu0)
    done = 0
    parse_time = classify_time = 0.0
    cpu0 = time.process_time()
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
    cpu = time.process_time() - cpu0
    # The model keeps each row it has used packed (see LinearModel.raw_scores): its worst case is every row.
    rss_before_all = _rss_kib()
    fresh = LinearModel.from_bytes(WEIGHTS_FILE.read_bytes())  # a second copy, measured whole
    for row in range(len(fresh.columns[0])):
        fresh._pack(row)
    model_worst_mib = (_rss_kib() - rss_before_all) / 1024
    total = parse_time + classify_time
    figures = {
        "messages": done,
        "distinct_messages": len(raws),
        "median_size_bytes": int(statistics.median(sizes)),
        "messages_per_second": done / total,
        # CPU time of this process: what one core does, less disturbed than wall time by other work on the machine
        "messages_per_cpu_second": done / cpu,
        "first_pass_messages_per_cpu_second": first_pass_rate,
        "parse_ms_per_message": 1000 * parse_time / done,
        "classify_ms_per_message": 1000 * classify_time / done,
        "model_file_bytes": WEIGHTS_FILE.stat().st_size,
        "model_load_ms": load_ms,
        "model_rss_mib": model_rss_mib,
        "model_rss_worst_mib": model_worst_mib,
    }
    print(f"{'distinct messages':28} {len(raws)}")
    print(f"{'median size':28} {figures['median_size_bytes']} bytes")
    print(f"{'parse':28} {figures['parse_ms_per_message']:.3f} ms/message")
    print(f"{'classify':28} {figures['classify_ms_per_message']:.3f} ms/message")
    print(f"{'parse + classify':28} {figures['messages_per_second']:.0f} messages/s (one core, wall time)")
    print(f"{'':28} {figures['messages_per_cpu_second']:.0f} messages per CPU second")
    print(f"{'first pass, cold':28} {first_pass_rate:.0f} messages per CPU second (each message once)")
    print(f"{'model file':28} {figures['model_file_bytes'] / 1024:.0f} KiB")
    print(f"{'model load':28} {load_ms:.1f} ms, {model_rss_mib:.1f} MiB resident")
    print(f"{'model, every row used':28} {model_worst_mib:.1f} MiB resident at most")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

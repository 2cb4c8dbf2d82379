"""How alike "the same template" is, measured: what the corrections' similarity threshold stands on.

Usage: python benchmarks/corrections.py DIR [DIR ...] [--threshold X] [--json OUT]

DIR holds .eml files and a labels.tsv (file, label, company, …), as for benchmarks/accuracy.py. Every pair
of messages is put in one of four groups, by what a correction made on one should do to the other:

- ``same template``: the same sender scope (the employer's domain, or the ATS tenant), the same label and
  the same company — a correction of one should reach the other;
- ``same sender, other label``: the same scope, a different label (an acknowledgment and a rejection from one
  tenant) — it must not;
- ``same sender scope, other company``: the same scope and label, another company (an ATS address that
  names no tenant) — it should not: the employer differs;
- ``other sender``: different scopes — the scope gate already keeps these apart; their similarity shows how
  far apart unrelated mail is.

Prints each group's similarity distribution (min, percentiles, max), and for a range of thresholds how
many pairs of each group would follow; the threshold is chosen where no pair that must not follow does,
with as many same-template pairs as possible reached.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
from collections import defaultdict
from itertools import combinations
from pathlib import Path

from inboxwatch.core.detect.corrections import THRESHOLD, scope_of, similarity, template_vector
from inboxwatch.core.detect.senders import normalise_company
from inboxwatch.core.parse import parse_message

GROUPS = ("same template", "same sender, other label", "same sender scope, other company", "other sender")
MUST_NOT = ("same sender, other label", "same sender scope, other company")


def load(folders: list[Path]) -> list[tuple[str, str, str, dict[int, float]]]:
    """(scope, label, company key, features) of every labelled message."""
    out = []
    for folder in folders:
        with (folder / "labels.tsv").open(newline="") as f:
            rows = list(csv.DictReader(f, delimiter="\t"))
        for row in sorted(rows, key=lambda r: r["file"]):
            path = folder / row["file"]
            if not path.is_file():
                continue
            m = parse_message(path.read_bytes())
            out.append(
                (
                    f"{folder.name}/{scope_of(m)}",
                    row["label"],
                    normalise_company(row.get("company") or ""),
                    template_vector(m),
                )
            )
    return out


def group_of(a: tuple[str, str, str, dict[int, float]], b: tuple[str, str, str, dict[int, float]]) -> str:
    if a[0] != b[0] or a[0].endswith("/"):
        return "other sender"
    if a[1] != b[1]:
        return "same sender, other label"
    if a[2] != b[2] or not a[2]:
        return "same sender scope, other company"
    return "same template"


def percentiles(values: list[float]) -> dict[str, float]:
    values = sorted(values)
    if not values:
        return {}
    q = statistics.quantiles(values, n=20, method="inclusive") if len(values) > 1 else [values[0]] * 19
    return {
        "n": len(values),
        "min": values[0],
        "p5": q[0],
        "p25": q[4],
        "median": q[9],
        "p95": q[18],
        "max": values[-1],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--threshold", type=float, default=THRESHOLD, help="the threshold to report on")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    messages = load(args.folders)
    scores: dict[str, list[float]] = defaultdict(list)
    for a, b in combinations(messages, 2):
        group = group_of(a, b)
        if group == "other sender" and len(scores[group]) > 200_000:
            continue
        scores[group].append(similarity(a[3], b[3]))
    figures: dict[str, object] = {"messages": len(messages)}
    print(f"{len(messages)} messages")
    for group in GROUPS:
        p = percentiles(scores[group])
        figures[group] = p
        shown = "  ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in p.items())
        print(f"{group:34} {shown}")
    print("\nthreshold  " + "  ".join(f"{g[:24]:>24}" for g in GROUPS[:3]))
    sweep = {}
    for step in range(30, 96, 5):
        t = step / 100
        reached = {g: sum(1 for s in scores[g] if s >= t) for g in GROUPS[:3]}
        sweep[f"{t:.2f}"] = reached
        print(f"  {t:.2f}     " + "  ".join(f"{reached[g]:>15} of {len(scores[g]):>5}" for g in GROUPS[:3]))
    figures["sweep"] = sweep
    wrong = max((max(scores[g]) for g in MUST_NOT if scores[g]), default=0.0)
    same = scores["same template"]
    at = sum(1 for s in same if s >= args.threshold) / len(same) if same else float("nan")
    wrong_at = sum(1 for g in MUST_NOT for s in scores[g] if s >= args.threshold)
    print(
        f"\nthe most alike pair that must not follow: {wrong:.3f}; at threshold {args.threshold:.2f}: "
        f"{at:.1%} of same-template pairs follow, {wrong_at} pair(s) that must not"
    )
    figures.update(
        threshold=args.threshold, same_template_reached=at, must_not_reached=wrong_at, most_alike_wrong=wrong
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

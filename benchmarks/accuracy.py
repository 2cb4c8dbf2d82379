"""Classifier and extractor accuracy on a labelled folder of .eml files.

Usage: python benchmarks/accuracy.py DIR [DIR ...] [--errors] [--json OUT]

DIR holds .eml files and a labels.tsv with the columns file, label, interview_at, reply_by, company, owner
(and more, ignored). Prints per-label precision/recall/counts, the grouped interview figures, a confusion
matrix, interview_at / reply_by / company accuracy, and writes the figures as JSON.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import Counter, defaultdict
from datetime import date, datetime
from email.utils import getaddresses
from pathlib import Path

from inboxwatch.core.detect import classify
from inboxwatch.core.detect.senders import normalise_company
from inboxwatch.core.parse import parse_message
from inboxwatch.models import Identity, Label

INTERVIEW = {"interview_request", "interview_confirmed"}


def owner_identity(owner: str) -> Identity:
    pairs = getaddresses([owner])
    name = next((n for n, _ in pairs if n), "")
    return Identity(name, frozenset(a.lower() for _, a in pairs if "@" in a))


def precision_recall(gold: list[str], pred: list[str], positive: set[str]) -> tuple[float, float, int, int]:
    tp = sum(1 for g, p in zip(gold, pred, strict=True) if g in positive and p in positive)
    predicted = sum(1 for p in pred if p in positive)
    actual = sum(1 for g in gold if g in positive)
    precision = tp / predicted if predicted else float("nan")
    recall = tp / actual if actual else float("nan")
    return precision, recall, actual, predicted


def same_day(gold: str, predicted: datetime | None) -> bool:
    if predicted is None:
        return False
    want = datetime.fromisoformat(gold) if "T" in gold else None
    if want is None:
        return predicted.date() == date.fromisoformat(gold)
    local = predicted.astimezone(want.tzinfo) if want.tzinfo else predicted
    return local.date() == want.date()


def evaluate(folders: list[Path], show_errors: bool) -> dict[str, object]:
    gold: list[str] = []
    pred: list[str] = []
    when_total = when_ok = 0
    days = {"reply_by": [0, 0], "return_date": [0, 0]}  # column → [correct, total]
    company_total = company_ok = 0
    errors: list[str] = []
    started = time.perf_counter()
    for folder in folders:
        with (folder / "labels.tsv").open(encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh, delimiter="\t"))
        for row in rows:
            raw = (folder / row["file"]).read_bytes()
            result = classify(parse_message(raw), owner_identity(row.get("owner", "")))
            gold.append(row["label"])
            pred.append(str(result.label))
            if row["label"] != str(result.label):
                errors.append(
                    f"{folder.name}/{row['file']}: gold {row['label']}, got {result.label} "
                    f"({'; '.join(result.evidence[:3])})"
                )
            if row.get("interview_at") and row["label"] in INTERVIEW | {"interview_cancelled"}:
                when_total += 1
                if same_day(row["interview_at"], result.interview_at):
                    when_ok += 1
                elif show_errors:
                    errors.append(
                        f"{folder.name}/{row['file']}: interview_at gold {row['interview_at']}, "
                        f"got {result.interview_at}"
                    )
            for column, got in (("reply_by", result.reply_by), ("return_date", result.return_date)):
                if not row.get(column):  # return_date: our fixtures only, an auto-reply's return date
                    continue
                days[column][1] += 1
                if got and got == date.fromisoformat(row[column][:10]):
                    days[column][0] += 1
                elif show_errors:
                    errors.append(f"{folder.name}/{row['file']}: {column} gold {row[column]}, got {got}")
            if row.get("company") and row["label"] not in ("other", "job_alert"):
                company_total += 1
                if result.company and normalise_company(result.company) == normalise_company(row["company"]):
                    company_ok += 1
                elif show_errors:
                    errors.append(
                        f"{folder.name}/{row['file']}: company gold {row['company']!r}, got {result.company!r}"
                    )
    elapsed = time.perf_counter() - started

    labels = [str(lab) for lab in Label]
    per_label = {}
    print(f"{'label':22} {'n':>4} {'pred':>5} {'precision':>9} {'recall':>7}")
    for lab in labels:
        p, r, n, k = precision_recall(gold, pred, {lab})
        if n or k:
            per_label[lab] = {"n": n, "predicted": k, "precision": p, "recall": r}
            print(f"{lab:22} {n:>4} {k:>5} {p:>9.2f} {r:>7.2f}")
    p, r, n, k = precision_recall(gold, pred, INTERVIEW)
    grouped = {"n": n, "predicted": k, "precision": p, "recall": r}
    print(f"{'interview (req+conf)':22} {n:>4} {k:>5} {p:>9.2f} {r:>7.2f}")
    accuracy = sum(g == q for g, q in zip(gold, pred, strict=True)) / len(gold) if gold else float("nan")
    print(
        f"\noverall label accuracy {accuracy:.3f} on {len(gold)} messages ({len(gold) / elapsed:.0f} msg/s incl. I/O)"
    )
    print(
        f"interview_at correct to the day: {when_ok}/{when_total}"
        + (f" = {when_ok / when_total:.2f}" if when_total else "")
    )
    (reply_ok, reply_total), (back_ok, back_total) = days["reply_by"], days["return_date"]
    print(f"reply_by correct: {reply_ok}/{reply_total}" + (f" = {reply_ok / reply_total:.2f}" if reply_total else ""))
    if back_total:
        print(f"auto-reply return date correct: {back_ok}/{back_total} = {back_ok / back_total:.2f}")
    print(
        f"company correct: {company_ok}/{company_total}"
        + (f" = {company_ok / company_total:.2f}" if company_total else "")
    )

    confusion: dict[str, Counter[str]] = defaultdict(Counter)
    for g, q in zip(gold, pred, strict=True):
        confusion[g][q] += 1
    used = [lab for lab in labels if any(lab in (g, q) for g, q in zip(gold, pred, strict=True))]
    short = {lab: lab[:6] for lab in used}
    print("\nconfusion (rows gold, columns predicted)")
    print(" " * 22 + " ".join(f"{short[lab]:>6}" for lab in used))
    for g in used:
        print(f"{g:22}" + " ".join(f"{confusion[g][q] or '.':>6}" for q in used))
    if show_errors:
        print("\nerrors:")
        for line in errors:
            print("  " + line)
    return {
        "messages": len(gold),
        "accuracy": accuracy,
        "per_label": per_label,
        "interview": grouped,
        "interview_at": {"correct": when_ok, "total": when_total},
        "reply_by": {"correct": reply_ok, "total": reply_total},
        "return_date": {"correct": back_ok, "total": back_total},
        "company": {"correct": company_ok, "total": company_total},
        "confusion": {g: dict(c) for g, c in confusion.items()},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("dirs", nargs="+", type=Path)
    parser.add_argument("--errors", action="store_true", help="list every misclassified message")
    parser.add_argument("--json", type=Path, default=Path("benchmarks/results/accuracy.json"))
    args = parser.parse_args(argv)
    figures = evaluate(args.dirs, args.errors)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(figures, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())

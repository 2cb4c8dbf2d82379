#!/usr/bin/env python3
"""Train the shipped text model (``src/inboxwatch/core/detect/model.bin``) and record how it was made.

Usage: python scripts/train_classifier.py [--corpus ../shared/corpus] [--select] [--check]

Needs the ``train`` extra (scikit-learn, numpy, scipy): ``pip install -e '.[train]'``. Reads four sources, each
a folder of .eml files with a ``labels.tsv`` (sorted by file name):

- ``modern``: real applicant-tracking acknowledgments and rejections (``CORPUS/modern``);
- ``enron``: real mail of the Enron corpus, with the real Google Calendar invitation (``CORPUS/enron``,
  ``CORPUS/calendar``);
- ``fixtures``: the project's fictional fixtures (``tests/fixtures/detection``);
- ``demo``: the bundled demo mailbox (``src/inboxwatch/demo``, labels in its ``labels.tsv``).

Every message becomes the features :func:`inboxwatch.classify.model_input` gives it (the very function the
classifier runs), hashed; the model is a multinomial logistic regression (or a linear SVM with temperature
calibration) chosen by leave-one-source-out figures (``--select`` reruns that choice; the result is kept in
``CHOICE`` below and in ``model.json``). Deterministic: sorted inputs, fixed seeds, a weights file that is the
same byte for byte on every run (``--check`` verifies that the shipped file is what this script makes).
Only hashed buckets and their weights are written: no text of any message.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email.utils import getaddresses
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from inboxwatch.core.detect import features as feats
from inboxwatch.core.detect.classifier import ModelInput, classify, decide, model_input
from inboxwatch.core.detect.model import METADATA_FILE, WEIGHTS_FILE, LinearModel
from inboxwatch.core.parse import parse_message
from inboxwatch.models import FolderRole, Identity, Label

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "detection"
DEMO = ROOT / "src" / "inboxwatch" / "demo"
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
LABELS = [str(lab) for lab in Label]
SOURCES = ("modern", "enron", "fixtures", "demo")
QUANT = 32767  # int16 weights: scale = max |w| / QUANT


@dataclass(frozen=True)
class Config:
    """One candidate model: the algorithm, its regularisation, class and source weighting, the features."""

    algorithm: str = "logreg"  # "logreg" or "svm"
    c: float = 4.0
    class_weight: str = "none"  # "none" or "balanced"
    source_balance: bool = False  # every source weighs as much in total, whatever its size
    idf: bool = True  # words weighed by inverse document frequency in training, folded into the weights
    options: str = feats.DEFAULT_OPTIONS.key()

    def name(self) -> str:
        return (
            f"{self.algorithm} C={self.c:g} cw={self.class_weight} sb={int(self.source_balance)} idf={int(self.idf)} "
            f"[{self.options}]"
        )


# The choice made by ``--select`` (leave-one-source-out figures in model.json): kept here so a plain run
# rebuilds the shipped file without repeating the search.
CHOICE = Config("svm", 0.5, "none", options=feats.Options(words="log", rules="all").key(), idf=True)


@dataclass(frozen=True)
class Sample:
    source: str
    file: str
    label: str
    note: str
    inp: ModelInput


def identity_of(owner: str) -> Identity:
    pairs = getaddresses([owner])
    return Identity(next((n for n, _ in pairs if n), ""), frozenset(a.lower() for _, a in pairs if "@" in a))


def read_folder(source: str, folder: Path) -> list[Sample]:
    with (folder / "labels.tsv").open(encoding="utf-8") as fh:
        rows = sorted(csv.DictReader(fh, delimiter="\t"), key=lambda r: r["file"])
    out = []
    for row in rows:
        role = FolderRole.SENT if row["file"].startswith("sent/") else FolderRole.INBOX
        message = parse_message((folder / row["file"]).read_bytes(), role)
        inp = model_input(message, identity_of(row.get("owner", "")))
        out.append(Sample(source, row["file"], row["label"], row.get("note") or "", inp))
    return out


def load_sources(corpus: Path) -> dict[str, list[Sample]]:
    return {
        "modern": read_folder("modern", corpus / "modern"),
        "enron": read_folder("enron", corpus / "enron") + read_folder("enron", corpus / "calendar"),
        "fixtures": read_folder("fixtures", FIXTURES),
        "demo": read_folder("demo", DEMO),
    }


def matrix(samples: Sequence[Sample], options: feats.Options) -> sparse.csr_matrix:
    indptr, indices, values = [0], [], []
    for s in samples:
        vec = feats.hashed(feats.select(s.inp.named, options))
        for b in sorted(vec):
            indices.append(b)
            values.append(vec[b])
        indptr.append(len(indices))
    return sparse.csr_matrix(
        (np.array(values, dtype=np.float64), np.array(indices, dtype=np.int64), np.array(indptr, dtype=np.int64)),
        shape=(len(samples), feats.BUCKETS),
    )


def sample_weights(samples: Sequence[Sample], config: Config) -> np.ndarray:
    weights = np.ones(len(samples))
    if config.class_weight == "balanced":
        counts = Counter(s.label for s in samples)
        weights *= np.array([len(samples) / (len(counts) * counts[s.label]) for s in samples])
    if config.source_balance:
        counts = Counter(s.source for s in samples)
        weights *= np.array([len(samples) / (len(counts) * counts[s.source]) for s in samples])
    return weights


def fit(samples: Sequence[Sample], config: Config) -> bytes:
    """Train on ``samples``; the model file's bytes (the classes absent from training get no weights)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):  # a small problem: threads only contend (on a shared machine, badly)
        return _fit(samples, config)


def _fit(samples: Sequence[Sample], config: Config) -> bytes:
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import LinearSVC

    options = feats.Options.parse(config.options)
    x = matrix(samples, options)
    y = np.array([LABELS.index(s.label) for s in samples])
    w = sample_weights(samples, config)
    present = sorted(set(y.tolist()))
    used = np.unique(x.indices)  # fit over the buckets training has seen only: much faster, same solution
    x = x[:, used]
    idf = np.ones(len(used))
    if config.idf:
        # x·diag(idf)·w = x·(idf ∘ w): training on idf-weighed words is a linear model over the plain words.
        structural = {feats.bucket(n) for s in samples for n in s.inp.named if n[:2] not in ("w:", "s:")}
        df = np.bincount(x.indices, minlength=len(used))
        idf = np.log((1 + len(samples)) / (1 + df)) + 1.0
        idf[np.isin(used, np.array(sorted(structural), dtype=np.int64))] = 1.0
        x = sparse.csr_matrix(x.multiply(idf[np.newaxis, :]))
    if config.algorithm == "logreg":
        clf = LogisticRegression(C=config.c, max_iter=2000, tol=1e-5, random_state=0)
        clf.fit(x, y, sample_weight=w)
        coef, intercept = clf.coef_, clf.intercept_
        if len(present) == 2:  # binary: sklearn keeps one row
            coef = np.vstack([-coef[0] / 2, coef[0] / 2])
            intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
    else:
        clf = LinearSVC(C=config.c, random_state=0, max_iter=20000)
        clf.fit(x, y, sample_weight=w)
        coef, intercept = clf.coef_, clf.intercept_
        temperature = _temperature(np.asarray(x @ coef.T) + intercept, y, present)
        coef, intercept = coef / temperature, intercept / temperature
    full = np.zeros((len(LABELS), feats.BUCKETS))
    bias = np.full(len(LABELS), -30.0)  # a label never seen in training is never predicted
    for row, cls in enumerate(present):
        full[cls, used] = coef[row] * idf
        bias[cls] = intercept[row]
    top = float(np.abs(full).max()) or 1.0
    scale = top / QUANT
    quantised = np.rint(full / scale).astype(np.int64)
    rows = {int(b): [int(v) for v in quantised[:, b]] for b in np.nonzero(np.any(quantised != 0, axis=0))[0]}
    return LinearModel.to_bytes(
        LABELS, [float(b) for b in bias.astype(np.float32)], rows, float(np.float32(scale)),
        {"options": config.options, "config": config.name()},
    )


def _temperature(scores: np.ndarray, y: np.ndarray, present: list[int]) -> float:
    """The temperature that gives the training labels the best log-likelihood under softmax (a grid)."""
    index = {cls: i for i, cls in enumerate(present)}
    target = np.array([index[v] for v in y])
    best, best_t = math.inf, 1.0
    for t in (0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0):
        z = scores / t
        z = z - z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        nll = -logp[np.arange(len(target)), target].mean()
        if nll < best:
            best, best_t = nll, t
    return best_t


def predict(samples: Iterable[Sample], model: LinearModel) -> list[str]:
    return [str(decide(s.inp, model)[0]) for s in samples]


def figures(gold: Sequence[str], pred: Sequence[str]) -> dict[str, Any]:
    """Accuracy, per-label precision/recall, the grouped interview figures, the confusion counts."""
    right = sum(g == p for g, p in zip(gold, pred, strict=True))
    out: dict[str, Any] = {"n": len(gold), "accuracy": _ratio(right, len(gold))}
    per: dict[str, Any] = {}
    for lab in LABELS:
        n = sum(g == lab for g in gold)
        k = sum(p == lab for p in pred)
        if n or k:
            tp = sum(g == p == lab for g, p in zip(gold, pred, strict=True))
            per[lab] = {"n": n, "predicted": k, "precision": _ratio(tp, k), "recall": _ratio(tp, n)}
    out["per_label"] = per
    group = {"interview_request", "interview_confirmed"}
    n = sum(g in group for g in gold)
    k = sum(p in group for p in pred)
    tp = sum(g in group and p in group for g, p in zip(gold, pred, strict=True))
    out["interview"] = {"n": n, "predicted": k, "precision": _ratio(tp, k), "recall": _ratio(tp, n)}
    confusion: dict[str, dict[str, int]] = {}
    for g, p in zip(gold, pred, strict=True):
        confusion.setdefault(g, {}).setdefault(p, 0)
        confusion[g][p] += 1
    out["confusion"] = confusion
    return out


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def cross_source(sources: dict[str, list[Sample]], config: Config) -> dict[str, Any]:
    """Train on every source but one, test on the one left out, for each source."""
    result: dict[str, Any] = {}
    for held in SOURCES:
        train = [s for name in SOURCES if name != held for s in sources[name]]
        model = LinearModel.from_bytes(fit(train, config))
        test = sources[held]
        pred = predict(test, model)
        result[held] = figures([s.label for s in test], pred)
        result[held]["errors"] = [
            f"{s.file}: gold {s.label}, got {p}" for s, p in zip(test, pred, strict=True) if s.label != p
        ]
    return result


def objective(cv: dict[str, Any], fixtures_in_sample: float) -> float:
    """One figure to choose by: the mean held-out accuracy over the four sources, less every shortfall from the
    targets of issue 14 (modern held out: accuracy, rejection and acknowledgment precision/recall >= 0.95, no
    interview; Enron held out: interview precision >= 0.90, recall >= 0.80; in-sample fixtures >= 0.97)."""
    mean = sum(cv[s]["accuracy"] for s in SOURCES) / len(SOURCES)
    modern = cv["modern"]
    short = [(modern["accuracy"], 0.95), (fixtures_in_sample, 0.97)]
    for label in ("rejection", "application_received"):
        row = modern["per_label"].get(label, {})
        short += [(row.get("precision") or 0.0, 0.95), (row.get("recall") or 0.0, 0.95)]
    enron = cv["enron"]["interview"]
    short += [(enron["precision"] or 0.0, 0.90), (enron["recall"] or 0.0, 0.80)]
    penalty = 0.02 * modern["interview"]["predicted"] + sum(max(0.0, want - got) for got, want in short)
    return round(mean - penalty, 4)


def grid() -> list[Config]:
    """The candidates ``--select`` compares: logistic regression (and one temperature-calibrated linear SVM),
    word weighting, how much of the rules the model reads, idf, class weights, regularisation."""
    log_all, log_noverdict = feats.Options(words="log").key(), feats.Options(words="log", rules="noverdict").key()
    out = [
        Config("logreg", c, cw, options=options, idf=idf)
        for options in (log_all, log_noverdict)
        for idf in (True, False)
        for cw in ("none", "balanced")
        for c in ((10.0, 40.0) if options == log_all and idf else (10.0,))
    ]
    out.append(Config("svm", 0.5, "none", options=log_all, idf=True))
    out.append(Config("logreg", 10.0, "none", options=feats.Options(words="bin", rules="noverdict").key(), idf=True))
    return out


def fixtures_accuracy(samples: Sequence[Sample], model_bytes: bytes) -> float:
    """In-sample label accuracy on the fixtures, through the classifier's decision (vetoes included)."""
    model = LinearModel.from_bytes(model_bytes)
    fixtures = [s for s in samples if s.source == "fixtures"]
    return sum(p == s.label for s, p in zip(fixtures, predict(fixtures, model), strict=True)) / len(fixtures)


_SOURCES: dict[str, list[Sample]] = {}


def _evaluate(config: Config) -> dict[str, Any]:
    cv = cross_source(_SOURCES, config)
    everything = [s for name in SOURCES for s in _SOURCES[name]]
    fixtures = fixtures_accuracy(everything, fit(everything, config))
    return {
        "config": config.name(),
        "objective": objective(cv, fixtures),
        "held_out_accuracy": {s: cv[s]["accuracy"] for s in SOURCES},
        "fixtures_in_sample": round(fixtures, 4),
        "modern_interviews": cv["modern"]["interview"]["predicted"],
        "modern_rejection": cv["modern"]["per_label"].get("rejection"),
        "modern_application_received": cv["modern"]["per_label"].get("application_received"),
        "enron_interview": cv["enron"]["interview"],
    }


def select(sources: dict[str, list[Sample]], workers: int) -> tuple[Config, list[dict[str, Any]]]:
    """Every candidate of :func:`grid` through :func:`cross_source`; the best by :func:`objective` (the first
    of equals, in grid order)."""
    import multiprocessing

    _SOURCES.update(sources)
    candidates = grid()
    by_name: dict[str, dict[str, Any]] = {}
    with multiprocessing.get_context("fork").Pool(max(1, workers)) as pool:
        for row in pool.imap_unordered(_evaluate, candidates, chunksize=1):
            by_name[row["config"]] = row
            shown = " ".join(f"{s}={row['held_out_accuracy'][s]:.3f}" for s in SOURCES)
            print(f"{row['objective']:.4f}  {row['config']:75} {shown} in-sample={row['fixtures_in_sample']:.3f}",
                  flush=True)
    rows = [by_name[c.name()] for c in candidates]
    best = max(range(len(rows)), key=lambda i: (rows[i]["objective"], -i))
    return candidates[best], rows


def in_sample(model_bytes: bytes) -> dict[str, Any]:
    """Accuracy of the written model on the fixtures and the demo, through the real ``classify``."""
    model = LinearModel.from_bytes(model_bytes)
    out: dict[str, Any] = {}
    for name, folder in (("fixtures", FIXTURES), ("demo", DEMO)):
        with (folder / "labels.tsv").open(encoding="utf-8") as fh:
            rows = sorted(csv.DictReader(fh, delimiter="\t"), key=lambda r: r["file"])
        right = 0
        misses = []
        for row in rows:
            role = FolderRole.SENT if row["file"].startswith("sent/") else FolderRole.INBOX
            message = parse_message((folder / row["file"]).read_bytes(), role)
            got = classify(message, identity_of(row["owner"]), model=model)
            if str(got.label) == row["label"]:
                right += 1
            else:
                misses.append(row["file"])
        out[name] = {"n": len(rows), "correct": right, "accuracy": round(right / len(rows), 4), "misses": misses}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--select", action="store_true", help="rerun the leave-one-source-out model choice")
    parser.add_argument("--check", action="store_true", help="only verify the shipped file is reproduced")
    parser.add_argument("--workers", type=int, default=1, help="processes for --select")
    parser.add_argument("--selection-out", type=Path, default=ROOT / "benchmarks" / "results" / "model_selection.json")
    args = parser.parse_args(argv)
    sources = load_sources(args.corpus)
    config = CHOICE
    selection: list[dict[str, Any]] = []
    if args.select:
        config, selection = select(sources, args.workers)
        args.selection_out.parent.mkdir(parents=True, exist_ok=True)
        args.selection_out.write_text(json.dumps(selection, indent=1) + "\n")
        print(f"chosen: {config.name()} (set CHOICE to it to ship it)")
    everything = [s for name in SOURCES for s in sources[name]]
    data = fit(everything, config)
    if args.check:
        same = WEIGHTS_FILE.exists() and WEIGHTS_FILE.read_bytes() == data
        print("shipped model reproduced" if same else "shipped model differs from what this script makes")
        return 0 if same else 1
    cv = cross_source(sources, config)
    WEIGHTS_FILE.write_bytes(data)
    meta = {
        "weights_file": WEIGHTS_FILE.name,
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
        "config": config.name(),
        "training_sizes": {name: len(sources[name]) for name in SOURCES},
        "training_labels": dict(sorted(Counter(s.label for s in everything).items())),
        "in_sample": in_sample(data),
        "cross_source_accuracy": {s: cv[s]["accuracy"] for s in SOURCES},
        "cross_source_objective": objective(cv, fixtures_accuracy(everything, data)),
    }
    METADATA_FILE.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
    shown = ("sha256", "bytes", "config", "training_sizes", "cross_source_accuracy")
    print(json.dumps({k: meta[k] for k in shown}, indent=1))
    print("in-sample:", {k: v["accuracy"] for k, v in meta["in_sample"].items()})
    return 0


if __name__ == "__main__":
    sys.exit(main())

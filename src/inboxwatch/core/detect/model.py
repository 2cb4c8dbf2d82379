"""The trained text model: a linear classifier over hashed features, read and applied in plain Python.

The weights file (``model.bin`` beside this module, written by ``scripts/train_classifier.py``) holds, after a
4-byte magic, one zlib stream: a JSON header (labels, bucket count, feature version, weight scale), the
per-label biases (float32), the sorted buckets that have weights (uint32) and their weights (int16, one row
of ``len(labels)`` per bucket), all little-endian. No feature names, no text: only hashed buckets.

Loading is lazy (:func:`default_model`) and costs a few milliseconds and about 2 MB; scoring is a sparse dot
product (a sum of rows per label) and a softmax.
"""

from __future__ import annotations

import contextlib
import json
import math
import operator
import struct
import sys
import zlib
from array import array
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from inboxwatch.core.detect.features import BUCKETS, DEFAULT_OPTIONS, VERSION, Options

MAGIC = b"IWM1"
WEIGHTS_FILE = Path(__file__).with_name("model.bin")
METADATA_FILE = Path(__file__).with_name("model.json")

# Packed rows (see LinearModel.raw_scores): an int16 weight offset to be non-negative, in a field wide enough
# that a message's features (2**24 of them at most) never carry into the next label's field.
_OFFSET = 1 << 15
_FIELD_BITS = 40
_FIELD_MASK = (1 << _FIELD_BITS) - 1
_PAIRS_KEPT = 16  # pairs of labels whose weight differences are kept (4 bytes a row each)
_ROWS_KEPT = 100_000  # feature names whose rows are remembered (about 12 MB), then forgotten all at once


def _native(arr: array[int] | array[float]) -> None:
    if sys.byteorder == "big":
        arr.byteswap()


@dataclass(frozen=True)
class Prediction:
    """The probability of every label."""

    probabilities: dict[str, float]


class LinearModel:
    """Multinomial linear model over hashed features: ``softmax(bias + Σ value · W[bucket])``."""

    def __init__(self, labels: list[str], bias: list[float], buckets: array[int], weights: array[int], scale: float,
                 header: dict[str, object] | None = None) -> None:
        self.labels = labels
        self.bias = bias
        self.scale = scale
        self.header = header or {}
        key = self.header.get("options")
        self.options = Options.parse(key) if isinstance(key, str) else DEFAULT_OPTIONS
        n = len(labels)
        self.index = array("i", [-1]) * BUCKETS
        for row, b in enumerate(buckets):
            self.index[b] = row
        # One column per label, so a label's score is one C-level sum over the message's rows.
        self.columns = [array("h", weights[j::n]) for j in range(n)]
        self._packs: list[int | None] = [None] * len(buckets)
        self._rows_of: dict[str, int] = {}  # a feature's row (-1: none) by name: names recur from mail to mail
        self._differences: dict[tuple[int, int], array[int]] = {}  # (label, versus) → weight differences by row

    @classmethod
    def from_bytes(cls, data: bytes) -> LinearModel:
        if data[:4] != MAGIC:
            raise ValueError("not an inboxwatch model file")
        raw = zlib.decompress(data[4:])
        (size,) = struct.unpack_from("<I", raw, 0)
        header = json.loads(raw[4 : 4 + size].decode("utf-8"))
        if header.get("buckets") != BUCKETS or header.get("features_version") != VERSION:
            raise ValueError("model was trained for other features")
        labels = list(header["labels"])
        rows = int(header["rows"])
        n = len(labels)
        offset = 4 + size
        bias = array("f")
        bias.frombytes(raw[offset : offset + 4 * n])
        offset += 4 * n
        buckets = array("I")
        buckets.frombytes(raw[offset : offset + 4 * rows])
        offset += 4 * rows
        weights = array("h")
        weights.frombytes(raw[offset : offset + 2 * rows * n])
        for arr in (bias, buckets, weights):
            _native(arr)
        return cls(labels, [float(b) for b in bias], buckets, weights, float(header["scale"]), header)

    def _between(self, label: int, versus: int) -> array[int]:
        """Each row's weight for ``label`` minus its weight for ``versus``, worked out on first use and kept."""
        between = self._differences.get((label, versus))
        if between is None:
            between = array("i", map(operator.sub, self.columns[label], self.columns[versus]))
            with contextlib.suppress(KeyError, StopIteration, RuntimeError):  # another thread got there
                while len(self._differences) >= _PAIRS_KEPT:
                    self._differences.pop(next(iter(self._differences)))
            self._differences[(label, versus)] = between
        return between

    @staticmethod
    def to_bytes(labels: list[str], bias: list[float], rows: Mapping[int, list[int]], scale: float,
                 extra: Mapping[str, object] | None = None) -> bytes:
        """Serialise: ``rows`` maps bucket → quantised weights (one per label); written sorted."""
        order = sorted(rows)
        header = {
            "format": 1,
            "features_version": VERSION,
            "buckets": BUCKETS,
            "labels": labels,
            "rows": len(order),
            "scale": scale,
            **(extra or {}),
        }
        head = json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")
        bias_arr = array("f", bias)
        buckets = array("I", order)
        weights = array("h", [w for b in order for w in rows[b]])
        for arr in (bias_arr, buckets, weights):
            _native(arr)
        payload = struct.pack("<I", len(head)) + head + bias_arr.tobytes() + buckets.tobytes() + weights.tobytes()
        return MAGIC + zlib.compress(payload, 9)

    def rows(self, features: Mapping[str, float]) -> list[tuple[str, float, int]]:
        """The features that have weights: (name, value, row), looked up once for scoring and explaining."""
        index, mask, known = self.index, BUCKETS - 1, self._rows_of
        if len(known) > _ROWS_KEPT:
            known.clear()
        out = []
        for name, value in features.items():
            row = known.get(name)
            if row is None:
                row = known[name] = index[zlib.crc32(name.encode("utf-8")) & mask]
            if row >= 0:
                out.append((name, value, row))
        return out

    def raw_scores(self, rows: list[tuple[str, float, int]]) -> list[float]:
        by_value: dict[float, list[int]] = {}
        for _, value, row in rows:
            group = by_value.get(value)
            if group is None:
                by_value[value] = [row]
            else:
                group.append(row)
        scores = list(self.bias)
        totals = [0.0] * len(scores)
        packs, bits, mask = self._packs, _FIELD_BITS, _FIELD_MASK
        for value, members in by_value.items():
            # One big-integer sum adds every label's weights at once; each field is then read back exactly.
            packed_sum = 0
            for row in members:
                packed = packs[row]
                if packed is None:
                    packed = self._pack(row)
                packed_sum += packed
            offset = _OFFSET * len(members)
            for j in range(len(totals)):
                totals[j] += value * (((packed_sum >> (bits * j)) & mask) - offset)
        scale = self.scale
        return [s + scale * t for s, t in zip(scores, totals, strict=True)]

    def _pack(self, row: int) -> int:
        """A row's weights as one integer, ``weight + 2**15`` per label in a field of its own; packed on first
        use (packing every row up front would double the load time) and kept (about 100 bytes a row)."""
        value = 0
        for j, column in enumerate(self.columns):
            value |= (column[row] + _OFFSET) << (_FIELD_BITS * j)
        self._packs[row] = value
        return value

    def predict(self, features: Mapping[str, float], rows: list[tuple[str, float, int]] | None = None) -> Prediction:
        """Per-label probabilities (``rows``: what :meth:`rows` gave for ``features``, when at hand)."""
        scores = self.raw_scores(self.rows(features) if rows is None else rows)
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return Prediction({lab: e / total for lab, e in zip(self.labels, exps, strict=True)})

    def explain(
        self, features: Mapping[str, float], label: str, versus: str, rows: list[tuple[str, float, int]] | None = None
    ) -> list[tuple[str, float]]:
        """Every feature's weight for ``label`` over ``versus`` (value times the difference of their weights),
        the largest first; features without weight left out."""
        between = self._between(self.labels.index(label), self.labels.index(versus))
        scale = self.scale
        contributions = [
            (name, value * scale * weight)
            for name, value, row in (self.rows(features) if rows is None else rows)
            if (weight := between[row])
        ]
        contributions.sort(key=lambda kv: (-kv[1], kv[0]))
        return contributions


@cache
def default_model() -> LinearModel:
    """The shipped model, read once on first use (package data, like the templates): the one read of the
    detection package, done lazily so that a process with no mail to classify never pays for it."""
    return LinearModel.from_bytes((resources.files("inboxwatch.core.detect") / WEIGHTS_FILE.name).read_bytes())

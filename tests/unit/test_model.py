"""The shipped text model: it loads, it is the file the training script recorded, it reproduces the recorded
in-sample figures, it carries no text, and what it decides is explained."""

from __future__ import annotations

import csv
import hashlib
import json
import math
import struct
import zlib
from datetime import UTC, datetime
from email.utils import getaddresses
from pathlib import Path

import pytest

from inboxwatch.core.detect import classify
from inboxwatch.core.detect import features as feats
from inboxwatch.core.detect.classifier import feature_names, features
from inboxwatch.core.detect.model import MAGIC, METADATA_FILE, WEIGHTS_FILE, LinearModel, default_model
from inboxwatch.core.parse import parse_message
from inboxwatch.models import FolderRole, Identity, Label
from tests.support.mailfactory import ME, make_message

ROOT = Path(__file__).resolve().parent.parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "detection"
DEMO = ROOT / "src" / "inboxwatch" / "demo"
META = json.loads(METADATA_FILE.read_text(encoding="utf-8"))
OWNER = Identity("Alex Morgan", frozenset({ME}))


def identity(owner: str) -> Identity:
    pairs = getaddresses([owner])
    return Identity(next((n for n, _ in pairs if n), ""), frozenset(a.lower() for _, a in pairs if "@" in a))


def test_the_shipped_model_is_the_file_the_training_script_recorded() -> None:
    data = WEIGHTS_FILE.read_bytes()
    assert hashlib.sha256(data).hexdigest() == META["sha256"]
    assert len(data) == META["bytes"] <= 5 * 1024 * 1024
    model = default_model()
    assert model.labels == [str(lab) for lab in Label]
    assert model.options == feats.Options.parse(model.header["options"])  # type: ignore[arg-type]


def test_the_weights_file_holds_buckets_and_numbers_only() -> None:
    """Its one zlib stream is a header naming labels and settings, then exactly the arrays it announces."""
    data = WEIGHTS_FILE.read_bytes()
    assert data[:4] == MAGIC
    raw = zlib.decompress(data[4:])
    (size,) = struct.unpack_from("<I", raw, 0)
    header = json.loads(raw[4 : 4 + size])
    assert set(header) == {"buckets", "config", "features_version", "format", "labels", "options", "rows", "scale"}
    labels, rows = len(header["labels"]), header["rows"]
    assert len(raw) == 4 + size + 4 * labels + 4 * rows + 2 * rows * labels


@pytest.mark.parametrize("source", ["fixtures", "demo"])
def test_the_recorded_in_sample_figures_are_reproduced(source: str) -> None:
    folder = FIXTURES if source == "fixtures" else DEMO
    rows = list(csv.DictReader((folder / "labels.tsv").open(encoding="utf-8"), delimiter="\t"))
    misses = []
    for row in rows:
        role = FolderRole.SENT if row["file"].startswith("sent/") else FolderRole.INBOX
        got = classify(parse_message((folder / row["file"]).read_bytes(), role), identity(row["owner"]))
        if str(got.label) != row["label"]:
            misses.append(row["file"])
    recorded = META["in_sample"][source]
    assert recorded["n"] == len(rows)
    assert sorted(misses) == sorted(recorded["misses"])
    assert recorded["accuracy"] >= (0.97 if source == "fixtures" else 0.95)


def test_loading_is_lazy_and_once() -> None:
    assert default_model() is default_model()
    model = LinearModel.from_bytes(WEIGHTS_FILE.read_bytes())
    assert model.labels == default_model().labels


def rejection() -> bytes:
    return make_message(
        sender="Harborline Talent <talent@harborline.example>",
        subject="Your application for Data Analyst",
        body="Hi Alex,\n\nThank you for your interest in the Data Analyst position. After careful review we have "
        "decided to move forward with other candidates whose experience more closely matches our needs.\n\n"
        "We wish you the best in your search.\n\nHarborline Talent Team\n",
        date=datetime(2026, 3, 2, 10, tzinfo=UTC),
    )


def test_the_evidence_names_words_rules_and_every_labels_probability() -> None:
    result = classify(parse_message(rejection()), OWNER)
    assert result.label is Label.REJECTION
    assert set(result.scores) == {str(lab) for lab in Label}
    assert math.isclose(sum(result.scores.values()), 1.0, abs_tol=0.01)
    assert result.scores["rejection"] == max(result.scores.values())
    assert result.confidence == round(result.scores["rejection"], 2)
    model_line = next(line for line in result.evidence if line.startswith("model: rejection"))
    assert "next" in model_line
    words = next(line for line in result.evidence if line.startswith("words for rejection: "))
    assert "'" in words  # the message's own n-grams, quoted
    assert any("(decision_against)" in line for line in result.evidence)  # the named rule that fired


def test_ruled_out_labels_get_no_probability_and_are_named() -> None:
    raw = make_message(
        sender="Metro Voice Radio <producer@metrovoice.example.org>",
        subject="Interview request for our morning show",
        body="Hi Alex,\n\nI produce the morning show on Metro Voice radio. We'd love to interview you on the show "
        "next week about your open-source work. Would Tuesday at 9am work for a 15-minute segment?\n\nBest,\nSam\n",
        date=datetime(2026, 3, 2, 10, tzinfo=UTC),
    )
    result = classify(parse_message(raw), OWNER)
    assert result.label not in (Label.INTERVIEW_REQUEST, Label.INTERVIEW_CONFIRMED)
    assert result.scores["interview_request"] == result.scores["interview_confirmed"] == 0
    assert any(line.startswith("ruled out interview_request: not a job interview") for line in result.evidence)


def test_the_feature_vector_is_sparse_stable_and_shared() -> None:
    message = parse_message(rejection())
    named = feature_names(message, OWNER)
    vector = features(message, OWNER)
    assert vector == feats.hashed(named) == features(parse_message(rejection()), OWNER)
    assert all(0 <= b < feats.BUCKETS for b in vector)
    assert "w:move forward" in named and "w:<owner>" in named and "dir:in" in named
    assert not any("alex" in name for name in named)  # the owner's name is a placeholder, never a feature


def test_two_mails_of_one_template_are_near_and_an_unrelated_one_is_far() -> None:
    def cosine(a: dict[int, float], b: dict[int, float]) -> float:
        dot = sum(v * b.get(k, 0.0) for k, v in a.items())
        return dot / math.sqrt(sum(v * v for v in a.values()) * sum(v * v for v in b.values()))

    first = features(parse_message(rejection()), OWNER)
    other_role = rejection().replace(b"Data Analyst", b"Risk Engineer")
    second = features(parse_message(other_role), OWNER)
    dinner = make_message(
        sender="Sam <sam@friends.example>", subject="dinner?", body="Are you free on Friday? The usual place.\n",
        date=datetime(2026, 3, 2, 18, tzinfo=UTC),
    )
    unrelated = features(parse_message(dinner), OWNER)
    assert cosine(first, second) > 0.8
    assert cosine(first, unrelated) < 0.45


def test_tokens_read_many_scripts() -> None:
    assert feats.tokens("Vielen Dank für Ihre Bewerbung") == ["vielen", "dank", "für", "ihre", "bewerbung"]
    assert feats.tokens("Спасибо за отклик") == ["спасибо", "за", "отклик"]
    assert feats.tokens("面接のご案内") == ["面接", "接の", "のご", "ご案", "案内"]
    assert feats.tokens("Hi Priya, R-20417 https://x.example/a me@x.example", {"priya"}) == [
        "hi", "<owner>", "r", "0", "<url>", "<email>",
    ]
    assert feats.language(feats.tokens("Nous avons bien reçu votre candidature pour le poste")) == "fr"


def test_packed_scores_equal_the_sum_of_each_labels_weights() -> None:
    """The big-integer sum of packed rows reads back every label's exact sum, extreme weights included."""
    labels = ["a", "b", "c"]
    names = [f"w:{i}" for i in range(400)]
    extremes = [-32767, 32767, -1, 0, 1]
    rows = {}
    for i, name in enumerate(names):
        bucket = zlib.crc32(name.encode("utf-8")) & (feats.BUCKETS - 1)
        rows[bucket] = [extremes[(i + j) % len(extremes)] for j in range(len(labels))]
    model = LinearModel.from_bytes(LinearModel.to_bytes(labels, [0.5, -0.25, 0.0], rows, 0.001))
    features = {name: (1.0 if i % 3 else 0.5) for i, name in enumerate(names)}
    scores = model.raw_scores(model.rows(features))
    want = [
        bias + 0.001 * sum(features[n] * rows[zlib.crc32(n.encode("utf-8")) & (feats.BUCKETS - 1)][j] for n in names)
        for j, bias in enumerate([0.5, -0.25, 0.0])
    ]
    assert scores == pytest.approx(want, abs=1e-9)
    assert model.raw_scores(model.rows(features)) == scores  # the second time, from the kept packed rows


def test_rows_and_weight_differences_kept_between_mails_are_what_the_weights_say(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A feature's row is remembered by name and a pair of labels' differences kept, a bounded number of each;
    forgotten or kept, they give what the weights give."""
    labels = ["a", "b", "c", "d"]
    names = [f"w:{i}" for i in range(300)]
    rows = {
        zlib.crc32(name.encode("utf-8")) & (feats.BUCKETS - 1): [(i * 7 + j * 13) % 601 - 300 for j in range(4)]
        for i, name in enumerate(names[::2])  # every other name has weights
    }
    features = {name: (1.0 if i % 5 else 0.25) for i, name in enumerate(names)}

    def weights(name: str) -> list[int] | None:
        return rows.get(zlib.crc32(name.encode("utf-8")) & (feats.BUCKETS - 1))

    def explained(label: int, versus: int) -> list[tuple[str, float]]:
        found = [
            (n, v * 0.01 * (w[label] - w[versus]))
            for n, v in features.items()
            if (w := weights(n)) and w[label] != w[versus]
        ]
        return sorted(found, key=lambda kv: (-kv[1], kv[0]))

    for kept_rows, kept_pairs in ((100_000, 16), (0, 1)):  # (0, 1): forgotten on every use
        monkeypatch.setattr("inboxwatch.core.detect.model._ROWS_KEPT", kept_rows)
        monkeypatch.setattr("inboxwatch.core.detect.model._PAIRS_KEPT", kept_pairs)
        model = LinearModel.from_bytes(LinearModel.to_bytes(labels, [0.0] * 4, rows, 0.01))
        for _ in range(2):
            assert {n for n, _, _ in model.rows(features)} == {n for n in features if weights(n)}
            for label, versus in ((0, 1), (1, 0), (2, 3), (0, 1), (3, 2)):
                assert model.explain(features, labels[label], labels[versus]) == explained(label, versus)
        assert len(model._differences) <= kept_pairs


def test_footer_lines_are_dropped_from_the_top_however_they_are_cased() -> None:
    from inboxwatch.core.detect.features import own_top

    # Case-insensitive matching also takes the dotted and dotless I and the long s for i and s.
    for footer in ("ALL RIGHTS RESERVED", "Prİvacy Policy", "prıvacy notice", "Unſubscribe here", "© 2025 Acme"):
        top = own_top(f"Hello Alex,\nThe call is moved to Friday.\n{footer}\nSee you then")
        assert top == "Hello Alex,\nThe call is moved to Friday.\nSee you then", footer
    assert own_top("Hello\n\nno footer here\n") == "Hello\nno footer here"

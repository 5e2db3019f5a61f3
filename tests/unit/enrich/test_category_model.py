"""Tests for the category model's artifact and scoring (streams.enrich.category_model).

The reference below is the training arithmetic written out plainly (``feature_weights``,
the quantised weights, the norm floor): the runtime must give the same logits.
"""

from __future__ import annotations

import gzip
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from streams.enrich.categories import MODEL_PATH, text_geo_tokens
from streams.enrich.category_features import feature_weights, headline_tokens, tokenize
from streams.enrich.category_model import Model, _Lookup, read_artifact, write_artifact

VOCAB = ["strike", "union", "strike union", "h:strike", "p:hospi", "hospital", "__no_country"]


def tiny() -> tuple[dict[str, Any], np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    weights = rng.integers(-16_000, 16_000, size=(len(VOCAB), 3)).astype("<i2")
    idf2 = rng.integers(1, 16_000, size=len(VOCAB)).astype("<u2")
    head = {
        "version": 2,
        "classes": ["a", "b", "c"],
        "bias": [0.1, -0.2, -1.0],
        "calibration": [[1.0, 0.5, 0.0], [2.0, 0.0, -0.5], [1.5, 1.0, 0.2]],
        "scale": 900.0,
        "idf2_scale": 150.0,
        "norm_floor": 4.0,
        "abstain_threshold": 0.4,
        "vocab": VOCAB,
    }
    return head, weights, idf2


def reference_logits(
    parts: tuple[dict[str, Any], np.ndarray, np.ndarray], text: str, geo: list[str]
) -> np.ndarray:
    head, weights, idf2 = parts
    row = {f: k for k, f in enumerate(head["vocab"])}
    num = np.zeros(weights.shape[1])
    norm2 = 0.0
    for feat, doubled in feature_weights(text, geo).items():
        if feat in row:
            tf = doubled / 2
            num += tf * weights[row[feat]] / head["scale"]
            norm2 += tf * idf2[row[feat]] / head["idf2_scale"]
    return np.asarray(head["bias"]) + num / math.sqrt(max(norm2, head["norm_floor"]))


def runtime_logits(model: Model, text: str, geo: list[str]) -> list[float]:
    return model.logits(tokenize(text), geo, headline_tokens(text))


@pytest.mark.parametrize(
    "text",
    [
        "Strike\n\nThe union strike: union strike union hospital hospitals hospitality",
        "hospitals hospitals",  # unknown word, known prefix, counted twice
        "Strike strike\n\nstrike strike strike union strike strike union",  # counts 2, 3, 5
        "nothing known here",
        "",
    ],
)
def test_runtime_sums_equal_the_training_arithmetic(text: str) -> None:
    parts = tiny()
    got = runtime_logits(Model(*parts), text, ["__no_country"])
    assert got == pytest.approx(list(reference_logits(parts, text, ["__no_country"])), abs=1e-9)


def test_the_norm_floor_keeps_thin_evidence_near_the_intercepts() -> None:
    head, weights, idf2 = tiny()
    head["norm_floor"] = 500.0  # over any one feature's idf**2 (< 16000 / 150)
    thin = np.asarray(runtime_logits(Model(head, weights, idf2), "union", [])) - head["bias"]
    head["norm_floor"] = 0.0
    unfloored = np.asarray(runtime_logits(Model(head, weights, idf2), "union", [])) - head["bias"]
    assert np.all(np.abs(thin) < np.abs(unfloored))


def test_scores_use_the_margin_over_the_best_other_slug() -> None:
    model = Model(*tiny())
    got = dict(model.scores([1.0, 0.9, -3.0]))
    sig = lambda x: 1 / (1 + math.exp(-x))  # noqa: E731
    assert got["a"] == pytest.approx(sig(1.0 * 1.0 + 0.5 * 0.1 + 0.0))
    assert got["b"] == pytest.approx(sig(2.0 * 0.9 + 0.0 * -0.1 - 0.5))
    assert got["c"] == pytest.approx(sig(1.5 * -3.0 + 1.0 * -4.0 + 0.2))
    ranked = [p for _, p in model.scores([1.0, 0.9, -3.0])]
    assert ranked == sorted(ranked, reverse=True)


def test_artifact_round_trip_and_corruption(tmp_path: Path) -> None:
    head, weights, idf2 = tiny()
    path = tmp_path / "m.bin.gz"
    write_artifact(path, head, weights, idf2)
    head2, weights2, idf22 = read_artifact(path)
    assert head2 == head
    assert np.array_equal(weights2, weights) and np.array_equal(idf22, idf2)
    raw = gzip.decompress(path.read_bytes())
    (tmp_path / "cut.gz").write_bytes(gzip.compress(raw[:-2]))
    with pytest.raises(ValueError, match="size"):
        read_artifact(tmp_path / "cut.gz")
    (tmp_path / "bad.gz").write_bytes(gzip.compress(b"not a model"))
    with pytest.raises(ValueError, match="magic"):
        read_artifact(tmp_path / "bad.gz")


def test_a_bigram_outside_the_vocabulary_is_refused() -> None:
    head, weights, idf2 = tiny()
    head["vocab"] = [*VOCAB[:-1], "strike picket"]
    with pytest.raises(ValueError, match="bigram"):
        Model(head, weights, idf2)


def test_shipped_model_matches_the_training_arithmetic() -> None:
    parts = read_artifact(MODEL_PATH)
    model = Model(*parts)
    for text in [
        "Nurses strike at hospitals\n\nThe union said the walkout over pay would go on.",
        "Shares fell 3% in Tokyo after the central bank raised rates; the yen rallied.",
        "Vaccinations resumed in Lagos on Monday.",
    ]:
        geo = text_geo_tokens(text)
        got = runtime_logits(model, text, geo)
        assert got == pytest.approx(list(reference_logits(parts, text, geo)), abs=1e-6)


def test_lookup_finds_its_keys_and_nothing_else() -> None:
    table = _Lookup([30, -7, 2**62], [5, 6, 7])
    got = table.find(np.array([-7, 30, 2**62, 0, 31, np.iinfo(np.int64).max], np.int64))
    assert got.tolist() == [6, 5, 7, 0, 0, 0]
    with pytest.raises(ValueError, match="one lookup key"):
        _Lookup([4, 4], [1, 2])
    with pytest.raises(ValueError, match="empty slot"):
        _Lookup([4, -1], [1, 2])


def test_lookup_agrees_with_a_dict_on_structured_and_random_keys() -> None:
    # Bigram-like keys (a * K + b: crowded in a few ranges) and hash()-like random keys;
    # probes are the keys, their neighbours, -1 (an empty slot's key) and random keys.
    rng = np.random.default_rng(7)
    k = 137_003
    pairs = {int(a) * k + int(b) for a, b in rng.integers(1, k, (20_000, 2))}
    randoms = set(rng.integers(-(2**63), 2**63 - 1, 20_000, dtype=np.int64).tolist())
    keys = sorted((pairs | randoms) - {-1})
    want = {key: row for row, key in enumerate(keys, 1)}
    table = _Lookup(keys, list(want.values()))
    probes = np.array(
        [*keys, *(x + 1 for x in keys), -1, *rng.integers(-(2**62), 2**62, 5_000).tolist()],
        np.int64,
    )
    got = table.find(probes)
    assert got.dtype == np.int64  # the model multiplies rows into bigram keys
    assert got.tolist() == [want.get(int(x), 0) for x in probes]
    assert table.find(np.array([], np.int64)).tolist() == []

"""Tests for the category quality figures (streams.enrich.category_metrics)."""

from __future__ import annotations

import pytest

from streams.enrich.category_metrics import (
    ag_label,
    bbc_label,
    expected_calibration_error,
    label_mapper,
    scheme_of,
    topic_scores,
)


def test_label_mappings() -> None:
    assert ag_label("sport") == "Sports"
    assert ag_label("labour") == "World"
    assert ag_label(None) == "World"
    assert bbc_label("arts-culture-entertainment-media") == "entertainment"
    assert bbc_label("health") != "business"
    assert label_mapper("iptc")("health") == "health"
    assert label_mapper("agnews")("health") == "World"


def test_scheme_of_labels() -> None:
    assert scheme_of(["health", "labour"]) == "iptc"
    assert scheme_of(["World", "Sports"]) == "agnews"
    assert scheme_of(["tech", "business"]) == "bbc"
    # BBC labels that are also IPTC slugs: the IPTC files are told by their label_alt field.
    assert scheme_of(["sport", "politics"]) == "bbc"
    assert scheme_of(["sport", "politics"], has_label_alt=True) == "iptc"


def test_topic_scores_strict_lenient_recall_and_pairs() -> None:
    gold = ["health", "health", "labour", "labour", "sport"]
    pred = ["health", "labour", "health", "labour", "sport"]
    alts = [[], ["labour"], [], [], []]
    s = topic_scores(gold, pred, alts)
    assert s["strict_accuracy"] == pytest.approx(3 / 5)
    assert s["lenient_accuracy"] == pytest.approx(4 / 5)  # the alt label counts
    assert s["recall"] == {
        "health": {"recall": 0.5, "n": 2},
        "labour": {"recall": 0.5, "n": 2},
        "sport": {"recall": 1.0, "n": 1},
    }
    assert s["macro_recall"] == pytest.approx((0.5 + 0.5 + 1.0) / 3, abs=1e-4)
    assert s["confused"] == [{"a": "health", "b": "labour", "n": 2, "a_as_b": 1, "b_as_a": 1}]


def test_expected_calibration_error() -> None:
    assert expected_calibration_error([], []) == 0.0
    # Confidence 0.9 on ten stories, nine right: reliable.
    assert expected_calibration_error([0.9] * 10, [True] * 9 + [False]) == pytest.approx(0.0)
    # Confidence 0.9, half right: off by 0.4; two bins weighted by their stories.
    assert expected_calibration_error([0.9, 0.9], [True, False]) == pytest.approx(0.4)
    conf, ok = [0.2] * 3 + [0.8], [False] * 3 + [True]
    assert expected_calibration_error(conf, ok) == pytest.approx((3 * 0.2 + 1 * 0.2) / 4)

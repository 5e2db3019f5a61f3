"""Tests for the category model's features (streams.enrich.category_features)."""

from __future__ import annotations

import pytest

from streams.enrich.category_features import (
    HEADLINE_TOKENS,
    feature_weights,
    geo_tokens,
    headline_tokens,
    tf_steps,
    tokenize,
)
from streams.enrich.types import Span


def test_tokenizer_strips_markup_residue() -> None:
    assert tokenize("The world #39;s quot;best quot; &amp; <b>café</b>") == [
        "the",
        "world",
        "best",
        "café",
    ]


@pytest.mark.parametrize(("count", "steps"), [(0, 0), (1, 2), (2, 3), (3, 4), (5, 5), (10, 7)])
def test_tf_steps_are_twice_a_sublinear_weight(count: int, steps: int) -> None:
    assert tf_steps(count) == steps
    assert tf_steps(count) <= 2 * count  # sub-linear: never more than two steps an occurrence


def test_headline_is_the_text_before_the_first_blank_line() -> None:
    assert headline_tokens("Nurses strike\n\nThe union said ...") == ["nurses", "strike"]
    assert headline_tokens("No blank line here") == []
    long_head = " ".join(["word"] * 100) + "\n\nbody"
    assert len(headline_tokens(long_head)) == HEADLINE_TOKENS


def test_feature_weights_spell_every_feature_family() -> None:
    text = "Vaccine drive\n\nThe vaccine drive reached vaccinations records; the vaccine works."
    w = feature_weights(text, ["__no_country"])
    assert w["vaccine"] == tf_steps(3)  # unigram, three occurrences
    assert w["vaccine drive"] == tf_steps(2)  # bigram "a b"
    assert w["h:drive"] == tf_steps(1)  # headline word
    assert w["__no_country"] == tf_steps(1)  # geo token
    # prefix: summed per distinct word (vaccine x3 + vaccinations x1), not over occurrences
    assert w["p:vacci"] == tf_steps(3) + tf_steps(1)
    assert "p:the" not in w and "p:drive" not in w  # words of <= 5 letters give no prefix
    assert not any(k.startswith(("h:", "p:")) and " " in k for k in w)


def test_geo_tokens_small_example() -> None:
    spans = [
        Span("Paris", "LOC", 0, 5, "FR"),
        Span("Texas", "LOC", 10, 15, "US"),
        Span("German", "MISC", 20, 26, "DE"),
        Span("Smith", "PER", 30, 35),
    ]
    assert geo_tokens(["DE", "FR", "US"], spans, {20}) == [
        "__cc_de",
        "__cc_fr",
        "__cc_us",
        "__foreign",
        "__ncc_2p",
        "__nfor_2",
        "__nloc_2",
        "__per",
        "__demonym",
    ]
    assert geo_tokens(["US"], [Span("Acme", "ORG", 0, 4)], set()) == [
        "__cc_us",
        "__us_only",
        "__ncc_1",
        "__nfor_0",
        "__nloc_0",
        "__org",
    ]
    five_locs = [Span("x", "LOC", i, i + 1) for i in range(5)]
    assert geo_tokens([], five_locs, set()) == ["__no_country", "__ncc_0", "__nfor_0", "__nloc_4p"]
    assert geo_tokens([], five_locs[:3], set())[-1] == "__nloc_4"  # 3-4 LOC mentions

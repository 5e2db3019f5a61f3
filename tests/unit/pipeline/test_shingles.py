"""Shingle hashes (streams/pipeline/shingles.py): one text at a time and many at once agree."""

from __future__ import annotations

import random

import numpy as np
import pytest

from streams.pipeline.shingles import ShingleHasher


def _texts(rng: random.Random) -> list[str]:
    words = ["Kyiv", "said", "rates", "„Zoë“", "—", "東京", "দেশ", "U.S.", "a", "1,000"]
    out = []
    for _ in range(300):
        n = rng.choice([0, 1, 2, 4, 5, 6, 40, 300])
        out.append(" ".join(rng.choice(words) for _ in range(n)) + rng.choice(["", " !", "\n"]))
    return out


@pytest.mark.parametrize("shingle", [1, 3, 5])
def test_many_texts_hash_as_each_alone(shingle: int) -> None:
    texts = _texts(random.Random(shingle))
    hasher = ShingleHasher(shingle)
    alone = [ShingleHasher(shingle).one(t) for t in texts]
    together = hasher.many(texts)
    assert len(together) == len(texts)
    for a, b in zip(alone, together, strict=True):
        assert a.dtype == b.dtype == np.uint32
        assert a.tolist() == b.tolist()


def test_a_text_without_words_has_no_shingles_and_a_short_one_has_one() -> None:
    hasher = ShingleHasher(5)
    empty, short, five = hasher.many(["— ! ?", "two words", "one two three four five"])
    assert len(empty) == 0 and len(short) == 1 and len(five) == 1
    assert hasher.one("Two, words!").tolist() == short.tolist()


def test_groups_bound_the_joined_bytes() -> None:
    # Far more than one group's bytes: the groups' seams must not change any hash.
    texts = [f"story {i} " + "word " * 900 for i in range(120)]
    hasher = ShingleHasher(5)
    assert [h.tolist() for h in hasher.many(texts)] == [hasher.one(t).tolist() for t in texts]
    assert len(hasher._pow) < 8 * 65_536  # grown for a group, not the whole batch

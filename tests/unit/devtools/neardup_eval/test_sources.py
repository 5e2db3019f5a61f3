"""Source stories of the near-duplicate evaluation: shingles, exact Jaccard, and the
pass that drops near-identical sources."""

from __future__ import annotations

from streams.devtools.neardup_eval.sources import Doc, dedupe, jaccard, shingles

TEXT = "One two three four five six seven eight nine ten eleven twelve."


def test_shingles_and_jaccard() -> None:
    assert len(shingles(TEXT, 5)) == 8
    assert shingles("a b", 5) == {("a", "b")}  # shorter than k: one shingle of all words
    assert shingles("", 5) == set()
    assert jaccard(shingles(TEXT, 3), shingles(TEXT, 3)) == 1.0
    assert jaccard(set(), set()) == 1.0


def test_dedupe_drops_a_near_copy_and_keeps_the_first() -> None:
    a = Doc("a", "x", "Head", [[TEXT]])
    copy = Doc("b", "x", "Head", [[TEXT + " Thirteen."]])
    other = Doc("c", "x", "Other", [["Completely different words make up this other story."]])
    kept, dropped = dedupe([a, copy, other])
    assert [d.id for d in kept] == ["a", "c"]
    assert dropped == 1

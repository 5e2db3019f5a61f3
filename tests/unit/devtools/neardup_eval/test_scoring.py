"""Scoring of the near-duplicate evaluation: precision/recall/F1 edge cases, pairs within
groups, and false pairs within one outlet."""

from __future__ import annotations

from types import SimpleNamespace

from streams.devtools.neardup_eval.scoring import outlet_false_pairs, pairs_of, prf
from streams.devtools.neardup_eval.stream import Item, Stream


def test_prf() -> None:
    assert prf(8, 2, 0) == (0.8, 1.0, 2 * 0.8 / 1.8)
    assert prf(0, 0, 0) == (1.0, 1.0, 1.0)  # nothing predicted, nothing to find
    assert prf(0, 3, 3) == (0.0, 0.0, 0.0)


def test_pairs_of_sorts_each_pair() -> None:
    assert pairs_of([["b", "a", "c"], ["x"]]) == {("a", "b"), ("a", "c"), ("b", "c")}


def test_outlet_false_pairs_counts_only_different_stories_of_one_outlet() -> None:
    items = [
        Item("a1", "a", "original", "", "o1"),
        Item("a2", "a", "trim", "", "o1"),  # same story: not false
        Item("b1", "b", "original", "", "o1"),  # other story, same outlet and cluster
        Item("c1", "c", "original", "", "o2"),  # same cluster, other outlet
        Item("d1", "d", "original", "", None),  # no outlet: not counted
    ]
    stream = Stream(items, {}, [], [], 0)
    results = {it.id: SimpleNamespace(cluster_id="k") for it in items}
    assert outlet_false_pairs(stream, results) == 2  # (a1, b1) and (a2, b1)

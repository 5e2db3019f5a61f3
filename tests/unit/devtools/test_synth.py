"""Synthetic stories: many distinct, realistic stories from the few seeds."""

from __future__ import annotations

from streams.devtools.synth import synthetic_stories
from tests.paths import SEEDS


def test_unique_ids_and_bodies_of_news_length() -> None:
    stories = list(synthetic_stories(SEEDS, 50, seed=3))
    assert len({st["id"] for st in stories}) == 50
    assert len({st["body"] for st in stories}) == 50  # each ends with its own report line
    assert all(140 <= len(st["body"].split()) <= 170 for st in stories)


def test_same_seed_same_stories() -> None:
    a = list(synthetic_stories(SEEDS, 5, seed=9))
    assert a == list(synthetic_stories(SEEDS, 5, seed=9))
    assert a != list(synthetic_stories(SEEDS, 5, seed=10))

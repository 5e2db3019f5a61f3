"""SourceBoilerplate: per-source shingles shared by recent stories, in bounded memory."""

from __future__ import annotations

import numpy as np

from streams.pipeline.boilerplate import SourceBoilerplate


def hashes(*values: int) -> np.ndarray:
    return np.array(values, dtype=np.uint32)


def test_shingles_in_enough_recent_stories_of_the_source_are_left_out() -> None:
    bp = SourceBoilerplate(min_stories=2, keep=4, max_sources=8)
    footer = [7_000_001, 7_000_002, 7_000_003]
    assert bp.strip("a", hashes(1, 2, *footer)).tolist() == [1, 2, *footer]  # learning
    assert bp.strip("a", hashes(3, 4, *footer)).tolist() == [3, 4, *footer]  # in 1 story
    assert bp.strip("a", hashes(5, 6, *footer)).tolist() == [5, 6]  # in 2: boilerplate
    # another source has no boilerplate of its own yet
    assert bp.strip("b", hashes(8, *footer)).tolist() == [8, *footer]


def test_a_story_of_nothing_but_boilerplate_is_kept_whole() -> None:
    bp = SourceBoilerplate(min_stories=2, keep=4, max_sources=8)
    for i in range(3):
        bp.strip("a", hashes(10 + i, 99, 98))
    assert bp.strip("a", hashes(99, 98)).tolist() == [99, 98]


def test_only_the_last_keep_stories_count() -> None:
    bp = SourceBoilerplate(min_stories=2, keep=2, max_sources=8)
    bp.strip("a", hashes(1, 50))
    bp.strip("a", hashes(2, 50))
    assert bp.strip("a", hashes(3, 50)).tolist() == [3]  # 50 in both kept stories
    bp.strip("a", hashes(4))
    bp.strip("a", hashes(5))  # the stories with 50 have left
    assert bp.strip("a", hashes(6, 50)).tolist() == [6, 50]


def test_memory_is_bounded_by_sources_and_shingles_per_story() -> None:
    bp = SourceBoilerplate(min_stories=2, keep=3, max_sources=4)
    long_story = np.arange(5_000, dtype=np.uint32)
    for i in range(10):
        bp.strip(f"s{i}", long_story)
    assert len(bp) == 4  # the sources seen least recently are forgotten
    recent = [story for _, stories in bp._sources.values() for story in stories]
    assert len(recent) == 4 and all(story.nbytes <= 2048 for story in recent)
    # a repeated shingle counts once per story
    bp.strip("r", hashes(42, 42, 42))
    bp.strip("r", hashes(43))
    assert bp.strip("r", hashes(44, 42)).tolist() == [44, 42]

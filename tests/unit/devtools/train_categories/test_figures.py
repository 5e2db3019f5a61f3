"""Figures of the category training that need no scikit-learn: the abstain threshold."""

from __future__ import annotations

import numpy as np

from streams.devtools.train_categories.figures import choose_abstain


def test_abstain_threshold_between_the_last_right_and_the_first_wrong() -> None:
    best = np.array([0.9, 0.8, 0.7, 0.4, 0.3])
    correct = np.array([True, True, True, False, False])
    assert choose_abstain(best, correct) == 0.55


def test_abstain_threshold_keeps_a_wrong_story_when_right_ones_follow() -> None:
    best = np.array([0.9, 0.8, 0.7, 0.6, 0.2])
    correct = np.array([True, False, True, True, False])
    assert choose_abstain(best, correct) == 0.4

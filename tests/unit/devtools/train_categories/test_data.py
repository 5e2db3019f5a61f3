"""Targets and weights of the category training data (numpy only, no scikit-learn)."""

from __future__ import annotations

import numpy as np

from streams.devtools.train_categories.data import (
    AG_GOLD,
    OTHER_TAXONOMY_WEIGHT,
    SLUGS,
    Corpus,
    targets,
)


def _corpus() -> Corpus:
    c = Corpus()
    for name, label, slug in (
        ("nyt", "politics", "politics"),
        ("ag", "World", None),
        ("ag", "Sports", "sport"),
    ):
        c.texts.append(f"{name} {label}")
        c.corpus.append(name)
        c.label.append(label)
        c.slug.append(slug)
        c.alts.append([])
    return c


def test_ag_world_is_only_a_negative_of_the_ag_desks() -> None:
    y, w = targets(_corpus())
    desks = sorted(SLUGS.index(s) for s in AG_GOLD.values())
    assert not y[1].any()
    assert sorted(np.flatnonzero(w[1])) == desks


def test_a_desk_story_weakly_negative_for_slugs_its_taxonomy_lacks() -> None:
    y, w = targets(_corpus())
    sport, politics = SLUGS.index("sport"), SLUGS.index("politics")
    assert y[2, sport] == 1.0 and y[2].sum() == 1.0
    assert np.isclose(w[2, politics] / w[2, sport], OTHER_TAXONOMY_WEIGHT)
    assert y[0, politics] == 1.0
    assert np.allclose(w[0], w[0, 0])  # NYT-CAP has every slug: no weak negatives

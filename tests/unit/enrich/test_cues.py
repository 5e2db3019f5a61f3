"""The taggers' word lists: they load, and no list overrides another."""

from __future__ import annotations

from streams.enrich import cues


def test_lists_load_with_every_language() -> None:
    assert {"President", "Präsident", "Президент", "Prezydent"} <= cues.TITLES
    assert {"Ministry", "Ministério", "Министерство", "Ministerstwo"} <= cues.ORG_CUES
    assert {"The", "Die", "Le", "El", "На", "W"} <= cues.STOPWORDS
    assert "soccer" in cues.SPORT_WORDS
    assert len(cues.GIVEN_NAMES) > 1000


def test_given_names_never_collide_with_cue_words() -> None:
    assert cues.GIVEN_NAMES.isdisjoint(cues.STOPWORDS | cues.TITLES | cues.ORG_CUES)


def test_derived_organisation_names_split_by_place() -> None:
    assert "Interfax" in cues.ORG_NAMES
    assert "Leicestershire" in cues.TEAM_PLACES
    assert cues.ORG_NAMES.isdisjoint(cues.TEAM_PLACES)

"""Tests for the home country of a local story that names none (streams.enrich.geo_hometown)."""

from __future__ import annotations

import pytest

from streams.enrich import enrich_text, gazetteer
from streams.enrich.geo_hometown import ENGLISH_COUNTRIES, english_towns


def countries(text: str) -> set[str]:
    return set(enrich_text(text).countries)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Calais, France is 25 times the size of Calais, Maine: local news in English is
        # written where English is the language of local news.
        ("Calais residents will vote on a school budget in June.", {"US"}),
        ("Nazareth borough council approved a new police radio contract.", {"US"}),
        # A residence between commas, an institution named after its town.
        ("Ann Lowe, 90, of Lodi, died Friday. She taught piano for 40 years.", {"US"}),
        ("Oban residents said the new pier would open in spring.", {"GB"}),
        # Namesakes in several English-speaking countries: the spelling votes...
        ("Carlisle police said the driver's tyres were bald.", {"GB"}),
        ("Carlisle police said the driver's tires were bald.", {"US"}),
        ("Taunton officials said the harbour wall would be repaired.", {"GB"}),
        ("Taunton officials said the harbor wall would be repaired.", {"US"}),
        # ... and without a vote the bigger town wins (Warwick, R.I., against Warwick, England).
        ("Warwick police said a driver hit a utility pole.", {"US"}),
        # A capitalised word before the town does not hide it.
        ("The Asheville City Council voted 5-2 to rezone an old mill.", {"US"}),
    ],
)
def test_a_local_story_that_names_no_country_is_read_as_one_of_its_town(
    text: str, expected: set[str]
) -> None:
    assert countries(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A country named: the rule never runs.
        ("Calais residents said French police cleared the camp.", {"FR"}),
        # Not in a town's place: an organisation's word, a person's name, a modifier.
        ("Shares of Oracle rose after the results.", set()),
        ("Tony Blair denied a rift; the row in Blair camp went on.", set()),
        ("Senators argued about witnesses in Clinton impeachment hearings.", set()),
        ("Sales rose in March, the company said.", set()),
        # Not English: the reader may be anywhere.
        ("Die Einwohner von Calais stimmen im Juni über den Haushalt ab.", set()),
    ],
)
def test_the_rule_stays_out_of_stories_that_are_not_local_news_in_english(
    text: str, expected: set[str]
) -> None:
    assert countries(text) == expected


def test_the_table_holds_towns_of_english_speaking_countries_the_gazetteer_lacks() -> None:
    towns = english_towns()
    assert len(towns) > 10_000
    entries = gazetteer.entries()
    assert not any(name in entries for name in towns)
    assert all(set(pops) <= ENGLISH_COUNTRIES and all(pops.values()) for pops in towns.values())
    assert towns["Calais"] == {"US": 2980} and "GB" in towns["Carlisle"]


def test_the_town_is_an_entity_with_its_country_and_offsets() -> None:
    text = "Calais residents will vote in June. Salisbury University said its tires were new."
    got = [(e.text, e.label, e.country, e.start) for e in enrich_text(text).entities]
    assert ("Calais", "LOC", "US", 0) in got
    assert ("Salisbury University", "ORG", "US", text.index("Salisbury")) in got

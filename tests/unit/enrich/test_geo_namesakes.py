"""Local namesakes: which of same-name towns a local story means, read through
``countries`` (the rules need the story's spans and hits)."""

from __future__ import annotations

import pytest

from streams.enrich import enrich_text


def _countries(text: str) -> set[str]:
    return set(enrich_text(text).countries)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A body only a US town has: the town is a US one, even one the data lacks.
        ("The Verona village board approved a permit for a new taproom.", {"US"}),
        ("The Havana volunteer fire department held its fish fry.", {"US"}),
        ("The Gloucester school committee delayed the school day.", {"US"}),
        # A city council is every country's: the world city stays.
        ("The Verona city council closed the arena to cars.", {"IT"}),
    ],
)
def test_a_us_town_body_makes_a_us_town(text: str, expected: set[str]) -> None:
    assert _countries(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A US county or a part of a state: a small US town the gazetteer lacks.
        ("The Hamburg town hall sits next to the Erie County fairgrounds.", {"US"}),
        ("Columbiana County deputies found a stolen tractor outside Lisbon.", {"US"}),
        ("Delhi officials in upstate New York approved a plan to fix the dam.", {"US"}),
        # No US town of the name, or a story that names the city's country.
        ("Farmers in rural Ohio sold soybeans to Shanghai buyers.", {"CN", "US"}),
        ("A Lancaster County farmer flew to Lisbon, Portugal, for a fair.", {"PT", "US"}),
        # A sheriff's story names a country it names: Mexico is no town here.
        ("The sheriff's office said the man fled to Mexico.", {"MX"}),
    ],
)
def test_a_foreign_city_beside_a_us_county_is_a_us_town(text: str, expected: set[str]) -> None:
    assert _countries(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A country's people go by its demonym: "a Jordan man" is a town's.
        ("Deputies arrested a Jordan man, the sheriff's office said.", {"US"}),
        ("A Lebanon woman won the county fair's pie contest.", {"US"}),
        # A country's name before a town body: the small US town of the name.
        ("The Cuba school board cut two bus routes.", {"US"}),
        # Without a US cue or a US town of the name, the name stays a country's.
        ("A Singapore man was jailed for cheating.", {"SG"}),
    ],
)
def test_a_country_named_before_a_person_is_a_town(text: str, expected: set[str]) -> None:
    assert _countries(text) == expected


def test_uk_police_forces_pick_the_uk_namesake() -> None:
    assert _countries("Lincolnshire Police said a Lincoln man was arrested.") == {"GB"}
    assert _countries("Police in Lincoln said a man was arrested.") == {"US"}


def test_two_namesakes_named_together_are_neighbours() -> None:
    assert _countries("Police in Cambridge said the van was found in Worcester.") == {"US"}
    assert _countries("Students from Cambridge and Oxford marched on Saturday.") == {"GB"}


def test_a_currency_picks_the_namesake_but_names_no_country_alone() -> None:
    assert _countries("A Lincoln man was fined £200 for speeding.") == {"GB"}
    assert _countries("A Lincoln man was fined $200 for speeding.") == {"US"}
    assert _countries("The fine was £200.") == set()


def test_a_city_police_service_picks_the_canadian_namesake() -> None:
    assert _countries("London Police Service said a man was charged after a crash.") == {"CA"}
    assert _countries("The Kenya Police Service said a man was charged.") == {"KE"}

"""Country resolution: the seed stories' country sets, and one test per rule, each from a
real failure seen in the dev data (record ids cited)."""

from __future__ import annotations

import pytest

from streams.enrich import enrich_story, enrich_text
from streams.sources.seeds import read_stories
from tests.paths import SEEDS


def countries(text: str) -> set[str]:
    return set(enrich_text(text).countries)


@pytest.fixture(scope="module")
def seed_sets() -> list[set[str]]:
    return [set(enrich_story(s["headline"], s["body"]).countries) for s in read_stories(SEEDS)]


def test_seed_story_country_sets(seed_sets: list[set[str]]) -> None:
    putin_kim, host, father, ventilator, taiwan_india, lawmakers = seed_sets
    assert {"RU", "KP", "JP", "US", "UA"} <= putin_kim <= {"RU", "KP", "JP", "US", "UA", "KR"}
    assert host == {"US"}
    assert father == {"LB", "US"}
    assert ventilator == {"US"}
    assert {"TW", "IN", "US", "JP"} <= taiwan_india <= {"TW", "IN", "US", "JP", "CN"}
    assert lawmakers == {"US", "TW", "CN"}


def test_seed_entities_carry_countries_and_offsets() -> None:
    story = next(iter(read_stories(SEEDS)))
    enr = enrich_story(story["headline"], story["body"])
    text = story["body"]  # the first seed story has no headline
    for sp in enr.entities:
        assert text[sp.start : sp.end] == sp.text
    by_text = {sp.text: sp for sp in enr.entities}
    assert by_text["Pyongyang"].country == "KP"
    assert by_text["KCNA"].country == "KP"
    assert by_text["Korean peninsula"].country is None
    assert by_text["Russian"].label == "MISC" and by_text["Russian"].country == "RU"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Longest match wins.
        ("Talks between North Korea and its neighbours resumed.", {"KP"}),
        ("The fire spread across New Mexico on Monday.", {"US"}),
        ("Papua New Guinea sent troops.", {"PG"}),
        # Regions, seas and supranational bodies name no country.
        ("The EU and the UN met in the Middle East and the Indo-Pacific.", set()),
        ("Ships crossed the South China Sea and the Korean peninsula.", set()),
        # Organisations bound to one country.
        ("The Pentagon and the Kremlin traded accusations.", {"US", "RU"}),
        # Demonyms count as mentions.
        ("Lebanese officials said the suspect was detained.", {"LB"}),
        # Case matters: "us" is a pronoun.
        ("He told us the plan would work.", set()),
    ],
)
def test_basic_rules(text: str, expected: set[str]) -> None:
    assert countries(text) == expected


def test_place_inside_person_name_is_not_a_place() -> None:
    assert countries("Jordan Henderson scored twice for the team.") == set()
    # geo-gwn-dev-104: "Kobe Bryant" is not in Kobe, Japan.
    assert countries("Fans remembered Kobe Bryant on Sunday.") == set()


def test_place_that_looks_like_a_person() -> None:
    assert countries("Chad's government declared a state of emergency.") == {"TD"}


def test_place_inside_organisation_counts_for_the_organisation() -> None:
    assert countries("She studied at Georgia Tech before moving on.") == {"US"}
    # geo-gwn-dev-282: "Venice Commission" is in Venice.
    assert countries("The Venice Commission issued an opinion.") == {"IT"}
    # geo-geovirus-dev-46: a hospital named after a person is not in Alexandria.
    assert countries("He was taken to Royal Alexandra Hospital in Paisley, Scotland.") == {"GB"}
    # geo-gwn-dev-301: the African National Congress is not the US Congress.
    assert countries("The African National Congress met in Johannesburg.") == {"ZA"}


def test_currency_is_not_a_mention() -> None:
    # geo-geovirus-dev-56: "US$460 million" in a story about Libya.
    assert countries("Libya agreed to a US$460 million settlement.") == {"LY"}


def test_sentence_initial_word_before_country() -> None:
    # geo-geovirus-dev-147: "Neighbouring Uganda" was read as a person's name.
    assert countries("Neighbouring Uganda has stepped up its surveillance.") == {"UG"}


def test_namesake_city_needs_corroboration() -> None:
    # geo-gwn-dev-239: "Bolton" in a US story is John Bolton, not Bolton, England.
    assert countries("Bolton told the US Senate the deal was bad.") == {"US"}
    # A lone city in a story naming no country still counts.
    assert countries("Flooding hit Bolton overnight.") == {"GB"}


def test_city_region_pattern() -> None:
    assert countries("She grew up in Birmingham, Alabama.") == {"US"}


def test_street_is_not_its_namesake_city() -> None:
    # geo-gwn-dev-268: "Bedford Drive" in Beverly Hills.
    assert countries("The house on Bedford Drive in Beverly Hills sold.") == {"US"}


def test_us_state_abbreviations_and_counties() -> None:
    # geo-gwn-dev-228 ("Slidell, La.") and geo-gwn-dev-270 ("Cuyahoga County").
    assert countries("Police in Slidell, La. said the man fled.") == {"US"}
    assert countries("Officials in Cuyahoga County confirmed the case.") == {"US"}


def test_missing_comma_between_countries() -> None:
    # geo-gwn-dev-116: "Cyprus, Greece Italy or Spain".
    assert countries("countries such as Cyprus, Greece Italy or Spain") == {"CY", "GR", "IT", "ES"}


def test_accurate_path_resolves_countries() -> None:
    enr = enrich_text("Putin met Kim in Pyongyang.", tagger="accurate")
    assert "KP" in enr.countries
    assert any(sp.text == "Pyongyang" and sp.country == "KP" for sp in enr.entities)


def test_unknown_tagger_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown tagger"):
        enrich_text("x", tagger="nope")

"""Local US cues: small towns (context only) and offices only US local government has."""

from __future__ import annotations

import pytest

from streams.enrich import gazetteer, geo_local


def _towns(text: str) -> list[str]:
    return [text[s:e] for s, e in geo_local.towns(text, gazetteer.find(text))]


@pytest.mark.parametrize(
    "text",
    [
        "Deputies from the county sheriff's office searched the river.",
        "County commissioners voted to repave the road.",
        "The state legislature passed the budget.",
        "The school district hired new teachers.",
    ],
)
def test_offices_of_us_local_government_are_cues(text: str) -> None:
    assert geo_local.has_local_office(text)


@pytest.mark.parametrize(
    "text",
    [
        # Canada has school boards, Scotland sheriff courts.
        "The Toronto school board met on Monday.",
        "The case went to the sheriff court in Glasgow.",
    ],
)
def test_offices_other_countries_have_are_not_cues(text: str) -> None:
    assert not geo_local.has_local_office(text)


def test_small_us_towns_are_found() -> None:
    text = "A storm moved through Poughkeepsie and Newburgh on Monday."
    assert _towns(text) == ["Poughkeepsie", "Newburgh"]


def test_a_town_inside_a_longer_name_is_not_a_town() -> None:
    assert _towns("Thieves broke into Wilson's Farm overnight.") == []
    assert _towns("Officials met John Caldwell on Monday.") == []
    assert _towns("Officials met Harrisburg's mayor on Monday.") == ["Harrisburg"]


def test_towns_in_the_gazetteer_or_starting_a_sentence_are_left_out() -> None:
    # Boston is a gazetteer city; a capital at a sentence start says nothing.
    assert _towns("Police in Boston said so. Hurricane winds hit the coast.") == []

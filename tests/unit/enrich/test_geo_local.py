"""Local cues: small US towns (context only) and offices only one country's local
government, courts or police have."""

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


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Sheriff's deputies said the man was armed.", True),
        ("State troopers closed the highway.", True),
        ("County commissioners voted to repave the road.", True),
        # States elsewhere have legislatures; a Kenyan county has a commissioner.
        ("The state legislature passed the budget.", False),
        ("County Commissioner Joseph Kanyiri opened the road.", False),
    ],
)
def test_only_us_only_offices_name_the_us(text: str, names: bool) -> None:
    assert (geo_local.office_countries(text) == {"US"}) is names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # New England's and Louisiana's town and parish bodies are US-only.
        ("Selectmen put the fire truck purchase to the town meeting.", {"US"}),
        ("The police jury approved a garbage contract.", {"US"}),
        ("Village trustees voted to hire two officers.", {"US"}),
        ("The Board of Aldermen raised water rates.", {"US"}),
        # A city commission is a US body, but other countries have cities: a cue only.
        ("The city commission voted to expand the port.", set()),
        # Scotland's courts and police, Ireland's Garda, Canada's federal police.
        ("A sheriff at Paisley Sheriff Court jailed a man.", {"GB"}),
        ("Police Scotland closed the road.", {"GB"}),
        ("Gardaí are appealing for witnesses.", {"IE"}),
        ("RCMP officers searched the house.", {"CA"}),
        # New York's and the Midwest's town bodies, Massachusetts's school committees.
        ("The village board approved a brewery permit.", {"US"}),
        ("Common Council members debated bike lanes.", {"US"}),
        ("The school committee voted to push back the start of the day.", {"US"}),
        ("Township trustees agreed to mow the cemetery.", {"US"}),
        # The City of London's council; a South African township has no board.
        ("The Court of Common Council met at Guildhall.", set()),
        ("Residents of the township marched to the municipal offices.", set()),
        # The UK's county police forces, but not one named like a US city's.
        ("Lincolnshire Police said a man was arrested.", {"GB"}),
        ("Thames Valley Police and Durham Constabulary searched the river.", {"GB"}),
        ("Cleveland Police said a man was arrested on Euclid Avenue.", set()),
        # US prosecutors, juries and highways; Canada's regional police.
        ("The district attorney took the case to a grand jury.", {"US"}),
        ("A crash closed Interstate 81 for hours.", {"US"}),
        ("Halifax Regional Police arrested a man.", {"CA"}),
        ("The OPP said the highway was closed.", {"CA"}),
        ("SAPS said two men were arrested.", {"ZA"}),
        # Lake Garda is Italian; a bare "sheriff" is Scottish or American.
        ("Tourists crowded the Lake Garda shore.", set()),
        ("The sheriff said the road was closed.", set()),
    ],
)
def test_offices_name_their_country(text: str, expected: set[str]) -> None:
    assert geo_local.office_countries(text) == expected


def test_counties_and_parishes_are_cues_uk_county_councils_are_not() -> None:
    text = "Lamar County, Richland Parish and Kent County Council"
    cues = [text[h.start : h.end] for h in gazetteer.find(text) if geo_local.is_county(text, h)]
    assert cues == ["Lamar County", "Richland Parish"]


def test_a_state_that_says_where_a_town_is_is_a_cue() -> None:
    text = "The small Texas town mourned; a Texas senator and Ohio voters did not."
    hits = gazetteer.find(text)
    assert [geo_local.is_locality(text, h) for h in hits] == [True, False, False]


def test_a_town_body_after_a_name() -> None:
    text = "The Lebanon school board met; Lebanon's parliament did not."
    hits = gazetteer.find(text)
    assert [geo_local.town_body(text, h) for h in hits] == [True, False]
    text = "Norway selectmen and the Denmark town meeting met; Norway's king did not."
    hits = gazetteer.find(text)
    assert [geo_local.town_body(text, h) for h in hits] == [True, True, False]


def test_a_us_town_body_or_a_person_after_a_name() -> None:
    text = "The Verona village board met; the Verona city council and Verona's mayor did not."
    hits = gazetteer.find(text)
    assert [geo_local.us_town_body(text, h) for h in hits] == [True, False, False]
    text = "A Jordan man and the Jordan government"
    hits = gazetteer.find(text)
    assert [geo_local.names_resident(text, h) for h in hits] == [True, False]


def test_a_currency_sign_names_its_country_as_a_cue() -> None:
    assert geo_local.currency_countries("He was fined £200 and ₹500.") == {"GB", "IN"}
    assert geo_local.currency_countries("The council approved Rs 5 crore.") == {"IN"}
    # The dollar is many countries'.
    assert geo_local.currency_countries("He was fined $200.") == set()


def test_a_city_police_service_is_canadian_a_countrys_is_not() -> None:
    text = "London Police Service and the Kenya Police Service"
    found = {text[h.start : h.end]: geo_local.police_service(text, h) for h in gazetteer.find(text)}
    assert (found["London"], found["Kenya"]) == (True, False)


def test_a_volunteer_fire_department_is_a_town_body_not_a_us_office() -> None:
    # Canadian towns have them too: it names no country by itself.
    assert geo_local.office_countries("The volunteer fire department held a fish fry.") == set()
    text = "The Havana volunteer fire department and Havana's port"
    hits = gazetteer.find(text)
    assert [geo_local.volunteer_firefighters(text, h) for h in hits] == [True, False]


@pytest.mark.parametrize(
    ("text", "postal"),
    [
        ("A Lima, OH man was arrested.", True),
        ("Police in Geneva, NY, arrested a man.", True),
        # Western Australia; a town the US lacks keeps its country ("Shanghai, CA").
        ("Police in Perth, WA, arrested a man.", False),
        ("Police in Shanghai, CA, said so.", False),
    ],
)
def test_a_us_postal_code_after_a_town_the_us_has(text: str, postal: bool) -> None:
    hit = next(h for h in gazetteer.find(text) if text[h.end] == ",")
    assert geo_local.postal_state(text, hit) is postal


def test_a_turkish_locative_suffix_makes_a_town_a_place() -> None:
    from streams.enrich import enrich_text

    text = "Edirne'den Bulgaristan'a geçmeye çalışan göçmenler yakalandı."
    assert set(enrich_text(text).countries) == {"BG", "TR"}

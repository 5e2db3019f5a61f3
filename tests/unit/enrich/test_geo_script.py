"""Spelling normalisation of the localised gazetteer (streams/enrich/geo_script.py)."""

from __future__ import annotations

import pytest

from streams.enrich import enrich_text
from streams.enrich.geo_script import kept_positions, normalise


@pytest.mark.parametrize(
    ("urdu", "persian"),
    [("ٹوکیو", "توکیو"), ("ٹیونس", "تیونس"), ("ڈنمارک", "دنمارک"), ("پورٹ", "پورت")],
)
def test_urdu_retroflex_letters_meet_the_arabic_and_persian_spellings(
    urdu: str, persian: str
) -> None:
    assert normalise(urdu) == normalise(persian)


def test_folding_keeps_one_character_per_character() -> None:
    text = "ٹرمپ نے واشنگٹن میں"
    assert len(normalise(text)) == len(text) == len(kept_positions(text))


@pytest.mark.parametrize(
    ("text", "country"),
    [
        # Sources spell these cities the Persian way ("توکیو"); Urdu news writes "ٹوکیو".
        ("ٹوکیو اور سیول کے درمیان نئی پروازیں شروع ہو رہی ہیں۔", "JP"),
        ("ٹیونس میں انتخابات کے نتائج کا اعلان کر دیا گیا۔", "TN"),
        ("ٹرمپ نے واشنگٹن میں صحافیوں سے بات کی۔", "US"),
    ],
)
def test_urdu_spellings_of_foreign_places_resolve(text: str, country: str) -> None:
    assert country in enrich_text(text).countries

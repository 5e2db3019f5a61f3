"""Inflected forms: each rule with a form news writes."""

from __future__ import annotations

import pytest

from streams.enrich.geo_inflect import forms


@pytest.mark.parametrize(
    ("name", "lang", "form"),
    [
        ("Russland", "de", "Russlands"),
        ("Vereinigte Staaten", "de", "Vereinigten Staaten"),
        ("Україна", "uk", "Україні"),
        ("Київ", "uk", "Києва"),
        ("Харківська область", "uk", "Харківській області"),
        ("Південна Корея", "uk", "Південної Кореї"),
        ("Америка", "uk", "Америці"),
        ("Єгипет", "uk", "Єгипту"),
        ("Білорусь", "uk", "Білоруссю"),
        ("Россия", "ru", "России"),
        ("Китай", "ru", "Китае"),
        ("Соединенные Штаты", "ru", "Соединенных Штатах"),
        ("Ukraina", "pl", "Ukrainie"),
        ("Polska", "pl", "Polsce"),
        ("Kijów", "pl", "Kijowie"),
        ("Chiny", "pl", "Chinach"),
        ("Białoruś", "pl", "Białorusią"),
        ("Korea Południowa", "pl", "Korei Południowej"),
        ("Kosowo", "pl", "Kosowie"),
        ("Poznań", "pl", "Poznaniu"),
        ("Toruń", "pl", "Torunia"),
        ("Wrocław", "pl", "Wrocławiu"),
        ("Łódź", "pl", "Łodzi"),
        ("Łódź", "pl", "Łodzią"),
        ("Bydgoszcz", "pl", "Bydgoszczy"),
        ("województwo śląskie", "pl", "województwie śląskim"),
        ("województwo łódzkie", "pl", "województwa łódzkiego"),
        ("Курская область", "ru", "Курской области"),
        ("Краснодарский край", "ru", "Краснодарском крае"),
        ("Нижний Новгород", "ru", "Нижнего Новгорода"),  # a soft adjective: -него
        ("Нижній Новгород", "uk", "Нижньому Новгороді"),
        ("Бєлгородська область", "uk", "Бєлгородській області"),
        ("الصين", "ar", "للصين"),
    ],
)
def test_form(name: str, lang: str, form: str) -> None:
    assert form in forms(name, lang)


def test_other_languages_keep_the_name() -> None:
    assert forms("Alemanha", "pt") == {"Alemanha"}


def test_a_complement_noun_stays() -> None:
    assert "Республике Корея" in forms("Республика Корея", "ru")
    assert not any(f.endswith("Кореи") for f in forms("Республика Корея", "ru"))


def test_a_plural_country_has_a_german_dative_a_town_has_not() -> None:
    assert "Niederlanden" in forms("Niederlande", "de", country=True)
    assert "Vereinigten Arabischen Emiraten" in forms(
        "Vereinigte Arabische Emirate", "de", country=True
    )
    assert "Hallen" not in forms("Halle", "de")  # halls, not the town

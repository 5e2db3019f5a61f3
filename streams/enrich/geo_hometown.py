"""The home country of a local story in English that names no country.

Local news names its town and the town's institutions, not its country: to its readers
"Calais residents will vote on a school budget" is Calais, Maine, although Calais, France
is 25 times its size. A story in English that names no country, no city of the gazetteer
and no office of one country (``geo_local.office_countries``) was written for readers who
know the town, and local press in English is the press of the English-speaking countries.
So a town's name there is read as one of their towns (``data/english_towns.tsv``: GeoNames
towns of 1,000 people or more of the US, the UK, Canada, Australia, New Zealand and
Ireland that are no gazetteer name).

Only a name in a town's place counts: before a local noun ("Carlisle police", "Nazareth
borough council", "Salisbury University", "Dundee's parade") or after "in", "of", "near"
and the like, and never inside a person's name or in the middle of an organisation's.
Between namesakes of several of these countries the story's spelling votes (American
"harbor", "tires", "percent" against Commonwealth "harbour", "tyres", "per cent"), then
the bigger town wins.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from streams.enrich.cues import ENGLISH_FUNCTION_WORDS
from streams.enrich.types import Span

__all__ = ["ENGLISH_COUNTRIES", "english_towns", "hometown_places"]

_TOWNS = Path(__file__).with_name("data") / "english_towns.tsv"
#: The countries whose local press writes in English (the table's countries).
ENGLISH_COUNTRIES = frozenset({"US", "GB", "CA", "AU", "NZ", "IE"})
_COMMONWEALTH = frozenset({"GB", "CA", "AU", "NZ", "IE"})

#: Nouns of a town's own people, bodies and places, after its name ("Lodi winery").
_LOCAL_NOUNS = (
    "police|residents?|officials|firefighters|fire department|fire chief|mayor|council"
    "|city council|town council|village council|borough council|board|school board"
    "|schools?|public schools|school district|man|woman|men|women|boy|girl|teens?"
    "|teenagers?|family|couple|fishermen|farmers|voters|students|teachers|native"
    "|University|College|Hospital|High School|Middle School|City Council|Town Council"
    "|Village Council|Borough Council|Public Library|library|parade|festival|fair"
    "|winery|plant|mill|area|businesses|selectboard|select board|selectmen|aldermen"
    "|township|borough|village|harbor|harbour|airport|Airport|police department"
)
#: One or two capitalised words: where a town's name may stand. A lookahead, so that every
#: capitalised word starts a candidate ("The Asheville City Council" holds "Asheville").
_CANDIDATE = re.compile(r"\b(?=([A-Z][a-z]+(?:[ -][A-Z][a-z]+)?))")
_NOUN_AFTER = re.compile(r"(?:['’]s)? (?:" + _LOCAL_NOUNS + r")\b")
#: Before the name, a word that places ("in Calais", "between Oban and Mull") ...
_PLACE_WORD_BEFORE = re.compile(r"\b(?:in|near|outside|downtown|around|between) $")
#: ... and after it no more name and at most a small word (a noun there makes the name a
#: modifier: "in Clinton impeachment").
_AFTER_PLACE_WORD = re.compile(r"(?![\w'’-]| [A-Z])(?: (\w+))?")
#: Words that may follow "in <town>": the English function words and some of time and place.
_AFTER_TOWN = ENGLISH_FUNCTION_WORDS | {
    "in", "as", "at", "last", "since", "until", "before", "during", "where", "while",
    "because", "if", "so", "early", "late", "earlier", "later", "today", "yesterday",
    "tonight",
}  # fmt: skip
#: Words capitalised for another reason that are also towns' names: months, days,
#: holidays and planets ("in March", "near Jupiter", "of Christmas,").
_NOT_TOWNS = frozenset({
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday",
    "Friday", "Saturday", "Sunday", "Christmas", "Easter", "Halloween", "Thanksgiving",
    "Mercury", "Venus", "Mars", "Jupiter", "Saturn", "Neptune",
})  # fmt: skip

#: Spellings and words of one side of the Atlantic, with the countries whose press uses
#: them: (single words, phrases, countries).
_STYLE_VOTES = (
    (
        {"color", "colors", "honor", "honored", "harbor", "center", "centers", "theater",
         "neighbor", "neighbors", "neighborhood", "favorite", "defense", "traveled",
         "jewelry", "gray", "percent", "labor"},
        (),
        frozenset({"US"}),
    ),
    (
        {"colour", "colours", "honour", "honoured", "harbour", "centre", "centres", "theatre",
         "neighbour", "neighbours", "neighbourhood", "favourite", "defence", "travelled",
         "jewellery", "grey", "labour"},
        ("per cent",),
        _COMMONWEALTH,
    ),
    (
        {"tire", "tires", "truck", "trucks", "apartment", "sidewalk", "freeway", "gasoline",
         "mom", "moms", "cafeteria"},
        ("gas station", "parking lot", "drunken driving"),
        frozenset({"US", "CA"}),
    ),
    (
        {"tyre", "tyres", "lorry", "lorries", "motorway", "petrol", "pavement", "mum", "mums",
         "drink-driving"},
        ("car park",),
        frozenset({"GB", "AU", "NZ", "IE"}),
    ),
)  # fmt: skip
_LOWER_WORD = re.compile(r"[a-z]+(?:-[a-z]+)?")


@cache
def english_towns() -> dict[str, dict[str, int]]:
    """Town name -> {country: population of its biggest town of the name}."""
    out: dict[str, dict[str, int]] = {}
    for line in _TOWNS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, pops = line.split("\t")
            out[name] = {cc: int(n) for cc, n in (p.split(":") for p in pops.split(","))}
    return out


@cache
def _first_words() -> frozenset[str]:
    return frozenset(_first_word(name) for name in english_towns())


def _first_word(name: str) -> str:
    return name.split(" ")[0].split("-")[0]


def _style_votes(text: str) -> dict[str, int]:
    """Per country, how many of the text's spellings and words its press uses."""
    words = _LOWER_WORD.findall(text)
    votes: dict[str, int] = {}
    for spellings, phrases, countries in _STYLE_VOTES:
        n = sum(w in spellings for w in words) + sum(text.count(p) for p in phrases)
        for cc in countries if n else ():
            votes[cc] = votes.get(cc, 0) + n
    return votes


def _blocked(start: int, end: int, spans: list[Span]) -> bool:
    """A name inside a person's name, or inside an organisation's other than as its first
    words ("Salisbury University" counts, "Chamber of Commerce" does not)."""
    for sp in spans:
        if sp.start < end and start < sp.end:
            return sp.label == "PER" or (sp.label != "LOC" and start != sp.start)
    return False


def _town_names(text: str, spans: list[Span]) -> list[tuple[str, int]]:
    """Names of the table in a town's place, not a word of a person's name in the story
    ("in Blair rift row" beside "Tony Blair")."""
    towns, first_words = english_towns(), _first_words()
    people: set[str] | None = None
    out: list[tuple[str, int]] = []
    for m in _CANDIDATE.finditer(text):
        s, first = m.start(), _first_word(m.group(1))
        if first not in first_words:
            continue
        # "Warwick Farm" if the table has it, else "Warwick" ("Nazareth Borough Council").
        for name in dict.fromkeys((m.group(1), first)):
            e = s + len(name)
            if name in towns and name not in _NOT_TOWNS and _in_town_place(text, s, e):
                if people is None:
                    people = {w for sp in spans if sp.label == "PER" for w in sp.text.split()}
                if name not in people and not _blocked(s, e, spans):
                    out.append((name, s))
                break
    return out


def _in_town_place(text: str, s: int, e: int) -> bool:
    """Before a local noun, after a word that places, or a residence between commas
    ("Dorothy Hale, 88, of Taunton, died"; a bare "of" is mostly an organisation's or a
    person's: "of Oracle", "the resignation of Powell")."""
    if _NOUN_AFTER.match(text, e):
        return True
    if _PLACE_WORD_BEFORE.search(text, max(0, s - 12), s):
        after = _AFTER_PLACE_WORD.match(text, e)
        return after is not None and (after.group(1) is None or after.group(1) in _AFTER_TOWN)
    return text.endswith("of ", 0, s) and text.startswith(",", e)


def hometown_places(text: str, spans: list[Span]) -> list[Span]:
    """The towns a local story names, as LOC spans with their country, for a story in
    English that names no country (see the module docstring); empty when it names none."""
    found = _town_names(text, spans)
    if not found:
        return []
    votes = _style_votes(text)
    country: dict[str, str] = {}
    for name, _ in found:
        pops = english_towns()[name]
        country.setdefault(name, max(pops, key=lambda cc: (votes.get(cc, 0), pops[cc])))
    return [Span(name, "LOC", s, s + len(name), country[name]) for name, s in found]

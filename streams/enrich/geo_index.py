"""The localised gazetteer: one automaton per script group, built on first need, and ``find``.

An English story never builds or runs any of it: the non-Latin automata run only when their
script is in the text, and the Latin one (names in Spanish, French, German, Portuguese,
Italian, Dutch, Polish, Turkish and Indonesian) only when the text does not read as English
(English stories use English names, and localised names that are English words, such as
"Roma" or "Chin", would otherwise be read as places). Home towns of a Latin-script language
("Görlitz", "Campinas") are read only in a text of that language, since town names collide
with words of other languages ("Como").
"""

from __future__ import annotations

import re
from functools import cache

import ahocorasick_rs

from streams.enrich import geo_names, geo_tables
from streams.enrich.geo_script import (
    ends_word,
    groups_in,
    kept_positions,
    normalise,
    starts_word,
)
from streams.enrich.geo_types import Hit, Place

_NORMALISED = geo_tables.NORMALISED


@cache
def _automaton(key: str) -> tuple[ahocorasick_rs.AhoCorasick, list[Place], list[str]]:
    names = geo_tables.table(key)
    keys = list(names)
    return ahocorasick_rs.AhoCorasick(keys), [names[k] for k in keys], keys


#: Function words that tell the Latin-script languages apart (the most frequent of each).
_FUNCTION_WORDS = {
    "en": "the and of to is was that with for said on are has from by",
    "de": "der die und das nicht mit von den ist sich auch dem ein eine im wurde",
    "pt": "que não do da em os uma para com no na pelo foi ao dos das",
    "es": "la que el en los del las por con una para se fue al",
    "fr": "le la les des et est une du en dans pour sur qui pas au aux",
    "it": "il di che per gli della è un una con del sono nel alla",
    "nl": "het een van en niet zijn dat op voor met ook werd bij",
    "pl": "i w na się z nie do że jest to przez od po",
    "tr": "ve bir bu için ile olarak çok daha gibi sonra",
    "id": "yang dan di itu dengan untuk ini dari dalam tidak akan pada ke",
}
_WORD_LANGS: dict[str, list[str]] = {}
for _lang, _words in _FUNCTION_WORDS.items():
    for _w in _words.split():
        _WORD_LANGS.setdefault(_w, []).append(_lang)
_SHORT = 300
_WORD = re.compile(r"[^\W\d_]+")


def latin_language(text: str, min_hits: int | None = None) -> str | None:
    """The Latin-script language whose function words the text uses most (None: too few).

    A crude guess, enough to tell English from the others and to pick a language's towns;
    the language-identification step, where it runs, passes its answer instead. By default
    one function word decides a short text, two a longer one; ``min_hits`` overrides that.
    """
    counts: dict[str, int] = {}
    for w in _WORD.findall(text[:2000]):  # lower-case only: "El Salvador" is a name
        for lang in _WORD_LANGS.get(w, ()):
            counts[lang] = counts.get(lang, 0) + 1
    if not counts:
        return None
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    best, top = ranked[0]
    if len(ranked) > 1 and ranked[1][1] == top:
        return None
    # One function word decides a short text (a headline, a sentence), two a longer one.
    if min_hits is None:
        min_hits = 1 if len(text) < _SHORT else 2
    return best if top >= min_hits else None


def _english(text: str) -> bool:
    """Cheap first test: English function words are frequent in any English paragraph."""
    return text.count(" the ") + text.count(" and ") + text.count(" of ") >= 2


def reads_english(text: str) -> bool:
    """Whether the text reads as English (a text too short to tell counts as English)."""
    if _english(text):
        return True
    if groups_in(text):
        return False
    return latin_language(text) in ("en", None)


@cache
def _country_place(cc: str) -> Place:
    return Place(cc, "country", localised=True)


@cache
def _demonym_place(cc: str) -> Place:
    return Place(cc, "demonym", localised=True)


def _scan(text: str, key: str, group: str) -> list[Hit]:
    """Hits of one automaton in ``text`` (already normalised for the group)."""
    ac, places, keys = _automaton(key)
    found = [
        (places[i], s, e)
        for i, s, e in ac.find_matches_as_indexes(text, overlapping=True)
        if starts_word(text, s, group, keys[i][0]) and ends_word(text, e, group, keys[i])
    ]
    # A combining form ("franco-", "sino-") names its country only before a hyphen and a
    # demonym ("franco-allemand"); alone it is a word or a name ("Franco").
    demonym_starts = {s for place, s, _ in found if place.kind == "demonym"}
    found = [
        (_demonym_place(place.country or "") if place.kind == "combining" else place, s, e)
        for place, s, e in found
        if place.kind != "combining" or (text[e : e + 1] == "-" and e + 1 in demonym_starts)
    ]
    if group == "cyrillic":
        found = [(place, s, e) for place, s, e in found if not _compound_town(text, place, s, e)]
    # "latino-americano" is not "americano", but in "deutsch-französische" both count.
    demonym_ends = {e for place, _, e in found if place.kind == "demonym"}
    out: list[Hit] = []
    for place, s, e in found:
        after_hyphen = s and text[s - 1] == "-" and s - 1 not in demonym_ends
        if place.kind == "demonym" and after_hyphen and group == "latin":
            continue
        if place.kind == "pair":
            out.extend(Hit(s + j, s + j + 1, _country_place(cc)) for j, cc in enumerate(place.alts))
        else:
            out.append(Hit(s, e, place))
    return out


def _compound_town(text: str, place: Place, s: int, e: int) -> bool:
    """A city's name as one part of a hyphenated town's name: "Білгород-Дністровський" is
    not Belgorod, "Переяслав-Хмельницький" not Khmelnytskyi."""
    if place.kind != "city":
        return False
    after = text[e : e + 1] == "-" and text[e + 1 : e + 2].isupper()
    before = s >= 2 and text[s - 1] == "-" and text[s - 2].isalpha()
    return after or before


def _remap(hits: list[Hit], text: str) -> list[Hit]:
    pos = kept_positions(text)
    pos.append(len(text))
    return [Hit(pos[h.start], pos[h.end - 1] + 1, h.place) for h in hits]


#: Letters that only one language of a script group writes (checked in order); the group's
#: last language is the default.
_SCRIPT_LANGS = {
    "cyrillic": (("uk", re.compile("[іїєґІЇЄҐ]")),),
    "arabic": (("ur", re.compile("[ٹڈڑںےھ]")), ("fa", re.compile("[پچژگیک]"))),
    "indic": (("bn", re.compile("[\u0980-\u09ff]")),),
    "cjk": (("ja", re.compile("[\u3040-\u30ff]")), ("ko", re.compile("[\uac00-\ud7af]"))),
}
_SCRIPT_DEFAULT = {"cyrillic": "ru", "arabic": "ar", "indic": "hi", "cjk": "zh"}


def script_language(text: str, group: str) -> str:
    """The language of a non-Latin text by the letters only it writes (Ukrainian "ї",
    Urdu "ے", Persian "پ", Bengali letters, kana, Hangul)."""
    for lang, letters in _SCRIPT_LANGS[group]:
        if letters.search(text):
            return lang
    return _SCRIPT_DEFAULT[group]


def find(text: str, language: str | None = None) -> list[Hit]:
    """Localised hits (overlapping, unsorted): scripts present, and Latin names unless the
    text is English. ``language`` (ISO 639-1) skips the guess when the caller knows it."""
    hits: list[Hit] = []
    for group in groups_in(text):
        keys = (group, f"{group}:{language or script_language(text, group)}")
        scanned = normalise(text) if group in _NORMALISED else text
        for key in keys:
            if key in _TOWN_KEYS or key == group:
                found = _scan(scanned, key, group)
                hits += found if len(scanned) == len(text) else _remap(found, text)
        if keys[1] in ("cjk:ko", "cjk:ja"):
            hits += _one_character_countries(text, keys[1][4:])
    if language is None and _english(text):
        return hits
    lang = language or latin_language(text)
    if lang == "en":
        return hits
    hits += _scan(text, "latin", "latin")
    if f"latin:{lang}" in _TOWN_KEYS:
        hits += _scan(text, f"latin:{lang}", "latin")
    return hits


#: Korean and Japanese headlines name countries by one character ("美 국무부", "北, 미사일
#: 발사", "露、ウクライナ東部に攻撃", "独メルセデス"). Korean: alone, beside no other Han
#: character (a word: "中企", small firms) and after no digit (a date: "3日"). Japanese,
#: where kanji are everyday words ("米" rice, "中" while): before a katakana name after no
#: kana or kanji ("ホンダ、米オハイオ工場"; not "米ドル", the dollar, a currency), or
#: opening a headline before "、" (not "中、", not a list: "米、麦、大豆").
_HAN = "\u3400-\u9fff\uf900-\ufaff"
_ONE_CHARACTER = {
    "ko": (
        {"美": "US", "中": "CN", "日": "JP", "北": "KP", "英": "GB", "佛": "FR", "獨": "DE",
         "露": "RU", "韓": "KR"},
        re.compile(rf"(?<![0-9{_HAN}])[美中日北英佛獨露韓](?![{_HAN}])"),
    ),
    "ja": (
        {"米": "US", "露": "RU", "中": "CN", "韓": "KR", "英": "GB", "独": "DE", "仏": "FR",
         "印": "IN", "豪": "AU", "伊": "IT"},
        re.compile(
            rf"(?<![{_HAN}\u3040-\u30ff])[米露中韓英独仏印豪伊](?=(?!ドル)[\u30a1-\u30fa])"
            rf"|(?:^|(?<=\n))[米露韓英独仏印豪伊](?=、(?![{_HAN}]{{1,2}}、))",
            re.MULTILINE,
        ),
    ),
}  # fmt: skip


def _one_character_countries(text: str, lang: str) -> list[Hit]:
    names, pattern = _ONE_CHARACTER[lang]
    return [
        Hit(m.start(), m.end(), _country_place(names[m.group()])) for m in pattern.finditer(text)
    ]


_TOWN_KEYS = frozenset(
    f"{group}:{lang}" for group, langs in geo_names.LANGUAGES.items() for lang in langs
)

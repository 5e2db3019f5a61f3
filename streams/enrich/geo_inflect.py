"""Inflected forms of place names, for the languages whose grammar changes the name.

Each rule is the regular pattern of the language, applied to the nominative a source gives:

* German: the genitive ``-s`` ("Russlands", "Chinas"), ``-en`` on a leading adjective
  ("der Vereinigten Staaten") and a plural country's dative ``-n`` ("in den Niederlanden");
* Russian and Ukrainian: the six cases of the noun's declension, picked by its ending
  (-а, -я, -ия/-ія, -й, -ь, consonant, -о, plural -ы/-и), with the Ukrainian vowel change
  in a last syllable in -ів/-їв ("Київ" → "Києва", "Харків" → "Харкова") and the consonant
  change before -і ("Америка" → "Америці") and the doubled consonant of a feminine -ь
  ("Білорусь" → "Білоруссю"); adjectives agree with the noun in the same case
  ("Південної Кореї", "Харківській області"); a noun after the head noun stays as it is
  ("Республика Корея");
* Polish: the same for Polish declensions, with the consonant changes before -e ("Ukrainie",
  "Kanadzie", "Polsce"), ó → o ("Kijowa"), plural names ("Chin", "Stanów Zjednoczonych"),
  feminine names in -ś, -dź and -cz ("Białorusią", "w Łodzi", "w Bydgoszczy"), soft
  stems in -ń and -ław ("w Poznaniu", "we Wrocławiu") and neuter names in -wo with their
  adjective ("w województwie śląskim");
* Arabic: "لل" for a name with the article after the preposition "ل" ("للصين").

Each case slot may hold several endings (where the declensions of one ending differ); the
forms of a name of several words are built slot by slot, so the words agree. A generated
form that is not a word never occurs in text, so over-generation costs only memory.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import product

Slots = list[set[str]]  # nominative, genitive, dative, accusative, instrumental, locative

_HEADS = frozenset(
    (
        "Республика", "Республіка", "Republika", "Острова", "Острови", "Королевство",
        "Королівство", "Федерация", "Федерація", "Государство", "Держава", "Страна", "Wyspy",
        "Królestwo", "Federacja",
    )
)  # fmt: skip


def _paradigm(stem: str, endings: tuple[str, ...]) -> Slots:
    return [{stem + e for e in slot.split("/")} for slot in endings]


Table = tuple[tuple[str, tuple[str, ...]], ...]


def _endings(rows: str) -> Table:
    """Declension rows "nominative ending: six slot endings" ("/" separates alternatives)."""
    out = []
    for row in rows.strip().splitlines():
        end, slots = row.split(":")
        out.append((end.strip(), tuple(slots.split())))
    return tuple(out)


# Nouns by the nominative's ending, then adjectives agreeing with them.
_RU_NOUNS = _endings("""
    ия: ия ии ии ию ией ии
    а: а ы/и е у ой/ей е
    я: я и е ю ей е
    й: й я ю й ем е
    ь: ь я/и ю/и ь ем/ью е/и
    о: о а у о ом е
    ы: ы ов ам ы ами ах
    и: и ов/ей ам и ами ах
""")
_UK_NOUNS = _endings("""
    ія: ія ії ії ію ією ії
    а: а и/і і у ою/ею і
    я: я і і ю ею і
    й: й ю/я ю/єві й єм ї
    ь: ь я/ю/і ю/і ь ем/ю і
    о: о а у о ом і
    и: и ів ам и ами ах
    ці: ці ців цям ці цями цях
""")
_RU_ADJ = _endings("""
    ая: ая ой ой ую ой ой
    яя: яя ей ей юю ей ей
    ые: ые ых ым ые ыми ых
    ие: ие их им ие ими их
    ое: ое ого ому ое ым ом
    ый: ый ого ому ый ым ом
    ний: ний него нему ний ним нем
    ий: ий ого ому ий им ом
""")
_UK_ADJ = _endings("""
    ній: ній нього ньому ній нім ньому/нім
    а: а ої ій у ою ій
    і: і их им і ими их
    е: е ого ому е им ому/ім
    ий: ий ого ому ий им ому/ім
""")
_PL_ADJ = _endings("""
    ka: ka kiej kiej ką ką kiej
    a: a ej ej ą ą ej
    kie: kie kich/kiego kim/kiemu kie kimi/kim kich/kim
    e: e ych ym e ymi ych
""")
_PL_ADJ_ENDS = ("owa", "ska", "cka", "na", "lka", "owe", "skie", "ckie", "zkie", "one")
_UK_SOFT = {"к": "ц", "г": "з", "х": "с"}
_VOWELS = frozenset("аеиоуыэюяіїє")


def _table_forms(word: str, table: Table) -> Slots | None:
    for end, endings in table:
        if word.endswith(end):
            return _paradigm(word[: len(word) - len(end)], endings)
    return None


def _cyr_noun(word: str, uk: bool) -> Slots:
    if uk and word.endswith(("ів", "їв")):  # Київ → Києва, Харків → Харкова
        stem = word[:-2] + ("ов" if word[-2] == "і" else "єв")
        gen, dat = {stem + "а", stem + "у"}, {stem + "у", stem + "ові"}
        return [{word}, gen, dat, {word}, {stem + "ом"}, {stem + "і"}]
    slots = _table_forms(word, _UK_NOUNS if uk else _RU_NOUNS)
    if slots is not None and uk and word[-1] == "я" and word[-2] in _VOWELS:
        n = len(word) - 1  # after a vowel і is written ї and е is є: Корея → Кореї
        slots = [{f[:n] + f[n:].replace("і", "ї").replace("е", "є") for f in x} for x in slots]
    if slots is not None:
        if uk and word[-1] == "ь" and len(word) > 3 and word[-3] in _VOWELS:
            # A feminine noun doubles its last consonant before -ю: Білорусь → Білоруссю.
            slots[4].add(word[:-1] + word[-2] + "ю")
        if uk and word[-1] == "а" and word[-2] in _UK_SOFT:  # Америка → Америці
            soft = word[:-2] + _UK_SOFT[word[-2]] + "і"
            slots[2].add(soft)
            slots[5].add(soft)
        return slots
    if word[-1] in "еуюіэ" or not word[-1].isalpha():
        return [{word}] * 6
    ends = ("", "а/у", "у/ові", "", "ом/ем", "і/у") if uk else ("", "а", "у", "", "ом/ем", "е")
    slots = _paradigm(word, ends)
    if uk and word[-1] in _UK_SOFT:  # Люксембург → у Люксембурзі, Гамбург → Гамбурзі
        slots[5].add(word[:-1] + _UK_SOFT[word[-1]] + "і")
    if len(word) >= 5 and word[-2] in "еоє" and word[-3] not in _VOWELS:
        fleeting = _paradigm(word[:-2] + word[-1], ends)  # Египет → Египта, Єгипет → Єгипту
        slots = [slots[0]] + [a | b for a, b in zip(slots[1:], fleeting[1:], strict=True)]
    return slots


_PL_SOFT = (
    ("st", "ście"), ("sk", "sce"), ("zd", "ździe"), ("ch", "sze"), ("k", "ce"), ("g", "dze"),
    ("t", "cie"), ("d", "dzie"), ("r", "rze"), ("ł", "le"), ("n", "nie"), ("w", "wie"),
    ("s", "sie"), ("z", "zie"), ("b", "bie"), ("p", "pie"), ("m", "mie"), ("f", "fie"),
)  # fmt: skip


def _pl_soft(stem: str) -> str:
    for end, soft in _PL_SOFT:
        if stem.endswith(end):
            return stem[: len(stem) - len(end)] + soft
    return stem + "u"


def _pl_noun(word: str) -> Slots:
    if word.endswith(("ia", "ja", "ea")):
        return _paradigm(word[:-1], ("a", "i", "i", "ę", "ą", "i"))
    if word.endswith("a"):
        stem = word[:-1]
        soft = _pl_soft(stem)
        gen = stem + ("i" if stem[-1] in "kg" else "y")
        return [{word}, {gen}, {soft}, {stem + "ę"}, {stem + "ą"}, {soft}]
    if word[-1] == "y" or word.endswith("ie"):  # plural names: Chiny, Węgry, Indie
        stem = word[:-1]
        return _paradigm(stem, ("y/e", "/ów/i", "om", "y/e", "ami", "ach"))
    if word.endswith("wo"):  # neuter: Kosowo → Kosowie, województwo → województwie
        stem = word[:-1]
        return [{word}, {stem + "a"}, {stem + "u"}, {word}, {stem + "em"}, {_pl_soft(stem)}]
    if word[-1] in "eiouóąę" or not word[-1].isalpha():
        return [{word}] * 6
    if word[-1] == "ś":  # feminine, as Białoruś: Białorusi, Białorusią
        soft = word[:-1] + "si"
        return [{word}, {soft}, {soft}, {word}, {soft + "ą"}, {soft}]
    if word.endswith(("dź", "cz")):  # feminine towns: Łódź → Łodzi, Bydgoszcz → Bydgoszczy
        head = word[:-2].replace("ó", "o")
        soft, inst = (
            (head + "dzi", head + "dzią") if word.endswith("dź") else (head + "czy", head + "czą")
        )
        return [{word}, {soft}, {soft}, {word}, {inst}, {soft}]
    if word[-1] == "ń" or word.endswith("ław"):  # soft stems: Poznaniu, Toruniu, Wrocławiu
        stem = word[:-1] + "ni" if word[-1] == "ń" else word + "i"
        return [{word}, {stem + "a"}, {stem + "owi"}, {word}, {stem + "em"}, {stem + "u"}]
    stem = word[:-2] + "o" + word[-1] if len(word) > 2 and word[-2] == "ó" else word
    loc = stem + "u" if stem[-1] in "kgl" or stem.endswith(("ch", "j")) else _pl_soft(stem)
    return [{word}, {stem + "a", stem + "u"}, {stem + "owi"}, {word}, {stem + "em"}, {loc}]


def _word_slots(word: str, lang: str, role: str) -> Slots:
    """``role``: "adj" (agrees), "noun" (the head) or "fixed" (a complement, unchanged)."""
    if role == "fixed" or len(word) < 3 or word.isupper():
        return [{word}] * 6
    if lang == "pl":
        adj = _table_forms(word, _PL_ADJ) if role == "adj" else None
        return adj or _pl_noun(word)
    uk = lang == "uk"
    if role == "adj":
        adj = _table_forms(word, _UK_ADJ if uk else _RU_ADJ)
        if adj is not None:
            return adj
    return _cyr_noun(word, uk)


def _roles(words: list[str], lang: str) -> list[str]:
    """Which words agree, which is the head noun and which stay as they are."""
    roles: list[str] = []
    head_seen = False
    for i, w in enumerate(words):
        if head_seen:
            is_adj = lang == "pl" and w.endswith(_PL_ADJ_ENDS)
            roles.append("adj" if is_adj else "fixed")
        elif lang == "pl":
            is_adj = i < len(words) - 1 and w.endswith(_PL_ADJ_ENDS) and w not in _HEADS
            roles.append("adj" if is_adj else "noun")
        else:
            roles.append("noun" if i == len(words) - 1 or w in _HEADS else "adj")
        head_seen = head_seen or roles[-1] == "noun"
    return roles


def _declined(name: str, lang: str) -> set[str]:
    words = name.split(" ")
    per_word = [_word_slots(w, lang, r) for w, r in zip(words, _roles(words, lang), strict=True)]
    out = {name}
    for slot in range(6):
        out.update(" ".join(c) for c in product(*(w[slot] for w in per_word)))
    return out


def _german_weak(word: str) -> str:
    for end in ("es", "er", "e"):
        if word.endswith(end) and word[0].isupper():
            return word[: len(word) - len(end)] + "en"
    return word


def _german(name: str, lang: str) -> set[str]:
    words = name.split(" ")
    lead = [_german_weak(w) for w in words[:-1]]
    out = {name, " ".join([*lead, words[-1]])}
    if words[-1][-1] not in "sßxze" and words[-1][-1].isalpha():
        out |= {name + "s", " ".join([*lead, words[-1] + "s"])}
    return out


def _arabic(name: str, lang: str) -> set[str]:
    return {name, "لل" + name[2:]} if name.startswith("ال") and len(name) > 4 else {name}


_RULES: dict[str, Callable[[str, str], set[str]]] = {
    "de": _german,
    "pl": _declined,
    "ru": _declined,
    "uk": _declined,
    "ar": _arabic,
}


def forms(name: str, lang: str, country: bool = False) -> set[str]:
    """The name and its inflected forms in ``lang`` (only the name for other languages).
    ``country``: the name of a country, whose German names in -e are plurals ("die
    Niederlande", "die Vereinigten Arabischen Emirate") with a dative in -n ("in den
    Niederlanden"); a town's name in -e is not ("Halle", whose "Hallen" are halls)."""
    rule = _RULES.get(lang)
    out = {name} if rule is None else rule(name, lang)
    if country and lang == "de" and name.endswith("e"):
        words = name.split(" ")
        out.add(" ".join([*map(_german_weak, words[:-1]), words[-1] + "n"]))
    return out

"""Writing systems for the localised gazetteer: which scripts a text holds, how to normalise
names and text so that spelling variants meet, and where a name may start and end.

A script group shares one automaton and one set of rules:

* ``latin`` and ``cyrillic``: names are whole words (case-sensitive); inflected forms are
  generated (``geo_inflect``) rather than matched by prefix;
* ``arabic`` (Arabic, Persian, Urdu): letter variants (alef with hamza, yeh, kaf, heh, teh
  marbuta, Urdu's retroflex t, d and r), diacritics, tatweel and zero-width joiners are
  normalised away on both sides; Arabic writes the conjunction and prepositions onto the
  word ("وروسيا", "بالصين"), so a name may follow one or two of those letters;
* ``indic`` (Devanagari, Bengali): nukta and joiners are dropped, candrabindu becomes
  anusvara; Bengali writes case endings onto the name ("ভারতের", "ঢাকায়"), so a name may be
  followed by one of them;
* ``cjk``: Chinese and Japanese have no spaces, so Han and kana names match anywhere;
  Korean writes particles onto the name ("한국의"), so Hangul names need only a start.

Normalisation maps one character to one character or deletes it, so offsets into the
normalised text map back to the original through the kept positions.
"""

from __future__ import annotations

import re
import unicodedata

GROUPS = ("latin", "cyrillic", "arabic", "indic", "cjk")

#: Any letter outside Latin and the general punctuation block: the cue to look for scripts.
_NON_LATIN = re.compile(r"[\u0370-\u1fff\u2c00-\ud7ff\uf900-\ufdff\ufe70-\uffef]")
_GROUP_RE = {
    "cyrillic": re.compile(r"[\u0400-\u052f]"),
    "arabic": re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]"),
    "indic": re.compile(r"[\u0900-\u09ff]"),
    "cjk": re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]"),
}


_OTHER = r"\s\-'.’ʼ\u200c\u200d\u0300-\u036f"
_GROUP_NAME = {
    "latin": re.compile(rf"[A-Za-z\u00c0-\u024f\u1e00-\u1eff{_OTHER}]+"),
    **{g: re.compile(rf"(?:{rx.pattern}|[{_OTHER}])+") for g, rx in _GROUP_RE.items()},
}


def ascii_name(name: str) -> str:
    """A name without its accents, as English text often writes it ("Yucatán" → "Yucatan");
    letters with no ASCII base are dropped."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()


def script_of(name: str) -> str | None:
    """The group all of a name's letters belong to, or None for a name that mixes groups."""
    for group, rx in _GROUP_NAME.items():
        if rx.fullmatch(name):
            return group
    return None


def letters_in(text: str, group: str) -> int:
    """How many of ``text``'s characters belong to the non-Latin script ``group``."""
    return len(_GROUP_RE[group].findall(text))


def groups_in(text: str) -> list[str]:
    """The non-Latin script groups present in ``text`` (cheap when there are none)."""
    if text.isascii() or not _NON_LATIN.search(text):
        return []
    return [g for g, rx in _GROUP_RE.items() if rx.search(text)]


def _table() -> dict[int, str | None]:
    drop = [0x200C, 0x200D, 0x200E, 0x200F, 0x0640, 0x0670, 0x093C, 0x09BC]
    drop += [*range(0x0610, 0x061B), *range(0x064B, 0x0660), *range(0x06D6, 0x06DD)]
    drop += [*range(0x06DF, 0x06E9), *range(0x06EA, 0x06EE)]
    table: dict[int, str | None] = dict.fromkeys(drop)
    same = {
        "ا": "أإآٱ",
        "ی": "يىېئ",
        "ک": "ك",
        # Urdu writes English t, d and r with its retroflex letters ("ٹوکیو"), where the
        # Arabic and Persian spellings that sources give use the dental ones ("توکیو").
        "ت": "ٹ",
        "د": "ڈ",
        "ر": "ڑ",
        "ه": "ةۃہھ",
        "و": "ؤ",
        "е": "ё",
        "Е": "Ё",
        "'": "’ʼ",
        "ं": "ँ",
    }
    for target, variants in same.items():
        for ch in variants:
            table[ord(ch)] = target
    # Devanagari and Bengali letters with a precomposed nukta lose it like the others.
    for o in [*range(0x0958, 0x0960), 0x09DC, 0x09DD, 0x09DF]:
        table[o] = unicodedata.normalize("NFD", chr(o))[0]
    # Arabic presentation forms: their compatibility letter, where it is one letter.
    for o in [*range(0xFB50, 0xFDFF), *range(0xFE70, 0xFEFF)]:
        nf = unicodedata.normalize("NFKC", chr(o))
        if len(nf) == 1 and nf != chr(o):
            table[o] = table.get(ord(nf), nf)
    return table


_TABLE = _table()


def normalise(text: str) -> str:
    """Spelling variants folded (see the module docstring); Latin letters are left alone."""
    return text.translate(_TABLE)


def kept_positions(text: str) -> list[int]:
    """For each character of ``normalise(text)``, its offset in ``text``."""
    table = _TABLE
    return [i for i, ch in enumerate(text) if table.get(ord(ch), ch) is not None]


def _word_char(ch: str) -> bool:
    return ch.isalnum() or unicodedata.category(ch)[0] == "M"


#: Arabic proclitics: and, then, with/in, for/to, like.
_CLITICS = frozenset("وفبلک")
#: Bengali case endings and particles written onto a name or a demonym (after a final
#: consonant or anusvara the locative is "য়ে", ya with nukta: "দার্জিলিংয়ে"; both spellings
#: of ya).
_BN_SUFFIXES = frozenset(
    ["ের", "র", "ে", "য", "তে", "কে", "ও", "ই", "েই", "রও", "েও", "রই", "বাসী", "ের্"]
    + ["রা", "দের", "দেরকে", "দেরও"]  # a people's plural: "বাংলাদেশিরা", "বাংলাদেশিদের"
    + [y + x for y in ("য়", "য়", "য") for x in ("", "ে", "ের")]
)


def _katakana(ch: str) -> bool:
    """A katakana letter or the long-vowel mark: part of one word ("ワクチン", "ニュー")."""
    return "\u30a1" <= ch <= "\u30fa" or ch == "\u30fc"


def starts_word(text: str, s: int, group: str, first: str) -> bool:
    """Whether a name whose first letter is ``first`` may start at ``s``. Katakana names
    start no katakana word's middle: "クチン" (Kuching) is the end of "ワクチン" (vaccine),
    "ウェールズ" the end of "ニューサウスウェールズ"."""
    if group == "cjk" and _katakana(first):
        return s == 0 or not _katakana(text[s - 1])
    if group == "cjk" and not 0xAC00 <= ord(first) <= 0xD7AF:
        return True
    if s == 0 or not _word_char(text[s - 1]):
        return True
    if group != "arabic":
        return False
    i = s - 1
    while i >= 0 and s - i <= 2 and text[i] in _CLITICS:
        i -= 1
    return i < s - 1 and (i < 0 or not _word_char(text[i]))


def ends_word(text: str, e: int, group: str, name: str) -> bool:
    """Whether ``name`` may end at ``e``."""
    if group == "cjk":
        if _katakana(name[-1]) and e < len(text) and _katakana(text[e]):
            return False  # "チリ" (Chile) is the start of "チリソース" (chili sauce)
        return han_name_ends(text, e, name)
    if e == len(text) or not _word_char(text[e]):
        return True
    if group != "indic" or not 0x0980 <= ord(text[e]) <= 0x09FF:
        return False
    j = e
    while j < len(text) and _word_char(text[j]):
        j += 1
    return text[e:j] in _BN_SUFFIXES


#: Chinese "美方", "德方", "以方" (the US, German, Israeli side) end in 方, which also begins
#: words of its own (方便 convenient, 方面 aspect, 方式 way, 方案 plan ...). After a word
#: that ends in the country's character ("可以" can, "道德" morals, "完美" perfect) the
#: pair is that word's end and the next word's start: "可以方便" is no Israeli side.
_FANG_WORDS = frozenset("式案便阵陣言程舟格略形块塊圆圓剂劑")
#: ... but 面 and 针 also start the verbs after a side: 美方面临 (faces), 美方针对 (targets).
_FANG_VERBS = {"面": frozenset("临臨对對"), "针": frozenset("对對"), "針": frozenset("对對")}


def han_name_ends(text: str, e: int, name: str) -> bool:
    """Whether a Han name ending at ``e`` is the name and not the start of the next word:
    a side ("美方", see _FANG_WORDS) or a visit ("访华", "在华") followed by what makes 方 or
    华 the first character of a word ("方便", "华为", Huawei, "在华盛顿", in Washington)."""
    if e >= len(text):
        return True
    nxt, after = text[e], text[e + 1 : e + 2]
    if name.endswith("方"):
        if nxt in _FANG_VERBS:
            return after in _FANG_VERBS[nxt]
        return nxt not in _FANG_WORDS
    if name.endswith(("华", "華")):
        # 华为 (Huawei), 华盛顿 (Washington), 华沙 (Warsaw), 华尔街 (Wall Street), 华府
        return nxt not in "为為盛沙尔府"
    return True


#: A dateline: a line that opens with a place in capitals, then the agency or the date
#: ("LISBOA (Lusa) –", "КРАСНОЯРСК, 12 марта.", "HOUSTON (AP) -"). Up to four words.
_DATELINE = re.compile(r"([^\W\d_]+(?:[ '’-][^\W\d_]+){0,3})(?=,| \(| [-–—] )")
#: The text after a dateline that goes with it, so its language can still be read.
_DATELINE_CONTEXT = 300


def datelines(text: str) -> list[tuple[int, str, str]]:
    """Each dateline in capitals: its offset, its name as a name is written ("Lisboa",
    "Красноярск"; same length, so offsets hold) and the text after it."""
    out = []
    at = 0
    for line in text.split("\n"):
        # Cheap first: most lines start in lower case or with one capital.
        if line[:2].isupper() and (m := _DATELINE.match(line)) and (name := m[1]).isupper():
            titled = name.title()
            if len(name) >= 3 and len(titled) == len(name):
                out.append((at, titled, text[at + m.end() : at + m.end() + _DATELINE_CONTEXT]))
        at += len(line) + 1
    return out

"""Document context for the fast tagger: chunks of capitalised words, per-call state, and the
rules that look beyond a chunk.

Why apart from ``fast_tagger``: these rules read the text around a name (the results line it
stands in, the word before it, the sport a story names, the lower-case words after a
Russian or Ukrainian organisation word), while ``fast_tagger`` classifies one chunk of
capitalised words at a time.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from streams.enrich.cues import (
    GIVEN_NAMES,
    ORG_CUES,
    ORG_NAMES,
    ORG_SUFFIXES,
    SPORT_WORDS,
    STOPWORDS,
    TEAM_PLACES,
    TITLES,
)
from streams.enrich.gazetteer import Hit
from streams.enrich.types import Span

__all__ = [
    "CYRILLIC",
    "SUFFIXED_NAME_LANGUAGES",
    "TEAM_KINDS",
    "Doc",
    "chunks",
    "company_context",
    "cue_org",
    "given_name",
    "known_org",
    "person_after_title",
    "sentence_initial",
    "shouty_lines",
    "slavic_orgs",
    "team_score",
]

#: Places that a sports story's results name as a team (a country is a national side: LOC).
TEAM_KINDS = frozenset({"place", "state", "city"})
_WORD = re.compile(r"[^\W\d_]+")
#: The shortest word ``cue_org`` can accept: an ending and three letters before it.
_ORG_WORD_MIN = min(len(x) for x in ORG_SUFFIXES) + 3


def _upper_class() -> str:
    """Upper-case letters of the Latin, Greek and Cyrillic blocks as a regex class body."""
    codes = [c for c in range(0x530) if chr(c).isupper()]
    parts, i = [], 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        parts.append(re.escape(chr(codes[i])) + ("-" + re.escape(chr(codes[j])) if j > i else ""))
        i = j + 1
    return "".join(parts)


_UPPER = _upper_class()
#: A capital, or digits before a letter ("3M"), then the rest of the word. The one leading
#: class (capital or digit), checked again behind, lets the regex engine skip every other
#: character fast: an alternation at the start made it try both branches at each position.
_TOKEN = re.compile(
    rf"[{_UPPER}\d](?:(?<=[{_UPPER}])|(?<=\d)\d*(?=[A-Za-z]))"
    rf"[\w&]*(?:(?:[.\-/]|['’](?!s\b))[^\W_][\w&]*)*\.?"
)
#: What may sit between two words of one name: a space, or "of"/"de"/... between spaces.
_CONNECTORS = (
    "of|of the|de|de la|de los|du|des|la|le|del|della|di|da|do|das|dos|van|van der"
    "|von|von der|der|den|bin|al|el|y"
)
_GAP = re.compile(rf" (?:(?:{_CONNECTORS}) )?")
#: Indonesian "di" is "in", never part of a name: "Xi Jinping di Beijing".
_GAP_ID = re.compile(rf" (?:(?:{_CONNECTORS.replace('|di|', '|')}) )?")
_ABBREV = re.compile(
    r"(?:[A-Z]\.)+$|(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Inc|Corp|Co|Ltd|Gen|Sen|Rep|Gov|Lt|Col|Capt|Prof"
    r"|Rev|Mt|Ft)\.$"
)
#: A Turkish case suffix written after a name: an apostrophe and lower-case letters.
_TR_SUFFIX = re.compile(r"['’][^\W\d_A-ZÇĞİÖŞÜ]+$")
_SENT_END = frozenset(".!?:;\n\"“”‘’'(-–—|«»„")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def sentence_initial(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in " \t\"“‘'(«„":
        i -= 1
    return i < 0 or text[i] in _SENT_END


def shouty_lines(text: str) -> list[tuple[int, int]]:
    """Ranges of lines written in capitals (headlines, datelines): only gazetteer names count."""
    out = []
    pos = 0
    for line in text.split("\n"):
        if len(line) >= 6 and line.isupper():
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def chunks(
    text: str, suffixed: bool = False, language: str | None = None
) -> list[list[tuple[int, int]]]:
    """Runs of capitalised tokens joined by spaces or name connectors ("Bank of England").
    ``suffixed`` (Turkish): a name ends at its apostrophe-marked case suffix, so
    "Almanya'daki Türk vatandaşları" is two names, not one; ``language`` "id": "di" joins
    nothing."""
    gaps = _GAP_ID if language in ("id", "ms") else _GAP
    chunks: list[list[tuple[int, int]]] = []
    prev_end = -100
    for m in _TOKEN.finditer(text):
        s, e = m.span()
        if text[e - 1] == "." and not _ABBREV.match(text, s, e):
            e -= 1
        gap = s - prev_end
        if (gap == 1 and text[prev_end] == " ") or (
            3 < gap < 13 and gaps.fullmatch(text, prev_end, s)
        ):
            chunks[-1].append((s, e))
        else:
            chunks.append([(s, e)])
        prev_end = -100 if suffixed and _TR_SUFFIX.search(text, s, e) else e
    return chunks


#: Languages that capitalise every noun (ISO 639-1).
NOUN_CASE_LANGUAGES = frozenset({"de", "lb"})
#: Languages that write a name's case suffix after an apostrophe ("Almanya'daki").
SUFFIXED_NAME_LANGUAGES = frozenset({"tr"})
_GERMAN_TEXT = """der die das und nicht mit für von den dem ist sich auf eine einen einem einer wird
    wurde wurden werden sind war waren hat haben dass nach bei über auch zum zur im gegen seit
    sowie"""
_GERMAN_WORDS = frozenset(_GERMAN_TEXT.split())
_GERMAN_SIGNS = ("ä", "ö", "ü", "ß", " der ", " die ", " und ")


class Doc:
    """Per-call state: the text, its gazetteer hits by start offset, names seen so far."""

    __slots__ = (
        "_nouns",
        "_sport",
        "hit_at",
        "language",
        "org_words",
        "per_tokens",
        "spans",
        "surnames",
        "text",
    )

    def __init__(self, text: str, hits: list[Hit], language: str | None = None) -> None:
        self.text = text
        self.language = language
        self._nouns: bool | None = None
        self.hit_at = {h.start: h for h in hits if h.place.kind != "block"}
        self.spans: list[Span] = []
        self.per_tokens: set[str] = set()
        self.surnames: set[str] = set()
        self.org_words: set[str] = set()
        self._sport: bool | None = None

    def emit(self, s: int, e: int, label: str) -> None:
        if e <= s:
            return
        self.spans.append(Span(self.text[s:e], label, s, e))
        if label == "PER":
            names = self.text[s:e].split()
            self.per_tokens.update(names)
            self.surnames.update(names[1:])
        elif label == "ORG" and s not in self.hit_at:
            # "Ajax Amsterdam" ... "Ajax": the first word of a multi-word organisation.
            head = self.text[s:e].split(" ", 1)
            if len(head) == 2 and head[0] not in ORG_CUES and head[0] not in STOPWORDS:
                self.org_words.add(head[0])

    @property
    def nouns_capitalised(self) -> bool:
        """Whether the story's language capitalises every noun (German), so that two
        capitalised words side by side are no sign of a name. Told, or read from its
        function words when the language is not given."""
        if self._nouns is None:
            if self.language is not None:
                self._nouns = self.language in NOUN_CASE_LANGUAGES
            else:
                head = self.text[:2000]
                # A cheap look for German first; most other text is settled by it alone.
                self._nouns = any(x in head for x in _GERMAN_SIGNS) and (
                    len(_GERMAN_WORDS.intersection(head.split())) >= 3
                )
        return self._nouns

    @property
    def sport(self) -> bool:
        """Whether the story names a sport in its first lines (a sports story)."""
        if self._sport is None:
            head = self.text[:300].lower()
            self._sport = any(w in SPORT_WORDS for w in _WORD.findall(head))
        return self._sport


#: "OAKLAND, Calif. (AP)", "HOUSTON (AP)": a dateline names the place, not the team.
_DATELINE = re.compile(r",? (?:[A-Z][a-z]+\. )?\((?:AP|AFP|Reuters)\)|, [A-Z][a-z]{1,4}\.")
#: "in Suwon", "the cities of Suwon": a place after a locative word is the place.
_LOCATIVE = re.compile(r"\b(?:in|near|of|outside|around|across|from|at)\s$")


def known_org(doc: Doc, s: int, e: int, hit: Hit | None) -> bool:
    """Whether ``text[s:e]`` is a derived organisation name here: one that is also a place
    ("Leicestershire", "Lyon") only in a sports story, and not as a dateline or after "in"."""
    name = doc.text[s:e]
    if name in ORG_NAMES:
        return hit is None or hit.end < e or hit.place.kind in TEAM_KINDS
    if name not in TEAM_PLACES or (hit is not None and hit.place.kind not in TEAM_KINDS):
        return False
    text = doc.text
    return (
        doc.sport
        and not _DATELINE.match(text, e)
        and _LOCATIVE.search(text, max(0, s - 12), s) is None
    )


def cue_org(words: Sequence[str]) -> bool:
    """A word ending like an organisation compound ("Außenministerium", "Bundesbank")."""
    for w in words:
        if len(w) >= _ORG_WORD_MIN and w.lower().endswith(ORG_SUFFIXES):
            lw = w.lower()
            if any(lw.endswith(x) and len(lw) >= len(x) + 3 for x in ORG_SUFFIXES):
                return True
    return False


# A score after a name: "Wigan 1", "Surrey 128-4"; not "8.06", "768,269", "38:33" or "1996",
# and followed by what follows a score in a table (another name, a number, a bracket, the
# end of the line), not by prose ("the March 4 attack", "Salisbury 2 days ago").
_SCORE_TEXT = r" \d{1,3}(?:-\d{1,3})?(?![\d.,:%/])(?=\s*$|\s*[(),;]|\s+[\dA-ZÀ-Þ.-])"
_SCORE = re.compile(_SCORE_TEXT)
_NAME_SCORE = re.compile(r"[^\W\d_]\)?" + _SCORE_TEXT)
#: Results and table rows are short lines; in a paragraph "March 4" or "Issue 9" is no score.
_RESULTS_LINE_MAX = 80
_RANK = re.compile(r"\s*\d+\. ")  # "9. Yoshikawa 107": an individual ranking
_STANDINGS = re.compile(r"(?: [-\d.,/]+){3,} *")  # the rest of the line is a table row


def team_score(text: str, s: int, e: int) -> bool:
    """Whether the name at ``text[s:e]`` is a side in a results or standings line.

    Why: in "Wigan 1 Cardiff 0" or "Leicestershire 343-8 (P. Simmons 108)" the names are
    teams (ORG in CoNLL) even when they are towns. A line counts when it holds two names
    followed by scores, or starts with the name and continues as a table row.
    """
    if not text.startswith(" ", e) or not text[e + 1 : e + 2].isdigit():
        return False  # the common case, decided without looking at the line
    ls = text.rfind("\n", 0, s) + 1
    le = text.find("\n", e)
    if le < 0:
        le = len(text)
    if le - ls > _RESULTS_LINE_MAX or not _SCORE.match(text, e, le) or _RANK.match(text, ls, le):
        return False
    if s == ls and _STANDINGS.fullmatch(text, e, le):
        return True
    return len(_NAME_SCORE.findall(text, ls, le)) >= 2


# Words that only a company has next to its name: "Gazprom 's shares", "a Daewoo statement".
_COMPANY_AFTER = re.compile(
    r" (?:['’]s )?(?:shares|stock|stake|statement|spokes(?:man|woman|person)|unit|subsidiary"
    r"|shareholders|chairman|chief executive|executives|subsidiaries|profit|earnings)\b"
)
_COMPANY_BEFORE = re.compile(r"\b(?:shares in|stake in|shares of|subsidiary of|unit of) $")


def company_context(text: str, s: int, e: int) -> bool:
    """Whether the words around a lone name are ones only a company has near its name."""
    return bool(_COMPANY_AFTER.match(text, e)) or (
        text.endswith(("in ", "of "), 0, s)
        and _COMPANY_BEFORE.search(text, max(0, s - 16), s) is not None
    )


_PERSON_TITLES = frozenset(w.lower() for w in TITLES if len(w) > 3) - {
    "acting",
    "chief",
    "deputy",
    "defence",
    "defense",
    "finance",
    "foreign",
    "former",
    "general",
    "interior",
    "justice",
    "leader",
    "major",
    "prime",
    "vice",
}


def person_after_title(text: str, s: int) -> bool:
    """A lone capitalised word right after a lower-case title is a person ("o presidente
    Lula", "президент Зеленский"): many languages write titles in lower case."""
    i = s - 1
    if i < 1 or text[i] != " " or not text[i - 1].islower():
        return False
    word = text[max(text.rfind(" ", 0, i), text.rfind("\n", 0, i)) + 1 : i]
    return word in _PERSON_TITLES


def given_name(word: str) -> bool:
    """A known given name (Faker's lists, docs/ner.md), with Slavic case endings."""
    if word in GIVEN_NAMES:
        return True
    for ending in _SLAVIC_CASE:
        if word.endswith(ending) and len(word) > len(ending) + 2:
            stem = word[: -len(ending)]
            if stem in GIVEN_NAMES or stem + "а" in GIVEN_NAMES or stem + "й" in GIVEN_NAMES:
                return True
    return False


_SLAVIC_CASE = ("а", "у", "ом", "ем", "е", "ы", "и", "ой", "ю", "я", "ia", "a", "owi", "em")

# Russian and Ukrainian write only the first word of an organisation's name in capitals
# ("Министерство обороны России", "Верховный суд"): an organisation word, capitalised or
# after a capitalised adjective, takes the lower-case words of its name and a place after.
_CYR_WORD = re.compile(r"\b[А-ЯЁІЇЄҐ][а-яёіїєґ'’-]+")
_SLAVIC_NAME = re.compile(
    r"[А-ЯЁІЇЄҐ][а-яёіїєґ'’-]+(?: [а-яёіїєґ][а-яёіїєґ'’-]*){0,4}(?: [А-ЯЁІЇЄҐ][а-яёіїєґ'’-]+)?"
)
_SLAVIC_ORG_WORD = re.compile(
    r"(?:министерств|міністерств|парти|парті|агентств|агенці|университет|університет|служб"
    r"|комитет|комітет|совет|рад|прокуратур|полици|поліці|арми|армі|сил|компани|компані"
    r"|корпораци|корпораці|фонд|академи|академі|институт|інститут|правительств|уряд"
    r"|парламент|банк|суд|дум|гварди|гвардії)"
    r"(?:а|ы|е|у|ой|ом|ою|и|ії|ія|ію|ия|ию|ии|о|ів|ов|ах|ами|)"
)
_ADJECTIVE_END = (
    "ый", "ий", "ой", "ая", "яя", "ое", "ее", "ые", "ие", "ого", "его", "ых", "их", "ую",
    "на", "не", "ні", "ної", "ного",
)  # fmt: skip
# Function words and verb endings end an organisation's lower-case tail.
_SLAVIC_STOP_TEXT = (
    "и в во на с со по что не а о об за к у из от до для при как і та й з із що як від"
)
_SLAVIC_STOP = frozenset(_SLAVIC_STOP_TEXT.split())
_VERB_END = ("ло", "ла", "ли", "ет", "ит", "ют", "ят", "ать", "ить", "ує", "ють")


def _org_tail(words: list[str]) -> int:
    """How many words of a Cyrillic name run make an organisation (0: none)."""
    if _SLAVIC_ORG_WORD.fullmatch(words[0].lower()):
        n = 1
    elif (
        len(words) > 1
        and words[0].endswith(_ADJECTIVE_END)
        and _SLAVIC_ORG_WORD.fullmatch(words[1].lower())
    ):
        n = 2  # "Верховный суд", "Верховна Рада"
    else:
        return 0
    while n < len(words):
        w = words[n]
        if w[0].isupper():
            return n + 1  # the place or name the organisation belongs to
        if w in _SLAVIC_STOP or (w.endswith(_VERB_END) and w != "дел"):
            break
        n += 1
    return n


def slavic_orgs(doc: Doc) -> None:
    """Tag Russian/Ukrainian organisation names, replacing the spans inside them."""
    text = doc.text
    found: list[tuple[int, int]] = []
    for w in _CYR_WORD.finditer(text):
        if found and w.start() < found[-1][1]:
            continue
        m = _SLAVIC_NAME.match(text, w.start())
        if m is None:
            continue
        words = m.group().split(" ")
        n = _org_tail(words)
        if n:
            found.append((m.start(), m.start() + len(" ".join(words[:n]))))
    if not found:
        return
    doc.spans = [sp for sp in doc.spans if not any(s < sp.end and sp.start < e for s, e in found)]
    for s, e in found:
        doc.emit(s, e, "ORG")

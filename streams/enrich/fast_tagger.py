"""Fast offline PER/ORG/LOC/MISC tagger: capitalised-word chunks classified by cue words and the
place gazetteer. No model, so it is cheap (docs/enrichment.md gives its speed); the
statistical tagger (``ner_crf``) is the accurate path.

Conventions follow CoNLL-2003: titles are not part of a person's name, demonyms are MISC
("Russian forces"), names of countries and cities are LOC. Capitalisation is the cue, so the
rules work in any Latin or Cyrillic script language; the cue lists (``cues``) hold the
localised titles and organisation words (docs/ner.md says what is tagged per language).
"""

from __future__ import annotations

from streams.enrich import gazetteer
from streams.enrich.cues import (
    FIRST_NAMES,
    GEO_HEADS,
    GEO_PREFIXES,
    GEO_SUFFIXES,
    MISC_CUES,
    ORG_CUES,
    ORG_NAMES,
    STOPWORDS,
    TEAM_PLACES,
    TITLES,
)
from streams.enrich.fast_context import (
    CYRILLIC,
    SUFFIXED_NAME_LANGUAGES,
    TEAM_KINDS,
    Doc,
    chunks,
    company_context,
    cue_org,
    given_name,
    known_org,
    person_after_title,
    sentence_initial,
    shouty_lines,
    slavic_orgs,
    team_score,
)
from streams.enrich.gazetteer import Hit
from streams.enrich.types import Span

#: Articles that are also particles inside names ("Marine Le Pen", "Ursula von der Leyen").
_PARTICLES = frozenset({"Le", "La", "Les", "Des", "Du", "Der", "Den", "Das", "El", "Los", "Las"})
_PLACE_KINDS = frozenset({"country", "place", "state", "city"})
_KIND_LABEL = {
    "country": "LOC",
    "place": "LOC",
    "state": "LOC",
    "city": "LOC",
    "region": "LOC",
    "demonym": "MISC",
    "org": "ORG",
    "body": "ORG",
}

#: Last words that make unknown name words a place: natural features and streets.
_FEATURES = (GEO_SUFFIXES - {"State", "District", "Province", "Region", "Territory"}) | {
    "Creek", "Canyon", "Falls", "Plains", "Street", "Road", "Avenue", "Boulevard", "Lane",
    "Highway", "Parkway",
}  # fmt: skip

Tok = tuple[int, int]


def _classify(doc: Doc, toks: list[Tok], initial: bool | None) -> None:
    """Label one chunk; ``initial`` None means "work out whether it starts a sentence"."""
    text = doc.text
    words = [text[s:e] for s, e in toks]
    for i in range(1, len(words)):  # "CTV Saskatoon Published Saturday" is two chunks
        if words[i] in STOPWORDS and words[i] not in _PARTICLES and toks[i][0] not in doc.hit_at:
            _classify(doc, toks[:i], initial)
            _classify(doc, toks[i:], False)
            return
    # Leading function words and sentence-initial capitals ("The", "After", "Monday").
    while toks and words[0] in STOPWORDS and toks[0][0] not in doc.hit_at:
        toks, words, initial = toks[1:], words[1:], False
    if not toks or _split_title(doc, toks, words, initial):
        return
    s, e = toks[0][0], toks[-1][1]
    first = doc.hit_at.get(s)
    if known_org(doc, s, e, first):
        doc.emit(s, e, "ORG")
    elif first is not None and first.end >= e:  # the whole chunk is one gazetteer name
        _whole_place(doc, toks, first)
    elif not _place_list(doc, toks, words):
        _classify_words(doc, toks, words, first, initial)


def _split_title(doc: Doc, toks: list[Tok], words: list[str], initial: bool | None) -> bool:
    """Titles split the chunk: what follows the last title is a person ("President Putin")."""
    text = doc.text
    e = toks[-1][1]
    for i in range(len(words) - 2, -1, -1):
        if words[i + 1] in ORG_CUES:
            continue  # "Foreign Ministry", "Defence Department": a modifier, not a title
        if words[i].rstrip(".") in TITLES and words[i + 1].rstrip(".") not in TITLES:
            tail = toks[i + 1 :]
            if (
                ORG_CUES.isdisjoint(words[i + 1 :])
                and " of " not in text[tail[0][0] : e]
                and (tail[0][0] not in doc.hit_at or given_name(words[i + 1]))
            ):
                _person(doc, tail)
            else:  # "Chief Executive of the Association ...", "Президент России Владимир Путин"
                _classify(doc, tail, False)
            head = toks[:i]
            while head and text[head[-1][0] : head[-1][1]].rstrip(".") in TITLES:
                head = head[:-1]
            if head:
                _classify(doc, head, initial)
            return True
    return False


def _whole_place(doc: Doc, toks: list[Tok], first: Hit) -> None:
    """A chunk that one gazetteer name covers, a team when results follow it."""
    s, e = toks[0][0], toks[-1][1]
    label = _KIND_LABEL.get(first.place.kind)
    if label:
        if first.place.kind in TEAM_KINDS and team_score(doc.text, s, first.end):
            label = "ORG"
        doc.emit(s, first.end, label)
        if first.end < e:
            _classify(doc, [t for t in toks if t[0] >= first.end], False)


def _person(doc: Doc, toks: list[Tok]) -> None:
    """A person's name, which starts at a given name: in "России Владимир Путин" (after a
    title, Russian puts the country first) the words before it are classified apart."""
    text = doc.text
    if doc.nouns_capitalised and not any(
        given_name(w) or w in doc.per_tokens for w in (text[a:b] for a, b in toks)
    ):
        _places_in(doc, toks)  # German "Raketentests Nordkoreas": nouns, and a place
        return
    if len(toks) >= 3 and not given_name(text[toks[0][0] : toks[0][1]]):
        for i in range(1, len(toks) - 1):
            if given_name(text[toks[i][0] : toks[i][1]]):
                _classify(doc, toks[:i], False)
                toks = toks[i:]
                break
    doc.emit(toks[0][0], toks[-1][1], "PER")


def _places_in(doc: Doc, toks: list[Tok]) -> None:
    """Only the gazetteer names inside a chunk that names nothing else."""
    e = toks[-1][1]
    for a, _ in toks:
        h = doc.hit_at.get(a)
        if h is not None and h.end <= e and h.place.kind in _KIND_LABEL:
            doc.emit(h.start, h.end, _KIND_LABEL[h.place.kind])


def _place_list(doc: Doc, toks: list[Tok], words: list[str]) -> bool:
    """A list of places with a missing comma ("Greece Italy"), each its own span."""
    if len(toks) < 2 or words[0] in FIRST_NAMES:
        return False
    covered = [doc.hit_at.get(t[0]) for t in toks]
    if not all(h is not None and h.place.kind in _PLACE_KINDS for h in covered):
        return False
    e = toks[-1][1]
    for h in covered:
        if h is not None and h.end <= e:
            doc.emit(h.start, h.end, _KIND_LABEL[h.place.kind])
    return True


def _classify_words(
    doc: Doc, toks: list[Tok], words: list[str], first: Hit | None, initial: bool | None
) -> None:
    """A chunk that is not one gazetteer name: cue words, then the places inside it."""
    text = doc.text
    s, e = toks[0][0], toks[-1][1]
    if len(words) == 1 and words[0] in ORG_CUES:
        return  # "Police said", "Parliament's press officer": a common noun alone
    if len(words) > 1 and words[0] in GEO_HEADS and words[1] not in ORG_CUES:
        doc.emit(s, e, "LOC")  # "Strait of Hormuz", "Estreito de Ormuz", "Lake Victoria"
    elif not ORG_CUES.isdisjoint(words) or " of " in text[s:e] or cue_org(words):
        doc.emit(s, e, "ORG")
    elif not MISC_CUES.isdisjoint(words):
        doc.emit(s, e, "MISC")
    elif first is not None:
        _place_then_words(doc, toks, first)
    else:
        last = next((doc.hit_at[t[0]] for t in toks[1:] if t[0] in doc.hit_at), None)
        if last is not None and last.end >= e:
            _words_then_place(doc, toks, words, last, initial)
        elif len(toks) >= 2:
            # Names with a place inside ("CTV Saskatoon News") or in capitals are
            # organisations; so are teams in a results line ("Arminia Bielefeld 1").
            if all(w.isupper() for w in words) or any(t[0] in doc.hit_at for t in toks):
                doc.emit(s, e, "ORG")
            elif words[-1] in _FEATURES:
                doc.emit(s, e, "LOC")  # "Copper River", "Ridge Road": a place, not a person
            else:
                _person(doc, toks)
        else:
            _lone_word(doc, s, e, words[0])


def _place_then_words(doc: Doc, toks: list[Tok], first: Hit) -> None:
    """A place name followed by more name words ("China Daily", "Jordan Henderson")."""
    text = doc.text
    s, e = toks[0][0], toks[-1][1]
    rest = [t for t in toks if t[0] >= first.end]
    kind = first.place.kind
    if rest and all(text[a:b].rstrip(".") in TITLES for a, b in rest):
        rest = []  # "Kenias Präsident": a place and a title, no name
    if not rest or kind in ("region", "body", "org"):  # "Russian-backed"
        doc.emit(s, first.end, _KIND_LABEL.get(kind, "LOC"))
        if rest:
            _classify(doc, rest, False)
    elif kind == "demonym":
        doc.emit(s, first.end, "MISC")
        _classify(doc, rest, False)
    elif text[s : first.end] in FIRST_NAMES or given_name(text[s : first.end]):
        _person(doc, toks)  # "Jordan Henderson", "Kobe Bryant"
    elif kind in _PLACE_KINDS and given_name(text[rest[0][0] : rest[0][1]]):
        doc.emit(s, first.end, "LOC")  # "президент России Владимир Путин"
        doc.emit(rest[0][0], e, "PER")
    elif text[rest[0][0] : rest[-1][1]] in GEO_SUFFIXES:
        doc.emit(s, e, "LOC")
    elif doc.nouns_capitalised:
        _places_in(doc, toks)  # German "Tschechien Straßen": a place, then a noun
    else:
        doc.emit(s, e, "ORG")


def _words_then_place(
    doc: Doc, toks: list[Tok], words: list[str], last: Hit, initial: bool | None
) -> None:
    """Name words ending in a place ("Whitney Houston", "Southern California")."""
    text = doc.text
    s, e = toks[0][0], toks[-1][1]
    if last.place.kind == "demonym":
        doc.emit(last.start, last.end, "MISC")
    elif (
        last.start == toks[1][0]
        and words[0] not in FIRST_NAMES
        and not given_name(words[0])
        and (sentence_initial(text, s) if initial is None else initial)
    ):
        _classify(doc, toks[1:], False)  # "Neighbouring Uganda", "Врачи Нижнего Новгорода"
    elif last.start == toks[-1][0] and all(w in GEO_PREFIXES for w in words[:-1]):
        doc.emit(s, e, "LOC")  # "South West England", "Western Australia"
    elif team_score(text, s, e):
        doc.emit(s, e, "ORG")  # "Hansa Rostock 0 Hamburg 1"
    else:
        _person(doc, toks)


def _lone_word(doc: Doc, s: int, e: int, word: str) -> None:
    """One capitalised word with no gazetteer entry: a person or organisation by context."""
    if word in doc.per_tokens:
        doc.emit(s, e, "PER")
    elif (
        (word.isupper() and 2 <= len(word) <= 6 and word.isalpha())
        or word in doc.org_words
        or cue_org((word,))
        or team_score(doc.text, s, e)
        or company_context(doc.text, s, e)
    ):
        doc.emit(s, e, "ORG")
    elif person_after_title(doc.text, s):
        doc.emit(s, e, "PER")  # "o presidente Lula", "президент Зеленский"


def _merge_spanning_names(doc: Doc, chunks: list[list[Tok]]) -> list[list[Tok]]:
    """Gazetteer names that span several chunks ("Trinidad and Tobago") join them."""
    merged: list[list[Tok]] = []
    for ch in chunks:
        if merged:
            prev = merged[-1]
            h = doc.hit_at.get(prev[0][0])
            if h is not None and h.end >= ch[0][1] and h.end <= ch[-1][1]:
                prev.extend(ch)
                continue
        merged.append(ch)
    return merged


def _single_word(doc: Doc, s: int, e: int, h: Hit | None) -> bool:
    """The fast path for a one-word chunk; True when it is settled without ``_classify``."""
    text = doc.text
    if h is None:
        word = text[s:e]
        if word in STOPWORDS or word in ORG_CUES:  # "Police said": a common noun alone
            return True
        if word in MISC_CUES:
            doc.emit(s, e, "MISC")
        elif word in ORG_NAMES or (word in TEAM_PLACES and known_org(doc, s, e, None)):
            doc.emit(s, e, "ORG")
        else:
            _lone_word(doc, s, e, word)
        return True
    if h.end != e:
        return False
    label = _KIND_LABEL.get(h.place.kind)
    if label == "LOC" and h.place.kind in TEAM_KINDS:
        if known_org(doc, s, e, h) or team_score(text, s, e):
            label = "ORG"  # "Leicestershire" in a cricket story
        elif text[s:e] in doc.surnames:  # "Bill Holland ... Holland"
            label = "PER"
    if label:
        doc.emit(s, e, label)
    return True


def _shouted(doc: Doc, hits: list[Hit], s: int, e: int) -> None:
    """A chunk on a line in capitals: its gazetteer names only, teams in results lines."""
    for h in hits:
        if s <= h.start < e and h.place.kind in _KIND_LABEL:
            label = _KIND_LABEL[h.place.kind]
            if h.place.kind in TEAM_KINDS and team_score(doc.text, h.start, h.end):
                label = "ORG"
            doc.emit(h.start, h.end, label)


def _relabel_people(doc: Doc) -> list[Span]:
    """A lone word that is part of a person's name elsewhere in the story ("Bagchi" after
    "Arindam Bagchi") is that person; a place name only when it was the person's surname
    ("Holland" after "Bill Holland"), not the given name ("Jordan")."""
    out = []
    for sp in doc.spans:
        if (
            sp.label in ("LOC", "ORG")
            and " " not in sp.text
            and sp.text in doc.per_tokens
            and (sp.start not in doc.hit_at or sp.text in doc.surnames)
        ):
            sp = Span(sp.text, "PER", sp.start, sp.end)
        out.append(sp)
    out.sort(key=lambda sp: sp.start)
    return out


def tag(text: str, hits: list[Hit] | None = None, language: str | None = None) -> list[Span]:
    """Entity spans (country unset) sorted by start, non-overlapping. ``language`` (ISO
    639-1), when known, says whether nouns are capitalised; else the text's words tell."""
    if hits is None:
        hits = gazetteer.find(text)
    doc = Doc(text, hits, language)
    shouty = shouty_lines(text)
    hit_at = doc.hit_at
    for ch in _merge_spanning_names(
        doc, chunks(text, language in SUFFIXED_NAME_LANGUAGES, language)
    ):
        s = ch[0][0]
        if len(ch) == 1 and not shouty and _single_word(doc, s, ch[0][1], hit_at.get(s)):
            continue
        if shouty and any(a <= s < b for a, b in shouty):
            _shouted(doc, hits, s, ch[-1][1])
            continue
        if len(ch) == 1 and text[s : ch[0][1]] in STOPWORDS and s not in hit_at:
            continue
        _classify(doc, ch, None)
    if CYRILLIC.search(text):
        slavic_orgs(doc)
    return _relabel_people(doc)

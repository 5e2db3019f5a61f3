"""Fast offline PER/ORG/LOC/MISC tagger: capitalised-word chunks classified by cue words and the
place gazetteer. No model, so it is cheap (docs/enrichment.md gives its speed); the
statistical tagger (``ner_crf``) is the accurate path.

Conventions follow CoNLL-2003: titles are not part of a person's name, demonyms are MISC
("Russian forces"), names of countries and cities are LOC.
"""

from __future__ import annotations

import re
from pathlib import Path

from streams.enrich import gazetteer
from streams.enrich.gazetteer import Hit
from streams.enrich.types import Span

_TOKEN = re.compile(
    r"(?:[A-ZÀ-ÖØ-Þ]|\d+(?=[A-Za-z]))[\w&]*(?:(?:[.\-/]|['’](?!s\b))[A-Za-z0-9À-ÿ][\w&]*)*\.?"
)
#: What may sit between two words of one name: a space, or "of"/"de"/... between spaces.
_GAP = re.compile(
    r" (?:(?:of|of the|de|du|des|la|le|del|della|da|dos|van|von|der|den|bin|al|el|y) )?"
)
_ABBREV = re.compile(
    r"(?:[A-Z]\.)+$|(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Inc|Corp|Co|Ltd|Gen|Sen|Rep|Gov|Lt|Col|Capt|Prof"
    r"|Rev|Mt|Ft)\.$"
)
_SENT_END = frozenset(".!?:;\n\"“”‘’'(-–—|")

_DATA = Path(__file__).with_name("data")


def _words(name: str) -> frozenset[str]:
    """A curated word list from ``data/<name>.txt`` (one entry per line, # comments)."""
    text = (_DATA / f"{name}.txt").read_text(encoding="utf-8")
    return frozenset(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))


_STOPWORDS = _words("stopwords")
_TITLES = _words("titles")
_ORG_CUES = _words("org_cues")
_MISC_CUES = _words("misc_cues")
_FIRST_NAMES = _words("first_names")
_GEO_SUFFIXES = _words("geo_suffixes")
_GEO_PREFIXES = _words("geo_prefixes")


def _sentence_initial(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in " \t\"“‘'(":
        i -= 1
    return i < 0 or text[i] in _SENT_END


def _shouty_lines(text: str) -> list[tuple[int, int]]:
    """Ranges of lines written in capitals (headlines, datelines): only gazetteer names count."""
    out = []
    pos = 0
    for line in text.split("\n"):
        if len(line) >= 6 and line.isupper():
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _chunks(text: str) -> list[list[tuple[int, int]]]:
    """Runs of capitalised tokens joined by spaces or name connectors ("Bank of England")."""
    chunks: list[list[tuple[int, int]]] = []
    prev_end = -100
    for m in _TOKEN.finditer(text):
        s, e = m.span()
        if text[e - 1] == "." and not _ABBREV.match(text, s, e):
            e -= 1
        gap = s - prev_end
        if (gap == 1 and text[prev_end] == " ") or (
            3 < gap < 13 and _GAP.fullmatch(text, prev_end, s)
        ):
            chunks[-1].append((s, e))
        else:
            chunks.append([(s, e)])
        prev_end = e
    return chunks


class _Doc:
    """Per-call state: the text, its gazetteer hits by start offset, names seen so far."""

    __slots__ = ("hit_at", "per_tokens", "spans", "surnames", "text")

    def __init__(self, text: str, hits: list[Hit]) -> None:
        self.text = text
        self.hit_at = {h.start: h for h in hits if h.place.kind != "block"}
        self.spans: list[Span] = []
        self.per_tokens: set[str] = set()
        self.surnames: set[str] = set()

    def emit(self, s: int, e: int, label: str) -> None:
        if e > s:
            self.spans.append(Span(self.text[s:e], label, s, e))
            if label == "PER":
                names = self.text[s:e].split()
                self.per_tokens.update(names)
                self.surnames.update(names[1:])


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


def _classify(doc: _Doc, toks: list[tuple[int, int]], initial: bool | None) -> None:
    """Label one chunk; ``initial`` None means "work out whether it starts a sentence"."""
    text = doc.text
    words = [text[s:e] for s, e in toks]
    for i in range(1, len(words)):  # "CTV Saskatoon Published Saturday" is two chunks
        if words[i] in _STOPWORDS and toks[i][0] not in doc.hit_at:
            _classify(doc, toks[:i], initial)
            _classify(doc, toks[i:], False)
            return
    # Leading function words and sentence-initial capitals ("The", "After", "Monday").
    while toks and words[0] in _STOPWORDS and toks[0][0] not in doc.hit_at:
        toks, words, initial = toks[1:], words[1:], False
    if not toks:
        return
    e = toks[-1][1]
    # Titles split the chunk: what follows the last title is a person ("President Putin").
    for i in range(len(words) - 2, -1, -1):
        if words[i].rstrip(".") in _TITLES and words[i + 1].rstrip(".") not in _TITLES:
            tail = toks[i + 1 :]
            if _ORG_CUES.isdisjoint(words[i + 1 :]) and " of " not in text[tail[0][0] : e]:
                doc.emit(tail[0][0], e, "PER")
            else:  # "Chief Executive of the Association of German Chambers"
                _classify(doc, tail, False)
            head = toks[:i]
            while head and text[head[-1][0] : head[-1][1]].rstrip(".") in _TITLES:
                head = head[:-1]
            if head:
                _classify(doc, head, initial)
            return
    s, e = toks[0][0], toks[-1][1]
    first = doc.hit_at.get(s)
    if first is not None and first.end >= e:  # the whole chunk is one gazetteer name
        label = _KIND_LABEL.get(first.place.kind)
        if label:
            doc.emit(s, first.end, label)
            if first.end < e:
                _classify(doc, [t for t in toks if t[0] >= first.end], False)
        return
    covered = [doc.hit_at.get(t[0]) for t in toks]
    if (
        len(toks) > 1
        and words[0] not in _FIRST_NAMES
        and all(h is not None and h.place.kind in _PLACE_KINDS for h in covered)
    ):
        for h in covered:  # "Greece Italy": a list with a missing comma
            if h is not None and h.end <= e:
                doc.emit(h.start, h.end, _KIND_LABEL[h.place.kind])
        return
    if not _ORG_CUES.isdisjoint(words) or " of " in text[s:e]:
        doc.emit(s, e, "ORG")
        return
    if not _MISC_CUES.isdisjoint(words):
        doc.emit(s, e, "MISC")
        return
    if first is not None:  # a place name followed by more name words
        rest = [t for t in toks if t[0] >= first.end]
        if not rest or first.place.kind in ("region", "body", "org"):  # "Russian-backed"
            doc.emit(s, first.end, _KIND_LABEL.get(first.place.kind, "LOC"))
            if rest:
                _classify(doc, rest, False)
        elif first.place.kind == "demonym":
            doc.emit(s, first.end, "MISC")
            _classify(doc, rest, False)
        elif text[s : first.end] in _FIRST_NAMES:
            doc.emit(s, e, "PER")  # "Jordan Henderson", "Kobe Bryant"
        elif text[rest[0][0] : rest[-1][1]] in _GEO_SUFFIXES:
            doc.emit(s, e, "LOC")
        else:
            doc.emit(s, e, "ORG")
        return
    last = next((doc.hit_at[t[0]] for t in toks[1:] if t[0] in doc.hit_at), None)
    if last is not None and last.end >= e:
        if last.place.kind == "demonym":
            doc.emit(last.start, last.end, "MISC")
        elif (
            len(toks) == 2
            and words[0] not in _FIRST_NAMES
            and (_sentence_initial(text, s) if initial is None else initial)
        ):
            _classify(doc, toks[1:], False)  # "Neighbouring Uganda has ..."
        elif last.start == toks[-1][0] and all(w in _GEO_PREFIXES for w in words[:-1]):
            doc.emit(s, e, "LOC")  # "South West England", "Western Australia"
        else:
            doc.emit(s, e, "PER")
        return
    if len(toks) >= 2:
        # Names with a place inside ("CTV Saskatoon News") or in capitals are organisations.
        org = all(w.isupper() for w in words) or any(h is not None for h in covered)
        doc.emit(s, e, "ORG" if org else "PER")
        return
    word = words[0]
    if word in doc.per_tokens:
        doc.emit(s, e, "PER")
    elif word.isupper() and 2 <= len(word) <= 6 and word.isalpha():
        doc.emit(s, e, "ORG")


def tag(text: str, hits: list[Hit] | None = None) -> list[Span]:
    """Entity spans (country unset) sorted by start, non-overlapping."""
    if hits is None:
        hits = gazetteer.find(text)
    doc = _Doc(text, hits)
    shouty = _shouty_lines(text)
    chunks = _chunks(text)
    # Gazetteer names that span several chunks ("Trinidad and Tobago") join them.
    merged: list[list[tuple[int, int]]] = []
    for ch in chunks:
        if merged:
            prev = merged[-1]
            h = doc.hit_at.get(prev[0][0])
            if h is not None and h.end >= ch[0][1] and h.end <= ch[-1][1]:
                prev.extend(ch)
                continue
        merged.append(ch)
    hit_at, stop = doc.hit_at, _STOPWORDS
    for ch in merged:
        s = ch[0][0]
        if len(ch) == 1:  # fast path: one word, most often a gazetteer name or a stop word
            e = ch[0][1]
            h = hit_at.get(s)
            if h is not None and h.end == e and not shouty:
                label = _KIND_LABEL.get(h.place.kind)
                if label == "LOC" and text[s:e] in doc.surnames:  # "Bill Holland ... Holland"
                    label = "PER"
                if label:
                    doc.emit(s, e, label)
                continue
            if h is None and text[s:e] in stop:
                continue
        if shouty and any(a <= s < b for a, b in shouty):
            for h in hits:
                if s <= h.start < ch[-1][1] and h.place.kind in _KIND_LABEL:
                    doc.emit(h.start, h.end, _KIND_LABEL[h.place.kind])
            continue
        _classify(doc, ch, None)
    # Second pass: a lone word that is part of a person's name elsewhere in the story
    # ("Bagchi" after "Arindam Bagchi") is that person; a place name only when it was the
    # person's surname ("Holland" after "Bill Holland"), not the given name ("Jordan").
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

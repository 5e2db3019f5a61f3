"""Features of the statistical entity tagger (``ner_crf``): per word, per sentence, per document.

Why apart from the model code: these are what the training script and the tagger share, and
what decides accuracy (docs/ner.md): word form and shape in a +/-2 window, affixes, a place
gazetteer, first names seen in training, hand-made cue lists (titles, organisation words,
given names in many languages), distributional word clusters derived from the training
text, and document-level evidence (truecasing of headlines and sentence starts, a sports
flag, and in a second pass the tags of a word's other occurrences).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from streams.enrich.cues import (
    GIVEN_NAMES,
    MISC_CUES,
    ORG_CUES,
    ORG_SUFFIXES,
    SPORT_WORDS,
    TITLES,
)
from streams.enrich.tokenize import Token, sentences, tokenize

__all__ = ["Featurizer", "Lexicon", "is_caps_sentence", "stack_features"]

_ORG_SUFFIX_MIN = min(len(x) for x in ORG_SUFFIXES) + 3  # a compound: the ending and more
_CACHE_LIMIT = 200_000  # word-feature cache entries before a reset (bounds memory in a stream)


@dataclass(frozen=True)
class Lexicon:
    """Word lists the features consult; built at training time and shipped with the model."""

    places: frozenset[tuple[str, ...]]  # lower-cased token tuples of place names
    place_max: dict[str, int]  # first token of a place name -> longest name length
    first_names: frozenset[str]  # given names seen opening multi-word PER spans in training
    truecase: dict[str, str]  # lower-cased word -> usual mid-sentence form in training text
    clusters: dict[str, str]  # lower-cased word -> "top.leaf" distributional cluster path

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Lexicon:
        places = frozenset(tuple(p.split(" ")) for p in data["places"])
        place_max: dict[str, int] = {}
        for p in places:
            place_max[p[0]] = max(place_max.get(p[0], 0), len(p))
        return cls(
            places,
            place_max,
            frozenset(data["first_names"]),
            dict(data["truecase"]),
            dict(data.get("clusters", {})),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "places": sorted(" ".join(p) for p in self.places),
            "first_names": sorted(self.first_names),
            "truecase": dict(sorted(self.truecase.items())),
            "clusters": dict(sorted(self.clusters.items())),
        }


def _cue_features(w: str, lw: str) -> list[str]:
    """Hand-made cue lists (titles, organisation and event words, given names in many
    languages): they carry over to names and languages the training text never saw."""
    out = []
    if w in TITLES:
        out.append("ttl")
    if w in ORG_CUES:
        out.append("ocue")
    elif len(lw) >= _ORG_SUFFIX_MIN and lw.endswith(ORG_SUFFIXES):
        out.append("osuf")
    if w in MISC_CUES:
        out.append("mcue")
    if w in GIVEN_NAMES:
        out.append("gn")
    return out


def _shape(w: str) -> str:
    out = []
    for ch in w:
        if ch.isupper():
            out.append("X")
        elif ch.islower():
            out.append("x")
        elif ch.isdigit():
            out.append("d")
        else:
            out.append(ch)
    return "".join(out)


def _short_shape(shape: str) -> str:
    out: list[str] = []
    for ch in shape:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


def is_caps_sentence(words: Sequence[str]) -> bool:
    """Headline-style sentence: almost every word with letters is written in capitals."""
    alpha = [w for w in words if any(c.isalpha() for c in w)]
    if len(alpha) < 2:
        return False
    upper = sum(1 for w in alpha if w.isupper())
    return upper >= 0.8 * len(alpha) and upper >= 2


class Featurizer:
    """Turns a document into CRF feature sequences, one per sentence.

    Word-level features are cached per surface form (per window offset, prefixed), so a
    token's features are mostly list concatenation: that is what keeps tagging fast.
    """

    def __init__(self, lexicon: Lexicon) -> None:
        self.lex = lexicon
        self._cache: dict[str, tuple[list[str], ...]] = {}

    def _word(self, w: str) -> tuple[list[str], ...]:
        got = self._cache.get(w)
        if got is not None:
            return got
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        lw = w.lower()
        sh = _shape(w)
        ss = _short_shape(sh)
        cur = [
            "w=" + w,
            "lw=" + lw,
            "sh=" + (sh if len(sh) <= 6 else sh[:3] + "~" + sh[-3:]),
            "ss=" + ss,
            "p1=" + w[:1],
            "p2=" + w[:2],
            "p3=" + w[:3],
            "p4=" + w[:4],
            "s1=" + lw[-1:],
            "s2=" + lw[-2:],
            "s3=" + lw[-3:],
            "s4=" + lw[-4:],
        ]
        if lw in self.lex.first_names and w[:1].isupper():
            cur.append("fn")
        if len(w) == 1 and w.isalpha():
            cur.append("one")
        elif len(w) > 1 and w.isupper() and w.isalpha():
            cur.append("acr")
        cues = _cue_features(w, lw)
        cl = self.lex.clusters.get(lw)
        if cl is not None:
            cues += ["c1=" + cl.split(".")[0], "c2=" + cl]
        cur += cues
        got = (
            cur,
            ["-1lw=" + lw, "-1ss=" + ss, *("-1" + c for c in cues)],
            ["+1lw=" + lw, "+1ss=" + ss, *("+1" + c for c in cues)],
            ["-2lw=" + lw, "-2ss=" + ss],
            ["+2lw=" + lw, "+2ss=" + ss],
        )
        self._cache[w] = got
        return got

    def document(self, text: str) -> tuple[list[list[Token]], list[list[list[str]]]]:
        """Tokenise ``text`` and build features; returns (sentences, feature sequences)."""
        sents = sentences(text, tokenize(text))
        words = [[t[0] for t in s] for s in sents]
        caps = [is_caps_sentence(ws) for ws in words]
        # Document evidence: how each word is written where its case is informative
        # (not first in its sentence, not in a headline).
        forms: dict[str, dict[str, int]] = {}
        for ws, is_caps in zip(words, caps, strict=True):
            if is_caps:
                continue
            for w in ws[1:]:
                if w[:1].isalpha():
                    seen_forms = forms.setdefault(w.lower(), {})
                    seen_forms[w] = seen_forms.get(w, 0) + 1
        truecase = self.lex.truecase
        sport = any(w.lower() in SPORT_WORDS for ws in words[:3] for w in ws)
        feats: list[list[list[str]]] = []
        for ws, is_caps in zip(words, caps, strict=True):
            view: list[str] = []
            extra: list[list[str]] = []
            for k, w in enumerate(ws):
                ex: list[str] = []
                v = w
                if w[:1].isupper() and (is_caps or k == 0):
                    lw = w.lower()
                    seen = forms.get(lw)
                    if seen:
                        best = max(seen.items(), key=itemgetter(1))[0]
                        ex.append("dtc=" + _short_shape(_shape(best)))
                        if is_caps:
                            v = best
                    elif len(w) > 1:
                        tc = truecase.get(lw)
                        if tc is None:
                            ex.append("notc")
                        else:
                            ex.append("gtc=" + _short_shape(_shape(tc)))
                            if is_caps:
                                v = tc
                elif w[:1].isupper():
                    seen = forms.get(w.lower())
                    if seen and seen.get(w.lower()):
                        ex.append("dlc")  # also written in lower case in this document
                view.append(v)
                extra.append(ex)
            feats.append(self._sentence(view, extra, is_caps, sport))
        return sents, feats

    def _sentence(
        self, ws: list[str], extra: list[list[str]], is_caps: bool, sport: bool
    ) -> list[list[str]]:
        n = len(ws)
        cached = [self._word(w) for w in ws]
        gaz = self._places(ws)
        lws = [w.lower() for w in ws]
        numeric = sum(1 for w in ws if w[:1].isdigit()) > 0.4 * n
        out: list[list[str]] = []
        for i in range(n):
            f = ["b"]
            f += cached[i][0]
            f += extra[i]
            if i > 0:
                f += cached[i - 1][1]
                f.append("bg-=" + lws[i - 1] + "|" + lws[i])
                if i > 1:
                    f += cached[i - 2][3]
            else:
                f.append("BOS")
            if i + 1 < n:
                f += cached[i + 1][2]
                f.append("bg+=" + lws[i] + "|" + lws[i + 1])
                if i + 2 < n:
                    f += cached[i + 2][4]
            else:
                f.append("EOS")
            if gaz[i]:
                f.append(gaz[i])
                if gaz[i] == "gB" and i + 1 < n and gaz[i + 1] != "gI":
                    f.append("g1")
            if is_caps:
                f.append("caps")
            if numeric:
                f.append("num")
            if sport and ws[i][:1].isupper():
                f.append("spn" if numeric else "sp")
            out.append(f)
        return out

    def _places(self, ws: list[str]) -> list[str]:
        """Longest-match place gazetteer over capitalised token runs: "gB"/"gI" per token."""
        n = len(ws)
        tags = [""] * n
        place_max = self.lex.place_max
        places = self.lex.places
        i = 0
        while i < n:
            w = ws[i]
            longest = place_max.get(w.lower(), 0) if w[:1].isupper() else 0
            hit = 0
            for length in range(min(longest, n - i), 0, -1):
                if ws[i + length - 1][:1].isupper() and (
                    tuple(x.lower() for x in ws[i : i + length]) in places
                ):
                    hit = length
                    break
            if hit:
                tags[i] = "gB"
                for k in range(i + 1, i + hit):
                    tags[k] = "gI"
                i += hit
            else:
                i += 1
        return tags


def stack_features(
    sents: Sequence[Sequence[Token]], first_pass: Sequence[Sequence[str]]
) -> list[list[list[str]]]:
    """Second-pass features from the first pass's tags over the whole document.

    Why: a name is usually written in full once and then repeated ("Rotor Volgograd" ...
    "Rotor"), and the first pass gets some repeats wrong in isolation; telling each token how
    its other occurrences in the document were tagged lets the second CRF make them agree.
    """
    counts: dict[str, Counter[str]] = {}
    for sent, tags in zip(sents, first_pass, strict=True):
        for (w, _, _), tag in zip(sent, tags, strict=True):
            if w[:1].isupper():
                counts.setdefault(w.lower(), Counter())[tag[2:] or "O"] += 1
    out: list[list[list[str]]] = []
    for sent, tags in zip(sents, first_pass, strict=True):
        rows: list[list[str]] = []
        n = len(tags)
        for i, ((w, _, _), tag) in enumerate(zip(sent, tags, strict=True)):
            row = ["a=" + tag]
            if i > 0:
                row.append("a-1=" + tags[i - 1])
            if i + 1 < n:
                row.append("a+1=" + tags[i + 1])
            seen = counts.get(w.lower()) if w[:1].isupper() else None
            if seen is not None:
                own = tag[2:] or "O"
                others = [(n - (lab == own), lab) for lab, n in seen.items()]
                others = [(n, lab) for n, lab in others if n > 0]
                if others:
                    n_best, best = max(others)
                    row.append("dm=" + best)
                    row.extend("dt=" + lab for _, lab in others if lab != "O")
                    if n_best >= 2:
                        row.append("dm2=" + best)
            rows.append(row)
        out.append(rows)
    return out

"""The category model's features, one definition for training and runtime.

``scripts/train_categories`` counts ``feature_weights`` for every training story; the
runtime (``category_model``) computes the same sums from ``tokenize``, ``headline_tokens``
and ``geo_tokens`` without building the feature strings. Per story, a feature's value is
``tf * idf / sqrt(sum over features of tf * idf**2)`` with ``tf = tf_steps(count) / 2``.
"""

from __future__ import annotations

import html
import math
import re
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from streams.enrich.types import Span

MAX_TOKENS = 20_000  # bounds the work and the tf lookup table per story (category_model)
MAX_GEO_TOKENS = 300  # geo_tokens: <= 256 countries + 6 flags
HEADLINE_TOKENS = 40  # a "headline" longer than this is a paragraph: only its start counts
HEADLINE_MARK = "h:"  # vocabulary spelling of a headline word (":" is never in a token)
PREFIX_MARK = "p:"  # vocabulary spelling of a word-prefix feature
PREFIX_CHARS = 5  # words longer than this also give their first PREFIX_CHARS letters

# Words: >= 2 chars starting with a letter (Latin scripts), so the "s" of "world's" is dropped.
# Also digit runs ("2004", "7") and the symbols "$" and "%": cues for sport scores, markets.
_TOKEN_RE = re.compile(r"[a-z\u00c0-\u024f][a-z0-9\u00c0-\u024f]+|\d+|[$%]")
_TAG_RE = re.compile(r"<[^>]{0,200}>")
# HTML entities whose '&' was lost upstream ("quot;", "#39;"): markup residue, not words.
_ENTITY_RESIDUE_RE = re.compile(r"(?<![\w&])(?:quot|amp|nbsp|apos|lt|gt|#\d{1,5});")


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens; shared with training so features match exactly."""
    if "&" in text:
        text = html.unescape(text)
    if ";" in text:
        text = _ENTITY_RESIDUE_RE.sub(" ", text)
    if "<" in text:
        text = _TAG_RE.sub(" ", text)
    toks = _TOKEN_RE.findall(text.lower())
    return toks[:MAX_TOKENS] if len(toks) > MAX_TOKENS else toks


def feature_keys(tokens: list[str]) -> list[str | tuple[str, str]]:
    """Unigrams (str) and bigrams (tuple): the model's word features (used by training)."""
    return [*tokens, *pairwise(tokens)]


def headline_tokens(text: str) -> list[str]:
    """Tokens of the story's headline: the text before its first blank line (``story_text``
    puts one between headline and body), at most HEADLINE_TOKENS; none without a blank line.
    Headlines carry the topic in few words, so their words are features of their own."""
    head, sep, _ = text.partition("\n\n")
    return tokenize(head)[:HEADLINE_TOKENS] if sep else []


def feature_weights(text: str, geo: Sequence[str]) -> Counter[str]:
    """A story's features, spelled as in the model's vocabulary, each with twice its term
    weight (``tf_steps``). What training uses; the runtime computes the same sums without
    building these strings (``scripts/train_categories`` checks that they agree).

    * word unigrams and bigrams ``"a b"``, headline words ``"h:word"``, geo tokens:
      ``tf_steps(count)``;
    * word prefixes ``"p:xxxxx"`` (the first PREFIX_CHARS letters of longer words, so that
      "vaccinations" shares evidence with "vaccine"): the sum of ``tf_steps(count)`` over
      the distinct words with that prefix. Per word, so the runtime can fold a known word's
      prefix into the word's own row.
    """
    tokens = tokenize(text)
    counts = Counter(feature_keys(tokens))
    counts.update(HEADLINE_MARK + t for t in headline_tokens(text))
    counts.update(geo)
    out: Counter[str] = Counter()
    for key, n in counts.items():
        out[key if isinstance(key, str) else f"{key[0]} {key[1]}"] = tf_steps(n)
    for word, n in Counter(tokens).items():
        if len(word) > PREFIX_CHARS:
            out[PREFIX_MARK + word[:PREFIX_CHARS]] += tf_steps(n)
    return out


def tf_steps(count: int) -> int:
    """Twice the term weight of a feature seen ``count`` times: ``round(2 * (1 + ln count))``
    (1 -> 2, 2 -> 3, 3 -> 4, 5 -> 5): sub-linear like tf-idf's ``1 + log tf``, but an integer,
    so the runtime looks it up in a table. Training uses the same function."""
    return round(2.0 * (1.0 + math.log(count))) if count > 0 else 0


_NCC = ("__ncc_0", "__ncc_1", "__ncc_2")
_NFOR = ("__nfor_0", "__nfor_1", "__nfor_2")
_NLOC = ("__nloc_0", "__nloc_1", "__nloc_2", "__nloc_4", "__nloc_4")


def geo_tokens(codes: Sequence[str], spans: Iterable[Span], demonyms: Collection[int]) -> list[str]:
    """The category model's geo pseudo-tokens for one story; shared by training and runtime.

    ``codes``, ``spans`` and ``demonyms`` are what ``countries.resolve`` returns (resolved
    ISO codes, the spans, the starts of demonym-derived spans):

    * ``__cc_xx`` per country (ISO code lower-cased);
    * exactly one of ``__foreign`` (a country other than US), ``__us_only``, ``__no_country``;
    * ``__ncc_*`` / ``__nfor_*``: number of countries / non-US countries, 0, 1, 2, 2p (3+);
    * ``__nloc_*``: LOC mentions, 0, 1, 2, 4 (3-4), 4p (5+);
    * ``__per`` / ``__org`` if a PER / ORG span exists; ``__demonym`` if a demonym gave a country.
    """
    n_cc = len(codes)
    n_for = n_cc - ("US" in codes)
    out = [f"__cc_{c.lower()}" for c in codes[:256]]
    out.append("__foreign" if n_for else ("__us_only" if n_cc else "__no_country"))
    out.append(_NCC[n_cc] if n_cc < 3 else "__ncc_2p")
    out.append(_NFOR[n_for] if n_for < 3 else "__nfor_2p")
    labels = [sp.label for sp in spans]
    n_loc = labels.count("LOC")
    out.append(_NLOC[n_loc] if n_loc < 5 else "__nloc_4p")
    if "PER" in labels:
        out.append("__per")
    if "ORG" in labels:
        out.append("__org")
    if demonyms:
        out.append("__demonym")
    return out

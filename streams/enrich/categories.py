"""IPTC Media Topics top-level news category classifier.

A multinomial logistic regression over unigram + bigram counts, trained offline by
``scripts/train_categories`` (see ``docs/categories.md``, which also has the timings).
Inference is standard library only and fast: each feature's 17 class weights, its squared
idf and a counter are pre-packed, as fixed-width unsigned fields, into ONE Python int, so
scoring a story is a single C-level ``sum`` of ints over its tokens ("SIMD within a
register"), then one struct unpack of the fields and a softmax.

Per story the logit of class ``c`` is ``b_c + sum_t w_ct / sqrt(sum_t idf_t**2)``:
the model was trained on exactly this idf-weighted, length-normalised representation,
so the scores are the model's own softmax probabilities.

Geo features: besides the words, each story gets a few unigram pseudo-tokens from the
enrichment's country resolution and entity spans (``geo_tokens``: one per country, a
foreign / US-only / no-country flag, count buckets, PER / ORG / demonym flags). They have
their own idf and count in the length normalisation like words, but never form bigrams.
"""

from __future__ import annotations

import base64
import gzip
import html
import math
import re
import struct
from collections.abc import Collection, Iterable, Sequence
from itertools import pairwise, repeat
from operator import add, mul
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:
    from streams.enrich.types import Span

MODEL_PATH = Path(__file__).resolve().parent / "models" / "categories.json.gz"
MAX_TOKENS = 20_000  # keeps the packed field sums far from overflow (see _check_capacity)
MAX_GEO_TOKENS = 300  # geo_tokens: <= 256 countries + 6 flags (see _check_capacity)

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
    """Unigrams (str) and bigrams (tuple): the model's feature space (used by training)."""
    return [*tokens, *pairwise(tokens)]


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


def text_geo_tokens(text: str) -> list[str]:
    """``geo_tokens`` for a bare text via the fast enrichment steps (gazetteer, fast tagger,
    country resolution): what training uses and what ``classify`` does without entity info."""
    from streams.enrich import resolve_entities  # here: the package imports this module

    spans, codes, demonyms = resolve_entities(text, "fast")
    return geo_tokens(codes, spans, demonyms)


class _Model:
    """Decoded artifact: feature -> packed int, plus what is needed to unpack a sum."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.classes: tuple[str, ...] = tuple(raw["classes"])
        self.bias: tuple[float, ...] = tuple(raw["bias"])
        self.bits: int = raw["bits"]
        self.offset: int = raw["offset"]
        self.scale: float = raw["scale"]
        self.idf2_scale: float = raw["idf2_scale"]
        n_fields = len(self.classes) + 2  # class weights, idf**2, counter (each offset)
        width = self.bits // 8
        row = n_fields * width
        blob = base64.b64decode(raw["packed"])
        vocab: list[str] = raw["vocab"]
        if len(blob) != row * len(vocab):
            raise ValueError("category model: packed blob does not match vocabulary")
        # Unigrams -> dense ids; bigrams keyed by the int a*K+b of their word ids, which
        # hashes far faster than a (str, str) tuple. Id 0 = unknown word (packed value 0).
        from_bytes = int.from_bytes
        packed = [from_bytes(blob[i * row : (i + 1) * row], "little") for i in range(len(vocab))]
        ids: dict[str, int] = {}
        uni: list[int] = [0]
        pairs: list[tuple[str, str, int]] = []
        for feat, value in zip(vocab, packed, strict=True):
            if " " in feat:
                a, b = feat.split(" ", 1)
                pairs.append((a, b, value))
            else:
                ids[feat] = len(uni)
                uni.append(value)
        if any(a.startswith("__") or b.startswith("__") for a, b, _ in pairs):
            raise ValueError("category model: a geo token inside a bigram")
        for a, b, _ in pairs:  # a bigram's words are in the vocabulary (min_df); be safe
            for w in (a, b):
                if w not in ids:
                    ids[w] = len(uni)
                    uni.append(0)
        self.k = len(uni)
        self.ids = ids
        self.uni = uni
        self.bi = {ids[a] * self.k + ids[b]: value for a, b, value in pairs}
        self.mask = (1 << self.bits) - 1
        self.n_fields = n_fields
        self._n_bytes = n_fields * width
        self._unpack = struct.Struct(f"<{n_fields}I").unpack if self.bits == 32 else None
        self._check_capacity()

    def _check_capacity(self) -> None:
        # Each feature field holds < 2*offset; 2 * MAX_TOKENS word features per story at most,
        # plus the geo tokens.
        if 2 * self.offset * (2 * MAX_TOKENS + MAX_GEO_TOKENS) >= 1 << self.bits:
            raise ValueError("category model: field width too small for MAX_TOKENS")

    def logits(self, tokens: list[str], geo: Sequence[str] = ()) -> list[float]:
        """Logits of the word tokens (unigrams + bigrams) plus the geo tokens (unigrams).

        The geo tokens are simply appended: no bigram contains one (checked at load), so
        the pairs they form with their neighbours look up nothing.
        """
        if geo:
            tokens = [*tokens, *geo]
        ids = list(map(self.ids.get, tokens, repeat(0)))
        total = sum(map(self.uni.__getitem__, ids))
        bigram_keys = map(add, map(mul, ids, repeat(self.k)), ids[1:])
        total += sum(map(self.bi.get, bigram_keys, repeat(0)))
        if not total:
            return list(self.bias)
        if self._unpack is not None:  # all fields in one C call (32-bit fields)
            fields = self._unpack(total.to_bytes(self._n_bytes, "little"))
        else:
            bits, mask = self.bits, self.mask
            fields = tuple((total >> (bits * f)) & mask for f in range(self.n_fields))
        base = fields[-1] * self.offset  # counter field: +1 per matched feature
        idf2 = fields[-2] - base
        inv = 1.0 / (self.scale * math.sqrt(max(idf2, 1) / self.idf2_scale))
        return [b + (v - base) * inv for b, v in zip(self.bias, fields[:-2], strict=True)]


_MODEL: _Model | None = None


def load_model(path: Path | None = None) -> _Model:
    """The trained artifact; the default one is loaded once and cached (lazy import)."""
    global _MODEL
    if path is not None:
        return _Model(orjson.loads(gzip.decompress(path.read_bytes())))
    if _MODEL is None:
        _MODEL = _Model(orjson.loads(gzip.decompress(MODEL_PATH.read_bytes())))
    return _MODEL


def _softmax_ranked(classes: tuple[str, ...], logits: list[float]) -> list[tuple[str, float]]:
    top = max(logits)
    exps = list(map(math.exp, [z - top for z in logits]))
    inv = 1.0 / sum(exps)
    ranked = sorted(zip(exps, classes, strict=True), reverse=True)
    return [(c, e * inv) for e, c in ranked]


def classify(text: str, geo: Sequence[str] | None = None) -> list[tuple[str, float]]:
    """All 17 IPTC top-level slugs with softmax probabilities, best first.

    ``geo``: the story's ``geo_tokens`` if the caller already resolved its entities and
    countries (``enrich_details`` does); without it they are computed from ``text`` by the
    fast enrichment steps (``text_geo_tokens``), which costs a gazetteer + tagger pass.

    Softmax (not per-class sigmoid): at most one slug exceeds 0.5, so routing copies a
    story to a second category only through its best slug; scores sum to 1.
    """
    text = text or ""
    if geo is None:
        geo = text_geo_tokens(text)
    model = load_model()
    return _softmax_ranked(model.classes, model.logits(tokenize(text), geo))


def classify_batch(
    texts: list[str], geos: Sequence[Sequence[str]] | None = None
) -> list[list[tuple[str, float]]]:
    """`classify` over many texts (no vectorised speed-up; kept for API symmetry)."""
    if geos is None:
        return [classify(t) for t in texts]
    if len(geos) != len(texts):
        raise ValueError("classify_batch: one geo token list per text")
    return [classify(t, g) for t, g in zip(texts, geos, strict=True)]

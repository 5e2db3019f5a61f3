"""The category model's artifact and its packed-int scoring (standard library + numpy at load).

Scoring is fast because each feature's 17 quantised class weights, its quantised squared
idf and a counter are pre-packed, as 32-bit offset fields, into ONE Python int: a story's
raw logits are a C-level ``sum`` of ints over its features ("SIMD within a register"),
then one struct unpack. Repeated features are weighted by ``tf_steps`` (an integer, so a
packed int can be multiplied by it). A known word's packed int already includes its
prefix feature; only unknown words look their prefix up.

Calibration (fitted on cross-validated scores by ``scripts/train_categories``): the score
of slug ``c`` is ``sigmoid(a_c * z_c + g_c * m_c + b_c)`` where ``z_c`` is its raw logit
and ``m_c`` its margin over the best other slug, so a slug far ahead of the others is
surer than the same logit among close rivals, and two slugs close together can both pass
0.5 (a story that is really about both).
"""

from __future__ import annotations

import gzip
import math
import struct
from collections import Counter
from collections.abc import Sequence
from itertools import compress, repeat
from operator import add, mul, not_
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from streams.enrich.category_features import (
    HEADLINE_MARK,
    HEADLINE_TOKENS,
    MAX_GEO_TOKENS,
    MAX_TOKENS,
    PREFIX_CHARS,
    PREFIX_MARK,
    tf_steps,
)

MAGIC = b"newsstream-categories-2\n"
OFFSET = 1 << 14  # field value = quantised weight + OFFSET, so every field is non-negative
QUANT_LIMIT = OFFSET - 1  # largest |quantised weight| (training scales to it)


def read_artifact(path: Path) -> tuple[dict[str, Any], np.ndarray, np.ndarray]:
    """The artifact's JSON header, its (features x classes) int16 weights and uint16 idf**2.

    Layout (gzip): MAGIC, a 4-byte little-endian header length, the JSON header, then the
    weights and the squared idf as little-endian arrays, row by row in vocabulary order.
    """
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(MAGIC):
        raise ValueError(f"{path}: not a category model (bad magic)")
    pos = len(MAGIC)
    (n_head,) = struct.unpack_from("<I", raw, pos)
    pos += 4
    head: dict[str, Any] = orjson.loads(raw[pos : pos + n_head])
    pos += n_head
    n_feat, n_cls = len(head["vocab"]), len(head["classes"])
    weights = np.frombuffer(raw, "<i2", n_feat * n_cls, pos).reshape(n_feat, n_cls)
    pos += weights.nbytes
    idf2 = np.frombuffer(raw, "<u2", n_feat, pos)
    if pos + idf2.nbytes != len(raw):
        raise ValueError(f"{path}: size does not match its header")
    return head, weights, idf2


def write_artifact(path: Path, head: dict[str, Any], weights: np.ndarray, idf2: np.ndarray) -> None:
    """Inverse of ``read_artifact`` (used by ``scripts/train_categories``)."""
    header = orjson.dumps(head)
    body = [MAGIC, struct.pack("<I", len(header)), header]
    body += [np.ascontiguousarray(weights, "<i2").tobytes()]
    body += [np.ascontiguousarray(idf2, "<u2").tobytes()]
    path.write_bytes(gzip.compress(b"".join(body), compresslevel=9, mtime=0))


def _fields(head: dict[str, Any], weights: np.ndarray, idf2: np.ndarray) -> np.ndarray:
    """(features x fields) uint32: class weights, idf**2, counter; a word's prefix added."""
    vocab: list[str] = head["vocab"]
    fields = np.empty((len(vocab), weights.shape[1] + 2), "<u4")
    fields[:, :-2] = weights.astype(np.int64) + OFFSET
    fields[:, -2] = idf2.astype(np.int64) + OFFSET
    fields[:, -1] = 1  # counter: how many features matched, to remove the offsets
    row = {feat: k for k, feat in enumerate(vocab)}
    words, prefixes = [], []
    for k, feat in enumerate(vocab):
        if len(feat) > PREFIX_CHARS and ":" not in feat and " " not in feat:
            p = row.get(PREFIX_MARK + feat[:PREFIX_CHARS])
            if p is not None:
                words.append(k)
                prefixes.append(p)
    fields[words] += fields[prefixes]  # fold: one lookup gives word + prefix
    return fields


class Model:
    """Decoded artifact: feature -> packed int, and how to turn a packed sum into scores."""

    def __init__(self, head: dict[str, Any], weights: np.ndarray, idf2: np.ndarray) -> None:
        self.classes: tuple[str, ...] = tuple(head["classes"])
        self.bias: tuple[float, ...] = tuple(head["bias"])
        self.calibration: tuple[tuple[float, float, float], ...] = tuple(
            (a, g, b) for a, g, b in head["calibration"]
        )
        self.scale: float = head["scale"]
        self.idf2_scale: float = head["idf2_scale"]
        self.norm_floor: float = head["norm_floor"]
        self.abstain_threshold: float = head["abstain_threshold"]
        #: The dev files the model was trained on, as the training script recorded them.
        self.training_files: frozenset[str] = frozenset(head.get("meta", {}).get("files", ()))
        fields = _fields(head, weights, idf2)
        self._n_bytes = fields.shape[1] * 4
        self._unpack = struct.Struct(f"<{fields.shape[1]}I").unpack
        # Per occurrence (tf_steps <= 2 each) a field gains < 4*OFFSET for a word (its
        # prefix folded in, or an unknown word's prefix alone) and < 2*OFFSET for a bigram,
        # headline word or geo token.
        per_story = 4 * MAX_TOKENS + 2 * (MAX_TOKENS + HEADLINE_TOKENS + MAX_GEO_TOKENS)
        if 2 * OFFSET * per_story >= 1 << 32:
            raise ValueError("category model: field width too small for MAX_TOKENS")
        self._index(head["vocab"], fields.tobytes())

    def _index(self, vocab: list[str], blob: bytes) -> None:
        # Unigrams -> dense ids; bigrams keyed by the int a*K+b of their word ids, which
        # hashes far faster than a (str, str) tuple. Id 0 = unknown (packed value 0).
        n = self._n_bytes
        values = [int.from_bytes(blob[k * n : (k + 1) * n], "little") for k in range(len(vocab))]
        self.ids: dict[str, int] = {}
        self.head_ids: dict[str, int] = {}
        self.prefixes: dict[str, int] = {}
        self.uni: list[int] = [0]
        pairs: list[tuple[str, str, int]] = []
        for feat, value in zip(vocab, values, strict=True):
            if " " in feat:
                a, b = feat.split(" ", 1)
                pairs.append((a, b, value))
            elif feat.startswith(PREFIX_MARK):
                self.prefixes[feat[len(PREFIX_MARK) :]] = value
            else:
                table = self.head_ids if feat.startswith(HEADLINE_MARK) else self.ids
                table[feat.removeprefix(HEADLINE_MARK)] = len(self.uni)
                self.uni.append(value)
        if any(a.startswith("__") or b.startswith("__") for a, b, _ in pairs):
            raise ValueError("category model: a geo token inside a bigram")
        if any(w not in self.ids for a, b, _ in pairs for w in (a, b)):
            raise ValueError("category model: a bigram word outside the vocabulary")
        self.k = len(self.uni)
        self.bi = {self.ids[a] * self.k + self.ids[b]: value for a, b, value in pairs}

    def _packed_sum(self, ids: list[int], keys: list[int], unknown: list[str]) -> int:
        """Sum over features of ``tf_steps(count) * packed``: ``2 * packed`` per occurrence,
        a correction for the features that occur more than once, then the prefixes of the
        unknown words (``tf_steps`` of each word's count)."""
        uni, bi = self.uni, self.bi
        total = 2 * (sum(map(uni.__getitem__, ids)) + sum(map(bi.get, keys, repeat(0))))
        if len(set(ids)) < len(ids):
            for i, n in Counter(ids).items():
                if n > 1 and i:
                    total += (tf_steps(n) - 2 * n) * uni[i]
        if len(set(keys)) < len(keys):
            for key, n in Counter(keys).items():
                if n > 1:
                    total += (tf_steps(n) - 2 * n) * bi.get(key, 0)
        for word, n in Counter(unknown).items():
            total += tf_steps(n) * self.prefixes.get(word[:PREFIX_CHARS], 0)
        return total

    def logits(self, tokens: list[str], geo: Sequence[str], head: Sequence[str]) -> list[float]:
        """Raw logits of the word tokens (unigrams, bigrams, prefixes), the geo tokens and
        the headline words: ``feature_weights`` without building its strings."""
        get = self.ids.get
        ids = list(map(get, tokens, repeat(0)))
        keys = list(map(add, map(mul, ids, repeat(self.k)), ids[1:]))
        unknown = []
        if 0 in ids:
            unknown = [t for t in compress(tokens, map(not_, ids)) if len(t) > PREFIX_CHARS]
        ids += map(get, geo, repeat(0))  # geo tokens: unigram features only, never bigrams
        ids += map(self.head_ids.get, head, repeat(0))  # ids of their own
        total = self._packed_sum(ids, keys, unknown)
        if not total:
            return list(self.bias)
        fields = self._unpack(total.to_bytes(self._n_bytes, "little"))
        base = fields[-1] * OFFSET  # counter field: sum of the tf steps
        # tf = steps / 2: numerator / 2, squared norm = idf2 field / 2. The floor keeps a
        # story with almost no known words (or only geo tokens) near the intercepts: it
        # has little evidence, so its scores must not look sure.
        norm2 = max((fields[-2] - base) / (2.0 * self.idf2_scale), self.norm_floor)
        inv = 1.0 / (2.0 * self.scale * math.sqrt(norm2))
        return [b + (v - base) * inv for b, v in zip(self.bias, fields[:-2], strict=True)]

    def scores(self, logits: list[float]) -> list[tuple[str, float]]:
        """Calibrated probability per slug, best first (see the module docstring)."""
        best = max(logits)
        k_best = logits.index(best)
        runner_up = max(z for k, z in enumerate(logits) if k != k_best)
        out = []
        for k, (z, (a, g, b)) in enumerate(zip(logits, self.calibration, strict=True)):
            margin = z - (runner_up if k == k_best else best)
            out.append((_sigmoid(a * z + g * margin + b), self.classes[k]))
        out.sort(reverse=True)
        return [(c, p) for p, c in out]


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x > -700.0 else 0.0

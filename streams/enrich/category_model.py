"""The category model's artifact and its scoring (standard library + numpy).

Each feature is one row of an int32 matrix: its 17 quantised class weights and its
quantised squared idf (integers, summed in float64, so every sum is exact and the runtime
reproduces the training arithmetic bit for bit). A story's raw logits are one gather and
one small matrix product over its distinct features, each weighted by ``tf_steps`` of its
count. A known word's row already includes its prefix feature; only unknown words look
their prefix up.

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
    MAX_TOKENS,
    PREFIX_CHARS,
    PREFIX_MARK,
    tf_steps,
)

MAGIC = b"newsstream-categories-2\n"
QUANT_LIMIT = (1 << 14) - 1  # largest |quantised weight| (training scales to it; int16)


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


def _rows(head: dict[str, Any], weights: np.ndarray, idf2: np.ndarray) -> np.ndarray:
    """(1 + features) x (classes + 1) int32: a zero row (unknown feature), then per feature
    its class weights and idf**2, a word's prefix feature folded into its row. Integers
    (summed in float64, exact) keep the rows small: fewer cache misses per story."""
    vocab: list[str] = head["vocab"]
    rows = np.zeros((len(vocab) + 1, weights.shape[1] + 1), np.int32)
    rows[1:, :-1] = weights
    rows[1:, -1] = idf2
    row = {feat: k for k, feat in enumerate(vocab, 1)}
    words, prefixes = [], []
    for k, feat in enumerate(vocab, 1):
        if len(feat) > PREFIX_CHARS and ":" not in feat and " " not in feat:
            p = row.get(PREFIX_MARK + feat[:PREFIX_CHARS])
            if p is not None:
                words.append(k)
                prefixes.append(p)
    rows[words] += rows[prefixes]  # fold: one lookup gives word + prefix
    return rows


#: ``tf_steps`` of every count up to two per token (a story's features: words, bigrams,
#: geo tokens, headline words), as a lookup table; longer lists fall back to ``_tf_array``.
_TF_STEPS = np.array([tf_steps(n) for n in range(2 * MAX_TOKENS + 1024)], np.float64)


class Model:
    """Decoded artifact: feature -> row of weights, and how to turn a row sum into scores."""

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
        self.rows = _rows(head, weights, idf2)
        self._index(head["vocab"])

    def _index(self, vocab: list[str]) -> None:
        # Words, headline words, geo tokens and prefixes -> their row (0 = unknown).
        self.ids: dict[str, int] = {}
        self.head_ids: dict[str, int] = {}
        self.prefixes: dict[str, int] = {}
        pairs: list[tuple[str, str, int]] = []
        for k, feat in enumerate(vocab, 1):
            if " " in feat:
                a, b = feat.split(" ", 1)
                pairs.append((a, b, k))
            elif feat.startswith(PREFIX_MARK):
                self.prefixes[feat[len(PREFIX_MARK) :]] = k
            elif feat.startswith(HEADLINE_MARK):
                self.head_ids[feat[len(HEADLINE_MARK) :]] = k
            else:
                self.ids[feat] = k
        if any(a.startswith("__") or b.startswith("__") for a, b, _ in pairs):
            raise ValueError("category model: a geo token inside a bigram")
        if any(w not in self.ids for a, b, _ in pairs for w in (a, b)):
            raise ValueError("category model: a bigram word outside the vocabulary")
        self.k = len(vocab) + 1
        # Bigram "a b" -> its row, keyed by the int a*K+b of its word rows (an int hashes
        # far faster than a (str, str) tuple; a dict probe beats a binary search in numpy,
        # whose probes miss the cache once the taggers have run).
        self.bigrams: dict[int, int] = {self.ids[a] * self.k + self.ids[b]: k for a, b, k in pairs}

    def logits(self, tokens: list[str], geo: Sequence[str], head: Sequence[str]) -> list[float]:
        """Raw logits of the word tokens (unigrams, bigrams, prefixes), the geo tokens and
        the headline words: ``feature_weights`` without building its strings."""
        get = self.ids.get
        ids = list(map(get, tokens, repeat(0)))
        # A key with an unknown word (row 0) is < K or ends in 0: never a bigram's key.
        keys = map(add, map(mul, ids, repeat(self.k)), ids[1:])
        feats_list = ids + list(map(self.bigrams.get, keys, repeat(0)))
        feats_list += map(get, geo, repeat(0))
        feats_list += map(self.head_ids.get, head, repeat(0))
        uniq, counts = np.unique(np.array(feats_list, np.intp), return_counts=True)
        steps = _TF_STEPS[counts] if len(feats_list) < len(_TF_STEPS) else _tf_array(counts)
        rows = self.rows[uniq]
        if 0 in ids:  # unknown words: their prefix, tf_steps of each word's count
            unknown = Counter(compress(tokens, map(not_, ids)))
            long = [(w[:PREFIX_CHARS], n) for w, n in unknown.items() if len(w) > PREFIX_CHARS]
            pre = [(r, n) for p, n in long if (r := self.prefixes.get(p, 0))]
            if pre:
                steps = np.concatenate((steps, _TF_STEPS[[n for _, n in pre]]))
                rows = np.concatenate((rows, self.rows[[r for r, _ in pre]]))
        total = steps @ rows
        *fields, idf2 = total.tolist()
        if not idf2:  # no known feature
            return list(self.bias)
        # tf = steps / 2: numerator / 2, squared norm = idf2 sum / 2. The floor keeps a
        # story with almost no known words (or only geo tokens) near the intercepts: it
        # has little evidence, so its scores must not look sure.
        norm2 = max(idf2 / (2.0 * self.idf2_scale), self.norm_floor)
        inv = 1.0 / (2.0 * self.scale * math.sqrt(norm2))
        return [b + v * inv for b, v in zip(self.bias, fields, strict=True)]

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


def _tf_array(counts: np.ndarray) -> np.ndarray:
    return np.array([tf_steps(int(n)) for n in counts], np.float64)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x > -700.0 else 0.0

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
from itertools import chain, compress
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
    """(1 + features) x (classes + 1) int16: a zero row (unknown feature), then per feature
    its class weights and idf**2, a word's prefix feature folded into its row. Both parts
    are at most QUANT_LIMIT, so a word plus its prefix still fits int16; small rows mean
    fewer cache misses per story (the taggers evict the model between stories)."""
    vocab: list[str] = head["vocab"]
    rows = np.zeros((len(vocab) + 1, weights.shape[1] + 1), np.int32)
    rows[1:, :-1] = weights
    rows[1:, -1] = idf2
    if np.abs(rows).max() > QUANT_LIMIT:
        raise ValueError("category model: a weight or idf**2 over the quantisation limit")
    row = {feat: k for k, feat in enumerate(vocab, 1)}
    words, prefixes = [], []
    for k, feat in enumerate(vocab, 1):
        if len(feat) > PREFIX_CHARS and ":" not in feat and " " not in feat:
            p = row.get(PREFIX_MARK + feat[:PREFIX_CHARS])
            if p is not None:
                words.append(k)
                prefixes.append(p)
    rows[words] += rows[prefixes]  # fold: one lookup gives word + prefix
    return rows.astype(np.int16)


#: The tf weight a feature's n-th occurrence adds: ``tf_steps(n + 1) - tf_steps(n)``, so the
#: sum over a story's occurrences is ``tf_steps`` of each feature's count. Long enough for
#: any story: at most MAX_TOKENS words, as many bigrams, the geo and headline tokens.
_TF_DELTA = np.diff([tf_steps(n) for n in range(2 * MAX_TOKENS + 1024)]).astype(np.float64)
_RANKS = np.arange(len(_TF_DELTA))
#: XORed into a headline word's hash so that it keys a row other than the same body word.
_HEADLINE_SALT = 0x2545_F491_4F6C_DD1D  # < 2**62: keeps h ^ salt an int64


def _headline_key(h: int) -> int:
    return h ^ _HEADLINE_SALT


#: Fibonacci hashing's multiplier (2**64 over the golden ratio, odd): it spreads structured
#: keys (a bigram's key is ``row_a * K + row_b``) evenly over the buckets.
_FIB = np.uint64(0x9E37_79B9_7F4A_7C15)
#: Slots per bucket: eight int64 keys are one 64-byte cache line.
_BUCKET = 8


class _Lookup:
    """int64 keys -> their rows: a vectorised hash table.

    A story's few hundred tokens are looked up with a handful of numpy calls instead of one
    dict probe each. Each key sits in one bucket of :data:`_BUCKET` slots chosen by Fibonacci
    hashing, so a lookup reads one cache line of keys and one of rows; a binary search over
    sorted keys read about fifteen, and between two stories the taggers evict the table, so
    those reads were what a story paid. There are at least as many buckets as keys (a power
    of two), doubled at load until no bucket overflows. An empty slot holds key -1 and row
    0, so a probe for -1 reads 0; a real key -1 is refused at load, like two equal keys
    (``hash()`` never gives -1, a bigram key is positive, a headline key is -1 with odds
    of 2**-64).
    """

    def __init__(self, keys: list[int], rows: list[int]) -> None:
        k = np.array(keys, np.int64)
        if len(np.unique(k)) != len(k):
            raise ValueError("category model: two features with one lookup key")
        if (k == -1).any():
            raise ValueError("category model: a feature's lookup key is -1, the empty slot's")
        buckets = max(2, 1 << (len(k) - 1).bit_length())
        while True:
            self._shift = np.uint64(65 - buckets.bit_length())  # top log2(buckets) bits
            at = self._bucket(k)
            counts = np.bincount(at, minlength=buckets)
            if counts.max(initial=0) <= _BUCKET:
                break
            buckets *= 2
        order = np.argsort(at, kind="stable")
        at = at[order]
        slot = np.arange(len(k)) - (np.cumsum(counts) - counts)[at]
        self.keys = np.full((buckets, _BUCKET), -1, np.int64)
        self.keys[at, slot] = k[order]
        # Flat, slot by slot like ``keys``: a key's row is at bucket * _BUCKET + slot.
        self._rows = np.zeros(buckets * _BUCKET, np.int32)  # feature rows < 2**31
        self._rows[at * _BUCKET + slot] = np.array(rows, np.int64)[order]

    def _bucket(self, keys: np.ndarray) -> np.ndarray:
        return ((keys.view(np.uint64) * _FIB) >> self._shift).astype(np.intp)

    def find(self, keys: np.ndarray) -> np.ndarray:
        """Row of each key (int64), 0 where it is not in the table."""
        at = self._bucket(np.ascontiguousarray(keys, np.int64))
        hit = self.keys[at] == keys[:, None]
        slot = hit.argmax(axis=1)  # the key's slot (keys are distinct); 0 when absent
        found = hit[np.arange(len(keys)), slot]
        return np.multiply(self._rows[at * _BUCKET + slot], found, dtype=np.int64)


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
        """Words, geo tokens and headline words share one lookup keyed by ``hash()`` (this
        process's seed; a headline word's hash is salted), bigrams one keyed by their word
        rows. Two vocabulary entries with one key are refused at load; a word outside the
        vocabulary that shares a word's 64-bit hash (odds ~1e-15 per token) would read its
        row. Prefixes, looked up only for unknown words, keep a dict."""
        words: dict[str, int] = {}
        pairs: list[tuple[str, str, int]] = []
        keys: list[int] = []
        rows: list[int] = []
        self.prefixes: dict[str, int] = {}
        for k, feat in enumerate(vocab, 1):
            if " " in feat:
                a, b = feat.split(" ", 1)
                pairs.append((a, b, k))
                continue
            if feat.startswith(PREFIX_MARK):
                self.prefixes[feat[len(PREFIX_MARK) :]] = k
                continue
            if feat.startswith(HEADLINE_MARK):
                keys.append(_headline_key(hash(feat[len(HEADLINE_MARK) :])))
            else:
                words[feat] = k
                keys.append(hash(feat))
            rows.append(k)
        if any(a.startswith("__") or b.startswith("__") for a, b, _ in pairs):
            raise ValueError("category model: a geo token inside a bigram")
        if any(w not in words for a, b, _ in pairs for w in (a, b)):
            raise ValueError("category model: a bigram word outside the vocabulary")
        self.tokens = _Lookup(keys, rows)
        # Bigram "a b" -> key a*K+b of its word rows. A key with an unknown word (row 0) is
        # < K or a multiple of K: never a bigram's key.
        self.k = len(vocab) + 1
        self.pairs = _Lookup(
            [words[a] * self.k + words[b] for a, b, _ in pairs], [k for *_, k in pairs]
        )

    def knows(self, token: str) -> bool:
        """Whether a word or geo token is a feature of the model."""
        return bool(self.tokens.find(np.array([hash(token)], np.int64))[0])

    def logits(self, tokens: list[str], geo: Sequence[str], head: Sequence[str]) -> list[float]:
        """Raw logits of the word tokens (unigrams, bigrams, prefixes), the geo tokens and
        the headline words: ``feature_weights`` without building its strings."""
        n = len(tokens)
        keys = chain(map(hash, tokens), map(hash, geo), map(_headline_key, map(hash, head)))
        found = self.tokens.find(np.fromiter(keys, np.int64, n + len(geo) + len(head)))
        ids = found[:n]
        feats = np.concatenate((found, self.pairs.find(ids[:-1] * self.k + ids[1:])))
        # Unknown features read row 0 (zeros). Sorted, each occurrence's rank among its
        # equals gives its share of tf_steps(count): no unique/count pass.
        feats.sort()
        steps = _TF_DELTA[_RANKS[: len(feats)] - feats.searchsorted(feats)]
        total = steps @ self.rows[feats]
        if not ids.all():  # unknown words: their prefix, tf_steps of each word's count
            unknown = Counter(compress(tokens, (ids == 0).tolist()))
            long = [(w[:PREFIX_CHARS], c) for w, c in unknown.items() if len(w) > PREFIX_CHARS]
            pre = [(r, c) for p, c in long if (r := self.prefixes.get(p, 0))]
            if pre:
                counts = [c for _, c in pre]
                total += (
                    np.array([tf_steps(c) for c in counts], np.float64)
                    @ self.rows[[r for r, _ in pre]]
                )
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


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x > -700.0 else 0.0

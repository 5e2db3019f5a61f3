"""The category model's features: every story's runtime feature counts (cached on disk),
the vocabulary and idf learnt from training rows with the runtime's per-story arithmetic,
and the training set with its two-topic pair stories.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from streams.devtools.train_categories.data import FILES, SEED, SLUGS, Corpus, targets
from streams.enrich import categories as cat

CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "newsstream"
# Two-topic stories (multi-label training): PAIRS per training set, two NYT-CAP or two
# HuffPost stories of different slugs joined, positive for both slugs, sample weight
# PAIR_WEIGHT. They teach each slug's model that another topic's words are no evidence
# against it, so a story about both (a hospital strike) can pass 0.5 on both.
PAIRS, PAIR_WEIGHT = 3000, 0.5
MIN_DF = 2  # a feature must occur in >= 2 training stories (keeps the artifact small)
# Floor of a story's squared norm (sum of tf x idf^2), under the 1st percentile of the
# shortest corpus (NYT-CAP, ~525): a story with a word or two, or only geo tokens, keeps
# scores near the intercepts instead of a unit vector of weak evidence.
NORM_FLOOR = 400.0


def count_matrix(data: Path, texts: list[str]) -> tuple[sp.csr_matrix, list[str]]:
    """Every story's features with twice their term weight (``feature_weights``), cached:
    tokenising and the geo pass take a while."""
    # The key covers every enrichment module (the geo tokens come from the gazetteer,
    # taggers and country resolution), so a change there never reuses stale counts.
    key = hashlib.sha256()
    for module in sorted(Path(cat.__file__).parent.rglob("*.py")):
        key.update(module.read_bytes())
    for fname in FILES.values():
        key.update((data / fname).read_bytes())
    path = CACHE / f"category-counts-{key.hexdigest()[:16]}.pkl"
    if path.exists():
        with path.open("rb") as fh:
            cached: tuple[sp.csr_matrix, list[str]] = pickle.load(fh)
        return cached
    vocab: dict[str, int] = {}
    rows, cols, vals = [], [], []
    for i, text in enumerate(texts):
        for feat, n in cat.feature_weights(text, cat.text_geo_tokens(text)).items():
            rows.append(i)
            cols.append(vocab.setdefault(feat, len(vocab)))
            vals.append(n)
    counts = sp.csr_matrix((vals, (rows, cols)), shape=(len(texts), len(vocab)), dtype=np.float64)
    names = sorted(vocab, key=vocab.__getitem__)
    CACHE.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        pickle.dump((counts, names), fh)
    return counts, names


class Featurizer:
    """Vocabulary (min_df) and idf from training rows; the runtime's per-story arithmetic."""

    def __init__(self, counts: sp.csr_matrix) -> None:
        df = np.asarray((counts > 0).sum(axis=0)).ravel()
        self.cols = np.flatnonzero(df >= MIN_DF)
        self.idf = np.log((1 + counts.shape[0]) / (1 + df[self.cols])) + 1.0

    def transform(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        x = counts[:, self.cols].tocsr() / 2.0  # doubled term weights -> tf
        norm = np.sqrt(np.maximum(x @ self.idf**2, NORM_FLOOR))
        return (sp.diags(1.0 / norm) @ x @ sp.diags(self.idf)).tocsr()


def pairs(c: Corpus, counts: sp.csr_matrix, rows: np.ndarray) -> tuple:
    """PAIRS two-topic stories from ``rows``: two slugs drawn uniformly (so rare slugs pair
    as often as politics does), a story of each from the same corpus; their features,
    targets and weights (as ``targets`` gives them)."""
    rng = np.random.default_rng(SEED)
    by_slug: dict[tuple[str, str], list[int]] = {}
    for i in rows:
        if c.corpus[i] in ("nyt", "huff"):
            by_slug.setdefault((c.corpus[i], str(c.slug[i])), []).append(i)
    a, b = [], []
    for name in ("nyt", "huff"):
        slugs = sorted(s for n, s in by_slug if n == name)
        for _ in range(PAIRS // 2):
            s1, s2 = rng.choice(slugs, 2, replace=False)
            a.append(rng.choice(by_slug[(name, s1)]))
            b.append(rng.choice(by_slug[(name, s2)]))
    y = np.zeros((len(a), len(SLUGS)))
    for k, (i, j) in enumerate(zip(a, b, strict=True)):
        y[k, [SLUGS.index(str(c.slug[i])), SLUGS.index(str(c.slug[j]))]] = 1.0
    return counts[a] + counts[b], y, np.full(y.shape, PAIR_WEIGHT)


def training_set(
    c: Corpus, counts: sp.csr_matrix, rows: np.ndarray, feat: Featurizer
) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    """Features, targets and weights of the stories ``rows`` plus their two-topic pairs."""
    y, w = targets(c)
    pair_x, pair_y, pair_w = pairs(c, counts, rows)
    x = sp.vstack([feat.transform(counts[rows]), feat.transform(pair_x)]).tocsr()
    return x, np.vstack([y[rows], pair_y]), np.vstack([w[rows], pair_w])

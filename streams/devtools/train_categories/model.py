"""The per-slug linear model and its calibration: one LinearSVC per slug, folds
stratified by corpus x original label, held-out decision values by cross-validation, and a
per-slug logistic calibration on the raw score and the margin over the best other slug.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

from streams.devtools.train_categories.data import SEED, SLUGS, Corpus, targets
from streams.devtools.train_categories.features import Featurizer, training_set

SVM_C = 0.5  # inverse regularisation of each per-slug LinearSVC (cross-validated)
# Calibrate on the margin over the best other slug as well as the raw score (else Platt).
CALIBRATE_MARGIN = True


def fit_ovr(x: sp.csr_matrix, y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """(K, F + 1) weights and intercept of one LinearSVC per slug on its weighted rows."""
    out = np.zeros((len(SLUGS), x.shape[1] + 1))
    for k in range(len(SLUGS)):
        rows = np.flatnonzero(w[:, k] > 0)
        svm = LinearSVC(C=SVM_C, intercept_scaling=10, max_iter=5000)
        svm.fit(x[rows], y[rows, k], sample_weight=w[rows, k])
        out[k, :-1], out[k, -1] = svm.coef_[0], svm.intercept_[0]
    return out


def decision(x: sp.csr_matrix, coef: np.ndarray) -> np.ndarray:
    return np.asarray(x @ coef[:, :-1].T) + coef[:, -1]


def folds_of(c: Corpus, k: int) -> np.ndarray:
    """Fold per story, stratified by corpus x original label (rare strata pooled)."""
    strata = [f"{name}:{lab}" for name, lab in zip(c.corpus, c.label, strict=True)]
    size = Counter(strata)
    strata = [s if size[s] >= k else s.split(":")[0] + ":rare" for s in strata]
    fold = np.zeros(len(strata), dtype=int)
    skf = StratifiedKFold(n_splits=k, shuffle=True, random_state=SEED)
    for f, (_, test) in enumerate(skf.split(np.zeros(len(strata)), strata)):
        fold[test] = f
    return fold


def cross_validate(c: Corpus, counts: sp.csr_matrix, fold: np.ndarray) -> np.ndarray:
    """Held-out decision values: each story scored by the model trained on the other folds."""
    scores = np.zeros((len(c.texts), len(SLUGS)))
    for f in range(fold.max() + 1):
        train, test = np.flatnonzero(fold != f), np.flatnonzero(fold == f)
        feat = Featurizer(counts[train])
        coef = fit_ovr(*training_set(c, counts, train, feat))
        scores[test] = decision(feat.transform(counts[test]), coef)
        print(f"  model fold {f + 1}/{fold.max() + 1} done", flush=True)
    return scores


def margins(scores: np.ndarray) -> np.ndarray:
    """Each slug's raw score minus the best other slug's (the runtime's ``Model.scores``)."""
    top = scores.argmax(axis=1)
    ordered = np.sort(scores, axis=1)
    other = np.repeat(ordered[:, -1:], scores.shape[1], axis=1)
    other[np.arange(len(scores)), top] = ordered[:, -2]
    return scores - other


def fit_calibration(scores: np.ndarray, y: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Per slug (a, g, b): p = sigmoid(a * score + g * margin + b), on its example rows."""
    out = np.zeros((len(SLUGS), 3))
    m = margins(scores) if CALIBRATE_MARGIN else np.zeros_like(scores)
    for k in range(len(SLUGS)):
        rows = mask[:, k]
        lr = LogisticRegression(C=1e4).fit(np.c_[scores[rows, k], m[rows, k]], y[rows, k])
        out[k] = *lr.coef_[0], lr.intercept_[0]
    return out


def calibrate(scores: np.ndarray, cal: np.ndarray) -> np.ndarray:
    z = scores * cal[:, 0] + margins(scores) * cal[:, 1] + cal[:, 2]
    return 1.0 / (1.0 + np.exp(-z))


def cross_fitted_probs(c: Corpus, scores: np.ndarray, fold: np.ndarray) -> np.ndarray:
    """Calibrated held-out probabilities: fold f calibrated by fits on the other folds."""
    y, w = targets(c)
    mask = w > 0
    probs = np.zeros_like(scores)
    for f in range(fold.max() + 1):
        other, test = fold != f, fold == f
        cal = fit_calibration(scores[other], y[other], mask[other])
        probs[test] = calibrate(scores[test], cal)
    return probs

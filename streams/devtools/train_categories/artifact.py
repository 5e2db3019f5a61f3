"""The final model and its artifact: trained on every story, quantised to the runtime's
int16 format with the calibration in its header, checked against the runtime
(``streams.enrich.category_model``) and written to ``OUT_PATH``.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from streams.devtools.eval_data import ROOT
from streams.devtools.train_categories.data import SLUGS, Corpus
from streams.devtools.train_categories.features import NORM_FLOOR, Featurizer, training_set
from streams.devtools.train_categories.model import calibrate, decision, fit_ovr
from streams.enrich import categories as cat
from streams.enrich import category_model

OUT_PATH = cat.MODEL_PATH


def export(
    feat: Featurizer, names: list[str], coef: np.ndarray, cal: np.ndarray, meta: dict
) -> tuple[dict, np.ndarray, np.ndarray]:
    """Weights x idf quantised to int16 fields; the calibration goes in the header."""
    contrib = (coef[:, :-1] * feat.idf).T  # (features, slugs): logit per unit of tf / norm
    scale = float(np.floor(category_model.QUANT_LIMIT / np.abs(contrib).max()))
    idf2_scale = float(np.floor(category_model.QUANT_LIMIT / (feat.idf**2).max()))
    head = {
        "version": 2,
        "classes": SLUGS,
        "bias": [float(b) for b in coef[:, -1]],
        "calibration": [[float(v) for v in row] for row in cal],
        "scale": scale,
        "idf2_scale": idf2_scale,
        "norm_floor": NORM_FLOOR,
        "abstain_threshold": meta["abstain_threshold"],
        "meta": meta,
        "vocab": [names[j] for j in feat.cols],
    }
    weights = np.rint(contrib * scale).astype("<i2")
    idf2 = np.rint(feat.idf**2 * idf2_scale).astype("<u2")
    return head, weights, idf2


def parity_check(
    parts: tuple[dict, np.ndarray, np.ndarray], float_probs: np.ndarray, texts: list[str]
) -> None:
    """The runtime must reproduce the float model (quantisation error only)."""
    model = category_model.Model(*parts)
    worst = 0.0
    for text, row in zip(texts, float_probs, strict=True):
        tokens, geo, head = cat.tokenize(text), cat.text_geo_tokens(text), cat.headline_tokens(text)
        got = dict(model.scores(model.logits(tokens, geo, head)))
        worst = max(worst, max(abs(got[s] - row[k]) for k, s in enumerate(SLUGS)))
    print(f"runtime vs float model, max |dp| on {len(texts)} stories: {worst:.2e}")
    if worst > 2e-3:
        raise SystemExit("runtime disagrees with the trained model")


def train_final(
    c: Corpus, counts: sp.csr_matrix, names: list[str], cal: np.ndarray, meta: dict
) -> None:
    feat = Featurizer(counts)
    coef = fit_ovr(*training_set(c, counts, np.arange(len(c.texts)), feat))
    x = feat.transform(counts)
    parts = export(feat, names, coef, cal, meta)
    sample = np.arange(0, len(c.texts), 40)
    parity_check(parts, calibrate(decision(x[sample], coef), cal), [c.texts[i] for i in sample])
    category_model.write_artifact(OUT_PATH, *parts)
    size = OUT_PATH.stat().st_size / 1e6
    print(f"wrote {OUT_PATH.relative_to(ROOT)}: {len(parts[0]['vocab'])} features, {size:.2f} MB")

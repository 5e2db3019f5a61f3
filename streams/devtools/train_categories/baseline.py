"""The standard baseline the model is compared with, on the same folds: scikit-learn
TF-IDF word and character n-grams and one multi-class LinearSVC.
"""

from __future__ import annotations

import numpy as np
from sklearn.svm import LinearSVC

from streams.devtools.train_categories.data import CORPUS_WEIGHT, Corpus

BASELINE_C = 0.5


def baseline_predictions(c: Corpus, fold: np.ndarray) -> list[str]:
    """The standard baseline on the same folds: TF-IDF word 1-2 + char_wb 2-5 n-grams
    (sub-linear tf, L2), one multi-class LinearSVC, same corpus weights, AG World left out."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_union

    y = np.array([s or "" for s in c.slug])
    w = np.array([CORPUS_WEIGHT[name] for name in c.corpus])
    pred = [""] * len(c.texts)
    for f in range(fold.max() + 1):
        train = np.flatnonzero((fold != f) & (y != ""))
        test = np.flatnonzero(fold == f)
        vec = make_union(
            TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=3, sublinear_tf=True),
        )
        x = vec.fit_transform([c.texts[i] for i in train])
        svm = LinearSVC(C=BASELINE_C).fit(x, y[train], sample_weight=w[train])
        for i, p in zip(test, svm.predict(vec.transform([c.texts[i] for i in test])), strict=True):
            pred[i] = str(p)
        print(f"  baseline fold {f + 1}/{fold.max() + 1} done", flush=True)
    return pred

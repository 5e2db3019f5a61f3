"""Train the IPTC category model (streams/enrich/models/categories.bin.gz) and measure it.

Data: ONLY the dev files of ../shared/data/eval-dev (docs/categories.md has the mapping):
NYT-CAP and HuffPost (gold IPTC slugs, with `label_alt`), BBC (5 classes mapped 1:1) and
AG News (Sports / Business / Sci/Tech mapped 1:1). AG "World" is a geographic desk, not a
topic: a World story only teaches that it is NOT sport, business or science-technology, so
it is a negative example of those three slugs and no example at all for the other 14.

Model: one linear classifier per slug (one-vs-rest, scikit-learn LinearSVC) over the
runtime's features (streams.enrich.categories.feature_names) with the runtime's arithmetic
(sub-linear tf steps x idf / sqrt(sum of tf x idf^2)). Calibration, fitted on the
cross-validated scores: per slug, a logistic regression on its raw score and its margin over
the best other slug (streams/enrich/category_model.py) makes each score a probability.

The run: k-fold cross-validation stratified by corpus x original label (each story scored
by the model of the other folds), the same folds for the baseline (scikit-learn TF-IDF word
+ char n-grams, LinearSVC), calibration error and the abstain threshold on the held-out
scores, then the final model on every story, its export and a runtime parity check.

Training-only dependencies: numpy, scipy, scikit-learn (the `train` extra). One core.
Usage: scripts/train_categories [--data DIR] [--folds 5] [--no-save] [--no-baseline]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from streams.devtools.eval_data import eval_data_dir
from streams.devtools.train_categories.artifact import train_final
from streams.devtools.train_categories.baseline import baseline_predictions
from streams.devtools.train_categories.data import FILES, SEED, SLUGS, load, targets
from streams.devtools.train_categories.features import count_matrix
from streams.devtools.train_categories.figures import (
    calibration_figures,
    corpus_figures,
    print_figures,
)
from streams.devtools.train_categories.model import (
    cross_fitted_probs,
    cross_validate,
    fit_calibration,
    folds_of,
)


def main(argv: list[str] | None = None) -> None:
    """`scripts/train_categories` with ``argv`` (default: ``sys.argv[1:]``)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=eval_data_dir())
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--no-save", action="store_true", help="measure only; keep the artifact")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--report", type=Path, help="also write the figures as JSON here")
    args = ap.parse_args(argv)
    missing = [name for name in FILES.values() if not (args.data / name).is_file()]
    if missing:
        ap.error(f"{args.data} lacks the dev file(s) {', '.join(missing)}: pass --data DIR")
    t0 = time.perf_counter()
    c = load(args.data)
    counts, names = count_matrix(args.data, c.texts)
    print(f"{len(c.texts)} stories, {counts.shape[1]} distinct features")
    fold = folds_of(c, args.folds)
    scores = cross_validate(c, counts, fold)
    probs = cross_fitted_probs(c, scores, fold)
    fig = corpus_figures(c, [SLUGS[k] for k in probs.argmax(axis=1)])
    calib = calibration_figures(c, probs)
    report = {"folds": args.folds, "seed": SEED, "model": fig, "calibration": calib}
    print_figures(f"Model, {args.folds}-fold CV (held-out folds)", fig)
    print("  calibration and abstain:", json.dumps(calib))
    if not args.no_baseline:
        report["baseline"] = corpus_figures(c, baseline_predictions(c, fold))
        print_figures("Baseline (TF-IDF word+char, LinearSVC), same folds", report["baseline"])
    if args.report:
        args.report.write_text(json.dumps(report, indent=1))
    if not args.no_save:
        y, w = targets(c)
        meta = {"abstain_threshold": calib["abstain_threshold"], "files": sorted(FILES.values())}
        train_final(c, counts, names, fit_calibration(scores, y, w > 0), meta)
    print(f"done in {time.perf_counter() - t0:.0f}s")

"""The training of the IPTC category model behind `scripts/train_categories` (docs/categories.md),
by role: `data` (the labelled dev stories, targets and weights), `features` (runtime feature
counts, vocabulary and idf, two-topic pairs), `model` (per-slug LinearSVC, folds,
cross-validation, calibration), `figures` (accuracy, calibration error, abstain threshold),
`baseline` (TF-IDF + LinearSVC on the same folds), `artifact` (the final model, its export
and runtime parity check) and `cli` (the flags and the run).

scikit-learn and scipy are training-only dependencies (the `train` extra): `data` and
`figures` need only numpy, and importing this package imports none of the submodules.
"""

from __future__ import annotations

__all__ = ["main"]


def main(argv: list[str] | None = None) -> None:
    """`scripts/train_categories` with ``argv`` (default: ``sys.argv[1:]``); the import is
    here so that importing the package does not need scikit-learn."""
    try:
        from streams.devtools.train_categories.cli import main as run
    except ModuleNotFoundError as exc:  # scikit-learn or scipy: the `train` extra
        raise SystemExit(
            f"train_categories needs {exc.name}: install the training extra with "
            "pip install -e '.[train]'"
        ) from None
    run(argv)

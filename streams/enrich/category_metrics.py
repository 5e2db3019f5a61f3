"""Category quality figures, shared by ``newsstream eval`` and ``scripts/train_categories``.

One definition of each figure, so the cross-validated numbers in ``docs/categories.md`` and
what ``newsstream eval --task category`` prints mean the same thing:

* the label schemes: IPTC files (gold slug plus ``label_alt``), AG News (anything outside
  sport, business and science-technology is its ``World`` desk) and BBC (5 classes);
* strict and lenient accuracy, macro recall, per-topic recall and the most-confused pairs;
* the expected calibration error of the best score.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from schemas.models import CATEGORY_SLUGS

__all__ = [
    "AG_LABELS",
    "BBC_LABELS",
    "ag_label",
    "bbc_label",
    "expected_calibration_error",
    "label_mapper",
    "scheme_of",
    "topic_scores",
]

AG_LABELS = frozenset({"World", "Sports", "Business", "Sci/Tech"})
_AG_MAP = {
    "sport": "Sports",
    "economy-business-finance": "Business",
    "science-technology": "Sci/Tech",
}
_BBC_MAP = {
    "sport": "sport",
    "economy-business-finance": "business",
    "science-technology": "tech",
    "politics": "politics",
    "arts-culture-entertainment-media": "entertainment",
}
#: The BBC News classes (``bbc-dev.jsonl``).
BBC_LABELS = frozenset(_BBC_MAP.values())
_SLUGS = frozenset(CATEGORY_SLUGS)


def ag_label(slug: str | None) -> str:
    """AG News: World is a geographic desk, so every non-mapped topic counts as World."""
    return _AG_MAP.get(slug or "", "World")


def bbc_label(slug: str | None) -> str:
    """BBC: a slug outside the five classes is wrong whatever the gold label."""
    return _BBC_MAP.get(slug or "", f"other:{slug}")


def scheme_of(labels: Sequence[str], has_label_alt: bool = False) -> str:
    """``iptc`` for the IPTC files (their records carry ``label_alt``, or a label only an
    IPTC slug can be), else ``agnews`` or ``bbc``. The label sets overlap ("sport" and
    "politics" are both BBC labels and IPTC slugs), so the fields decide first."""
    if has_label_alt:
        return "iptc"
    if all(lab in AG_LABELS for lab in labels):
        return "agnews"
    if all(lab in BBC_LABELS for lab in labels):
        return "bbc"
    return "iptc"


def label_mapper(scheme: str) -> Callable[[str | None], str]:
    """How a predicted slug is compared with a gold label of ``scheme``."""
    if scheme == "agnews":
        return ag_label
    if scheme == "bbc":
        return bbc_label
    return lambda slug: slug or "none"


def topic_scores(
    gold: Sequence[str],
    pred: Sequence[str],
    alts: Sequence[Sequence[str]] | None = None,
    top_pairs: int = 10,
) -> dict[str, Any]:
    """Strict accuracy (``pred == gold``), lenient accuracy (``pred`` in gold + ``alts``),
    macro recall over the gold labels present, per-label recall with its support, and the
    ``top_pairs`` most-confused label pairs (both directions counted: ``a_as_b`` stories of
    gold ``a`` predicted ``b``, and the reverse). Labels are already mapped."""
    n = len(gold)
    alts = alts if alts is not None else [()] * n
    confusion = Counter(zip(gold, pred, strict=True))
    support = Counter(gold)
    strict = sum(g == p for g, p in zip(gold, pred, strict=True))
    lenient = sum(p == g or p in a for g, p, a in zip(gold, pred, alts, strict=True))
    recall = {
        lab: {"recall": round(confusion[(lab, lab)] / k, 4), "n": k}
        for lab, k in sorted(support.items())
    }
    pairs: Counter[tuple[str, str]] = Counter()
    for (g, p), k in confusion.items():
        if g != p:
            pairs[(min(g, p), max(g, p))] += k
    ranked = sorted(pairs.items(), key=lambda e: (-e[1], e[0]))[:top_pairs]
    confused = [
        {"a": a, "b": b, "n": k, "a_as_b": confusion[(a, b)], "b_as_a": confusion[(b, a)]}
        for (a, b), k in ranked
    ]
    return {
        "strict_accuracy": round(strict / n, 4) if n else 0.0,
        "lenient_accuracy": round(lenient / n, 4) if n else 0.0,
        "macro_recall": round(sum(r["recall"] for r in recall.values()) / len(recall), 4)
        if recall
        else 0.0,
        "recall": recall,
        "confused": confused,
    }


def expected_calibration_error(
    confidence: Sequence[float], correct: Sequence[bool], bins: int = 15
) -> float:
    """Expected calibration error: over ``bins`` equal-width confidence bins, the
    story-weighted mean of |mean confidence - accuracy| (0 = perfectly reliable)."""
    n = len(confidence)
    if not n:
        return 0.0
    sums: dict[int, list[float]] = {}
    for c, ok in zip(confidence, correct, strict=True):
        b = min(int(c * bins), bins - 1)
        acc = sums.setdefault(b, [0.0, 0.0, 0.0])
        acc[0] += 1
        acc[1] += c
        acc[2] += ok
    return sum(abs(s[1] - s[2]) for s in sums.values()) / n

"""IPTC Media Topics top-level news categories: a calibrated probability per slug.

One linear model per slug (one-vs-rest) over word unigrams, bigrams, word prefixes and
headline words plus the enrichment's geo pseudo-tokens (``category_features``), trained by
``scripts/train_categories`` on the dev corpora; ``docs/categories.md`` has the data, the
recipe and every measurement. Each score is the probability that the story is about that
topic, calibrated on cross-validated scores (``category_model``). The scores do not sum to
1: a story about a hospital strike can score over 0.5 on both ``labour`` and ``health``,
which is what routing copies on. A story whose best score is under the model's own abstain
threshold (``abstain_threshold``) is routed to ``news.topic.unclassified`` rather than to
a guess; its ``categories`` still list every slug, best first.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from streams.enrich.category_features import (
    feature_keys,
    feature_weights,
    geo_tokens,
    headline_tokens,
    tokenize,
)
from streams.enrich.category_model import Model, read_artifact

__all__ = [
    "MODEL_PATH",
    "abstain_threshold",
    "abstains",
    "classify",
    "classify_batch",
    "feature_keys",
    "feature_weights",
    "geo_tokens",
    "load_model",
    "text_geo_tokens",
    "tokenize",
]

MODEL_PATH = Path(__file__).resolve().parent / "models" / "categories.bin.gz"


def text_geo_tokens(text: str) -> list[str]:
    """``geo_tokens`` for a bare text via the fast enrichment steps (gazetteer, fast tagger,
    country resolution): what training uses and what ``classify`` does without entity info."""
    from streams.enrich import resolve_entities  # here: the package imports this module

    spans, codes, demonyms = resolve_entities(text, "fast")
    return geo_tokens(codes, spans, demonyms)


_MODEL: Model | None = None


def load_model(path: Path | None = None) -> Model:
    """The trained artifact; the default one is loaded once and cached (lazy import)."""
    global _MODEL
    if path is not None:
        return Model(*read_artifact(path))
    if _MODEL is None:
        _MODEL = Model(*read_artifact(MODEL_PATH))
    return _MODEL


def classify(text: str, geo: Sequence[str] | None = None) -> list[tuple[str, float]]:
    """All 17 IPTC top-level slugs with their calibrated probabilities, best first.

    ``geo``: the story's ``geo_tokens`` if the caller already resolved its entities and
    countries (``enrich_details`` does); without it they are computed from ``text`` by the
    fast enrichment steps (``text_geo_tokens``), which costs a gazetteer + tagger pass.
    """
    text = text or ""
    if geo is None:
        geo = text_geo_tokens(text)
    model = load_model()
    return model.scores(model.logits(tokenize(text), geo, headline_tokens(text)))


def classify_batch(
    texts: list[str], geos: Sequence[Sequence[str]] | None = None
) -> list[list[tuple[str, float]]]:
    """`classify` over many texts (no vectorised speed-up; kept for API symmetry)."""
    if geos is None:
        return [classify(t) for t in texts]
    if len(geos) != len(texts):
        raise ValueError("classify_batch: one geo token list per text")
    return [classify(t, g) for t, g in zip(texts, geos, strict=True)]


def abstain_threshold() -> float:
    """The best score under which a story goes to ``news.topic.unclassified``: chosen on
    held-out dev data by ``scripts/train_categories`` and stored with the model."""
    return load_model().abstain_threshold


def abstains(categories: Sequence[tuple[str, float]]) -> bool:
    """Whether a ``classify`` result is too unsure to route: no slug, or the best one
    under ``abstain_threshold()``."""
    return not categories or categories[0][1] < abstain_threshold()

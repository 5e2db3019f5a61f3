"""Topic names and the routing rule, in one place."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from schemas.models import CATEGORY_SLUGS

#: Where a story goes when no category is sure enough (or the model cannot read it): a
#: routing slug beside the 17 IPTC ones, never one of a story's ``categories``.
UNCLASSIFIED = "unclassified"
_CATEGORY_TOPIC = "news.topic."  # + slug: the per-category topics

#: Attribute -> topic name (before the prefix) of the pipeline's fixed topics.
_FIXED = {
    "raw": "news.raw",
    "enriched": "news.enriched",
    "deadletter": "news.deadletter",
    "unclassified": _CATEGORY_TOPIC + UNCLASSIFIED,
    "country_deltas": "news.country-deltas",  # internal: per-batch count deltas
}


@dataclass(frozen=True, slots=True)
class Topics:
    """Every topic the pipeline reads or writes, with the configured prefix applied."""

    prefix: str = ""
    raw: str = field(init=False)
    enriched: str = field(init=False)
    deadletter: str = field(init=False)
    unclassified: str = field(init=False)
    country_deltas: str = field(init=False)

    def __post_init__(self) -> None:
        for attr, name in _FIXED.items():
            object.__setattr__(self, attr, f"{self.prefix}{name}")

    def category(self, slug: str) -> str:
        """The topic of a routing slug: an IPTC slug, or ``UNCLASSIFIED``."""
        return f"{self.prefix}{_CATEGORY_TOPIC}{slug}"

    def all_category_topics(self) -> list[str]:
        return [self.category(s) for s in CATEGORY_SLUGS]

    def outputs(self) -> list[str]:
        return [self.enriched, self.deadletter, self.unclassified, *self.all_category_topics()]

    def all(self) -> list[str]:
        """Every topic the pipeline uses, inputs and internal ones included: what the
        worker, the compose topics job and the tests create and check."""
        return [self.raw, self.country_deltas, *self.outputs()]


def route_slugs(
    categories: Sequence[tuple[str, float]], threshold: float, abstain_below: float = 0.0
) -> list[str]:
    """The routing slugs of a story (``Topics.category`` names their topics): its best
    category, plus every other category scoring over ``threshold``; only ``UNCLASSIFIED``
    when it has no category or the best scores under ``abstain_below`` (the category
    model's abstain threshold), rather than a guess. ``categories`` is best first."""
    if not categories or categories[0][1] < abstain_below:
        return [UNCLASSIFIED]
    best = categories[0][0]
    return [best, *(slug for slug, score in categories[1:] if score > threshold)]

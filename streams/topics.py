"""Topic names and the routing rule, in one place."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from schemas.models import CATEGORY_SLUGS


@dataclass(frozen=True, slots=True)
class Topics:
    """Every topic the pipeline reads or writes, with the configured prefix applied."""

    prefix: str = ""

    def _t(self, name: str) -> str:
        return f"{self.prefix}{name}"

    @property
    def raw(self) -> str:
        return self._t("news.raw")

    @property
    def enriched(self) -> str:
        return self._t("news.enriched")

    @property
    def deadletter(self) -> str:
        return self._t("news.deadletter")

    @property
    def country_deltas(self) -> str:
        """Internal: per-batch story ids per country, keyed by country code."""
        return self._t("news.country-deltas")

    def category(self, slug: str) -> str:
        return self._t(f"news.topic.{slug}")

    def all_category_topics(self) -> list[str]:
        return [self.category(s) for s in CATEGORY_SLUGS]

    def outputs(self) -> list[str]:
        return [self.enriched, self.deadletter, *self.all_category_topics()]

    def all(self) -> list[str]:
        """Every topic the pipeline uses, inputs and internal ones included: what the
        worker, the compose topics job and the tests create and check."""
        return [self.raw, self.country_deltas, *self.outputs()]


def route_slugs(categories: Sequence[tuple[str, float]], threshold: float) -> list[str]:
    """The category topics a story is copied to: its best category, plus every other
    category scoring over ``threshold``. ``categories`` is best first."""
    if not categories:
        return []
    best = categories[0][0]
    return [best, *(slug for slug, score in categories[1:] if score > threshold)]

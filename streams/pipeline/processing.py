"""The per-story work of the pipeline, independent of any stream framework.

The Faust agent and the benchmark's framework-free limit both call :func:`process_story`,
so the two measure the same work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import orjson

from schemas.models import RawStory
from streams.enrich import enrich_story
from streams.enrich.categories import abstain_threshold
from streams.pipeline.neardup import NearDupIndex
from streams.topics import route_slugs

PIPELINE_VERSION = "newsstream-0.1.0"
#: A story's source when its producer named none: not one publisher, so it has no
#: boilerplate of its own to leave out of near-duplicate matching.
_NO_SOURCE = RawStory.model_fields["source"].default


@dataclass(frozen=True, slots=True)
class Processed:
    record: dict[str, Any]  # the EnrichedStory as a dict
    value: bytes  # the same, as JSON bytes
    slugs: list[str]  # routing slugs (IPTC slugs, or only "unclassified") to copy to
    cluster_id: str
    duplicate_of: str | None


def enriched_record(story: RawStory, tagger: str) -> dict[str, Any]:
    """The EnrichedStory as a plain dict (built directly: pydantic on the hot path is slow)."""
    e = enrich_story(
        story.headline,
        story.body,
        tagger,
        declared_language=story.language,
        feed_terms=story.feed_categories,
    )
    rec = story.model_dump(mode="json", exclude_none=True)
    rec["language"] = e.language  # detected; the declared tag only when the text cannot tell
    rec["entities"] = [
        {"text": s.text, "label": s.label, "start": s.start, "end": s.end}
        | ({"country": s.country} if s.country else {})
        for s in e.entities
    ]
    rec["countries"] = e.countries
    rec["categories"] = [{"slug": slug, "score": round(score, 4)} for slug, score in e.categories]
    rec["enriched_at"] = datetime.now(UTC).isoformat()
    rec["pipeline_version"] = PIPELINE_VERSION
    return rec


def process_story(
    story: RawStory, tagger: str, threshold: float, neardup: NearDupIndex | None = None
) -> Processed:
    """Enrich, mark near-duplicates (when an index is given) and decide the routes: the
    best category plus any other over ``threshold``, or ``unclassified`` when the best is
    under the category model's abstain threshold."""
    return finish_story(story, enriched_record(story, tagger), threshold, neardup)


def finish_story(
    story: RawStory,
    rec: dict[str, Any],
    threshold: float,
    neardup: NearDupIndex | None = None,
    shingles: np.ndarray | None = None,
) -> Processed:
    """:func:`process_story` after the enrichment: ``rec`` is ``enriched_record(story)``;
    ``shingles``, when given, the hashes of its text (``NearDupIndex.shingles``).

    Apart so that a batch can enrich all its stories before it marks any: run one after
    the other per story, the enrichment's tables and the near-duplicate index push each
    other out of the CPU's caches (docs/performance.md).
    """
    cluster_id, duplicate_of = story.id, None
    if neardup is not None:
        source = None if story.source == _NO_SOURCE else story.source
        dup = neardup.check_and_add(story.id, story.text, source, shingles)
        cluster_id, duplicate_of = dup.cluster_id, dup.duplicate_of
        rec["cluster_id"] = cluster_id
        if duplicate_of is not None:
            rec["duplicate_of"] = duplicate_of
    cats = [(c["slug"], c["score"]) for c in rec["categories"]]
    return Processed(
        record=rec,
        value=orjson.dumps(rec),
        slugs=route_slugs(cats, threshold, abstain_threshold()),
        cluster_id=cluster_id,
        duplicate_of=duplicate_of,
    )

"""The per-story work of the pipeline, independent of any stream framework.

The Faust agent and the benchmark's framework-free limit both call :func:`process_story`,
so the two measure the same work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from schemas.models import RawStory
from streams.enrich import enrich_story
from streams.topics import route_slugs

PIPELINE_VERSION = "newsstream-0.1.0"


@dataclass(frozen=True, slots=True)
class Processed:
    story_id: str
    value: bytes  # EnrichedStory as JSON bytes
    slugs: list[str]  # category topics to copy to
    countries: list[str]
    categories: list[tuple[str, float]]


def enriched_record(story: RawStory, tagger: str) -> dict[str, Any]:
    """The EnrichedStory as a plain dict (built directly: pydantic on the hot path is slow)."""
    e = enrich_story(story.headline, story.body, tagger)
    rec = story.model_dump(mode="json", exclude_none=True)
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


def process_story(story: RawStory, tagger: str, threshold: float) -> Processed:
    rec = enriched_record(story, tagger)
    cats = [(c["slug"], c["score"]) for c in rec["categories"]]
    return Processed(
        story_id=story.id,
        value=orjson.dumps(rec),
        slugs=route_slugs(cats, threshold),
        countries=rec["countries"],
        categories=cats,
    )

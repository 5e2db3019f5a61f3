"""Plain value types shared by the enrichment modules (no pydantic on the hot path)."""

from __future__ import annotations

from dataclasses import dataclass, field

from schemas.models import UNDETERMINED_LANGUAGE


@dataclass(slots=True)
class Span:
    """An entity mention: ``text == story_text[start:end]``; ``country`` only for places.

    Not frozen: a frozen dataclass builds each instance through ``object.__setattr__``,
    which costs the fast path noticeably since a story creates dozens of spans
    (docs/enrichment.md). Treat spans as values all the same; nothing hashes them.
    """

    text: str
    label: str  # PER | ORG | LOC | MISC
    start: int
    end: int
    country: str | None = None


@dataclass(slots=True)
class Enrichment:
    entities: list[Span] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)  # sorted unique ISO alpha-2
    categories: list[tuple[str, float]] = field(default_factory=list)  # best first
    language: str = UNDETERMINED_LANGUAGE  # ISO 639-1 or "und" (streams.enrich.language)

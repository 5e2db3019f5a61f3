"""Enrichment without Kafka: a story's text in; its entities (PER/ORG/LOC/MISC with offsets),
the countries it concerns (ISO 3166-1 alpha-2) and its IPTC categories out. ``tagger="fast"``
uses the rule and gazetteer tagger (``fast_tagger``), ``tagger="accurate"`` the CRF
(``ner_crf``); country resolution (``countries``) is the same code for both, so the two differ
only in which spans give the gazetteer its context, and the category classifier
(``categories``) takes its geo features from the same pass. ``tagging`` is the
``newsstream tag`` contract and ``evaluation`` measures all of it against annotated data.
"""

from __future__ import annotations

from schemas.models import story_text
from streams.enrich import categories, countries, fast_tagger, gazetteer
from streams.enrich.types import Enrichment, Span

__all__ = [
    "TAGGERS",
    "Enrichment",
    "Span",
    "enrich_details",
    "enrich_story",
    "enrich_text",
    "non_overlapping",
    "resolve_entities",
]

TAGGERS = ("fast", "accurate")


def non_overlapping(spans: list[Span]) -> list[Span]:
    """One consistent set sorted by start: of overlapping spans the longest (then first) wins."""
    out: list[Span] = []
    for sp in sorted(spans, key=lambda s: (s.start, s.start - s.end)):
        if sp.end <= sp.start:
            continue
        if out and sp.start < out[-1].end:
            if sp.end - sp.start > out[-1].end - out[-1].start:
                out[-1] = sp
            continue
        out.append(sp)
    return out


def _accurate_spans(text: str) -> list[Span]:
    from streams.enrich import ner_crf

    return [Span(s.text, s.label, s.start, s.end) for s in ner_crf.tag_entities(text)]


def resolve_entities(text: str, tagger: str = "fast") -> tuple[list[Span], list[str], set[int]]:
    """Entity spans with their countries, the story's countries, and the starts of spans
    whose country came from a demonym: everything of the enrichment but the categories."""
    if tagger not in TAGGERS:
        raise ValueError(f"unknown tagger {tagger!r}; expected one of {', '.join(TAGGERS)}")
    hits = gazetteer.find(text)
    spans = fast_tagger.tag(text, hits) if tagger == "fast" else _accurate_spans(text)
    return countries.resolve(text, non_overlapping(spans), hits)


def enrich_details(text: str, tagger: str = "fast") -> tuple[Enrichment, set[int]]:
    """The enrichment plus the starts of spans whose country came from a demonym."""
    spans, codes, demonyms = resolve_entities(text, tagger)
    # The classifier's geo features come from this pass (no second gazetteer/tagger run).
    # The model was trained on fast-tagger features; the accurate path gives it its own
    # spans and countries (the ones it reports), so only the entity-derived flags can shift.
    geo = categories.geo_tokens(codes, spans, demonyms)
    return Enrichment(spans, codes, categories.classify(text, geo)), demonyms


def enrich_text(text: str, tagger: str = "fast") -> Enrichment:
    """Entities (offsets into ``text``), countries (sorted ISO alpha-2) and categories."""
    return enrich_details(text, tagger)[0]


def enrich_story(headline: str | None, body: str, tagger: str = "fast") -> Enrichment:
    """Like ``enrich_text`` on ``story_text(headline, body)``, which the offsets point into."""
    return enrich_text(story_text(headline, body), tagger)

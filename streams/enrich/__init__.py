"""Pure enrichment: text in, entities + countries + IPTC categories out. No Kafka here.

INTERFACE CONTRACT (owned by the enrichment helper; implementation pending):
    enrich_text(text: str, tagger: str = "fast") -> Enrichment
"""

from __future__ import annotations

from streams.enrich.types import Enrichment, Span

__all__ = ["Enrichment", "Span", "enrich_text"]


def enrich_text(text: str, tagger: str = "fast") -> Enrichment:
    raise NotImplementedError

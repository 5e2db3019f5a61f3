"""Statistical entity tagger for the `accurate` path (implementation pending: NER helper).

INTERFACE: tag_entities(text: str) -> list[Span]   # label in PER/ORG/LOC/MISC, country None
"""

from __future__ import annotations

from streams.enrich.types import Span


def tag_entities(text: str) -> list[Span]:
    raise NotImplementedError

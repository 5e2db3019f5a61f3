"""An item's own category terms, as ``RawStory.feed_categories`` carries them.

feedparser gives every ``<category>`` (RSS), ``<dc:subject>`` and Atom ``<category>`` of an
entry as a dict in ``entry.tags`` with a ``term`` and, in Atom, often a human ``label``
(``term="esportes" label="Esportes"``). Both are kept, in order, each once; the
enrichment maps the common ones to IPTC slugs (``streams.enrich.feed_categories``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from schemas.models import MAX_FEED_CATEGORIES, MAX_FEED_CATEGORY_CHARS


def feed_terms(tags: Iterable[Mapping[str, Any]] | None) -> list[str] | None:
    """The distinct non-blank labels and terms of an entry's ``tags``, at most
    ``MAX_FEED_CATEGORIES``, each cut to ``MAX_FEED_CATEGORY_CHARS``; None if there are
    none (the field is then left out of the story)."""
    out: list[str] = []
    for tag in tags or ():
        for key in ("label", "term"):
            value = tag.get(key)
            if not isinstance(value, str):
                continue
            value = " ".join(value.split())[:MAX_FEED_CATEGORY_CHARS]
            if value and value not in out:
                out.append(value)
    return out[:MAX_FEED_CATEGORIES] or None

"""Feeds' own category terms as a signal for the IPTC category.

Many feeds file each item under sections or tags of their own (RSS ``<category>``, Atom
``<category term=...>``): "Deportes", "Wirtschaft", "体育", "খেলা". Where such a term names a
topic, it is the publisher's word on what the story is about, in any language, including
the ones the category model cannot read. ``data/feed_categories.tsv`` maps common section
names in the 20 main news languages to IPTC slugs (documented in the file and in
docs/enrichment.md); :func:`slugs` looks terms up, :func:`blend` mixes the slugs found into
the model's scores.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

from schemas.models import CATEGORY_SLUGS

DATA_PATH = Path(__file__).resolve().parent / "data" / "feed_categories.tsv"
#: Weight of the feed's slugs against the model's scores: the publisher's filing counts as
#: much as the model, so one mapped slug always ends first and at or above 0.5.
FEED_WEIGHT = 0.5

_SPACES = re.compile(r"\s+")
_SEPARATORS = re.compile(r"\s*[/>|,;&·:»]\s*")


def normalise(term: str) -> str:
    """NFKC, case-folded, whitespace collapsed: how terms are compared."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", term).casefold()).strip(" #")


@functools.cache
def table() -> dict[str, str]:
    """Normalised term -> slug, read once from :data:`DATA_PATH`."""
    out: dict[str, str] = {}
    for n, line in enumerate(DATA_PATH.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        slug, _lang, terms = line.split("\t")
        if slug not in CATEGORY_SLUGS:
            raise ValueError(f"{DATA_PATH.name}:{n}: {slug!r} is not an IPTC slug")
        for term in map(normalise, terms.split("|")):
            if out.setdefault(term, slug) != slug:
                raise ValueError(f"{DATA_PATH.name}:{n}: {term!r} maps to two slugs")
    return out


def slugs(terms: Iterable[str] | None) -> list[str]:
    """The IPTC slugs the terms name, in order of first mention, each once.

    A term is looked up whole, else part by part (split at ``/ > | , ; & · : »``), so
    "Sport > Fußball" and "Politik & Gesellschaft" are understood.
    """
    known = table()
    found: list[str] = []
    for term in terms or ():
        key = normalise(term)
        parts = [key] if key in known else _SEPARATORS.split(key)
        for part in parts:
            slug = known.get(part)
            if slug is not None and slug not in found:
                found.append(slug)
    return found


def blend(scores: Sequence[tuple[str, float]], feed: Sequence[str]) -> list[tuple[str, float]]:
    """The model's ``scores`` (every slug, best first) mixed with the feed's slugs:
    ``(1 - FEED_WEIGHT) * score`` plus ``FEED_WEIGHT`` shared evenly by the feed's slugs.
    Still a probability over the slugs, best first; unchanged when the feed names none."""
    if not feed:
        return list(scores)
    share = FEED_WEIGHT / len(feed)
    keep = 1.0 - FEED_WEIGHT
    mixed = [(slug, keep * score + (share if slug in feed else 0.0)) for slug, score in scores]
    mixed.sort(key=lambda item: -item[1])
    return mixed

"""An entry's category terms for ``RawStory.feed_categories``: labels and terms, each once,
bounded like the contract."""

from __future__ import annotations

from schemas.models import MAX_FEED_CATEGORIES, MAX_FEED_CATEGORY_CHARS, RawStory
from streams.sources.feeds.categories import feed_terms


def test_labels_and_terms_in_order_each_once() -> None:
    tags = [
        {"term": "esportes", "scheme": None, "label": "Esportes"},
        {"term": "Sport", "scheme": "http://example.org/sections"},
        {"term": "  Sport  ", "label": None},
        {"term": "", "label": ""},
        {"term": 7},
    ]
    assert feed_terms(tags) == ["Esportes", "esportes", "Sport"]


def test_none_without_terms() -> None:
    assert feed_terms(None) is None
    assert feed_terms([]) is None
    assert feed_terms([{"term": "   "}]) is None


def test_bounded_so_the_story_stays_valid() -> None:
    tags = [{"term": f"tag {i} " + "x" * 300} for i in range(MAX_FEED_CATEGORIES + 10)]
    terms = feed_terms(tags)
    assert terms is not None and len(terms) == MAX_FEED_CATEGORIES
    assert all(len(t) == MAX_FEED_CATEGORY_CHARS for t in terms)
    story = RawStory(body="b", feed_categories=terms)
    assert story.feed_categories == terms

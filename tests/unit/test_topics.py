from schemas.models import CATEGORY_SLUGS
from streams.topics import UNCLASSIFIED, Topics, route_slugs


def test_route_best_plus_over_threshold() -> None:
    cats = [("politics", 0.8), ("conflict-war-peace", 0.55), ("crime-law-justice", 0.5)]
    assert route_slugs(cats, 0.5) == ["politics", "conflict-war-peace"]
    assert route_slugs([("sport", 0.3), ("health", 0.2)], 0.5) == ["sport"]


def test_route_unsure_or_empty_to_unclassified() -> None:
    cats = [("sport", 0.3), ("health", 0.2)]
    assert route_slugs(cats, 0.5, abstain_below=0.35) == [UNCLASSIFIED]
    assert route_slugs(cats, 0.5, abstain_below=0.3) == ["sport"]  # not under it: routed
    assert route_slugs([], 0.5) == [UNCLASSIFIED]
    assert Topics("acme.").category(UNCLASSIFIED) == Topics("acme.").unclassified


def test_topic_names_and_prefix() -> None:
    t = Topics("acme.")
    assert t.raw == "acme.news.raw" and t.category("sport") == "acme.news.topic.sport"
    assert len(t.all_category_topics()) == len(CATEGORY_SLUGS) == 17
    assert t.unclassified not in t.all_category_topics()
    assert t.deadletter in t.outputs() and t.unclassified in t.outputs()


def test_all_is_every_topic_once_prefixed() -> None:
    t = Topics("acme.")
    every = t.all()
    assert len(every) == len(set(every)) == 5 + len(CATEGORY_SLUGS)
    assert set(every) == {
        "acme.news.raw",
        "acme.news.enriched",
        "acme.news.deadletter",
        "acme.news.topic.unclassified",
        "acme.news.country-deltas",
        *(f"acme.news.topic.{slug}" for slug in CATEGORY_SLUGS),
    }
    assert every[:2] == [t.raw, t.country_deltas]

"""The per-story work of the pipeline (streams/pipeline/processing.py): the enriched record,
near-duplicate marking and the category routes."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson

from schemas.models import EnrichedStory, RawStory
from streams.pipeline.neardup import NearDupIndex
from streams.pipeline.processing import PIPELINE_VERSION, process_story

BODY = (
    "France and Germany agreed on Monday in Berlin to cut tariffs on steel and cars, the two "
    "governments said, after talks that lasted into the night. Officials from both countries "
    "said the deal would take effect next year and would be reviewed by the European Union."
)


def _story(sid: str, body: str = BODY, **kw: object) -> RawStory:
    return RawStory.model_validate({"id": sid, "headline": "Trade talks", "body": body, **kw})


def test_record_is_a_valid_enriched_story() -> None:
    story = _story("s1", url="https://example.com/a", received_at="2024-05-01T10:00:00Z")
    out = process_story(story, "fast", threshold=0.5)
    rec = out.record
    assert orjson.loads(out.value) == rec
    enriched = EnrichedStory.model_validate(rec)
    assert enriched.id == "s1" and enriched.url == "https://example.com/a"
    assert rec["received_at"] == "2024-05-01T10:00:00Z"
    assert "published_at" not in rec  # None fields are left out, not written as null
    assert rec["pipeline_version"] == PIPELINE_VERSION
    assert datetime.fromisoformat(rec["enriched_at"]).tzinfo == UTC
    assert {"DE", "FR"} <= set(rec["countries"])
    text = story.text
    assert rec["entities"], "the story names places"
    for ent in rec["entities"]:
        assert text[ent["start"] : ent["end"]] == ent["text"]
    places = {e["text"]: e.get("country") for e in rec["entities"]}
    assert places["Berlin"] == "DE"
    scores = [c["score"] for c in rec["categories"]]
    assert scores == sorted(scores, reverse=True)
    assert all(round(s, 4) == s for s in scores)


def test_routes_best_category_plus_those_over_the_threshold() -> None:
    story = _story("s2")
    cats = process_story(story, "fast", threshold=1.0).record["categories"]
    best, second = cats[0], cats[1]
    assert process_story(story, "fast", threshold=1.0).slugs == [best["slug"]]
    below_second = process_story(story, "fast", threshold=second["score"] - 1e-6).slugs
    assert below_second[:2] == [best["slug"], second["slug"]]
    assert process_story(story, "fast", threshold=second["score"]).slugs == [best["slug"]]


def test_a_story_without_a_sure_category_is_routed_to_unclassified() -> None:
    story = RawStory.model_validate(
        {"id": "s9", "headline": "Neues Gesetz", "body": "Der Bundesrat hat zugestimmt."}
    )
    out = process_story(story, "fast", threshold=0.5)
    assert out.slugs == ["unclassified"]
    assert len(out.record["categories"]) == 17  # every slug still listed, best first
    assert "unclassified" not in {c["slug"] for c in out.record["categories"]}


def test_without_an_index_every_story_is_its_own_cluster() -> None:
    out = process_story(_story("s3"), "fast", threshold=0.5)
    assert out.cluster_id == "s3" and out.duplicate_of is None
    assert "cluster_id" not in out.record and "duplicate_of" not in out.record


def test_near_duplicates_are_marked_with_the_first_story() -> None:
    index = NearDupIndex(threshold=0.5, window=100)
    first = process_story(_story("a"), "fast", 0.5, index)
    assert first.cluster_id == "a" and first.duplicate_of is None
    assert first.record["cluster_id"] == "a" and "duplicate_of" not in first.record

    edited = BODY.replace("on Monday", "late on Monday").replace("said", "says")
    again = process_story(_story("b", edited), "fast", 0.5, index)
    assert (again.cluster_id, again.duplicate_of) == ("a", "a")
    assert again.record["cluster_id"] == "a" and again.record["duplicate_of"] == "a"
    assert orjson.loads(again.value)["duplicate_of"] == "a"

    other = process_story(
        _story("c", "The central bank of Japan kept interest rates unchanged in Tokyo."),
        "fast",
        0.5,
        index,
    )
    assert other.cluster_id == "c" and other.duplicate_of is None

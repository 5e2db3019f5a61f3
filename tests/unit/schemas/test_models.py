from datetime import UTC, datetime, timedelta
from typing import get_args

import pytest
from pydantic import ValidationError

from schemas.export import SCHEMA_DIR, rendered
from schemas.models import (
    CATEGORY_SLUGS,
    EARLIEST_DATE,
    FUTURE_SLACK,
    MAX_ID_CHARS,
    CategoryScore,
    CategorySlug,
    DeadLetter,
    EnrichedStory,
    RawStory,
    is_plausible_date,
    story_id_for,
    story_text,
)


def test_json_schema_files_are_current() -> None:
    for fname, text in rendered().items():
        path = SCHEMA_DIR / fname
        assert path.exists(), f"{fname} missing: run python -m schemas.export"
        assert path.read_text() == text, f"{fname} is stale: run python -m schemas.export"


def test_raw_story_defaults_and_stable_id() -> None:
    s = RawStory.model_validate({"body": "Some  body", "headline": "A head", "extra": 1})
    assert s.source == "unknown" and s.language is None  # unknown is not English
    assert s.id == story_id_for("A head", "Some  body")
    # normalisation: case and whitespace do not change the id
    assert story_id_for("a HEAD", "some body") == s.id
    assert s.text == "A head\n\nSome  body"
    assert story_text(None, "b") == "b"


def test_raw_story_round_trip() -> None:
    s = RawStory(id="x", body="b", published_at=datetime(2024, 5, 1, tzinfo=UTC))
    assert RawStory.from_bytes(s.to_bytes()) == s


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"body": ""},
        {"body": "  "},
        {"body": 3},
        {"body": "a\x00b"},
        {"body": "x", "published_at": "1066-10-14T00:00:00Z"},
    ],
)
def test_raw_story_rejects(payload: dict) -> None:
    with pytest.raises(ValidationError):
        RawStory.model_validate(payload)


def test_enriched_story_round_trip() -> None:
    e = EnrichedStory(
        id="x",
        body="Putin spoke.",
        entities=[{"text": "Putin", "label": "PER", "start": 0, "end": 5}],
        countries=["RU"],
        categories=[{"slug": "politics", "score": 0.9}],
        enriched_at=datetime.now(UTC),
        pipeline_version="t",
    )
    assert EnrichedStory.from_bytes(e.to_bytes()) == e


def test_dead_letter_is_lossless_for_binary() -> None:
    raw = bytes(range(256))
    dl = DeadLetter.build(
        key=b"\x00k", value=raw, reason="not_utf8", error="e", topic="t", partition=1, offset=7
    )
    back = DeadLetter.from_bytes(dl.to_bytes())
    assert back.original_value() == raw and back.original_key() == b"\x00k"
    assert not back.value_truncated and back.value_size == 256


def test_category_slugs_are_the_literal_in_order() -> None:
    assert get_args(CategorySlug) == CATEGORY_SLUGS
    assert len(CATEGORY_SLUGS) == len(set(CATEGORY_SLUGS)) == 17
    assert CATEGORY_SLUGS[0] == "arts-culture-entertainment-media"
    assert CATEGORY_SLUGS[-1] == "weather"
    for slug in CATEGORY_SLUGS:
        assert CategoryScore(slug=slug, score=0.5).slug == slug
    with pytest.raises(ValidationError):
        CategoryScore.model_validate({"slug": "not-a-category", "score": 0.5})


def test_date_bounds_are_inclusive_and_shared_by_the_contract() -> None:
    now = datetime.now(UTC)
    assert is_plausible_date(EARLIEST_DATE)
    assert not is_plausible_date(EARLIEST_DATE - timedelta(seconds=1))
    assert is_plausible_date(now + FUTURE_SLACK - timedelta(minutes=1))
    assert not is_plausible_date(now + FUTURE_SLACK + timedelta(minutes=1))
    too_late = (now + FUTURE_SLACK + timedelta(hours=1)).isoformat()
    with pytest.raises(ValidationError, match=r"outside 1800\.\.now"):
        RawStory.model_validate({"body": "x", "published_at": too_late})
    assert RawStory(body="x", published_at=EARLIEST_DATE).published_at == EARLIEST_DATE


def test_id_length_limit() -> None:
    assert RawStory(id="i" * MAX_ID_CHARS, body="x").id == "i" * MAX_ID_CHARS
    with pytest.raises(ValidationError):
        RawStory(id="i" * (MAX_ID_CHARS + 1), body="x")

"""The ingest path never raises: any bytes give a story or a rejection with a reason."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.models import RawStory
from streams.pipeline.decode import Limits, Rejection, decode_story

REASONS = {
    "empty",
    "oversized",
    "not_utf8",
    "invalid_json",
    "wrong_shape",
    "too_deep",
    "missing_body",
    "nul_bytes",
    "bad_date",
    "invalid_fields",
}


def test_good_story() -> None:
    s = decode_story(b'{"id": "1", "body": "Hello from Lima.", "unknown": [1, 2]}')
    assert isinstance(s, RawStory) and s.id == "1" and s.received_at is not None


def test_limits_are_configurable() -> None:
    r = decode_story(b'{"body": "' + b"x" * 2000 + b'"}', Limits(max_bytes=1024))
    assert isinstance(r, Rejection) and r.reason == "oversized"
    r = decode_story(b'{"body": "x", "a": [[[1]]]}', Limits(max_depth=3))
    assert isinstance(r, Rejection) and r.reason == "too_deep"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(data: bytes) -> None:
    r = decode_story(data)
    assert isinstance(r, RawStory) or (isinstance(r, Rejection) and r.reason in REASONS and r.error)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda kids: (
        st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=8), kids, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_arbitrary_json(value: object) -> None:
    r = decode_story(json.dumps(value).encode())
    assert isinstance(r, RawStory) or (isinstance(r, Rejection) and r.reason in REASONS)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["id", "headline", "body", "url", "published_at", "source", "language"]),
        json_values,
        max_size=7,
    )
)
def test_arbitrary_story_shaped_json(value: dict) -> None:
    r = decode_story(json.dumps(value).encode())
    if isinstance(r, RawStory):
        assert r.body.strip() and r.id
    else:
        assert r.reason in REASONS

"""Trend windows and scores over count rows (streams/pipeline/trending.py)."""

from __future__ import annotations

import pytest

from streams.pipeline.counting import EMPTY_ROW, NO_WINDOW, apply_delta
from streams.pipeline.trending import parse_window, trending


def test_parse_window() -> None:
    assert parse_window("1h", 3600) == 3600
    assert parse_window("1d", 3600) == 86400
    assert parse_window("7200", 3600) == 7200
    for bad in ("7m", "0h", "abc", "-1h"):
        with pytest.raises(ValueError):
            parse_window(bad, 3600)


def test_trend_score_guards_small_numbers() -> None:
    h = 3600
    rows = {
        "US": [10, 5, {str(0): 5, str(h): 5, str(2 * h): 5}],  # steady
        "KE": [3, 7, {str(2 * h): 3}],  # new this hour
        "#sport": [2, 9, {str(h): 2}],  # nothing now
    }
    res = trending(rows, size=h, base=h, limit=10)
    assert res["previous_windows"] == 2
    countries = {e["key"]: e for e in res["countries"]}
    assert countries["KE"]["score"] == 4.0  # (3 + 1) / (0 + 1)
    assert countries["US"]["score"] == 1.0  # (5 + 1) / (5 + 1)
    assert [e["key"] for e in res["countries"]] == ["KE", "US"]
    assert res["categories"] == []  # sport had no story in the current window
    coarse = trending(rows, size=2 * h, base=h, limit=10)
    assert {e["key"]: e["count"] for e in coarse["countries"]} == {"US": 5, "KE": 3}


def test_categories_limit_and_empty_rows() -> None:
    h = 3600
    rows = {f"#c{i}": [i, 0, {str(h): i}, {}] for i in range(1, 6)}
    res = trending(rows, size=h, base=h, limit=2)
    assert [e["key"] for e in res["categories"]] == ["c5", "c4"]  # "#" stripped, best first
    assert res["window_start"] == "1970-01-01T01:00:00+00:00"
    assert trending({"FR": [0, -1, {}, {}]}, size=h, base=h, limit=5) == {
        "window": "3600s",
        "window_start": None,
        "countries": [],
        "categories": [],
    }


def test_undated_stories_are_counted_but_do_not_trend() -> None:
    """A feed without dates (all its items at NO_WINDOW) must not lead the trends: its
    stories are in the totals, the windows hold the dated ones only."""
    h = 3600
    undated = [[0, offset, NO_WINDOW] for offset in range(50)]
    us = apply_delta(list(EMPTY_ROW), 1, undated, 7 * 86400)
    jp = apply_delta(list(EMPTY_ROW), 2, [[1, 0, 10 * h], [1, 1, 10 * h]], 7 * 86400)
    assert us is not None and jp is not None
    assert us[0] == 50 and us[2] == {}  # counted, in no window
    res = trending({"US": us, "JP": jp}, size=h, base=h, limit=10)
    assert [e["key"] for e in res["countries"]] == ["JP"]
    assert res["window_start"] == "1970-01-01T10:00:00+00:00"
    only_undated = trending({"US": us}, size=h, base=h, limit=10)
    assert only_undated["window_start"] is None and only_undated["countries"] == []

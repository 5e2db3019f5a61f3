"""``GET /countries/{code}/`` on the owning worker: 404 with a reason for an unknown code,
200 with count 0 for a country not seen yet (the view with fakes of the app it reads)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest

from streams.web.countries import REBALANCING, _country, gather_rows

ME = "http://127.0.0.1:6066"


class _Web:
    def json(self, data: Any, status: int = 200) -> tuple[int, Any]:
        return status, data


def _news(rows: dict[str, Any], rebalancing: bool = False) -> Any:
    counts = SimpleNamespace(
        name="country_counts",
        changelog_topic=SimpleNamespace(get_topic_name=lambda: "changelog"),
        get=rows.get,
    )
    router = SimpleNamespace(table_metadata=lambda name: {ME: {"changelog": [0]}})
    app = SimpleNamespace(
        conf=SimpleNamespace(canonical_url=ME), router=router, rebalancing=rebalancing
    )
    return SimpleNamespace(app=app, counts=counts, partition_of=lambda key: 0)


def get(
    code: str, rows: dict[str, Any] | None = None, rebalancing: bool = False
) -> tuple[int, Any]:
    news = _news(rows or {}, rebalancing)
    result: tuple[int, Any] = asyncio.run(_country(_Web(), news, code))
    return result


@pytest.mark.parametrize("code", ["XX", "zz", "abc", "1A", "sport"])
def test_an_unknown_code_is_404_with_a_reason(code: str) -> None:
    status, body = get(code)
    assert status == 404
    assert body == {"error": f"unknown country code {code!r}: expected ISO 3166-1 alpha-2, e.g. DE"}


def test_a_country_not_seen_yet_counts_0_and_a_seen_one_its_count() -> None:
    assert get("de") == (200, {"country": "DE", "count": 0})
    assert get("FR", {"FR": [7, 0, {}, {}]}) == (200, {"country": "FR", "count": 7})
    # a code the tagger emits outside ISO 3166-1 (Kosovo) answers once it was seen
    assert get("XK", {"XK": [2, 0, {}, {}]}) == (200, {"country": "XK", "count": 2})


def test_a_rebalancing_worker_answers_503_not_its_old_count() -> None:
    status, body = get("FR", {"FR": [7, 0, {}, {}]}, rebalancing=True)
    assert status == 503
    assert "rebalancing" in body["error"]


def test_the_gathered_counts_of_a_rebalancing_worker_are_not_complete() -> None:
    news = _news({})
    news.app.rebalancing = True
    news.local_rows = lambda: {"FR": [7, 0, {}, {}]}
    rows, errors = asyncio.run(gather_rows(news))
    assert rows == {"FR": [7, 0, {}, {}]}
    assert errors == [f"{ME}: {REBALANCING}"]
    news.app.rebalancing = False
    assert asyncio.run(gather_rows(news)) == (rows, [])

"""``/stats/``: the dashboard header's numbers, read from the Prometheus counters."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from streams.settings import Settings
from streams.telemetry import metrics
from streams.web.stats import local_stats, merge_stats
from streams.worker import build_worker


def test_local_stats_reads_the_counters_every_label_summed() -> None:
    before = local_stats(started=100.0)
    metrics.stories_enriched.inc(3)
    metrics.duplicates.inc(2)
    metrics.dead_letters.labels("invalid_json").inc(4)
    metrics.dead_letters.labels("empty").inc(1)
    metrics.events_in.labels("t.news.raw").inc(10)
    after = local_stats(started=100.0)
    assert after["processed"] - before["processed"] == 3
    assert after["duplicates"] - before["duplicates"] == 2
    assert after["dead_lettered"] - before["dead_lettered"] == 5
    assert after["events_in"] - before["events_in"] == 10
    reasons, was = after["dead_letter_reasons"], before["dead_letter_reasons"]
    assert reasons["invalid_json"] - was.get("invalid_json", 0) == 4
    assert after["started"] == 100.0


def _part(processed: int, started: float, **reasons: int) -> dict[str, Any]:
    return {
        "events_in": processed + sum(reasons.values()),
        "processed": processed,
        "dead_lettered": sum(reasons.values()),
        "duplicates": 1,
        "near_duplicates": 0,
        "dead_letter_reasons": reasons,
        "started": started,
    }


def test_merge_sums_the_workers_and_keeps_the_oldest_start() -> None:
    merged = merge_stats([_part(700, 200.0, empty=2), _part(490, 60.0, empty=1, oversized=4)])
    assert merged["processed"] == 1190
    assert merged["dead_lettered"] == 7
    assert merged["dead_letter_reasons"] == {"empty": 3, "oversized": 4}
    assert merged["duplicates"] == 2 and merged["workers"] == 2
    assert merged["since"] == "1970-01-01T00:01:00Z"
    assert merge_stats([])["since"] is None


def test_a_lone_worker_answers_its_own_counts() -> None:
    """No broker: no peer owns part of the table, so /stats/ is this worker's counts."""
    news = build_worker(Settings(topic_prefix="u.", app_id="unit-stats", partitions=3))

    async def get(*paths: str) -> list[tuple[int, dict[str, Any]]]:
        web_app = getattr(news.app.web, "web_app")  # noqa: B009 (aiohttp under Faust's Web)
        async with TestClient(TestServer(web_app)) as client:
            return [(r.status, await r.json()) for r in [await client.get(p) for p in paths]]

    metrics.stories_enriched.inc(5)
    (status, body), (own_status, own) = asyncio.run(get("/stats/", "/internal/stats/"))
    assert status == 200 and body["complete"] is True and body["workers"] == 1
    assert body["processed"] == local_stats(0.0)["processed"] >= 5
    assert body["since"] is not None and body["errors"] == []
    assert own_status == 200 and own["processed"] == body["processed"] and own["started"] > 0

"""The worker is built from settings alone, with no broker and nothing done at import."""

from __future__ import annotations

import subprocess
import sys

import pytest
from aiokafka.partitioner import DefaultPartitioner

from streams.settings import Settings
from streams.worker import build_worker
from streams.worker.app import create_app


@pytest.fixture(scope="module")
def news():  # type: ignore[no-untyped-def]
    return build_worker(Settings(topic_prefix="u.", app_id="unit-app", partitions=3))


def test_importing_the_worker_and_web_packages_patches_and_builds_nothing() -> None:
    code = (
        "from faust.transport.consumer import Consumer\n"
        "original = Consumer._drain_messages\n"
        "import streams.worker, streams.worker.app, streams.web, streams.web.countries\n"
        "print(Consumer._drain_messages is original, hasattr(streams.worker.app, 'app'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "False"]


def test_agents_tables_and_topics_come_from_the_settings(news) -> None:  # type: ignore[no-untyped-def]
    assert set(news.app.agents) == {"process", "count"}
    assert news.raw_topic.get_topic_name() == "u.news.raw"
    assert news.deltas_topic.get_topic_name() == "u.news.country-deltas"
    assert set(news.app.tables) == {"dedupe", "country_counts"}
    assert news.app.conf.id == "unit-app"


def test_every_view_is_registered(news) -> None:  # type: ignore[no-untyped-def]
    paths = {r.canonical for r in news.app.web.web_app.router.resources()}
    assert {
        "/countries/",
        "/countries/{code}/",
        "/trending/",
        "/metrics",
        "/health/",
        "/",
        "/events/",
        "/latest/",
    } <= paths


def test_rows_live_where_the_default_partitioner_puts_their_key() -> None:
    news = create_app(Settings(partitions=6))
    partitioner, parts = DefaultPartitioner(), list(range(6))
    keys = ["US", "FR", "DE", "CN", "#sport", "#politics", "#health"]
    assert [news.partition_of(k) for k in keys] == [
        partitioner(k.encode(), parts, parts) for k in keys
    ]


def test_producer_settings_come_from_the_one_definition_of_each() -> None:
    from streams.worker.app import WORKER_LINGER_MS, _app_options

    default = _app_options(Settings())
    assert default["producer_linger_ms"] == WORKER_LINGER_MS
    assert default["producer_acks"] == -1
    assert default["producer_max_request_size"] == Settings().max_request_bytes
    tuned = _app_options(Settings(producer_linger_ms=7, producer_acks="1"))
    assert (tuned["producer_linger_ms"], tuned["producer_acks"]) == (7, 1)


@pytest.mark.parametrize("guarantee", ["at_least_once", "exactly_once"])
def test_the_processing_guarantee_reaches_faust(guarantee: str) -> None:
    s = Settings(broker_engine="kafka", processing_guarantee=guarantee)  # type: ignore[arg-type]
    assert create_app(s).app.conf.processing_guarantee.value == guarantee

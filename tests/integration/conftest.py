"""Fixtures of the integration suite. The broker address comes from ONE fixture
(`kafka_url`), so the whole suite runs unchanged against the embedded Tansu broker (default)
or Apache Kafka through testcontainers (``NEWSSTREAM_TEST_BROKER=testcontainers``)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from streams.local.broker import EmbeddedBroker
from streams.local.stack import start_local_broker
from tests.integration.harness import Pipeline


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedBroker | None]:
    """The embedded broker, started on a free port for the session (None with Kafka)."""
    if os.environ.get("NEWSSTREAM_TEST_BROKER") == "testcontainers":
        yield None
        return
    b = start_local_broker(tmp_path_factory.mktemp("broker"))
    try:
        yield b
    finally:
        b.stop()


@pytest.fixture(scope="session")
def kafka_url(broker: EmbeddedBroker | None) -> Iterator[str]:
    """``kafka://host:port`` of the broker under test."""
    if broker is not None:
        yield broker.url
        return
    from tests.integration.kafka_container import kafka_container

    with kafka_container() as bootstrap:
        yield f"kafka://{bootstrap}"


@pytest.fixture
def pipeline(kafka_url: str, tmp_path: Path) -> Iterator[Pipeline]:
    with Pipeline(kafka_url, tmp_path) as p:
        yield p


@pytest.fixture
def pipeline4(kafka_url: str, tmp_path: Path) -> Iterator[Pipeline]:
    """A pipeline with 4 partitions: two workers each own several, as on a cluster."""
    with Pipeline(kafka_url, tmp_path, {"NEWSSTREAM_PARTITIONS": "4"}) as p:
        yield p


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is an integration test, marked or not, so that
    ``-m "not integration"`` selects exactly the unit suite."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.integration)

"""Fixtures of the integration suite. The broker address comes from ONE fixture
(`kafka_url`), so the whole suite runs unchanged on the engine ``NEWSSTREAM_TEST_BROKER``
names: ``tansu`` (the embedded broker, the default), ``kafka`` (Apache Kafka, one local
single-node KRaft JVM for the session, fetched by Maven on first use) or ``testcontainers``
(Apache Kafka in a Docker container)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from streams.local.engine import Broker
from streams.local.stack import start_engine
from tests.integration.harness import Pipeline

#: NEWSSTREAM_TEST_BROKER values; unset means tansu.
TEST_BROKERS = ("tansu", "kafka", "testcontainers")


def broker_under_test() -> str:
    """The engine this session tests on (``NEWSSTREAM_TEST_BROKER``, default tansu)."""
    name = os.environ.get("NEWSSTREAM_TEST_BROKER") or "tansu"
    if name not in TEST_BROKERS:
        raise pytest.UsageError(
            f"NEWSSTREAM_TEST_BROKER={name!r}: pick one of {', '.join(TEST_BROKERS)}"
        )
    return name


@pytest.fixture(scope="session")
def engine() -> str:
    """The broker engine the workers are told about (NEWSSTREAM_BROKER_ENGINE)."""
    return "tansu" if broker_under_test() == "tansu" else "kafka"


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Broker | None]:
    """The session's local broker on free ports (None with testcontainers)."""
    name = broker_under_test()
    if name == "testcontainers":
        yield None
        return
    b = start_engine(tmp_path_factory.mktemp("broker"), name)
    try:
        yield b
    finally:
        b.stop()


@pytest.fixture(scope="session")
def kafka_url(broker: Broker | None) -> Iterator[str]:
    """``kafka://host:port`` of the broker under test."""
    if broker is not None:
        yield broker.url
        return
    from tests.integration.kafka_container import kafka_container

    with kafka_container() as bootstrap:
        yield f"kafka://{bootstrap}"


@pytest.fixture
def pipeline(kafka_url: str, engine: str, tmp_path: Path) -> Iterator[Pipeline]:
    with Pipeline(kafka_url, tmp_path, engine=engine) as p:
        yield p


@pytest.fixture
def pipeline4(kafka_url: str, engine: str, tmp_path: Path) -> Iterator[Pipeline]:
    """A pipeline with 4 partitions: two workers each own several, as on a cluster."""
    with Pipeline(kafka_url, tmp_path, {"NEWSSTREAM_PARTITIONS": "4"}, engine=engine) as p:
        yield p


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is an integration test, marked or not, so that
    ``-m "not integration"`` selects exactly the unit suite."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.integration)

"""Shared fixtures. The broker address comes from ONE fixture (`kafka_url`), so the whole
integration suite runs unchanged against the embedded Tansu broker (default) or Apache
Kafka through testcontainers (``NEWSSTREAM_TEST_BROKER=testcontainers``)."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from streams.local.broker import EmbeddedBroker, free_port, start_broker
from streams.local.worker_process import WorkerProcess, start_worker
from streams.settings import Settings
from streams.topics import Topics


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedBroker | None]:
    """The embedded broker, started on a free port for the session (None with Kafka)."""
    if os.environ.get("NEWSSTREAM_TEST_BROKER") == "testcontainers":
        yield None
        return
    log = tmp_path_factory.mktemp("broker") / "broker.log"
    b = start_broker("127.0.0.1", free_port(), log_path=log)
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


class Pipeline:
    """One isolated pipeline (own topic prefix and consumer group) on the shared broker."""

    def __init__(self, kafka_url: str, tmp: Path, env: dict[str, str] | None = None):
        self.prefix = f"t{uuid.uuid4().hex[:8]}."
        self.env = {
            "NEWSSTREAM_TOPIC_PREFIX": self.prefix,
            "NEWSSTREAM_APP_ID": f"newsstream-{self.prefix.rstrip('.')}",
            "NEWSSTREAM_LOG_LEVEL": "info",
            **(env or {}),
        }
        partitions = self.env.get("NEWSSTREAM_PARTITIONS")
        self.settings = Settings(
            broker_url=kafka_url,
            topic_prefix=self.prefix,
            **({"partitions": int(partitions)} if partitions else {}),
        )
        self.topics = Topics(self.prefix)
        self.kafka_url = kafka_url
        self.tmp = tmp
        self.workers: list[WorkerProcess] = []
        from streams.kafka.admin import ensure_topics

        asyncio.run(ensure_topics(self.settings))

    def start_worker(self, data_dir: Path | None = None, **env: str) -> WorkerProcess:
        n = len(self.workers)
        w = start_worker(
            broker_url=self.kafka_url,
            web_port=free_port(),
            data_dir=data_dir or self.tmp / f"data{n}",
            log_path=self.tmp / f"worker{n}.log",
            env={**self.env, **env},
        )
        self.workers.append(w)
        w.wait_ready()
        return w

    def stop(self) -> None:
        for w in self.workers:
            w.stop()


@pytest.fixture
def pipeline(kafka_url: str, tmp_path: Path) -> Iterator[Pipeline]:
    p = Pipeline(kafka_url, tmp_path)
    try:
        yield p
    finally:
        p.stop()


@pytest.fixture
def pipeline4(kafka_url: str, tmp_path: Path) -> Iterator[Pipeline]:
    """A pipeline with 4 partitions: two workers each own several, as on a cluster."""
    p = Pipeline(kafka_url, tmp_path, {"NEWSSTREAM_PARTITIONS": "4"})
    try:
        yield p
    finally:
        p.stop()

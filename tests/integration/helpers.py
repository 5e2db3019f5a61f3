"""Small helpers for integration tests: producing raw bytes and reading outputs."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from typing import Any

import orjson
from aiokafka import AIOKafkaProducer

from streams.kafka.client import client_kwargs
from streams.kafka.subscriber import consume
from streams.local.worker_process import WorkerProcess
from streams.settings import Settings


async def _produce(s: Settings, topic: str, items: list[tuple[bytes | None, bytes | None]]) -> None:
    producer = AIOKafkaProducer(
        **client_kwargs(s), acks=-1, linger_ms=5, max_request_size=4_000_000
    )
    await producer.start()
    try:
        futs = [await producer.send(topic, value=v, key=k) for k, v in items]
        await asyncio.gather(*futs)
    finally:
        await producer.stop()


def produce(s: Settings, topic: str, items: list[tuple[bytes | None, bytes | None]]) -> None:
    asyncio.run(_produce(s, topic, items))


def read(
    s: Settings,
    topics: list[str],
    until: Any = None,
    timeout: float = 90,
    idle: float | None = None,
) -> list[Any]:
    return asyncio.run(consume(s, topics, until=until, timeout=timeout, idle=idle))


def expected_counts(enriched_values: list[bytes]) -> dict[str, int]:
    per_story: dict[str, list[str]] = {}
    for v in enriched_values:
        rec = orjson.loads(v)
        per_story[rec["id"]] = rec["countries"]
    return dict(Counter(cc for ccs in per_story.values() for cc in ccs))


def wait_counts(
    worker: WorkerProcess, expected: dict[str, int], timeout: float = 60
) -> dict[str, int]:
    """Poll /countries/ until it equals ``expected`` (or time out and return the last)."""
    deadline = time.monotonic() + timeout
    counts: dict[str, int] = {}
    while time.monotonic() < deadline:
        try:
            counts = json.loads(worker.get("/countries/"))["counts"]
        except OSError:
            counts = {}
        if counts == expected:
            return counts
        time.sleep(0.5)
    return counts

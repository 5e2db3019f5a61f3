"""The benchmark's Kafka clients and load: synthetic stories, paced sending, producing a
batch of stories, reading until every key arrived, and waiting for a live worker group."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any, TypeVar

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import CoordinatorNotAvailableError

from streams.devtools.synth import synthetic_stories
from streams.kafka.client import client_kwargs
from streams.kafka.producer import PRODUCER_LINGER_MS
from streams.kafka.subscriber import isolation_level
from streams.settings import Settings
from streams.sources.seeds import default_seed_file
from streams.topics import Topics

#: Keys of the probe stories :func:`wait_pipeline_live` sends (not counted as load).
PROBE_PREFIX = "bench-probe-"

_T = TypeVar("_T")


def synthetic(n: int, seed: int) -> Iterator[dict[str, Any]]:
    """``n`` synthetic stories made from the seed file `newsstream run` replays."""
    return synthetic_stories(default_seed_file(), n, seed=seed)


def is_probe(key: bytes | None) -> bool:
    return key is not None and key.startswith(PROBE_PREFIX.encode())


def reader(
    s: Settings,
    topic: str,
    *,
    offset: str = "earliest",
    fetch_wait_ms: int = 50,
    fetch_min_bytes: int = 1,
) -> AIOKafkaConsumer:
    """A group-less consumer of ``topic`` (not started), at a subscriber's isolation level:
    under exactly-once a story counts when its transaction commits, not when written."""
    return AIOKafkaConsumer(
        topic,
        bootstrap_servers=s.bootstrap_servers,
        group_id=None,
        auto_offset_reset=offset,
        fetch_max_wait_ms=fetch_wait_ms,
        fetch_min_bytes=fetch_min_bytes,
        isolation_level=isolation_level(s),
    )


def writer(
    s: Settings, *, linger_ms: int = PRODUCER_LINGER_MS, big_batches: bool = False
) -> AIOKafkaProducer:
    """A producer with leader-only acks (not started); ``big_batches`` for bulk loads."""
    extra = {"max_batch_size": 256 * 1024} if big_batches else {}
    return AIOKafkaProducer(
        bootstrap_servers=s.bootstrap_servers, linger_ms=linger_ms, acks=1, **extra
    )


async def paced(items: Iterable[_T], rate: float, t0: float) -> AsyncIterator[_T]:
    """Yield the i-th item at ``t0 + i / rate``: a steady offered load, not a burst."""
    for i, item in enumerate(items):
        wait = t0 + i / rate - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        yield item


async def produce_all(s: Settings, topic: str, values: list[tuple[bytes, bytes]]) -> None:
    p = writer(s, big_batches=True)
    await p.start()
    try:
        futs = [await p.send(topic, v, key=k) for k, v in values]
        await asyncio.gather(*futs)
    finally:
        await p.stop()


async def consume_n(s: Settings, topic: str, keys: set[bytes], timeout: float = 600) -> float:
    """Read until every key arrived; return the wall time of the last arrival."""
    c = reader(s, topic)
    await c.start()
    missing = set(keys)
    last = time.monotonic()
    deadline = time.monotonic() + timeout
    try:
        while missing and time.monotonic() < deadline:
            for recs in (await c.getmany(timeout_ms=200, max_records=10000)).values():
                for r in recs:
                    missing.discard(r.key)
                last = time.monotonic()
    finally:
        await c.stop()
    if missing:
        raise RuntimeError(f"only {len(keys) - len(missing)}/{len(keys)} arrived on {topic}")
    return last


async def wait_pipeline_live(s: Settings, workers: int, timeout: float = 120) -> None:
    """Return once the worker group is stable with every worker in it and a probe story
    sent to each raw partition came out on ``news.enriched``.

    A worker's web server answers long before its group join completes (and a second
    worker's join rebalances the first): timed from there, the pipeline figure would count
    start-up (docs/performance.md, "Timing from a live group").
    """
    deadline = time.monotonic() + timeout
    await _wait_group_stable(s, workers, deadline)
    topics = Topics(s.topic_prefix)
    probe = next(synthetic(1, seed=0))
    keys = set()
    p = AIOKafkaProducer(**client_kwargs(s))
    await p.start()
    try:
        for part in range(s.partitions):
            key = f"{PROBE_PREFIX}{part}-{time.time_ns()}"
            keys.add(key.encode())
            value = orjson.dumps({**probe, "id": key})
            await p.send_and_wait(topics.raw, value, key=key.encode(), partition=part)
    finally:
        await p.stop()
    await consume_n(s, topics.enriched, keys, timeout=max(1.0, deadline - time.monotonic()))


async def _wait_group_stable(s: Settings, workers: int, deadline: float) -> None:
    admin = AIOKafkaAdminClient(**client_kwargs(s))
    await admin.start()
    try:
        while True:
            try:
                responses = await admin.describe_consumer_groups([s.app_id])
            except CoordinatorNotAvailableError:
                # Apache Kafka has no coordinator until it has made __consumer_offsets,
                # which it does on the first group's join, seconds after the worker's
                responses = []
            # a group is (error, id, state, protocol type, protocol, members, ...)
            states = [(g[2], len(g[5])) for r in responses for g in r.groups]
            if ("Stable", workers) in states:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"group {s.app_id} not stable with {workers} members")
            await asyncio.sleep(0.2)
    finally:
        await admin.close()

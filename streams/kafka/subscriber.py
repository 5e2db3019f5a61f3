"""Reading topics with a plain aiokafka consumer: `newsstream tail`, the demo runner and
tests all use it."""

from __future__ import annotations

import asyncio
import base64
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer
from aiokafka.structs import ConsumerRecord

from streams.kafka.client import client_kwargs
from streams.settings import Settings


async def consume(
    s: Settings,
    topics: Sequence[str],
    *,
    until: Callable[[list[ConsumerRecord[Any, Any]]], bool] | None = None,
    timeout: float = 60.0,
    idle: float | None = None,
    group_id: str | None = None,
) -> list[ConsumerRecord[Any, Any]]:
    """Read ``topics`` from the beginning until ``until(records)`` holds, ``idle`` seconds
    pass without a record, or ``timeout`` runs out. Knows completion from the data itself,
    never from end offsets (which the embedded broker reports wrongly)."""
    consumer = AIOKafkaConsumer(
        *topics,
        **client_kwargs(s),
        group_id=group_id,
        auto_offset_reset="earliest",
        enable_auto_commit=group_id is not None,
        fetch_max_wait_ms=100,
        metadata_max_age_ms=1000,
    )
    await consumer.start()
    records: list[ConsumerRecord[Any, Any]] = []
    deadline = time.monotonic() + timeout
    last_seen = time.monotonic()
    try:
        while time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=200)
            got = [r for recs in batch.values() for r in recs]
            if got:
                records.extend(got)
                last_seen = time.monotonic()
            if until is not None and until(records):
                break
            if idle is not None and time.monotonic() - last_seen > idle:
                break
    finally:
        await consumer.stop()
    return records


def record_json(record: ConsumerRecord[Any, Any]) -> bytes:
    """A topic record as one JSON line: the value parsed when it is JSON, else base64."""
    try:
        value: Any = orjson.loads(record.value) if record.value is not None else None
    except orjson.JSONDecodeError:
        value = {"value_b64": base64.b64encode(record.value).decode()}
    return orjson.dumps(value)


async def tail(s: Settings, topic: str, *, follow: bool, max_messages: int | None) -> int:
    consumer = AIOKafkaConsumer(
        topic,
        **client_kwargs(s),
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        fetch_max_wait_ms=100,
    )
    await consumer.start()
    n = 0
    idle_since = time.monotonic()
    try:
        while max_messages is None or n < max_messages:
            batch = await consumer.getmany(timeout_ms=500)
            got = [r for recs in batch.values() for r in recs]
            if not got:
                if not follow and time.monotonic() - idle_since > 2.0:
                    break
                continue
            idle_since = time.monotonic()
            for rec in got:
                sys.stdout.buffer.write(record_json(rec) + b"\n")
                n += 1
                if max_messages is not None and n >= max_messages:
                    break
            sys.stdout.flush()
    except asyncio.CancelledError:
        pass
    finally:
        await consumer.stop()
    return n

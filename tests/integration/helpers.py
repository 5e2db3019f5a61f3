"""Small helpers for integration tests: producing raw bytes and reading outputs."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import orjson
from aiokafka import AIOKafkaProducer

from streams.kafka.client import client_kwargs
from streams.kafka.producer import replay
from streams.kafka.subscriber import consume
from streams.local.run import expected_counts, wait_counts
from streams.settings import Settings

# expected_counts and wait_counts are `newsstream run`'s own checks, shared with the tests
__all__ = ["expected_counts", "produce", "read", "replay_in_background", "wait_counts"]


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


def replay_in_background(
    s: Settings, topic: str, stories: list[dict[str, Any]], path: Path, rate: float
) -> tuple[threading.Thread, dict[str, Any]]:
    """``newsstream replay`` of ``stories`` (written to ``path``) at ``rate`` in a thread;
    ``result["report"]`` holds its report once the thread ended."""
    path.write_bytes(b"".join(orjson.dumps(st) + b"\n" for st in stories))
    result: dict[str, Any] = {}

    def run() -> None:
        result["report"] = asyncio.run(replay(path, s, topic=topic, rate=rate, show_progress=False))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, result

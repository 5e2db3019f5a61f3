"""start_producer: the acks and linger the story publishers (replay, ingest) run with."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

import streams.kafka.producer
from streams.kafka.producer import PRODUCER_LINGER_MS, start_producer
from streams.settings import Settings


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The keyword arguments of every producer start_producer makes (none really starts)."""
    made: list[dict[str, Any]] = []

    class _Producer:
        def __init__(self, **kwargs: Any) -> None:
            made.append(kwargs)

        async def start(self) -> None: ...

    monkeypatch.setattr(streams.kafka.producer, "AIOKafkaProducer", _Producer)
    monkeypatch.delenv("NEWSSTREAM_PRODUCER_LINGER_MS", raising=False)
    monkeypatch.delenv("NEWSSTREAM_PRODUCER_ACKS", raising=False)
    return made


def test_defaults_linger_a_few_ms_and_wait_for_all_replicas(made: list[dict[str, Any]]) -> None:
    asyncio.run(start_producer(Settings()))
    assert made[0]["linger_ms"] == PRODUCER_LINGER_MS == 5
    assert made[0]["acks"] == -1


def test_environment_sets_linger_and_acks(
    made: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSSTREAM_PRODUCER_LINGER_MS", "0")
    monkeypatch.setenv("NEWSSTREAM_PRODUCER_ACKS", "1")
    asyncio.run(start_producer(Settings(), max_request_size=123))
    assert made[0]["linger_ms"] == 0 and made[0]["acks"] == 1
    assert made[0]["max_request_size"] == 123

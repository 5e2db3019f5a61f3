"""`newsstream replay` into a pipeline whose topics do not exist yet (streams/kafka/producer.py)."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import orjson
from aiokafka import AIOKafkaProducer

from streams.kafka.client import client_kwargs
from streams.kafka.producer import replay
from streams.settings import Settings
from streams.topics import Topics


async def _partitions(s: Settings, topics: list[str]) -> dict[str, int]:
    producer = AIOKafkaProducer(**client_kwargs(s))
    await producer.start()
    try:
        metadata = await producer.client.fetch_all_metadata()
        return {t: len(metadata.partitions_for_topic(t) or ()) for t in topics}
    finally:
        await producer.stop()


def test_replay_before_any_worker_creates_the_input_with_the_pipeline_partitions(
    kafka_url: str, tmp_path: Path
) -> None:
    """A broker that creates topics on first use would give news.raw its own default
    partition count, and a worker started later would refuse it against its changelogs."""
    prefix = f"r{uuid.uuid4().hex[:8]}."
    s = Settings(broker_url=kafka_url, topic_prefix=prefix, partitions=3)
    path = tmp_path / "stories.jsonl"
    path.write_bytes(
        b"".join(orjson.dumps({"id": f"s{i}", "body": f"Story {i}."}) + b"\n" for i in range(5))
    )
    report = asyncio.run(replay(path, s, topic=Topics(prefix).raw, show_progress=False))
    assert report.sent == 5 and not report.failed
    topics = Topics(prefix).all()
    assert asyncio.run(_partitions(s, topics)) == dict.fromkeys(topics, 3)

"""The driver adjustments in streams/worker/faust_private/, against the broker under test."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from streams.worker.faust_private import seek_to_committed_or_reset


async def _seek_back(bootstrap: str) -> dict[str, int]:
    name = f"seekback-{uuid.uuid4().hex[:8]}"
    streamed, changelog = TopicPartition(name, 0), TopicPartition(f"{name}-changelog", 0)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(t.topic, 1, 1) for t in (streamed, changelog)])
    finally:
        await admin.close()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks=-1)
    await producer.start()
    try:
        for tp in (streamed, changelog):
            for i in range(5):
                await producer.send_and_wait(tp.topic, str(i).encode(), partition=0)
    finally:
        await producer.stop()

    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=name,  # a group that never committed
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        consumer.assign([streamed, changelog])
        seen = 0
        while seen < 10:  # what Faust drops while a rebalance stops the flow
            batch = await consumer.getmany(timeout_ms=2000)
            seen += sum(len(v) for v in batch.values())
        positions = {"before": await consumer.position(streamed)}
        committed = await seek_to_committed_or_reset(consumer, skip_topics={changelog.topic})
        assert committed == {streamed: None, changelog: None}
        positions["no commit"] = await consumer.position(streamed)
        positions["changelog"] = await consumer.position(changelog)
        await consumer.commit({streamed: 3})
        await consumer.getmany(streamed, timeout_ms=2000)
        await seek_to_committed_or_reset(consumer)
        positions["committed 3"] = await consumer.position(streamed)
        return positions
    finally:
        await consumer.stop()


@pytest.mark.integration
def test_partition_without_commit_seeks_back_to_the_beginning(kafka_url: str) -> None:
    positions = asyncio.run(_seek_back(kafka_url.removeprefix("kafka://")))
    assert positions == {"before": 5, "no commit": 0, "changelog": 5, "committed 3": 3}

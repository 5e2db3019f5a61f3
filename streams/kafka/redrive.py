"""`newsstream redrive`: send dead letters back to ``news.raw`` after a fix.

Reads ``news.deadletter`` in the consumer group ``<app_id>-redrive`` (so each letter is
redriven once, however often the command runs), restores the original key and value bytes
(for a truncated oversized value, from the source topic at the recorded offset) and
publishes them unchanged. Still-bad events come back as new dead letters: nothing is lost.
"""

from __future__ import annotations

import asyncio
import sys
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

from schemas.models import DeadLetter
from streams.kafka.client import client_kwargs
from streams.kafka.producer import broker_topics, send_through_outage, start_producer
from streams.settings import Settings
from streams.topics import Topics


async def _original_value(s: Settings, dl: DeadLetter) -> bytes | None:
    if not dl.value_truncated:
        return dl.original_value()
    consumer = AIOKafkaConsumer(
        **client_kwargs(s),
        group_id=None,
        enable_auto_commit=False,
        fetch_max_bytes=8 * s.max_message_bytes,
        max_partition_fetch_bytes=8 * s.max_message_bytes,
    )
    await consumer.start()
    try:
        tp = TopicPartition(dl.topic, dl.partition)
        consumer.assign([tp])
        consumer.seek(tp, dl.offset)
        batch = await consumer.getmany(tp, timeout_ms=5000, max_records=1)
        for rec in batch.get(tp, []):
            if rec.offset == dl.offset:
                return bytes(rec.value) if rec.value is not None else None
        return None
    finally:
        await consumer.stop()


def _consumer(s: Settings, topic: str) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        topic,
        **client_kwargs(s),
        group_id=f"{s.app_id}-redrive",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        fetch_max_wait_ms=100,
        session_timeout_ms=int(s.session_timeout_s * 1000),
        heartbeat_interval_ms=int(s.session_timeout_s * 1000 / 3),
    )


async def _take(
    consumer: AIOKafkaConsumer, started: datetime, finished: set[TopicPartition], idle_s: float
) -> list[tuple[TopicPartition, Any]]:
    """The next letters written before ``started``. Letters written after it are our own
    redrives failing again (or new failures): they wait for the next run, never loop here."""
    batch = await consumer.getmany(timeout_ms=int(idle_s * 1000))
    out = []
    for tp, recs in batch.items():
        for rec in recs:
            if tp in finished or rec.timestamp / 1000 >= started.timestamp():
                finished.add(tp)
                consumer.pause(tp)
                break
            out.append((tp, rec))
    return out


async def redrive(
    s: Settings, *, reason: str | None = None, dry_run: bool = False, idle_s: float = 3.0
) -> Counter[str]:
    """Send dead letters (of ``reason``, or all) back to ``news.raw``; counts per outcome.

    The group's offsets advance only past letters that were handled: with ``reason``, a
    partition's commit stops before its first letter of another reason, so a later run
    (with another reason, or none) still finds it.
    """
    t = Topics(s.topic_prefix)
    stats: Counter[str] = Counter()
    producer = await start_producer(s, max_request_size=s.max_request_bytes)
    if t.deadletter not in await broker_topics(producer):  # subscribing would create it
        await producer.stop()
        return stats
    consumer = _consumer(s, t.deadletter)  # made after the producer: no broker, no consumer
    await consumer.start()
    try:
        # the group join completes inside getmany; wait for an assignment before idling
        deadline = asyncio.get_running_loop().time() + 60
        while not consumer.assignment() and asyncio.get_running_loop().time() < deadline:
            await consumer.getmany(timeout_ms=200)
        started = datetime.now(UTC)
        finished: set[TopicPartition] = set()
        held: set[TopicPartition] = set()  # partitions whose commit stopped at a skipped letter
        while records := await _take(consumer, started, finished, idle_s):
            futures, commit = [], {}
            for tp, rec in records:
                dl = DeadLetter.from_bytes(rec.value)
                if reason and dl.reason != reason:
                    stats["skipped"] += 1
                    held.add(tp)
                    continue
                if tp not in held:
                    commit[tp] = rec.offset + 1
                value = await _original_value(s, dl)
                if value is None:
                    stats["unrecoverable"] += 1
                    continue
                stats[dl.reason] += 1
                if not dry_run:
                    fut = await send_through_outage(producer, t.raw, value, dl.original_key())
                    futures.append(fut)
            if futures:
                await asyncio.gather(*futures)
            if not dry_run and commit:
                await consumer.commit(commit)
    finally:
        await consumer.stop()
        await producer.stop()
    return stats


def main_redrive(s: Settings, reason: str | None, dry_run: bool) -> int:
    stats = asyncio.run(redrive(s, reason=reason, dry_run=dry_run))
    sent = sum(n for k, n in stats.items() if k not in ("skipped", "unrecoverable"))
    verb = "would redrive" if dry_run else "redrove"
    print(
        f"{verb} {sent} dead letters to {Topics(s.topic_prefix).raw}: {dict(stats)}",
        file=sys.stderr,
    )
    return 1 if stats["unrecoverable"] else 0

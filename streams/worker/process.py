"""The ``process`` agent: raw events in batches → enriched stories, routes, dead letters.

The batch logic is :func:`streams.pipeline.batch.process_batch` (pure); this module feeds it
Faust's batches, sends what it returns and, once every output of a batch is acknowledged,
writes the batch's marks to the ``dedupe`` table and acks its events, in batch order (a
batch that failed stops the marks of every later one). A crash can repeat outputs (a
subscriber de-duplicates by id) but never lose them; a batch that skips offsets of a
partition is cut before the hole and the partition read again (:func:`admit_batch`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict, deque
from datetime import UTC, datetime
from typing import Any

import orjson

from streams.pipeline.batch import (
    BatchConfig,
    BatchResult,
    ProcessState,
    ReadPositions,
    Record,
    admit,
    process_batch,
)
from streams.pipeline.counting import CATEGORY_KEY_PREFIX
from streams.pipeline.decode import Limits
from streams.pipeline.neardup import NearDupIndex
from streams.telemetry import live, metrics
from streams.worker.app import NewsApp
from streams.worker.batching import batches
from streams.worker.faust_private import (
    acting_for,
    first_read_since_seek,
    forget_unacked,
    seek_back,
)

log = logging.getLogger("newsstream")


def batch_config(news: NewsApp) -> BatchConfig:
    s = news.settings
    return BatchConfig(
        topics=news.topics,
        tagger=s.tagger,
        route_threshold=s.route_threshold,
        limits=Limits(max_bytes=s.max_message_bytes, max_depth=s.max_json_depth),
        window_s=s.window_s,
        count_clusters_once=s.count_clusters_once,
    )


def register(news: NewsApp, state: ProcessState) -> Any:
    """Add the ``process`` agent to the app; returns the agent."""
    s = news.settings
    cfg = batch_config(news)

    async def process(stream: Any) -> None:
        """Batches overlap: while the outputs of one batch wait for their acks, the next is
        processed; at most ``inflight_batches`` batches wait at a time."""
        neardup = NearDupIndex(threshold=s.neardup_threshold) if s.neardup else None
        finishing: deque[asyncio.Future[None]] = deque()
        try:
            async for events in batches(
                stream, s.batch_size, s.batch_within_s, s.batch_idle_s, backlog=s.batch_backlog
            ):
                while finishing and finishing[0].done():
                    finishing.popleft().result()  # a failed send stops the agent here
                events = await admit_batch(news, state, events)
                if not events:
                    continue
                result = process_batch(
                    [e.message for e in events], state, cfg, datetime.now(UTC), neardup
                )
                observe_batch(news, events, result)
                futures = await send_all(news.app.producer.send, result.records)
                futures += await send_deltas(news, news.app.producer.send, result.deltas)
                state.inflight.update(result.fingerprints)
                before = finishing[-1] if finishing else None
                finish = finish_batch(news, state, stream, events, futures, result, before)
                finishing.append(asyncio.ensure_future(finish))
                if len(finishing) > s.inflight_batches:
                    await finishing.popleft()
        finally:
            # Stopping (shutdown, crash): let the batches already sent finish, so their
            # events are acked and their marks written; a failure there is not ours to report.
            if finishing:
                await asyncio.wait(finishing, timeout=s.session_timeout_s)

    return news.app.agent(news.raw_topic, name="process")(process)


async def admit_batch(
    news: NewsApp,
    state: ReadPositions,
    events: list[Any],
    topic: str | None = None,
    quiet: bool = False,
) -> list[Any]:
    """The events of the batch up to any hole in their partition (:func:`admit`); each
    partition with a hole is sought back to it, to be read again. ``topic``: the events'
    topic, ``news.raw`` unless given; ``quiet``: it is written in transactions."""
    consumer, source = news.app.consumer, topic or news.topics.raw
    messages = [e.message for e in events]
    kept, seeks = admit(
        messages, state, lambda p: first_read_since_seek(consumer, source, p), quiet
    )
    for part, offset in seeks.items():
        if not await seek_back(consumer, source, part, offset):
            log.warning("partition %d is no longer assigned: its next owner reads it", part)
    if len(kept) == len(events):
        return events
    # Left out, unacked: they come again after the seek, and a rebalance must not wait for them.
    keep = set(kept)
    forget_unacked(consumer, [m for i, m in enumerate(messages) if i not in keep])
    return [events[i] for i in kept]


def observe_batch(news: NewsApp, events: list[Any], result: BatchResult) -> None:
    """Metrics of a batch, per batch rather than per story (a labelled ``inc`` costs µs)."""
    metrics.batch_size.observe(len(events))
    metrics.events_in.labels(news.topics.raw).inc(len(events))
    metrics.duplicates.inc(result.duplicates)
    metrics.near_duplicates.inc(result.near_duplicates)
    for reason, n in result.dead_letters.items():
        metrics.dead_letters.labels(reason).inc(n)
    for seconds in result.enrich_seconds:
        metrics.enrich_seconds.observe(seconds)
    for k, v in result.deltas.items():
        if k.startswith(CATEGORY_KEY_PREFIX):
            metrics.routed_category.labels(k[len(CATEGORY_KEY_PREFIX) :]).inc(len(v))
        else:
            metrics.routed_country.labels(k).inc(len(v))


async def send_all(send: Any, records: list[Record]) -> list[Any]:
    """Hand pre-serialised records to ``send`` (a producer's); the futures of their acks."""
    return [await send(t, k, v, None, None, None) for t, k, v in records]


async def send_deltas(news: NewsApp, send: Any, deltas: dict[str, list[list[int]]]) -> list[Any]:
    """Send a batch's count deltas as one event per partition of ``country_counts``.

    Each event holds every key of the batch that lives in that partition (the partition
    the default partitioner gives the key), so the ``count`` agent handles at most
    ``partitions`` events per batch instead of one per country and category.
    """
    by_partition: dict[int, dict[str, list[list[int]]]] = defaultdict(dict)
    for key, sources in deltas.items():
        by_partition[news.partition_of(key)][key] = sources
    topic = news.topics.country_deltas
    return [
        await send(topic, str(p).encode(), orjson.dumps(d), p, None, None)
        for p, d in by_partition.items()
    ]


async def finish_batch(
    news: NewsApp,
    state: ProcessState,
    stream: Any,
    events: list[Any],
    futures: list[Any],
    result: BatchResult,
    before: asyncio.Future[None] | None,
) -> None:
    """Once every output of a batch is acknowledged and the batch ``before`` it finished:
    write its marks, then ack its events.

    Runs while the agent works on the next batch. If a send fails, nothing of the batch or
    of a later one is marked or acked (the offsets stay uncommitted, the events are
    redelivered): a later batch's watermark would pass the failed batch's offsets.
    """
    fps = result.fingerprints
    try:
        # In order, one at a time: most are done by the time we get to them (cheaper than
        # gather, which adds a callback per future); raises on the first failed send.
        for fut in futures:
            await fut
        if before is not None:
            await before
    except BaseException:
        state.inflight.difference_update(fps)
        raise
    done_at = time.time()
    table = news.dedupe
    for part, i in result.last.items():
        event = events[i]
        with acting_for(event):
            for key, value in state.marks(part, event.message.offset, result.fresh.get(part, [])):
                if value is None:
                    table.pop(key, None)
                else:
                    table[key] = value
    state.inflight.difference_update(fps)
    for event in events:  # after the marks: a committed offset implies a written mark
        await stream.ack(event)
    metrics.stories_enriched.inc(len(fps))
    for language, n in result.languages.items():
        metrics.stories_by_language.labels(language).inc(n)
    for received, rec in result.stories:
        metrics.e2e_lag_seconds.observe(max(0.0, done_at - received))
        live.feed.publish({"type": "story", "data": rec})

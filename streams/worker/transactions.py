"""The ``process`` agent under ``NEWSSTREAM_PROCESSING_GUARANTEE=exactly_once`` (Apache Kafka).

Faust's transactional mode keeps one transactional producer per assigned partition and
commits a partition's source offsets inside that producer's transaction. Three things make
it exact for this topology (docs/reliability.md, "Exactly-once on Kafka"):

* every output of a ``news.raw`` partition (stories, routes, dead letters, count deltas) is
  sent by *that* partition's transactional producer. Faust's own ``send`` picks the
  producer of the destination partition, which is another transaction when a story's
  country lives in another partition of ``country_counts``, and fails for topics the worker
  does not consume (``news.enriched``);
* a batch is split by source partition, so each part belongs to one transaction;
* offsets of a partition must follow on, as in the at-least-once agent (``admit_batch``);
* a commit never lands while a part is between its first send and its acks and marks
  (a lock), and it first flushes Faust's buffer, where table writes wait, into the
  transactions; otherwise a transaction could commit a batch's outputs without its offsets.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import UTC, datetime
from functools import partial
from typing import Any

from streams.pipeline.batch import ProcessState, process_batch
from streams.pipeline.neardup import NearDupIndex
from streams.worker.app import NewsApp
from streams.worker.batching import batches
from streams.worker.process import (
    admit_batch,
    batch_config,
    finish_batch,
    observe_batch,
    send_all,
    send_deltas,
)


def transactional_id(news: NewsApp, partition: int) -> str:
    """The transactional id Faust gives the producer of ``news.raw`` partition ``partition``
    (its TransactionManager's format: app id, topic group, partition)."""
    group = news.app.assignor.group_for_topic(news.raw_topic.get_topic_name())
    return f"{news.app.conf.id}-{group}-{partition}"


def guard_commits(news: NewsApp) -> asyncio.Lock:
    """A lock that Faust's transactional commit takes: held by the agent while a part of a
    batch is in flight. The commit flushes Faust's send buffer first, so the table writes
    made so far (marks, count rows) are inside the transactions it commits."""
    lock = asyncio.Lock()
    manager = news.app.consumer.transactions
    commit = manager.commit

    async def guarded(offsets: Any, start_new_transaction: bool = True) -> bool:
        async with lock:
            await news.app.producer.flush()
            return bool(await commit(offsets, start_new_transaction=start_new_transaction))

    manager.commit = guarded  # type: ignore[method-assign]
    return lock


def _by_partition(events: list[Any]) -> dict[int, list[Any]]:
    parts: dict[int, list[Any]] = defaultdict(list)
    for event in events:
        parts[event.message.partition].append(event)
    return parts


def register(news: NewsApp, state: ProcessState) -> Any:
    """Add the transactional ``process`` agent to the app; returns the agent. One part of a
    batch at a time: its outputs are acknowledged, its marks written and its events acked
    before the next part is sent, which is what lets a commit close a transaction on it."""
    s = news.settings
    cfg = batch_config(news)

    async def process(stream: Any) -> None:
        neardup = NearDupIndex(threshold=s.neardup_threshold) if s.neardup else None
        lock = guard_commits(news)
        producer = news.app.consumer.transactions.producer
        async for events in batches(
            stream, s.batch_size, s.batch_within_s, s.batch_idle_s, backlog=s.batch_backlog
        ):
            # The same hole guard as at-least-once: a record the consumer skipped (a fetch
            # dropped as stale by a seek) is read again, not left as a gap that stops the
            # partition's commit for good.
            events = await admit_batch(news, state, events)
            for part, group in _by_partition(events).items():
                async with lock:
                    messages = [e.message for e in group]
                    result = process_batch(messages, state, cfg, datetime.now(UTC), neardup)
                    observe_batch(news, group, result)
                    send = partial(producer.send, transactional_id=transactional_id(news, part))
                    futures = await send_all(send, result.records)
                    futures += await send_deltas(news, send, result.deltas)
                    state.inflight.update(result.fingerprints)
                    await finish_batch(news, state, stream, group, futures, result, None)

    return news.app.agent(news.raw_topic, name="process")(process)

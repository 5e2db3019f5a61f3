"""Three adjustments to faust-streaming's aiokafka driver, applied once at app creation.

1. Fetch wait: Faust hard-codes ``fetch_max_wait_ms=1500``; against a broker that wakes
   waiting consumers late that alone costs ~1 s of latency. We use the setting instead.
2. Highwater probe: the embedded broker (Tansu 0.6) answers ListOffsets(latest) with the
   first offset of the last stored *batch* + 1, so table recovery stops early and can miss
   the tail of a changelog (lost counts), or crash with ConsistencyError when a persisted
   offset lies past that "highwater". Fetch is right, so we read forward from the reported
   end to find the true one. On Apache Kafka the probe finds nothing more to read and costs
   one short fetch per changelog partition at recovery.
3. Producer buffer: see :func:`apply`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import aiokafka
from aiokafka.structs import TopicPartition
from faust.transport.drivers import aiokafka as faust_aiokafka
from faust.transport.producer import ProducerBuffer

log = logging.getLogger(__name__)
_applied = False


async def probe_true_end_offsets(
    reported: Mapping[Any, int], client_kwargs: Mapping[str, Any]
) -> dict[Any, int]:
    """Return end offsets corrected by reading past each reported end offset.

    ``client_kwargs`` are the connection settings of the worker (streams.kafka).
    """
    if not reported:
        return {}
    probe = aiokafka.AIOKafkaConsumer(
        **{**client_kwargs, "client_id": "newsstream-highwater-probe"},
        enable_auto_commit=False,
        group_id=None,
        fetch_max_wait_ms=20,
    )
    result = {tp: off for tp, off in reported.items()}
    await probe.start()
    try:
        tps = [TopicPartition(tp.topic, tp.partition) for tp in reported]
        probe.assign(tps)
        for tp, off in zip(tps, reported.values(), strict=True):
            probe.seek(tp, off)
        pending = dict(zip(tps, reported, strict=True))
        idle_rounds = 0
        while pending and idle_rounds < 2:
            batch = await probe.getmany(*pending, timeout_ms=100)
            if not any(batch.values()):
                idle_rounds += 1
                continue
            idle_rounds = 0
            for tp, records in batch.items():
                if records:
                    key = pending[tp]
                    result[key] = max(result[key], records[-1].offset + 1)
    finally:
        await probe.stop()
    fixed = {tp: (reported[tp], result[tp]) for tp in reported if result[tp] != reported[tp]}
    if fixed:
        log.info("highwater probe corrected %d partition(s): %s", len(fixed), fixed)
    return result


def apply(
    fetch_max_wait_ms: int,
    probe_kwargs: Mapping[str, Any] | None,
    buffer_max_messages: int = 100_000,
) -> None:
    """Patch the driver (idempotent). Kept in one place so it is easy to drop later."""
    global _applied
    if _applied:
        return
    _applied = True
    # Table writes queue in Faust's ProducerBuffer; past 100 pending messages the stream
    # stops and drains it one message at a time (and logs a warning each time). A batch
    # pipeline writes more than 100 at once; the aiokafka producer batches them anyway.
    ProducerBuffer.max_messages = buffer_max_messages
    thread_cls = faust_aiokafka.AIOKafkaConsumerThread
    create = thread_cls._create_worker_consumer

    def _create_worker_consumer(self: Any, transport: Any) -> aiokafka.AIOKafkaConsumer:
        consumer = create(self, transport)
        consumer._fetch_max_wait_ms = fetch_max_wait_ms
        return consumer

    thread_cls._create_worker_consumer = _create_worker_consumer  # type: ignore[method-assign]

    if probe_kwargs is not None:
        highwaters = thread_cls._highwaters

        async def _highwaters(self: Any, partitions: list[Any]) -> Mapping[Any, int]:
            reported = await highwaters(self, partitions)
            if self.consumer.in_transaction:
                return reported
            return await probe_true_end_offsets(reported, probe_kwargs)

        thread_cls._highwaters = _highwaters  # type: ignore[method-assign]

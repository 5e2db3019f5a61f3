"""The highwater probe: end offsets read forward, for a broker that reports them short.

The embedded broker (Tansu 0.6) answers ListOffsets(latest) with the first offset of the
last stored *batch* + 1, so table recovery could stop early and miss the tail of a
changelog (lost counts) or crash with ConsistencyError. Its Fetch is right, so
:func:`probe_true_end_offsets` reads forward from each reported end. Public aiokafka API
only; streams/worker/faust_private/ puts it under Faust's recovery (Tansu only).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import aiokafka
from aiokafka.structs import TopicPartition

log = logging.getLogger(__name__)


async def probe_true_end_offsets(
    reported: Mapping[Any, int], client_kwargs: Mapping[str, Any]
) -> dict[Any, int]:
    """Return end offsets corrected by reading past each reported end offset.

    ``client_kwargs`` are the connection settings of the worker (streams.kafka.client).
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

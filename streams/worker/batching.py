"""Adaptive batches from a Faust stream, for agents that ack their own events.

``Stream.take_events(n, within=t)`` (Faust) has three properties that cost latency and
throughput in this pipeline:

* it waits ``within`` seconds counted from when the agent asks for the next batch, so at a
  moderate rate every event waits up to ``within`` even when the agent is idle;
* it stops buffering while the agent processes a batch (the next batch only starts to
  fill when the agent asks for it);
* it acks the events of a batch when the agent asks for the next one, so the agent must
  finish everything (including waiting for its outputs' acknowledgements) first.

:func:`batches` keeps Faust's stream (consumer thread, flow control, rebalances,
generation checks, sensors, offset commits from acked events) and changes only the
batching policy:

* the buffer keeps filling while the agent works on the previous batch;
* a batch is handed over when it is full, when ``within`` has passed since its *first*
  event arrived, or as soon as no new event has arrived for ``idle`` seconds (nothing more
  is waiting: a light load gets small, prompt batches; a backlog gets full batches);
* a batch that already holds ``backlog`` events that came while the agent was busy is
  handed over as soon as the drainer has moved what is queued: under a high load the
  wait for a quiet gap only added to every event's time in the pipeline;
* events are **not** acked by the iterator: the agent acks each event (``stream.ack``)
  when its outputs are durable, possibly after it has started on the next batch. Offsets
  are committed only up to the first unacked event of a partition (Faust's consumer
  tracks gaps), so an event is never committed before the agent acked it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from streams.worker.faust_private import enable_passive


async def batches(
    stream: Any, max_: int, within: float, idle: float = 0.002, *, backlog: int
) -> AsyncIterator[list[Any]]:
    """Yield lists of events (``EventT``) from ``stream``; the caller acks every event."""
    loop = asyncio.get_running_loop()
    clock = loop.time
    buffer: list[Any] = []
    first_at = 0.0
    last_at = 0.0
    arrived = asyncio.Event()  # the buffer went from empty to non-empty
    full = asyncio.Event()  # the buffer holds max_ events
    space = asyncio.Event()  # the buffer is below max_ (the drainer may add)
    space.set()

    async def add_to_buffer(value: Any) -> Any:
        nonlocal first_at, last_at
        event = stream.current_event
        if event is None:
            raise RuntimeError("batches(): stream has no current event")
        while len(buffer) >= max_:  # strict: never more than max_ per batch
            space.clear()
            if (await stream.wait(space)).stopped:
                return value
        now = clock()
        if not buffer:
            first_at = now
            arrived.set()
        buffer.append(event)
        last_at = now
        if len(buffer) >= max_:
            full.set()
        return value

    stream.enable_acks = False  # the caller acks, once the outputs are durable
    stream.add_processor(add_to_buffer)
    enable_passive(stream)
    sleep = asyncio.sleep
    while not stream.should_stop:
        if not buffer:
            arrived.clear()
            if await stream.wait_for_stopped(arrived):
                break
            continue
        # Let the drainer move what is already waiting, then hand the batch over. Unless
        # the batch is busy, one ``idle`` window after the agent asked: while it was busy
        # the drainer could not run, so what it holds now says nothing about what is waiting.
        asked = clock()
        while not full.is_set():
            if first_at < asked and len(buffer) >= backlog:
                # Busy: it filled while the agent worked. Take what the drainer still has
                # queued (until a turn of the loop adds nothing), not a quiet gap.
                held = -1
                while not full.is_set() and len(buffer) != held:
                    held = len(buffer)
                    await sleep(0)
                break
            now = clock()
            quiet = now - max(last_at, asked)
            if quiet >= idle:
                break
            if now - first_at >= within and now - asked >= idle:
                break
            await sleep(idle - quiet)
        batch = buffer[:]
        buffer.clear()
        full.clear()
        space.set()
        yield batch

"""Adaptive batches (streams/worker/batching.py) over a stand-in for a Faust stream."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any

from streams.worker.batching import batches


class _Channel:
    def __aiter__(self) -> AsyncIterator[Any]:
        return self

    async def __anext__(self) -> Any:
        raise StopAsyncIteration


class FakeStream:
    """What batches() uses of faust.Stream: processors, waits, the current event."""

    def __init__(self) -> None:
        self.processors: list[Any] = []
        self.current_event: Any = None
        self.should_stop = False
        self.enable_acks = True
        self.channel = _Channel()
        self.passive = False

    def add_processor(self, fn: Any) -> None:
        self.processors.append(fn)

    def _enable_passive(self, it: Any) -> None:
        self.passive = True

    async def wait(self, event: asyncio.Event) -> Any:
        await event.wait()
        return SimpleNamespace(stopped=self.should_stop)

    async def wait_for_stopped(self, event: asyncio.Event) -> bool:
        await event.wait()
        return self.should_stop

    async def deliver(self, event: Any) -> None:
        """What Faust's drainer does for each message: run the processors."""
        self.current_event = event
        for fn in self.processors:
            await fn(event)


async def _take(stream: FakeStream, n: int, **kw: Any) -> list[list[Any]]:
    out: list[list[Any]] = []
    async for batch in batches(stream, **kw):
        out.append(batch)
        if len(out) == n:
            break
    return out


def test_waiting_events_come_as_one_batch_and_acks_are_left_to_the_caller() -> None:
    async def main() -> list[list[Any]]:
        stream = FakeStream()
        taking = asyncio.ensure_future(_take(stream, 1, max_=10, within=1.0, idle=0.01))
        await asyncio.sleep(0)  # batches() installs its processor
        for i in range(4):
            await stream.deliver(i)
        got = await asyncio.wait_for(taking, 5)
        assert stream.enable_acks is False and stream.passive
        return got

    assert asyncio.run(main()) == [[0, 1, 2, 3]]


def test_a_full_batch_is_handed_over_and_the_rest_waits_for_the_next() -> None:
    async def main() -> list[list[Any]]:
        stream = FakeStream()
        taking = asyncio.ensure_future(_take(stream, 2, max_=3, within=5.0, idle=0.5))
        await asyncio.sleep(0)
        delivering = asyncio.ensure_future(_deliver_all(stream, range(5)))
        got = await asyncio.wait_for(taking, 5)
        await delivering
        return got

    assert asyncio.run(main()) == [[0, 1, 2], [3, 4]]


def test_a_slow_trickle_is_cut_after_within_seconds() -> None:
    async def main() -> list[list[Any]]:
        stream = FakeStream()
        taking = asyncio.ensure_future(_take(stream, 1, max_=100, within=0.05, idle=0.03))
        await asyncio.sleep(0)
        for i in range(20):  # one event every 10 ms: never idle for 30 ms
            await stream.deliver(i)
            await asyncio.sleep(0.01)
            if taking.done():
                break
        return await asyncio.wait_for(taking, 5)

    (batch,) = asyncio.run(main())
    assert 2 <= len(batch) < 20  # handed over by the time limit, not when the trickle ends


async def _deliver_all(stream: FakeStream, items: range) -> None:
    for i in items:
        await stream.deliver(i)

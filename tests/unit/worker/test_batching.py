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
    kw.setdefault("backlog", 10_000)  # the busy rule off, unless the test sets it
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


def test_a_batch_that_filled_while_the_agent_was_busy_is_handed_over_at_once() -> None:
    # Events keep coming every 5 ms, so there is never a quiet gap of ``idle``; the first
    # batch comes when ``within`` has passed, the second (filled while the agent worked on
    # the first) as soon as the agent asks, not ``within`` later.
    async def main() -> tuple[list[list[Any]], float]:
        stream = FakeStream()
        loop = asyncio.get_running_loop()
        got: list[list[Any]] = []
        asked_again = 0.0

        async def consume() -> float:
            nonlocal asked_again
            async for batch in batches(stream, max_=100, within=0.3, idle=0.2, backlog=3):
                got.append(batch)
                if len(got) == 2:
                    return loop.time() - asked_again
                await asyncio.sleep(0.1)  # busy with the first batch
                asked_again = loop.time()
            return float("inf")

        taking = asyncio.ensure_future(consume())
        await asyncio.sleep(0)
        i = 0
        while not taking.done():
            await stream.deliver(i)
            i += 1
            await asyncio.sleep(0.005)
        return got, taking.result()

    got, waited = asyncio.run(main())
    first, second = got
    assert first[0] == 0 and second[0] == first[-1] + 1  # nothing lost or repeated
    assert len(second) >= 3
    assert waited < 0.15  # the within rule alone would wait 0.3 s after its first event

"""The ``process`` agent's steps around the pure batch logic, with fakes for Faust."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest

from streams.pipeline.batch import BatchResult, ProcessState
from streams.worker import process


@dataclass(eq=False)
class _Message:
    """A Faust message: hashed by identity, with its ``acked`` flag."""

    topic: str
    partition: int
    offset: int
    key: bytes = b"k"
    value: bytes = b"{}"
    acked: bool = False


class _Event:
    """A Faust event: weakly referenced by table writes, acked through its stream."""

    def __init__(self, partition: int, offset: int) -> None:
        self.message = _Message("news.raw", partition, offset)


class _Stream:
    def __init__(self) -> None:
        self.acked: list[int] = []

    async def ack(self, event: _Event) -> None:
        self.acked.append(event.message.offset)


def _news(consumer: Any = None) -> Any:
    consumer = consumer or SimpleNamespace(_unacked_messages=set())
    return SimpleNamespace(
        dedupe={}, topics=SimpleNamespace(raw="news.raw"), app=SimpleNamespace(consumer=consumer)
    )


def _result(part: int, last: int) -> BatchResult:
    result = BatchResult()
    result.last[part] = last
    return result


def test_a_batch_after_a_failed_one_writes_no_mark_and_acks_nothing() -> None:
    """Its watermark would pass the failed batch's offsets, which would then be skipped
    as already processed when they come again."""
    news, stream, state = _news(), _Stream(), ProcessState(horizon=10)

    async def run() -> None:
        loop = asyncio.get_running_loop()
        failed: asyncio.Future[None] = loop.create_future()
        first = [_Event(0, o) for o in (10, 11)]
        second = [_Event(0, o) for o in (12, 13)]
        one = asyncio.ensure_future(
            process.finish_batch(news, state, stream, first, [failed], _result(0, 1), None)
        )
        two = asyncio.ensure_future(
            process.finish_batch(news, state, stream, second, [], _result(0, 1), one)
        )
        await asyncio.sleep(0)
        assert not two.done()  # waits for the batch before it
        failed.set_exception(RuntimeError("send failed"))
        for task in (one, two):
            with pytest.raises(RuntimeError, match="send failed"):
                await task

    asyncio.run(run())
    assert news.dedupe == {} and stream.acked == []


def test_batches_finish_in_order_even_when_a_later_one_is_acknowledged_first() -> None:
    news, stream, state = _news(), _Stream(), ProcessState(horizon=10)

    async def run() -> None:
        slow: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        first, second = [_Event(0, 10)], [_Event(0, 11)]
        one = asyncio.ensure_future(
            process.finish_batch(news, state, stream, first, [slow], _result(0, 0), None)
        )
        two = asyncio.ensure_future(
            process.finish_batch(news, state, stream, second, [], _result(0, 0), one)
        )
        await asyncio.sleep(0)
        assert stream.acked == [] and news.dedupe == {}
        slow.set_result(None)
        await asyncio.gather(one, two)

    asyncio.run(run())
    assert stream.acked == [10, 11] and news.dedupe == {"0": 11}


class _Consumer:
    def __init__(self, assigned: set[tuple[str, int]]) -> None:
        self._read_offset: dict[Any, Any] = {}
        self.assigned = assigned
        self.sought: dict[Any, int] = {}
        self._unacked_messages: set[Any] = set()

    def assignment(self) -> set[tuple[str, int]]:
        return self.assigned

    async def seek_wait(self, partitions: dict[Any, int]) -> None:
        self.sought.update(partitions)


def test_a_hole_cuts_the_batch_and_seeks_its_partition_back() -> None:
    consumer = _Consumer({("news.raw", 0), ("news.raw", 1)})
    news, state = _news(consumer), ProcessState(horizon=10)
    state.seen = {0: 4, 1: 20}
    events = [_Event(0, 5), _Event(1, 21), _Event(0, 741), _Event(1, 22), _Event(0, 742)]
    consumer._unacked_messages.update(e.message for e in events)
    kept = asyncio.run(process.admit_batch(news, state, events))
    assert [(e.message.partition, e.message.offset) for e in kept] == [(0, 5), (1, 21), (1, 22)]
    assert consumer.sought == {("news.raw", 0): 6}
    # The two left out come again after the seek: a rebalance must not wait for them, and
    # an ack of them (Faust's take_events acks all it handed out) must not count.
    assert consumer._unacked_messages == {e.message for e in kept}
    assert [e.message.acked for e in events] == [False, False, True, False, True]

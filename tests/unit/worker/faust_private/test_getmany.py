"""Tests for streams/worker/faust_private/_getmany.py: records Faust's getmany took out of
aiokafka but did not hand out are read again (the partition is sought back)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

from faust.types import TP

from streams.worker.faust_private._getmany import getmany

A, B = TP("news.raw", 0), TP("news.raw", 1)


class _Consumer:
    """What getmany uses of Faust's consumer: one fetch of ``records``, ``active``
    partitions, a generation that ``bump_after`` yielded records change."""

    def __init__(
        self, records: dict[Any, list[int]], active: set[Any], bump_after: int | None = None
    ) -> None:
        self.records = {
            tp: [SimpleNamespace(offset=o) for o in offsets] for tp, offsets in records.items()
        }
        self.active, self.bump_after = active, bump_after
        self.app = SimpleNamespace(
            consumer_generation_id=1, monitor=SimpleNamespace(track_tp_end_offset=_noop)
        )
        self.flow_active, self.should_stop = True, False
        self._buffered_partitions: set[Any] = set()
        self.scheduler = SimpleNamespace(iterate=self._iterate)
        self.sought: list[tuple[Any, int]] = []
        self.assigned = {A, B}

    def _iterate(self, records: dict[Any, list[Any]]) -> Any:
        for tp, recs in records.items():
            for rec in recs:
                yield tp, rec

    async def _wait_next_records(self, timeout: float) -> tuple[Any, Any]:
        return self.records, self.active

    def _to_message(self, tp: Any, record: Any) -> int:
        return int(record.offset)

    def highwater(self, tp: Any) -> int:
        return 0

    def assignment(self) -> set[Any]:
        return self.assigned

    async def seek(self, tp: Any, offset: int) -> None:
        self.sought.append((tp, offset))


def _noop(*_: Any) -> None: ...


def _run(consumer: _Consumer) -> list[tuple[Any, int]]:
    async def go() -> list[tuple[Any, int]]:
        out = []
        async for tp, msg in getmany(consumer, 1.0):
            out.append((tp, msg))
            if consumer.bump_after is not None and len(out) == consumer.bump_after:
                consumer.app.consumer_generation_id += 1
        return out

    return asyncio.run(go())


def test_a_partition_that_is_not_active_is_sought_back_to_its_first_record() -> None:
    c = _Consumer({A: [5, 6], B: [40, 41, 42]}, active={A})
    assert _run(c) == [(A, 5), (A, 6)]
    assert c.sought == [(B, 40)]


def test_a_new_generation_sends_the_rest_of_the_fetch_back_to_be_read_again() -> None:
    c = _Consumer({A: [5, 6, 7], B: [40, 41]}, active={A, B}, bump_after=2)
    assert _run(c) == [(A, 5), (A, 6)]
    assert c.sought == [(A, 7), (B, 40)]


def test_a_partition_revoked_meanwhile_is_left_to_its_next_owner() -> None:
    c = _Consumer({A: [5], B: [40]}, active={A})
    c.assigned = {A}
    assert _run(c) == [(A, 5)]
    assert c.sought == []


def test_nothing_skipped_means_no_seek() -> None:
    c = _Consumer({A: [5, 6], B: [40]}, active={A, B})
    assert _run(c) == [(A, 5), (A, 6), (B, 40)]
    assert c.sought == []

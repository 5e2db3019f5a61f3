"""The consumer's delivery of fetched records and its seeks, with a fake Faust consumer."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable
from types import SimpleNamespace
from typing import Any

import pytest
from aiokafka.structs import TopicPartition
from faust.types import TP

from streams.worker.faust_private import _consumer as faust_private

TP0 = TP("news.raw", 0)


class _Consumer:
    """What the drain loop's delivery reads of Faust's consumer, recording what it does."""

    def __init__(self) -> None:
        self._read_offset: Any = defaultdict(lambda: None)
        self._commit_every = None
        self.app = SimpleNamespace(topics=SimpleNamespace(acks_enabled_for=lambda topic: True))
        self.log = SimpleNamespace(dev=lambda *args: None)
        self.delivered: list[int] = []
        self.gaps: list[tuple[int, int]] = []
        self.during: Callable[[int], Awaitable[None]] | None = None

    async def callback(self, message: Any) -> None:
        self.delivered.append(message.offset)
        if self.during is not None:
            await self.during(message.offset)

    async def _add_gap(self, tp: Any, first: int, last: int) -> None:
        self.gaps.append((first, last))

    def assignment(self) -> set[Any]:
        return {TP0}

    async def seek_wait(self, partitions: dict[Any, int]) -> None:
        for tp, offset in partitions.items():  # as Faust's driver does, in its thread
            self._read_offset[tp] = offset


def _fetch(
    consumer: _Consumer, offsets: range | list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Deliver one fetch's records as the drain loop does: the move count is read once,
    when the fetch returns."""
    monkeypatch.setattr(faust_private, "_delivery_cannot_block", lambda c: lambda tp: True)
    deliver = faust_private._deliverer(consumer)
    epoch = faust_private._read_offsets(consumer).epochs.get(TP0, 0)

    async def run() -> None:
        for offset in offsets:
            await deliver(TP0, SimpleNamespace(offset=offset, topic=TP0.topic), epoch)

    asyncio.run(run())


def test_records_fetched_before_a_seek_are_not_delivered_over_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A rebalance seeks the partition back to its committed offset 2 while record 3 is
    being delivered: Faust delivered 4-9 anyway, set its read offset to 9 and then dropped
    2-8 read again, which the stream (stopped for the rebalance) never processed."""
    consumer = _Consumer()
    faust_private._read_offsets(consumer)

    async def seek_at_3(offset: int) -> None:
        if offset == 3:
            consumer._read_offset.update({TP0: 2})  # Faust's perform_seek

    consumer.during = seek_at_3
    _fetch(consumer, range(10), monkeypatch)
    assert consumer.delivered == [0, 1, 2, 3]
    assert consumer._read_offset[TP0] == 2
    consumer.during = None
    _fetch(consumer, range(2, 10), monkeypatch)  # read again from the seek
    assert consumer.delivered == [0, 1, 2, 3, *range(2, 10)]
    assert consumer._read_offset[TP0] == 9
    assert consumer.gaps == []


def test_a_gap_never_covers_the_record_that_revealed_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Offsets in a gap count as acked; the record after the gap is not processed yet."""
    consumer = _Consumer()
    consumer._read_offset[TP0] = 5  # a seek: 5 is the next to read
    _fetch(consumer, [7, 10, 11], monkeypatch)
    assert consumer.gaps == [(5, 6), (8, 9)]
    assert consumer.delivered == [7, 10, 11]


def test_seek_back_moves_the_partition_and_forgets_what_was_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    consumer = _Consumer()
    _fetch(consumer, [3, 4], monkeypatch)
    assert faust_private.first_read_since_seek(consumer, "news.raw", 0) == 3
    assert asyncio.run(faust_private.seek_back(consumer, "news.raw", 0, 2)) is True
    assert faust_private.first_read_since_seek(consumer, "news.raw", 0) is None
    assert consumer._read_offset[TP0] == 2
    _fetch(consumer, [2, 3], monkeypatch)
    assert faust_private.first_read_since_seek(consumer, "news.raw", 0) == 2
    assert asyncio.run(faust_private.seek_back(consumer, "news.raw", 1, 0)) is False


def test_a_seek_back_refused_by_the_consumer_is_reported_not_raised() -> None:
    """Revoked between the check and the seek: the agent must not crash over it."""
    consumer = _Consumer()

    async def refuse(partitions: dict[Any, int]) -> None:
        raise RuntimeError("No current assignment for partition")

    consumer.seek_wait = refuse  # type: ignore[method-assign]
    assert asyncio.run(faust_private.seek_back(consumer, "news.raw", 0, 2)) is False


class _Draining(_Consumer):
    """A consumer whose fetches are lists of offsets of TP0, each run by the drain loop;
    ``while_fetching`` runs during the first fetch's wait (a seek from another task)."""

    def __init__(
        self, fetches: list[list[int]], while_fetching: Callable[[], Awaitable[None]] | None
    ) -> None:
        super().__init__()
        self.fetches, self.while_fetching = fetches, while_fetching
        self.seeks: list[int] = []
        self._stopped = SimpleNamespace(is_set=lambda: not self.fetches)
        self.diag = SimpleNamespace(set_flag=lambda flag: None, unset_flag=lambda flag: None)
        self.should_stop, self.consumer_stopped_errors = False, ()
        self.sleep = asyncio.sleep

    async def seek_wait(self, partitions: dict[Any, int]) -> None:
        self.seeks.extend(partitions.values())
        await super().seek_wait(partitions)

    async def getmany(self, timeout: float) -> Any:
        offsets = self.fetches.pop(0)
        if self.while_fetching is not None:
            await self.while_fetching()
            self.while_fetching = None
        for offset in offsets:
            yield TP0, SimpleNamespace(offset=offset, topic=TP0.topic)


def test_records_of_a_fetch_that_a_seek_overtook_are_read_again_from_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A fetch waits on the consumer's thread; the agent's seek back to 2 lands meanwhile.
    Its records (5-9) were taken for current, so the re-read of 2-4 was dropped under
    the read offset and the agent waited for it for good. Now they are left out, and the
    partition is sought back to where the seek put it (its records may have been the
    first after the seek, and the consumer past them)."""
    monkeypatch.setattr(faust_private, "_delivery_cannot_block", lambda c: lambda tp: True)
    consumer: _Draining

    async def agent_seeks_back() -> None:
        assert await faust_private.seek_back(consumer, "news.raw", 0, 2)

    consumer = _Draining([[5, 6, 7, 8, 9], [2, 3, 4, 5]], agent_seeks_back)
    faust_private._read_offsets(consumer).advance(TP0, 4)
    asyncio.run(faust_private._drain_messages(consumer, consumer))
    assert consumer.seeks == [2, 2]
    assert consumer.delivered == [2, 3, 4, 5]
    assert faust_private.first_read_since_seek(consumer, "news.raw", 0) == 2


def test_read_offsets_count_every_move_but_the_drain_loops_own() -> None:
    offsets = faust_private._ReadOffsets({TP0: 4})
    offsets.advance(TP0, 5)
    assert offsets.epochs == {} and offsets.first == {TP0: 5}
    offsets[TP0] = 1
    offsets.update({TP0: 2})
    offsets.pop(TP0)
    assert offsets.epochs == {TP0: 3} and offsets.first == {}
    assert offsets[TP0] is None and TP0 not in offsets


class _Fetcher:
    def __init__(self, error: Exception) -> None:
        self.error = error
        self.refreshed = 0
        self._client = SimpleNamespace(force_metadata_update=self._refresh)

    def _refresh(self) -> None:
        self.refreshed += 1

    async def _proc_offset_request(self, node_id: int, topic_data: Any) -> Any:
        raise self.error


@pytest.mark.parametrize(
    ("error", "refreshed"), [("NotLeaderForPartitionError", 1), ("RequestTimedOutError", 0)]
)
def test_an_offset_reset_refused_by_an_old_leader_refreshes_the_metadata(
    error: str, refreshed: int
) -> None:
    from aiokafka import errors

    class Fetcher(_Fetcher):
        pass

    faust_private.refresh_leaders_on_reset_error(Fetcher)
    fetcher = Fetcher(getattr(errors, error)())
    with pytest.raises(getattr(errors, error)):
        asyncio.run(fetcher._proc_offset_request(2, {}))
    assert fetcher.refreshed == refreshed


class _Committer:
    """Faust's commit bookkeeping for one partition; the original answers "commit 13"."""

    def __init__(self, committed: int | None, acked: list[int]) -> None:
        from intervaltree import IntervalTree

        self._committed_offset = {TP0: committed}
        self._acked = {TP0: acked}
        self._gap: dict[Any, Any] = defaultdict(IntervalTree)

    def _new_offset(self, tp: Any) -> int | None:
        return max(self._acked[tp]) + 1


@pytest.mark.parametrize(
    ("committed", "acked", "gap", "commit"),
    [
        (10, [11, 12], None, None),  # 10 was never acked: no commit over it
        (10, [10, 11, 12], None, 13),
        (10, [11, 12], (10, 11), 13),  # 10 is not in the log (a gap): commit
        (None, [11, 12], None, 13),  # nothing committed yet: as before
    ],
)
def test_a_commit_starts_at_the_committed_offset(
    committed: int | None, acked: list[int], gap: tuple[int, int] | None, commit: int | None
) -> None:
    class Committer(_Committer):
        pass

    faust_private.commit_from_the_committed_offset(Committer)
    consumer = Committer(committed, acked)
    if gap is not None:
        consumer._gap[TP0].addi(*gap)
    assert consumer._new_offset(TP0) == commit


def test_a_marker_at_the_committed_offset_is_a_gap_the_commit_passes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A topic read back from transactions has no record at a marker's offset; when that
    offset is the committed one (the next to read), the commit must still move on."""

    class Committer(_Committer):
        pass

    faust_private.commit_from_the_committed_offset(Committer)
    monkeypatch.setattr(faust_private, "GAPS_AT_COMMITTED", {TP0.topic})
    consumer = Committer(10, [11, 12])
    asyncio.run(consumer._add_gap(TP0, 10, 10))  # type: ignore[attr-defined]
    assert consumer._new_offset(TP0) == 13
    before = Committer(10, [11, 12])
    asyncio.run(before._add_gap(TP0, 5, 9))  # type: ignore[attr-defined]
    assert not before._gap[TP0]  # offsets already committed are no gap


def test_elsewhere_a_record_missing_at_the_committed_offset_stops_the_commit() -> None:
    """On a topic nobody writes in transactions the record at the committed offset exists:
    if it was not delivered, committing past it would lose it."""

    class Committer(_Committer):
        pass

    faust_private.commit_from_the_committed_offset(Committer)
    consumer = Committer(10, [11, 12])
    asyncio.run(consumer._add_gap(TP0, 10, 10))  # type: ignore[attr-defined]
    assert consumer._new_offset(TP0) is None


def _consumer_at(positions: dict[int, int], committed: dict[int, int], buffered: set[int]) -> Any:
    """A Faust consumer over an aiokafka client whose partitions of TP0's topic sit at
    ``positions``, with ``committed`` offsets and records ``buffered`` in the fetcher."""
    tps = [TopicPartition(TP0.topic, p) for p in positions]
    states = {p: SimpleNamespace(_position=pos) for p, pos in positions.items()}
    assignment = SimpleNamespace(tps=tps, state_value=lambda tp: states[tp.partition])
    client = SimpleNamespace(
        _fetcher=SimpleNamespace(_records={tp: [] for tp in tps if tp.partition in buffered}),
        _subscription=SimpleNamespace(subscription=SimpleNamespace(assignment=assignment)),
    )
    return SimpleNamespace(
        _read_offset={},
        _unacked_messages=[],
        _committed_offset={TP(TP0.topic, p): off for p, off in committed.items()},
        _thread=SimpleNamespace(_ensure_consumer=lambda: client),
    )


def test_delivery_positions_leave_out_partitions_with_records_in_hand() -> None:
    consumer = _consumer_at({0: 50, 1: 60, 2: 784, 3: 9}, {0: 40, 1: 55, 2: 172}, buffered={1})
    consumer._unacked_messages.append(SimpleNamespace(tp=TP(TP0.topic, 0)))
    offsets = faust_private._read_offsets(consumer)
    offsets[TP(TP0.topic, 2)] = 172  # a seek to the commit: 172 is the next to read ...
    assert faust_private.delivery_positions(consumer, TP0.topic) == {2: (784, 172, 172)}
    offsets.advance(TP(TP0.topic, 2), 200)  # ... once delivered, it is the last one read
    assert faust_private.delivery_positions(consumer, TP0.topic) == {2: (784, 201, 172)}


class _Message:
    """A consumed record, hashed by identity as Faust's messages are."""

    def __init__(self, offset: int) -> None:
        self.offset = offset


def test_an_acked_message_leaves_the_set_a_rebalance_waits_for() -> None:
    class _Acking:
        """Faust's ack as it treats a record read again: True only for an offset new to
        the acked list, and only then is the message dropped from the unacked set."""

        def __init__(self) -> None:
            self._unacked_messages: set[_Message] = set()
            self.acked: set[int] = set()

        def ack(self, message: _Message) -> bool:
            if message.offset in self.acked:
                return False
            self.acked.add(message.offset)
            self._unacked_messages.discard(message)
            return True

    faust_private.forget_acked(_Acking)
    consumer = _Acking()
    first, again = _Message(7), _Message(7)  # offset 7, then 7 read again after a seek
    consumer._unacked_messages.update((first, again))
    assert consumer.ack(first) is True
    assert consumer.ack(again) is False  # what Faust's ack says is kept
    assert consumer._unacked_messages == set()

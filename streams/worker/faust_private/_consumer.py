"""The consumer's delivery of fetched records (items 4 and 6 of the package doc) and the
offset reset that waits on stale metadata (item 7): Faust's drain loop with a direct
await when delivery cannot block, read offsets that notice a seek, and aiokafka's
ListOffsets retry that now refreshes the partition leaders.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiokafka import errors as kafka_errors
from faust.transport import consumer as faust_consumer

log = logging.getLogger(__name__)


def _delivery_cannot_block(consumer: Any) -> Any:
    """A test for "the conductor's callback for this message will not wait"."""
    app = consumer.app
    flow_is_active = app.flow_control.is_active
    suspended = consumer.suspend_flow.is_set
    conductor = app.topics
    lock = conductor._tp_to_callback_lock
    tp_index = conductor._tp_index
    buffer = app.producer.buffer
    max_pending = buffer.max_messages
    pending = (lambda: buffer.size) if app.conf.producer_threaded else buffer.pending.qsize

    def cannot_block(tp: Any) -> bool:
        if suspended() or not flow_is_active() or lock.locked() or pending() > max_pending:
            return False
        return all(not chan.queue.full() for chan in tp_index.get(tp, ()))

    return cannot_block


class _ReadOffsets(dict[Any, Any]):
    """Faust's ``_read_offset`` that counts the writes made outside the drain loop (seeks,
    revocations) per partition in ``epochs``: a fetch's records of a partition moved since
    the fetch returned are stale (they come again from the new position). ``first``: the
    first offset delivered since the partition last moved."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.epochs: dict[Any, int] = {}
        self.first: dict[Any, int] = {}

    def __missing__(self, tp: Any) -> None:
        return None  # Faust's was a defaultdict of None

    def _moved(self, tp: Any) -> None:
        self.epochs[tp] = self.epochs.get(tp, 0) + 1
        self.first.pop(tp, None)

    def expected(self, tp: Any) -> int | None:
        """The next offset the drain loop expects for ``tp`` (None if it has no read
        offset): the read offset is the next to read after a move, else the last one
        delivered."""
        offset = self.get(tp)
        if offset is None:
            return None
        return offset + 1 if tp in self.first else offset

    def advance(self, tp: Any, offset: int) -> None:
        """The drain loop delivered ``offset``: not a move."""
        super().__setitem__(tp, offset)
        self.first.setdefault(tp, offset)

    def __setitem__(self, tp: Any, offset: Any) -> None:
        self._moved(tp)
        super().__setitem__(tp, offset)

    def __delitem__(self, tp: Any) -> None:
        self._moved(tp)
        super().__delitem__(tp)

    def pop(self, tp: Any, *default: Any) -> Any:
        self._moved(tp)
        return super().pop(tp, *default)

    def update(self, *args: Any, **kwargs: Any) -> None:
        for tp, offset in dict(*args, **kwargs).items():
            self[tp] = offset


def _read_offsets(consumer: Any) -> _ReadOffsets:
    """The consumer's read offsets as a :class:`_ReadOffsets` (replaced once, in place)."""
    if not isinstance(offsets := consumer._read_offset, _ReadOffsets):
        offsets = consumer._read_offset = _ReadOffsets(offsets)
    return offsets


def first_read_since_seek(consumer: Any, topic: str, partition: int) -> int | None:
    """The first offset of the partition delivered since it last moved (None if none)."""
    return _read_offsets(consumer).first.get(faust_consumer.TP(topic, partition))


async def seek_back(consumer: Any, topic: str, partition: int, offset: int) -> bool:
    """Make the consumer read the partition again from ``offset`` (False if not assigned)."""
    if (tp := faust_consumer.TP(topic, partition)) not in consumer.assignment():
        return False
    try:  # in the consumer's thread; sets the read offset (offset 0 deletes it: _moved)
        await consumer.seek_wait({tp: offset})
    except Exception as exc:  # revoked meanwhile: its next owner reads from the commit
        log.warning("seek of %s to %d failed: %r", tp, offset, exc)
        return False
    _read_offsets(consumer)._moved(tp)
    return True


def _deliverer(self: Any) -> Callable[[Any, Any, int], Awaitable[bool]]:
    """The body of the drain loop for one record: ``deliver(tp, message, epoch)``, where
    ``epoch`` is the partition's move count when its fetch began (:class:`_ReadOffsets`);
    False if the record was left out because the partition moved since."""
    callback = self.callback
    read_offsets = _read_offsets(self)
    get_read_offset = read_offsets.__getitem__
    advance, epoch_of, expected = (
        read_offsets.advance,
        read_offsets.epochs.get,
        read_offsets.expected,
    )
    commit_every = self._commit_every
    acks_enabled_for = self.app.topics.acks_enabled_for
    cannot_block = _delivery_cannot_block(self)

    async def deliver(tp: Any, message: Any, epoch: int) -> bool:
        offset = message.offset
        r_offset = get_read_offset(tp)
        if epoch_of(tp, 0) != epoch:
            self.log.dev("STALE MESSAGE %r %r (sought since fetched)", tp, offset)
            return False
        if r_offset is None or offset >= r_offset:
            nxt = expected(tp)
            if r_offset and nxt is not None and offset > nxt and acks_enabled_for(message.topic):
                await self._add_gap(tp, nxt, offset - 1)
            if commit_every is not None and self._n_acked >= commit_every:
                self._n_acked = 0
                await self.commit()
            if epoch_of(tp, 0) != epoch:
                return False  # sought while we committed
            if cannot_block(tp):
                await callback(message)
            else:
                await self.wait_first(callback(message), self.suspend_flow.wait())
            if epoch_of(tp, 0) == epoch:
                advance(tp, offset)
        else:
            self.log.dev("DROPPED MESSAGE ROFF %r: k=%r v=%r", offset, message.key, message.value)
        return True

    return deliver


async def _read_again_from_move(self: Any, tps: set[Any]) -> None:
    """Seek each partition whose fetched records were left out as stale back to where its
    move put it. The move may have come before the fetch in the consumer's thread, so
    those records were the first after it, and the consumer's position is past them."""
    offsets = _read_offsets(self)
    for tp in tps:
        if tp not in offsets.first:  # else delivered since: the records were truly stale
            await seek_back(self, tp.topic, tp.partition, offsets.get(tp) or 0)


async def _drain_messages(self: Any, fetcher: Any) -> None:  # pragma: no cover
    """faust.transport.consumer.Consumer._drain_messages (faust-streaming 0.15.3), with a
    direct await of the delivery callback when it cannot block (see the module doc) and
    two fixes: records fetched before a seek of their partition are dropped, not delivered
    over the seek, and a gap in the offsets never covers the record that revealed it. A
    fetch runs in the consumer's thread, so a seek can land while it waits: the move
    counts are taken before it, and its records of a partition moved meanwhile are read
    again from the move."""
    getmany = self.getmany
    consumer_should_stop = self._stopped.is_set
    fetcher_should_stop = fetcher._stopped.is_set
    epochs = _read_offsets(self).epochs
    deliver = _deliverer(self)
    flag_consumer_fetching = faust_consumer.CONSUMER_FETCHING
    set_flag = self.diag.set_flag
    unset_flag = self.diag.unset_flag
    yield_every = 100
    num_since_yield = 0
    sleep = asyncio.sleep
    try:
        while not (consumer_should_stop() or fetcher_should_stop()):
            set_flag(flag_consumer_fetching)
            ait = getmany(timeout=1.0)
            await self.sleep(0)
            if not self.should_stop:
                fetched, stale = dict(epochs), set()
                async for tp, message in ait:
                    num_since_yield += 1
                    if num_since_yield > yield_every:
                        await sleep(0)
                        num_since_yield = 0
                    if not await deliver(tp, message, fetched.get(tp, 0)):
                        stale.add(tp)
                if stale:
                    await _read_again_from_move(self, stale)
                unset_flag(flag_consumer_fetching)
    except self.consumer_stopped_errors:
        if self.transport.app.should_stop:
            self.log.info("Broker stopped consumer, shutting down...")
            return
        raise
    except asyncio.CancelledError:
        if self.transport.app.should_stop:
            self.log.info("Consumer shutting down for user cancel.")
            return
        raise
    except Exception as exc:
        self.log.exception("Drain messages raised: %r", exc)
        raise
    finally:
        unset_flag(flag_consumer_fetching)


def refresh_leaders_on_reset_error(fetcher_cls: Any) -> None:
    """Make aiokafka's ``Fetcher._proc_offset_request`` refresh the metadata when the node
    it asked is no longer the partition's leader. Its offset reset (a partition without a
    committed offset) logged the error and retried the old leader every 100 ms until the
    metadata aged out, 5 minutes later: after a broker failover nothing flowed meanwhile."""
    original = fetcher_cls._proc_offset_request

    async def _proc_offset_request(self: Any, node_id: int, topic_data: Any) -> Any:
        try:
            return await original(self, node_id, topic_data)
        except kafka_errors.KafkaError as exc:
            if exc.invalid_metadata:
                self._client.force_metadata_update()
            raise

    fetcher_cls._proc_offset_request = _proc_offset_request


#: Topics whose log may lack a record at the committed offset (transaction markers): the
#: ones the worker writes in transactions and reads back (``streams/worker/main.py``).
GAPS_AT_COMMITTED: set[str] = set()


def commit_from_the_committed_offset(consumer_cls: Any) -> None:
    """Make Faust's ``Consumer._new_offset`` commit only a run of acked offsets that starts
    at the committed offset (or at a gap covering it). It let the run start one further
    (``min(acked) - committed > 1``), so a record at the committed offset that was never
    acked was committed over. ``_add_gap`` made the same off-by-one the other way round."""
    original = consumer_cls._new_offset

    def _new_offset(self: Any, tp: Any) -> int | None:
        committed, acked = self._committed_offset[tp], self._acked[tp]
        head_missing = committed is not None and acked and min(acked) > committed
        if head_missing and not self._gap[tp].overlaps_point(committed):
            return None
        result: int | None = original(self, tp)
        return result

    consumer_cls._new_offset = _new_offset

    async def _add_gap(self: Any, tp: Any, offset_from: int, offset_to: int) -> None:
        # Faust clips a gap to start after the committed offset, but the committed offset
        # is the next record to read: on a topic read back from transactions, a marker
        # right there was never a gap, so the acked offsets after it were never committed.
        # Elsewhere a record missing at the committed offset is a hole in the delivery,
        # not in the log: the commit stops there (a stall) rather than pass it (a loss).
        committed = self._committed_offset[tp]
        if committed is not None:
            offset_from = max(offset_from, committed + (tp.topic not in GAPS_AT_COMMITTED))
        if offset_from <= offset_to:
            gaps = self._gap[tp]
            gaps.addi(offset_from, offset_to + 1)  # intervaltree: the end is excluded
            await asyncio.sleep(0)  # as Faust: let health checks run while it merges
            gaps.merge_overlaps()

    consumer_cls._add_gap = _add_gap


def delivery_positions(consumer: Any, topic: str) -> dict[int, tuple[int, int, int]]:
    """Per assigned partition of ``topic`` with nothing in hand: (aiokafka's fetch position,
    the next offset the drain loop expects to deliver, the committed offset). "In hand": a
    record delivered and not yet acked, or fetched and waiting in aiokafka's buffer; such a
    partition is left out, as is one without a position or a commit. Racy reads, for a
    watchdog that acts only on a state seen twice (``streams/worker/watch.py``)."""
    read_offsets = _read_offsets(consumer)
    busy = {(m.tp.topic, m.tp.partition) for m in list(consumer._unacked_messages)}
    client = consumer._thread._ensure_consumer()
    busy |= {(tp.topic, tp.partition) for tp in client._fetcher._records}
    assignment = client._subscription.subscription.assignment
    out: dict[int, tuple[int, int, int]] = {}
    for tp in assignment.tps:
        if tp.topic != topic or (tp.topic, tp.partition) in busy:
            continue
        key = faust_consumer.TP(tp.topic, tp.partition)
        position = getattr(assignment.state_value(tp), "_position", None)
        committed = consumer._committed_offset.get(key)
        if position is None or committed is None:
            continue
        expected = read_offsets.expected(key)
        out[tp.partition] = (
            int(position),
            int(committed if expected is None else expected),
            int(committed),
        )
    return out


def forget_acked(consumer_cls: Any) -> None:
    """Make ``Consumer.ack`` drop every acked message from the set a rebalance waits for
    (``wait_empty``). Faust's drops it only when its offset is new to the acked list: a
    record read again after a seek back, at an offset acked before, stayed in the set, and
    the member never finished revoking its partitions. Commits follow the acked offsets,
    not this set."""
    original = consumer_cls.ack

    def ack(self: Any, message: Any) -> bool:
        acked = bool(original(self, message))
        with faust_consumer.ack_lock:
            self._unacked_messages.discard(message)
        return acked

    consumer_cls.ack = ack

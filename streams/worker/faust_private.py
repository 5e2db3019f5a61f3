"""Every use of faust-streaming's and aiokafka's private API, in one module.

Each piece reaches past a public interface, so it is written for the versions named in
:data:`WRITTEN_FOR` and :func:`check_versions` refuses to start on others: a silently
broken patch would lose or repeat stories. The six driver adjustments (:func:`apply`):

1. Fetch wait and size: Faust hard-codes ``fetch_max_wait_ms=1500`` and leaves aiokafka's
   1-byte ``fetch_min_bytes``; the worker takes both from its settings.
2. Highwater probe (streams/worker/highwater.py) under table recovery, for the embedded
   broker only (``NEWSSTREAM_BROKER_ENGINE=tansu``), whose end offsets fall short.
3. Producer buffer: see :func:`apply`.
4. Message hand-off: Faust delivers each record through two tasks and an ``asyncio.wait``
   so that a delivery blocked on a full buffer is abandoned when a rebalance suspends the
   flow. When nothing can block we await the callback directly (:func:`_drain_messages`).
5. Seek back without a commit: aiokafka's ``seek_to_committed`` leaves a partition without
   a committed offset where it is, past the records Faust dropped during a rebalance, so
   they were never processed. Such stream partitions go back to the beginning, as
   ``consumer_auto_offset_reset="earliest"`` means (:func:`seek_to_committed_or_reset`).
6. Stale records after a seek: Faust's drain loop went on delivering a fetch's records of
   a partition sought back meanwhile, wrote their offsets over the seek's and then dropped
   the records read again from the seek as already read; its gap bookkeeping let the
   commit pass them (:class:`_ReadOffsets`, :func:`_deliverer`).

Besides the patches: an agent's error handler (:func:`on_agent_error`), routing table
writes to an event's partition (:func:`acting_for`), the consumer's committed offsets
(:func:`committed_offset`), a seek back for the ``process`` agent's offset guard
(:func:`seek_back`, :func:`first_read_since_seek`), passive stream iteration
(:func:`enable_passive`) and the consumer state logged on SIGUSR1 (:func:`consumer_state`).
docs/reliability.md and docs/performance.md say how each was found and measured.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from collections.abc import Awaitable, Callable, Iterator, Mapping
from typing import Any

import aiokafka
import faust
from aiokafka.structs import TopicPartition
from faust.streams import _current_event
from faust.transport import consumer as faust_consumer
from faust.transport.drivers import aiokafka as faust_aiokafka
from faust.transport.producer import ProducerBuffer

from streams.worker.highwater import probe_true_end_offsets

log = logging.getLogger(__name__)
_applied = False

#: Package -> (installed version, the version prefix this module was written for).
WRITTEN_FOR = {"faust-streaming": "0.15.", "aiokafka": "0.14."}


class UnsupportedVersion(RuntimeError):
    """An installed faust-streaming or aiokafka this module was not written for."""


def check_versions(installed: Mapping[str, str] | None = None) -> None:
    """Refuse to patch versions other than those in :data:`WRITTEN_FOR`."""
    found = installed or {"faust-streaming": faust.__version__, "aiokafka": aiokafka.__version__}
    wrong = {
        name: found[name]
        for name, prefix in WRITTEN_FOR.items()
        if not found[name].startswith(prefix)
    }
    if wrong:
        got = ", ".join(f"{name} {version}" for name, version in sorted(wrong.items()))
        want = ", ".join(f"{name} {prefix}x" for name, prefix in sorted(WRITTEN_FOR.items()))
        raise UnsupportedVersion(
            f"streams/worker/faust_private.py was written for {want}; installed: {got}. "
            "Install the versions pinned in pyproject.toml, or review each patch here first."
        )


def apply(
    fetch_max_wait_ms: int,
    probe_kwargs: Mapping[str, Any] | None,
    buffer_max_messages: int = 100_000,
    fetch_min_bytes: int = 1,
) -> None:
    """Patch the driver (idempotent). Kept in one place so it is easy to drop later."""
    global _applied
    if _applied:
        return
    check_versions()
    _applied = True
    # Table writes queue in Faust's ProducerBuffer; past 100 pending messages the stream
    # stops and drains it one message at a time (and logs a warning each time). A batch
    # pipeline writes more than 100 at once; the aiokafka producer batches them anyway.
    ProducerBuffer.max_messages = buffer_max_messages
    faust_consumer.Consumer._drain_messages = _drain_messages  # type: ignore[method-assign]
    thread_cls = faust_aiokafka.AIOKafkaConsumerThread
    create = thread_cls._create_worker_consumer

    async def seek_to_committed(self: Any) -> Mapping[Any, Any]:
        app = self.consumer.app
        return await self.call_thread(
            seek_to_committed_or_reset,
            self._ensure_consumer(),
            skip_topics=app.tables.changelog_topics,
            reset=app.conf.consumer_auto_offset_reset,
        )

    thread_cls.seek_to_committed = seek_to_committed  # type: ignore[method-assign]

    def _create_worker_consumer(self: Any, transport: Any) -> aiokafka.AIOKafkaConsumer:
        consumer = create(self, transport)
        consumer._fetch_max_wait_ms = fetch_max_wait_ms
        consumer._fetch_min_bytes = fetch_min_bytes
        _read_offsets(self.consumer)  # before any seek or fetch (item 6)
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


async def seek_to_committed_or_reset(
    consumer: aiokafka.AIOKafkaConsumer, *, skip_topics: Any = (), reset: str = "earliest"
) -> Mapping[TopicPartition, int | None]:
    """``consumer.seek_to_committed()``, then partitions without a committed offset (or at
    offset 0) go back to the beginning when the reset policy is "earliest". Returns what
    aiokafka returns (the committed offsets, None where there is none), as Faust's
    ``perform_seek`` expects. Changelog partitions (``skip_topics``): recovery seeks them."""
    committed = await consumer.seek_to_committed()
    if reset == "earliest":
        unset = [
            tp
            for tp, offset in committed.items()
            if (offset is None or offset <= 0) and tp.topic not in skip_topics
        ]
        if unset:
            log.info("no committed offset, reading from the beginning: %s", sorted(unset))
            await consumer.seek_to_beginning(*unset)
    return committed


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


def _deliverer(self: Any) -> Callable[[Any, Any, int], Awaitable[None]]:
    """The body of the drain loop for one record: ``deliver(tp, message, epoch)``, where
    ``epoch`` is the partition's move count when its fetch returned (:class:`_ReadOffsets`)."""
    callback = self.callback
    read_offsets = _read_offsets(self)
    get_read_offset = read_offsets.__getitem__
    advance, epoch_of, first = read_offsets.advance, read_offsets.epochs.get, read_offsets.first
    commit_every = self._commit_every
    acks_enabled_for = self.app.topics.acks_enabled_for
    cannot_block = _delivery_cannot_block(self)

    async def deliver(tp: Any, message: Any, epoch: int) -> None:
        offset = message.offset
        r_offset = get_read_offset(tp)
        if epoch_of(tp, 0) != epoch:
            self.log.dev("STALE MESSAGE %r %r (sought since fetched)", tp, offset)
        elif r_offset is None or offset >= r_offset:
            # The read offset is the next to read after a seek, else the last one read.
            after = r_offset if tp in first else r_offset - 1 if r_offset else 0
            if offset - after > 1 and r_offset and acks_enabled_for(message.topic):
                await self._add_gap(tp, after + 1, offset - 1)
            if commit_every is not None and self._n_acked >= commit_every:
                self._n_acked = 0
                await self.commit()
            if epoch_of(tp, 0) != epoch:
                return  # sought while we committed
            if cannot_block(tp):
                await callback(message)
            else:
                await self.wait_first(callback(message), self.suspend_flow.wait())
            if epoch_of(tp, 0) == epoch:
                advance(tp, offset)
        else:
            self.log.dev("DROPPED MESSAGE ROFF %r: k=%r v=%r", offset, message.key, message.value)

    return deliver


async def _drain_messages(self: Any, fetcher: Any) -> None:  # pragma: no cover
    """faust.transport.consumer.Consumer._drain_messages (faust-streaming 0.15.3), with a
    direct await of the delivery callback when it cannot block (see the module doc) and
    two fixes: records fetched before a seek of their partition are dropped, not delivered
    over the seek, and a gap in the offsets never covers the record that revealed it."""
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
                fetched: dict[Any, int] | None = None
                async for tp, message in ait:
                    if fetched is None:  # no await since the fetch returned its records
                        fetched = dict(epochs)
                    num_since_yield += 1
                    if num_since_yield > yield_every:
                        await sleep(0)
                        num_since_yield = 0
                    await deliver(tp, message, fetched.get(tp, 0))
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


@contextlib.contextmanager
def acting_for(event: Any) -> Iterator[None]:
    """Make table writes inside a batch go to the partition of ``event``: Faust routes a
    table write to the partition of the *current* event, the batch's last one otherwise."""
    token = _current_event.set(weakref.ref(event))
    try:
        yield
    finally:
        _current_event.reset(token)


def on_agent_error(agent: Any, handler: Callable[[Any, BaseException], Awaitable[None]]) -> None:
    """Call ``handler(agent, exc)`` when an exception escapes the agent (Faust's ``on_error``
    argument, which ``app.agent`` does not pass on)."""
    agent._on_error = handler


def committed_offset(consumer: Any, tp: Any) -> int | None:
    """The offset Faust's consumer last committed for ``tp`` (None before the first)."""
    return None if (offset := consumer._committed_offset.get(tp)) is None else int(offset)


def enable_passive(stream: Any) -> None:
    """Let the stream drain its channel into its processors without an ``async for``
    over it, so a batching loop can run beside the drainer (streams/worker/batching.py)."""
    stream._enable_passive(aiter(stream.channel))


def consumer_state(app: Any) -> dict[str, Any]:
    """Faust's and aiokafka's bookkeeping per partition (racy reads; diagnostics only)."""
    consumer = app.consumer
    state: dict[str, Any] = {
        "generation": getattr(app, "consumer_generation_id", None),
        "flow_control_active": app.flow_control.is_active(),
        "flow_active": getattr(consumer, "flow_active", None),
        "unacked": len(getattr(consumer, "_unacked_messages", ())),
    }
    try:
        state["assignment"] = sorted(str(tp) for tp in consumer.assignment())
    except Exception as exc:  # not started, or mid-rebalance
        state["assignment"] = repr(exc)
    for name in ("_active_partitions", "_paused_partitions", "_buffered_partitions"):
        value = getattr(consumer, name, None)
        state[name.strip("_")] = sorted(str(tp) for tp in value) if value else value
    for name in ("_read_offset", "_committed_offset"):
        value = getattr(consumer, name, {}) or {}
        state[name.strip("_")] = {f"{tp.topic}:{tp.partition}": off for tp, off in value.items()}
    try:
        state.update(_aiokafka_state(consumer._thread._ensure_consumer()))
    except Exception as exc:
        state["aiokafka"] = repr(exc)
    return state


def _aiokafka_state(consumer: aiokafka.AIOKafkaConsumer) -> dict[str, Any]:
    assignment = consumer._subscription.subscription.assignment
    fetcher = consumer._fetcher
    return {
        "aiokafka_paused": sorted(str(tp) for tp in consumer.paused()),
        "aiokafka_positions": {
            f"{tp.topic}:{tp.partition}": {
                "position": getattr(st, "_position", None),
                "valid": st.has_valid_position,
                "awaiting_reset": st.awaiting_reset,
                "paused": st.paused,
                "highwater": st.highwater,
            }
            for tp, st in ((tp, assignment.state_value(tp)) for tp in assignment.tps)
            if not tp.topic.startswith("newsstream-")
        },
        "aiokafka_fetcher": {
            "records": sorted(f"{tp.topic}:{tp.partition}" for tp in fetcher._records),
            "fetch_task_done": fetcher._fetch_task.done(),
        },
    }

"""Every use of faust-streaming's and aiokafka's private API, in one package.

Each piece reaches past a public interface, so it is written for the versions named in
:data:`WRITTEN_FOR` and :func:`check_versions` refuses to start on others: a silently
broken patch would lose or repeat stories. The eight driver adjustments (:func:`apply`):

1. Fetch wait and size: Faust hard-codes ``fetch_max_wait_ms=1500`` and leaves aiokafka's
   1-byte ``fetch_min_bytes``; the worker takes both from its settings.
2. Highwater probe (streams/worker/highwater.py) under table recovery, for the embedded
   broker only (``NEWSSTREAM_BROKER_ENGINE=tansu``), whose end offsets fall short.
3. Producer buffer: see :func:`apply`.
4. Message hand-off: Faust delivers each record through two tasks and an ``asyncio.wait``
   so that a delivery blocked on a full buffer is abandoned when a rebalance suspends the
   flow. When nothing can block we await the callback directly (``_consumer.py``).
5. Seek back without a commit: aiokafka's ``seek_to_committed`` leaves a partition without
   a committed offset where it is, past the records Faust dropped during a rebalance, so
   they were never processed. Such stream partitions go back to the beginning, as
   ``consumer_auto_offset_reset="earliest"`` means (:func:`seek_to_committed_or_reset`).
6. Stale records after a seek: Faust's drain loop went on delivering a fetch's records of
   a partition sought back meanwhile, wrote their offsets over the seek's and then dropped
   the records read again from the seek as already read; its gap bookkeeping let the
   commit pass them, and its commit could pass an unacked record at the committed offset
   (``_consumer.py``).
7. Offset reset after a failover: aiokafka retried ListOffsets against the old leader
   until its metadata aged out (``_consumer.py``).
8. Acked messages read again: Faust's ``ack`` left a record read again at an offset
   already acked among those a rebalance waits for, for good (``_consumer.py``).

Besides the patches: an agent's error handler (:func:`on_agent_error`), routing table
writes to an event's partition (:func:`acting_for`), the consumer's committed offsets
(:func:`committed_offset`), a seek back for the ``process`` agent's offset guard
(:func:`seek_back`, :func:`first_read_since_seek`), passive stream iteration
(:func:`enable_passive`), the progress of table recovery (:func:`recovery_progress`,
:func:`fetch_state`) and the consumer and producer state logged on SIGUSR1
(:func:`consumer_state`, :func:`producer_state`).
docs/reliability.md and docs/performance.md say how each was found and measured.
"""

from __future__ import annotations

import contextlib
import logging
import weakref
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from typing import Any

import aiokafka
import faust
from aiokafka.consumer.fetcher import Fetcher
from aiokafka.structs import TopicPartition
from faust.streams import _current_event
from faust.transport import consumer as faust_consumer
from faust.transport.drivers import aiokafka as faust_aiokafka
from faust.transport.producer import ProducerBuffer

from streams.worker.faust_private._consumer import (
    GAPS_AT_COMMITTED,
    _drain_messages,
    _read_offsets,
    commit_from_the_committed_offset,
    delivery_positions,
    first_read_since_seek,
    forget_acked,
    refresh_leaders_on_reset_error,
    seek_back,
)
from streams.worker.highwater import probe_true_end_offsets

__all__ = [
    "GAPS_AT_COMMITTED",
    "WRITTEN_FOR",
    "UnsupportedVersion",
    "acting_for",
    "apply",
    "check_versions",
    "committed_offset",
    "consumer_state",
    "delivery_positions",
    "enable_passive",
    "fetch_state",
    "first_read_since_seek",
    "forget_unacked",
    "on_agent_error",
    "producer_state",
    "recovery_progress",
    "seek_back",
    "seek_to_committed_or_reset",
]

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
            f"streams/worker/faust_private/ was written for {want}; installed: {got}. "
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
    refresh_leaders_on_reset_error(Fetcher)
    commit_from_the_committed_offset(faust_consumer.Consumer)
    forget_acked(faust_consumer.Consumer)
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


def recovery_progress(app: Any) -> dict[Any, tuple[int, int]]:
    """Per active changelog partition while Faust recovers the tables: (last offset
    recovery received, -1 for none; the last offset it waits for). Empty when it is not
    recovering. Racy reads, for a watchdog that acts only on a state seen twice
    (``streams/worker/watch.py``)."""
    recovery = app.tables.recovery
    if not recovery.in_recovery:
        return {}
    offsets = recovery.active_offsets
    return {
        tp: (int(received), int(last))
        for tp, last in list(recovery.active_highwaters.items())
        if last is not None and (received := offsets.get(tp)) is not None
    }


def fetch_state(consumer: Any, tp: Any) -> str:
    """aiokafka's fetch position and pause flag of ``tp``, for a log line."""
    try:
        assignment = consumer._thread._ensure_consumer()._subscription.subscription.assignment
        state = assignment.state_value(TopicPartition(tp.topic, tp.partition))
    except Exception as exc:  # not assigned any more, or mid-rebalance
        return f"no fetch state ({exc!r})"
    if state is None:
        return "not assigned"
    return f"fetch position {getattr(state, '_position', None)}, paused {state.paused}"


def committed_offset(consumer: Any, tp: Any) -> int | None:
    """The offset Faust's consumer last committed for ``tp`` (None before the first)."""
    return None if (offset := consumer._committed_offset.get(tp)) is None else int(offset)


def forget_unacked(consumer: Any, messages: Iterable[Any]) -> None:
    """Drop ``messages`` from the set of records a rebalance waits for (``wait_empty``).

    For the records the hole guard leaves out: never acked (they come again after its
    seek, as new messages), they would stay there, and the member would never finish
    revoking its partitions. Commits follow the acked offsets, not this set. They are also
    marked acked, so a batch helper that acks every event it handed out (Faust's
    ``take_events``) does not ack their offsets: the commit must not pass them before they
    come again."""
    discard = consumer._unacked_messages.discard
    for message in messages:
        message.acked = True
        discard(message)


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
    state["acked"] = {  # per partition: (lowest, highest, how many) acked, not committed
        f"{tp.topic}:{tp.partition}": (min(acked), max(acked), len(acked))
        for tp, acked in (getattr(consumer, "_acked", {}) or {}).items()
        if acked
    }
    state["gaps"] = {
        f"{tp.topic}:{tp.partition}": sorted((iv.begin, iv.end) for iv in tree)[:3]
        for tp, tree in (getattr(consumer, "_gap", {}) or {}).items()
        if tree
    }
    try:
        state["producer"] = producer_state(app.producer._ensure_producer())
    except Exception as exc:
        state["producer"] = repr(exc)
    txn = getattr(app.producer, "_transaction_producers", None) or {}
    state["transactional_producers"] = {tid: producer_state(p) for tid, p in txn.items()}
    return state


def producer_state(producer: aiokafka.AIOKafkaProducer) -> dict[str, Any]:
    """aiokafka's sender and accumulator: what waits to be sent, to which leader, and what
    the sender skips (nodes with a request in flight, muted partitions)."""
    sender, queued = producer._sender, producer._message_accumulator
    leader_for = queued._cluster.leader_for_partition
    return {
        "in_flight_nodes": sorted(sender._in_flight),
        "muted": sorted(f"{tp.topic}:{tp.partition}" for tp in sender._muted_partitions),
        "queued": {
            f"{tp.topic}:{tp.partition}": {"batches": len(batches), "leader": leader_for(tp)}
            for tp, batches in queued._batches.items()
            if batches
        },
        "pending_batches": len(queued._pending_batches),
        "sender_done": sender.sender_task is None or sender.sender_task.done(),
    }


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

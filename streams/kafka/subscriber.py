"""Reading topics with a plain aiokafka consumer: `newsstream tail`, the demo runner and
tests all use it."""

from __future__ import annotations

import asyncio
import base64
import difflib
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any, Literal

import orjson
from aiokafka import AIOKafkaConsumer
from aiokafka.structs import ConsumerRecord

from streams.exitcodes import ExitCode, InputError, StopRequest, stop_on_signals
from streams.kafka.client import client_kwargs
from streams.kafka.connect import broker_address, start_client
from streams.kafka.security import AUTHORIZATION_ERRORS, AccessDenied, not_authorized
from streams.settings import Settings

IsolationLevel = Literal["read_uncommitted", "read_committed"]


def isolation_level(s: Settings) -> IsolationLevel:
    """What a subscriber reads: with exactly-once processing only committed transactions
    (an aborted batch's outputs stay in the log, marked aborted, and must not be seen);
    otherwise every record, since the at-least-once worker writes no transactions."""
    return "read_committed" if s.processing_guarantee == "exactly_once" else "read_uncommitted"


async def consume(
    s: Settings,
    topics: Sequence[str],
    *,
    until: Callable[[list[ConsumerRecord[Any, Any]]], bool] | None = None,
    timeout: float = 60.0,
    idle: float | None = None,
    group_id: str | None = None,
    isolation: IsolationLevel | None = None,
) -> list[ConsumerRecord[Any, Any]]:
    """Read ``topics`` from the beginning until ``until(records)`` holds, ``idle`` seconds
    pass without a record, or ``timeout`` runs out. Knows completion from the data itself,
    never from end offsets (which the embedded broker reports wrongly). ``isolation``
    defaults to :func:`isolation_level` of the settings."""
    consumer = AIOKafkaConsumer(
        *topics,
        **client_kwargs(s),
        group_id=group_id,
        isolation_level=isolation or isolation_level(s),
        auto_offset_reset="earliest",
        enable_auto_commit=group_id is not None,
        fetch_max_wait_ms=100,
        metadata_max_age_ms=1000,
    )
    await consumer.start()
    records: list[ConsumerRecord[Any, Any]] = []
    deadline = time.monotonic() + timeout
    last_seen = time.monotonic()
    try:
        while time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=200)
            got = [r for recs in batch.values() for r in recs]
            if got:
                records.extend(got)
                last_seen = time.monotonic()
            if until is not None and until(records):
                break
            if idle is not None and time.monotonic() - last_seen > idle:
                break
    finally:
        await consumer.stop()
    return records


def record_json(record: ConsumerRecord[Any, Any]) -> bytes:
    """A topic record as one JSON line: the value parsed when it is JSON, else base64."""
    try:
        value: Any = orjson.loads(record.value) if record.value is not None else None
    except orjson.JSONDecodeError:
        value = {"value_b64": base64.b64encode(record.value).decode()}
    return orjson.dumps(value)


async def _tail_consumer(s: Settings, topic: str, stop: StopRequest | None) -> AIOKafkaConsumer:
    """A started consumer of ``topic``; `InputError` when the topic does not exist.

    The topic list is read before subscribing: subscribing asks the broker for the
    topic's metadata, which a broker that auto-creates topics answers by creating it."""
    consumer = await start_client(
        lambda: AIOKafkaConsumer(
            **client_kwargs(s),
            group_id=None,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            fetch_max_wait_ms=100,
            isolation_level=isolation_level(s),
        ),
        s,
        attempts=TAIL_CONNECT_ATTEMPTS,
        stop=stop,
    )
    existing = await consumer.topics()
    if topic not in existing:
        await consumer.stop()
        if s.sasl_username:  # Kafka lists only the topics a user may describe
            raise AccessDenied(_hidden_topic(topic, existing, broker_address(s), s.sasl_username))
        raise InputError(unknown_topic(topic, existing, broker_address(s)))
    consumer.subscribe([topic])
    return consumer


#: ``tail`` gives up on an unreachable broker sooner than the publishers: nothing is lost.
TAIL_CONNECT_ATTEMPTS = 3


def unknown_topic(topic: str, existing: set[str], where: str) -> str:
    """The sentence for a topic that does not exist: the nearest name, else a few names."""
    close = difflib.get_close_matches(topic, existing, n=1)
    if close:
        return f"no topic {topic!r} on the broker at {where}; did you mean {close[0]}?"
    return f"no topic {topic!r} on the broker at {where} (topics: {_listing(existing)})"


def _hidden_topic(topic: str, existing: set[str], where: str, user: str) -> str:
    """The sentence for a topic a SASL user does not see: Kafka answers "not authorized"
    for a topic that does not exist too, so that names do not leak; both are said."""
    return (
        f"the Kafka broker at {where} does not let user {user!r} read topic {topic!r}, or "
        f"it does not exist (this user may see: {_listing(existing)}; see docs/security.md)"
    )


def _listing(existing: set[str]) -> str:
    names = sorted(t for t in existing if not t.startswith("__"))
    return ", ".join(names[:8]) + (", ..." if len(names) > 8 else "") if names else "none"


async def tail(
    s: Settings,
    topic: str,
    *,
    follow: bool,
    max_messages: int | None,
    stop: StopRequest | None = None,
) -> int:
    """Print ``topic``'s records from the beginning as JSON lines; the number printed.

    Without ``follow`` it ends once no record came for 2 s; with it, when ``stop`` is
    requested. A record already read is always printed whole before stopping."""
    consumer = await _tail_consumer(s, topic, stop)
    n = 0
    idle_since = time.monotonic()
    out = sys.stdout.buffer
    try:
        while (max_messages is None or n < max_messages) and not (stop and stop.requested):
            try:
                batch = await consumer.getmany(timeout_ms=500)
            except AUTHORIZATION_ERRORS:
                raise not_authorized(s, broker_address(s), f"read topic {topic}") from None
            got = [r for recs in batch.values() for r in recs]
            if not got:
                if not follow and time.monotonic() - idle_since > 2.0:
                    break
                continue
            idle_since = time.monotonic()
            for rec in got[: None if max_messages is None else max_messages - n]:
                out.write(record_json(rec) + b"\n")
                n += 1
            out.flush()
    finally:
        await consumer.stop()
    return n


def main_tail(s: Settings, topic: str, *, follow: bool, max_messages: int | None) -> int:
    """`newsstream tail`: 0 when done; stopped by a signal, 0 with ``--follow`` (stopping
    is how following ends) and the job's code without it (130 for SIGINT)."""

    async def run() -> int:
        with stop_on_signals() as stop:
            await tail(s, topic, follow=follow, max_messages=max_messages, stop=stop)
            return stop.job_exit_code if stop.requested and not follow else ExitCode.OK

    return asyncio.run(run())

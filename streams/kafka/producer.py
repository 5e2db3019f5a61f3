"""Publishing stories to Kafka: replay of seed/JSONL files, with retries and progress."""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError, KafkaTimeoutError

from schemas.models import story_id_for
from streams.exitcodes import (
    ExitCode,
    InputError,
    StopRequest,
    job_exit_code,
    signal_name,
    stop_on_signals,
)
from streams.kafka.admin import ensure_topics
from streams.kafka.client import client_kwargs
from streams.kafka.connect import broker_address, start_client
from streams.kafka.security import AUTHORIZATION_ERRORS, not_authorized
from streams.kafka.subscriber import unknown_topic
from streams.settings import Settings
from streams.sources.seeds import load_stories
from streams.telemetry.progress import Progress
from streams.topics import Topics

log = logging.getLogger(__name__)
#: How long a publisher of stories (replay, ingest, redrive) waits to fill a batch when
#: NEWSSTREAM_PRODUCER_LINGER_MS is unset: a request per few stories instead of one per
#: story (Apache Kafka's producer default since 4.0, KIP-1030).
PRODUCER_LINGER_MS = 5


@dataclass
class ReplayReport:
    sent: int = 0
    failed: int = 0
    ids: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None
    #: The signal that stopped the replay early, if one did.
    stopped_by: int | None = None


def story_events(
    records: Iterable[dict[str, Any]], *, loop: int = 1, fresh_ids: bool = False
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(id, record) pairs to publish. ``loop`` repeats the file; ``fresh_ids`` gives each
    pass new ids (a load generator) instead of the same ids (a duplicate test)."""
    items = []
    for rec in records:
        body = rec.get("body")
        sid = rec.get("id")
        if not isinstance(sid, str) or not sid:
            sid = story_id_for(rec.get("headline"), body) if isinstance(body, str) else None
        items.append((sid, rec))
    for k in range(loop):
        for sid, rec in items:
            if sid is None:
                yield "", rec
                continue
            out_id = f"{sid}-{k}" if fresh_ids and k > 0 else sid
            yield out_id, {**rec, "id": out_id}


async def start_producer(
    s: Settings, *, attempts: int = 6, stop: StopRequest | None = None, **extra: Any
) -> AIOKafkaProducer:
    """Start a producer, retrying with exponential backoff while the broker is unreachable."""

    def make() -> AIOKafkaProducer:
        return AIOKafkaProducer(
            **client_kwargs(s),
            acks=s.acks,
            linger_ms=s.linger_ms(PRODUCER_LINGER_MS),
            request_timeout_ms=60_000,
            retry_backoff_ms=250,
            **extra,
        )

    return await start_client(make, s, attempts=attempts, stop=stop)


def _published_ts(rec: dict[str, Any]) -> float | None:
    value = rec.get("published_at")
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


class _Pacer:
    """How long the next story waits: ``rate`` stories per second, or the spacing of
    their ``published_at`` divided by ``speed``; no wait without either."""

    def __init__(self, rate: float | None, speed: float | None) -> None:
        self.rate, self.speed = rate, speed
        self.start = time.monotonic()
        self.first_pub: float | None = None

    def wait_s(self, i: int, rec: dict[str, Any]) -> float:
        if self.rate:
            return self.start + i / self.rate - time.monotonic()
        ts = _published_ts(rec) if self.speed else None
        if ts is None or not self.speed:
            return 0.0
        self.first_pub = ts if self.first_pub is None else self.first_pub
        return self.start + (ts - self.first_pub) / self.speed - time.monotonic()


async def replay(
    path: str | Path,
    s: Settings,
    *,
    topic: str,
    rate: float | None = None,
    speed: float | None = None,
    loop: int = 1,
    fresh_ids: bool = False,
    show_progress: bool = True,
    attempts: int = 6,
    stop: StopRequest | None = None,
) -> ReplayReport:
    """Publish every story of ``path`` keyed by id; returns what was acknowledged.

    A bad file raises `InputError` before anything is sent, a topic the broker's ACLs do
    not let these credentials write `AccessDenied`. When ``stop`` is requested,
    no further story is sent; what was sent is still awaited and counted.
    """
    records = load_stories(path)
    events = list(story_events(records, loop=loop, fresh_ids=fresh_ids))
    report = ReplayReport()
    t0 = time.perf_counter()
    producer = await start_producer(s, attempts=attempts, stop=stop)
    progress = Progress(len(events), "replay", enabled=show_progress)
    pending: list[_Pending] = []
    pacer = _Pacer(rate, speed)
    try:
        await _check_topic(producer, s, topic)
        for i, (sid, rec) in enumerate(events):
            wait = pacer.wait_s(i, rec)
            if wait > 0:
                await (stop.sleep(wait) if stop is not None else asyncio.sleep(wait))
            if stop is not None and stop.requested:
                report.stopped_by = stop.signal
                break
            key, value = sid.encode() or None, orjson.dumps(rec)
            fut = await send_through_outage(producer, topic, value, key, stop)
            pending.append((sid, key, value, fut))
            if len(pending) >= 1000:
                await _settle(producer, topic, pending, report, progress)
        await _settle(producer, topic, pending, report, progress)
        await producer.flush()
    except AUTHORIZATION_ERRORS:
        raise not_authorized(s, broker_address(s), f"write to topic {topic}") from None
    except KafkaError as exc:
        report.error = f"broker error after {report.sent} acknowledged stories: {exc}"
    finally:
        progress.close()
        await producer.stop()
        report.seconds = time.perf_counter() - t0
    return report


async def broker_topics(producer: AIOKafkaProducer) -> set[str]:
    """The topics the broker lists (asking for all of them creates none, unlike asking
    for one by name where the broker auto-creates topics)."""
    return set((await producer.client.fetch_all_metadata()).topics())


async def ensure_input_topic(producer: AIOKafkaProducer, s: Settings) -> None:
    """Create the pipeline's topics before the first write to its input when the input does
    not exist yet: a broker that creates topics on first use gives ``news.raw`` its own
    default partition count (one on Apache Kafka), and a worker started later refuses a
    source topic whose partitions differ from its tables' changelogs. A principal that may
    not create topics (the producer of docs/security.md) leaves that to the worker."""
    if Topics(s.topic_prefix).raw in await broker_topics(producer):
        return
    try:
        await ensure_topics(s, retries=2)
    except Exception as exc:  # no right to create, or no admin answer: the write decides
        log.info("the pipeline's topics were not created before the first write: %r", exc)


async def _check_topic(producer: AIOKafkaProducer, s: Settings, topic: str) -> None:
    """Refuse a target topic that does not exist, but the pipeline's own input (created
    with the pipeline's partitions, :func:`ensure_input_topic`): the broker would create a
    misspelt one on the first write and the stories would go nowhere anyone reads. Under
    SASL the broker lists only the topics a user may describe, so the write itself tells
    (an authorization error)."""
    if topic == Topics(s.topic_prefix).raw:
        await ensure_input_topic(producer, s)
        return
    if s.sasl_username:
        return
    existing = await broker_topics(producer)
    if topic not in existing:
        raise InputError(unknown_topic(topic, existing, broker_address(s)))


#: How long a publisher keeps handing a story to a broker that takes none (down, restarting,
#: no leader) before it gives up. aiokafka's `send` waits at most its request timeout (60 s)
#: for room in a partition's batch; a broker restart after a minute's outage takes longer.
OUTAGE_S = 300.0


async def send_through_outage(
    producer: AIOKafkaProducer,
    topic: str,
    value: bytes,
    key: bytes | None,
    stop: StopRequest | None = None,
) -> asyncio.Future[Any]:
    """``producer.send``, tried again while the broker takes nothing, for up to OUTAGE_S;
    not again once ``stop`` is requested (a Ctrl-C during an outage ends the wait)."""
    deadline = time.monotonic() + OUTAGE_S
    while True:
        try:
            return await producer.send(topic, value, key=key)
        except KafkaTimeoutError:
            if time.monotonic() >= deadline or (stop is not None and stop.requested):
                raise
            log.warning("the broker has taken no story for a while; still trying")


_Pending = tuple[str, bytes | None, bytes, "asyncio.Future[Any]"]
#: A send the broker failed (timeout, leader change, ...) is tried again this often.
SEND_ATTEMPTS = 4


async def _settle(
    producer: AIOKafkaProducer,
    topic: str,
    pending: list[_Pending],
    report: ReplayReport,
    progress: Progress,
) -> None:
    """Wait for the acknowledgements; re-send what failed, with backoff, before giving up
    (the worker de-duplicates by id, so a retried story is never counted twice)."""
    todo = list(pending)
    for attempt in range(1, SEND_ATTEMPTS + 1):
        failed: list[_Pending] = []
        last_error: KafkaError | None = None
        for sid, key, value, fut in todo:
            try:
                await fut
            except AUTHORIZATION_ERRORS:
                raise  # the ACLs will not change between attempts
            except KafkaError as exc:
                failed.append((sid, key, value, fut))
                last_error = exc
            else:
                report.sent += 1
                report.ids.append(sid)
        if not failed:
            break
        if attempt == SEND_ATTEMPTS:
            report.failed += len(failed)
            report.error = f"broker rejected {len(failed)} stories: {last_error}"
            break
        log.warning("re-sending %d stories after %s", len(failed), last_error)
        await asyncio.sleep(0.5 * 2**attempt)
        todo = []
        for sid, key, value, _ in failed:
            try:
                todo.append(
                    (sid, key, value, await send_through_outage(producer, topic, value, key))
                )
            except KafkaError as exc:
                report.failed += 1
                report.error = f"broker rejected a story: {exc}"
    progress.update(len(pending))
    pending.clear()


async def _replay_until_signal(path: str, s: Settings, **kw: Any) -> ReplayReport:
    with stop_on_signals() as stop:
        return await replay(path, s, stop=stop, **kw)


def main_replay(path: str, s: Settings, **kw: Any) -> int:
    """`newsstream replay`: 0 when every story was acknowledged, 1 when some were not;
    stopped by a signal, what was sent is flushed first (130 for SIGINT, 0 for SIGTERM).
    A bad file or a missing broker raises a `CommandError` for the command line."""
    report = asyncio.run(_replay_until_signal(path, s, **kw))
    print(f"sent {report.sent} stories to {kw['topic']} in {report.seconds:.2f}s", file=sys.stderr)
    if report.error or report.failed:
        print(f"replay failed: {report.error} ({report.failed} not sent)", file=sys.stderr)
        return ExitCode.FAILED
    if report.stopped_by is not None:
        what = signal_name(report.stopped_by)
        print(f"replay: stopped by {what} before the end of {path}", file=sys.stderr)
        return job_exit_code(report.stopped_by)
    return ExitCode.OK

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
from aiokafka.errors import KafkaError

from schemas.models import story_id_for
from streams.kafka.client import client_kwargs
from streams.settings import Settings
from streams.sources.seeds import read_stories
from streams.telemetry.progress import Progress

log = logging.getLogger(__name__)
#: How long a publisher of stories (replay, ingest, redrive) waits to fill a batch when
#: NEWSSTREAM_PRODUCER_LINGER_MS is unset: a request per few stories instead of one per
#: story (Apache Kafka's producer default since 4.0, KIP-1030).
PRODUCER_LINGER_MS = 5


class BrokerUnavailable(RuntimeError):
    pass


@dataclass
class ReplayReport:
    sent: int = 0
    failed: int = 0
    ids: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None


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


async def start_producer(s: Settings, *, attempts: int = 6, **extra: Any) -> AIOKafkaProducer:
    """Start a producer, retrying with exponential backoff while the broker is unreachable."""
    delay = 0.5
    last: Exception | None = None
    for attempt in range(1, attempts + 1):
        producer = AIOKafkaProducer(
            **client_kwargs(s),
            acks=s.acks,
            linger_ms=s.linger_ms(PRODUCER_LINGER_MS),
            request_timeout_ms=60_000,
            retry_backoff_ms=250,
            **extra,
        )
        try:
            await producer.start()
            return producer
        except KafkaError as exc:
            last = exc
            await producer.stop()
            log.warning("broker unreachable (attempt %d/%d): %s", attempt, attempts, exc)
            if attempt < attempts:
                await asyncio.sleep(delay)
                delay = min(delay * 2, 8.0)
    raise BrokerUnavailable(
        f"could not reach the Kafka broker at {','.join(s.bootstrap_servers)} "
        f"after {attempts} attempts ({type(last).__name__})"
    )


def _published_ts(rec: dict[str, Any]) -> float | None:
    value = rec.get("published_at")
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


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
) -> ReplayReport:
    """Publish every story of ``path`` keyed by id; returns what was acknowledged."""
    records = list(read_stories(path))
    events = list(story_events(records, loop=loop, fresh_ids=fresh_ids))
    report = ReplayReport()
    t0 = time.perf_counter()
    producer = await start_producer(s, attempts=attempts)
    progress = Progress(len(events), "replay", enabled=show_progress)
    pending: list[_Pending] = []
    try:
        first_pub: float | None = None
        start = time.monotonic()
        for i, (sid, rec) in enumerate(events):
            if rate:
                wait = start + i / rate - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
            elif speed:
                ts = _published_ts(rec)
                if ts is not None:
                    first_pub = ts if first_pub is None else first_pub
                    wait = start + (ts - first_pub) / speed - time.monotonic()
                    if wait > 0:
                        await asyncio.sleep(wait)
            key, value = sid.encode() or None, orjson.dumps(rec)
            fut = await producer.send(topic, value, key=key)
            pending.append((sid, key, value, fut))
            if len(pending) >= 1000:
                await _settle(producer, topic, pending, report, progress)
        await _settle(producer, topic, pending, report, progress)
        await producer.flush()
    except KafkaError as exc:
        report.error = f"broker error after {report.sent} acknowledged stories: {exc}"
    finally:
        progress.close()
        await producer.stop()
        report.seconds = time.perf_counter() - t0
    return report


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
                todo.append((sid, key, value, await producer.send(topic, value, key=key)))
            except KafkaError as exc:
                report.failed += 1
                report.error = f"broker rejected a story: {exc}"
    progress.update(len(pending))
    pending.clear()


def main_replay(path: str, s: Settings, **kw: Any) -> int:
    try:
        report = asyncio.run(replay(path, s, **kw))
    except BrokerUnavailable as exc:
        print(f"replay failed: {exc}; sent 0 stories", file=sys.stderr)
        return 2
    print(f"sent {report.sent} stories to {kw['topic']} in {report.seconds:.2f}s", file=sys.stderr)
    if report.error or report.failed:
        print(f"replay failed: {report.error} ({report.failed} not sent)", file=sys.stderr)
        return 1
    return 0

"""The Faust app: topics, tables, agents and web views. All Kafka wiring lives here.

Topology
    news.raw ──process──▶ news.enriched, news.topic.<slug>, news.deadletter
                    └────▶ news.country-deltas (one event per country per batch)
    news.country-deltas ──count──▶ table country_counts (+ changelog)

Exactness without transactions (the embedded broker has none):
* ``process`` de-duplicates stories by id in table ``seen_ids``; the mark is written only
  after the story's outputs were acknowledged, so a crash can repeat outputs (a subscriber
  de-duplicates by id) but never loses them.
* ``count`` keeps, per country, a mark for every (country, story) pair it has counted
  (table ``country_seen``, value = offset of the delta event that counted it) and the count
  together with the offset of the last delta applied (one record in ``country_counts``,
  so count and offset change atomically). Marks are flushed before counts are written, so
  after a crash a redelivered delta event is recognised either by its marks or by the offset.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import faust
import orjson
from faust.streams import _current_event
from faust.web import Request, Response, View

from schemas.models import DeadLetter
from streams import faust_tuning
from streams.ingest import Limits, Rejection, decode_story
from streams.kafka import faust_credentials
from streams.processing import process_story
from streams.settings import get_settings
from streams.topics import Topics

log = logging.getLogger("newsstream")
settings = get_settings()
topics = Topics(settings.topic_prefix)
faust_tuning.apply(settings.fetch_max_wait_ms, probe_highwater=True)

app = faust.App(
    settings.app_id,
    broker=settings.broker_url,
    broker_credentials=faust_credentials(settings),
    broker_client_id=settings.client_id,
    store=settings.store_url,
    datadir=settings.data_dir,
    topic_partitions=settings.partitions,
    topic_replication_factor=settings.replication_factor,
    broker_session_timeout=settings.session_timeout_s,
    broker_heartbeat_interval=min(3.0, settings.session_timeout_s / 3),
    broker_request_timeout=max(90.0, settings.session_timeout_s * 2),
    consumer_auto_offset_reset="earliest",
    producer_linger_ms=5,
    producer_acks=-1 if settings.producer_acks in ("all", "-1") else int(settings.producer_acks),
    producer_max_batch_size=256 * 1024,
    # a dead letter carries its value in base64 (4/3 of the limit) plus metadata
    producer_max_request_size=2 * settings.max_message_bytes + 64 * 1024,
    stream_buffer_maxsize=max(4096, settings.batch_size * 2),
    web_host=settings.web_host,
    web_bind=settings.web_host,
    web_port=settings.web_port,
    web_in_thread=False,
    table_standby_replicas=0,
    value_serializer="raw",
    key_serializer="raw",
)

raw_topic = app.topic(
    topics.raw, key_type=bytes, value_type=bytes, key_serializer="raw", value_serializer="raw"
)
deltas_topic = app.topic(
    topics.country_deltas,
    key_type=bytes,
    value_type=bytes,
    key_serializer="raw",
    value_serializer="raw",
    internal=True,
)

seen_ids = app.Table(
    "seen_ids", key_type=str, value_type=int,
    partitions=settings.partitions,
)
country_seen = app.Table(
    "country_seen", key_type=str, value_type=int,
    partitions=settings.partitions,
)
country_counts = app.Table(
    "country_counts", key_type=str, value_type=list, partitions=settings.partitions,
    help="ISO country code -> [distinct stories, offset of the last delta event applied]",
)

#: Oversized values keep this many bytes in the dead letter (the rest stays on news.raw).
DEADLETTER_KEEP_BYTES = 64 * 1024
_limits = Limits(max_bytes=settings.max_message_bytes, max_depth=settings.max_json_depth)


@contextlib.contextmanager
def acting_for(event: Any) -> Iterator[None]:
    """Make table writes inside a batch go to the partition of ``event``.

    Faust routes a table write to the partition of the *current* event; inside
    ``take_events`` that would be whichever event arrived last, so we set it explicitly.
    """
    token = _current_event.set(weakref.ref(event))
    try:
        yield
    finally:
        _current_event.reset(token)


async def _send_all(records: list[tuple[str, bytes | None, bytes]]) -> None:
    """Send pre-serialised records and wait until the broker acknowledged all of them."""
    producer = app.producer
    futures = [await producer.send(t, k, v, None, None, None) for t, k, v in records]
    if futures:
        await asyncio.gather(*futures)


@app.agent(raw_topic, name="process")
async def process(stream: Any) -> None:
    """Validate, de-duplicate, enrich and route batches of raw events."""
    tagger = settings.tagger
    threshold = settings.route_threshold
    async for events in stream.take_events(settings.batch_size, within=settings.batch_within_s):
        out: list[tuple[str, bytes | None, bytes]] = []
        deltas: dict[str, list[str]] = defaultdict(list)
        fresh: list[tuple[Any, str]] = []
        in_batch: set[str] = set()
        now = datetime.now(UTC)
        for event in events:
            msg = event.message
            result = decode_story(msg.value, _limits, now)
            if isinstance(result, Rejection):
                dl = DeadLetter.build(
                    key=msg.key, value=msg.value, reason=result.reason, error=result.error,
                    topic=msg.topic, partition=msg.partition, offset=msg.offset,
                    max_value_bytes=DEADLETTER_KEEP_BYTES if result.reason == "oversized" else None,
                )
                out.append((topics.deadletter, msg.key, dl.to_bytes()))
                continue
            sid = result.id
            if sid in in_batch or seen_ids.get(sid) is not None:
                continue  # a duplicate of a story already processed
            in_batch.add(sid)
            try:
                done = process_story(result, tagger, threshold)
            except Exception as exc:  # enrichment bug: dead-letter, never stop the stream
                log.exception("enrichment failed for story %s", sid)
                dl = DeadLetter.build(
                    key=msg.key, value=msg.value, reason="enrichment_error",
                    error=f"{type(exc).__name__}: {exc}",
                    topic=msg.topic, partition=msg.partition, offset=msg.offset,
                )
                out.append((topics.deadletter, msg.key, dl.to_bytes()))
                continue
            key = sid.encode()
            out.append((topics.enriched, key, done.value))
            out.extend((topics.category(slug), key, done.value) for slug in done.slugs)
            for cc in done.countries:
                deltas[cc].append(sid)
            fresh.append((event, sid))
        out.extend(
            (topics.country_deltas, cc.encode(), orjson.dumps(ids)) for cc, ids in deltas.items()
        )
        await _send_all(out)
        for event, sid in fresh:
            with acting_for(event):
                seen_ids[sid] = 1


@app.agent(deltas_topic, name="count")
async def count(stream: Any) -> None:
    """Apply per-batch country deltas to ``country_counts``, exactly once per story."""
    async for events in stream.take_events(1000, within=settings.batch_within_s):
        added: list[tuple[Any, str, int, int]] = []
        for event in events:
            msg = event.message
            cc = msg.key.decode()
            off = msg.offset
            n = 0
            with acting_for(event):
                for sid in orjson.loads(msg.value):
                    mark_key = f"{cc}|{sid}"
                    mark = country_seen.get(mark_key)
                    if mark is None:
                        country_seen[mark_key] = off
                        n += 1
                    elif mark == off:
                        n += 1  # marked by this very event before a crash; count decides
            added.append((event, cc, off, n))
        await app.producer.flush()  # marks durable before the counts that rely on them
        for event, cc, off, n in added:
            with acting_for(event):
                total, last = country_counts.get(cc) or (0, -1)
                if off > last:
                    country_counts[cc] = [total + n, off]


def local_counts() -> dict[str, int]:
    """Counts held by this worker for the partitions it owns."""
    actives = app.assignor.assigned_actives()
    assigned = {tp.partition for tp in actives if tp.topic == topics.country_deltas}
    counts: dict[str, int] = {}
    for cc, value in country_counts.items():
        if _partition_of(cc) in assigned:
            counts[cc] = value[0]
    return counts


def _partition_of(cc: str) -> int:
    from aiokafka.partitioner import murmur2

    return (murmur2(cc.encode()) & 0x7FFFFFFF) % settings.partitions


async def _gather_counts() -> tuple[dict[str, int], list[str]]:
    """All counts, asking every worker that owns part of the table."""
    counts = local_counts()
    errors: list[str] = []
    me = str(app.conf.canonical_url).rstrip("/")
    hosts = [h.rstrip("/") for h in app.router.table_metadata(country_counts.name)]
    for host in hosts:
        if host == me:
            continue
        try:
            async with app.http_client.get(f"{host}/countries/?scope=local", timeout=5) as r:
                counts.update((await r.json())["counts"])
        except Exception as exc:
            errors.append(f"{host}: {type(exc).__name__}")
    return counts, errors


@app.page("/countries/")
class CountriesView(View):
    """``GET /countries/``: every country's count, gathered from all workers."""

    async def get(self, request: Request) -> Response:
        if request.query.get("scope") == "local":
            return self.json({"counts": local_counts()})
        counts, errors = await _gather_counts()
        ordered = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
        return self.json({"counts": ordered, "complete": not errors, "errors": errors})


@app.page("/countries/{code}/")
@app.table_route(table=country_counts, match_info="code")
async def country_detail(web: View, request: Request, code: str) -> Response:
    """``GET /countries/{code}/``: one country's count, answered by its owner."""
    value = country_counts.get(code.upper())
    return web.json({"country": code.upper(), "count": value[0] if value else 0})


@app.page("/health/")
async def health(web: View, request: Request) -> Response:
    return web.json({"status": "ok", "app": settings.app_id})

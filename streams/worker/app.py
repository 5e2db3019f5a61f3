"""The Faust app: topics, tables, agents and web views. All Kafka wiring lives here.

Topology
    news.raw ──process──▶ news.enriched, news.topic.<slug>, news.deadletter
                    └────▶ news.country-deltas (one event per table partition per batch)
    news.country-deltas ──count──▶ table country_counts (+ changelog)

Exactness without transactions (the embedded broker has none), in constant memory:
* ``process`` skips redelivered events by a per-partition offset watermark (table
  ``dedupe``, key ``<partition>``), written only after the batch's outputs were
  acknowledged: a crash can repeat outputs (a subscriber de-duplicates by id) but never
  loses them. Stories published again under the same id are recognised by fingerprint
  within a horizon of the last ``NEWSSTREAM_DEDUPE_HORIZON`` stories (streams/pipeline/dedupe.py;
  persisted as one ``<partition>@<offset>`` record per batch, deleted when it expires).
* Each delta entry names its source (raw partition, offset). A ``country_counts`` row keeps,
  next to the count, the highest source offset counted per raw partition, in the same record:
  a delta re-emitted after a crash of ``process`` carries offsets already counted and is
  skipped, so counts are exact across restarts without a mark per story.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import weakref
from collections import OrderedDict, defaultdict, deque
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import aiohttp
import faust
import orjson
from aiokafka.partitioner import murmur2
from faust.streams import _current_event
from faust.web import Request, Response, View
from prometheus_client import generate_latest

from schemas.models import DeadLetter
from streams.kafka.client import client_kwargs, ssl_context
from streams.pipeline.counting import EMPTY_ROW, Row, apply_delta, delta_items
from streams.pipeline.decode import Limits, Rejection, decode_story
from streams.pipeline.dedupe import IdHorizon, fingerprint, pack, unpack
from streams.pipeline.neardup import NearDupIndex
from streams.pipeline.processing import process_story
from streams.pipeline.trending import parse_window, trending
from streams.settings import Settings, get_settings
from streams.telemetry import live, metrics
from streams.telemetry.logs import logging_config
from streams.topics import Topics
from streams.web.limits import web_application_options
from streams.worker import diagnostics, faust_private
from streams.worker.batching import batches

log = logging.getLogger("newsstream")
settings = get_settings()
topics = Topics(settings.topic_prefix)
faust_private.apply(
    settings.fetch_max_wait_ms,
    probe_kwargs=client_kwargs(settings),
    fetch_min_bytes=settings.fetch_min_bytes,
)


def faust_credentials(s: Settings) -> Any:
    """Faust's broker_credentials for the same settings (None for PLAINTEXT)."""
    ctx = ssl_context(s)
    if s.sasl_mechanism:
        return faust.SASLCredentials(
            username=s.sasl_username,
            password=s.sasl_password.get_secret_value() if s.sasl_password else None,
            mechanism=s.sasl_mechanism,
            ssl_context=ctx,
        )
    if ctx is not None:
        return faust.SSLCredentials(ctx)
    return None


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
    broker_commit_interval=settings.commit_interval_s,
    consumer_auto_offset_reset="earliest",
    producer_linger_ms=settings.producer_linger_ms,
    producer_acks=-1 if settings.producer_acks in ("all", "-1") else int(settings.producer_acks),
    producer_max_batch_size=256 * 1024,
    # a dead letter carries its value in base64 (4/3 of the limit) plus metadata
    producer_max_request_size=2 * settings.max_message_bytes + 64 * 1024,
    stream_buffer_maxsize=max(4096, settings.batch_size * 2),
    web_host=settings.web_host,
    web_bind=settings.web_host,
    web_port=settings.web_port,
    web_in_thread=False,
    web_application_options=web_application_options(),  # HTTP limits (docs/security.md)
    table_standby_replicas=0,
    value_serializer="raw",
    key_serializer="raw",
    logging_config=logging_config(settings.log_format, settings.log_level),
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

dedupe_table = app.Table(
    "dedupe",
    key_type=str,
    partitions=settings.partitions,
    help="'<p>' -> last offset of raw partition p processed; '<p>@<offset>' -> fingerprints",
)
#: In-memory view of ``dedupe``, rebuilt after each recovery.
_horizon = IdHorizon(settings.dedupe_horizon)
_watermarks: dict[int, int] = {}
_expired: dict[int, list[str]] = defaultdict(list)  # records to delete, per partition
#: With NEWSSTREAM_COUNT_CLUSTERS_ONCE: countries already counted per near-dup cluster.
_cluster_countries: OrderedDict[str, set[str]] = OrderedDict()


@dedupe_table.on_recover
async def _rebuild_dedupe() -> None:
    _horizon.clear()
    _watermarks.clear()
    _expired.clear()
    records: list[tuple[int, int, str, str]] = []
    for key, value in dedupe_table.items():
        part, sep, offset = key.partition("@")
        if sep:
            records.append((int(offset), int(part), key, value))
        else:
            _watermarks[int(part)] = int(value)
    for _, part, key, value in sorted(records):
        for p, old in _horizon.add(part, key, unpack(value)):
            _expired[p].append(old)


country_counts = app.Table(
    "country_counts",
    key_type=str,  # no value_type: rows are plain JSON lists (Faust's recovery needs a
    partitions=settings.partitions,  # Record type or none at all)
    help="ISO code (or #category) -> [stories, last delta offset, {window: n}, {raw p: offset}]",
)

#: Keys of category rows in country_counts (countries are two capital letters).
CATEGORY_KEY_PREFIX = "#"
#: Oversized values keep this many bytes in the dead letter (the rest stays on news.raw).
DEADLETTER_KEEP_BYTES = 64 * 1024
_limits = Limits(max_bytes=settings.max_message_bytes, max_depth=settings.max_json_depth)


@contextlib.contextmanager
def acting_for(event: Any) -> Iterator[None]:
    """Make table writes inside a batch go to the partition of ``event``.

    Faust routes a table write to the partition of the *current* event; inside
    a batch that would be whichever event arrived last, so we set it explicitly.
    """
    token = _current_event.set(weakref.ref(event))
    try:
        yield
    finally:
        _current_event.reset(token)


async def _send_all(records: list[tuple[str, bytes | None, bytes]]) -> list[Any]:
    """Hand pre-serialised records to the producer; return the futures of their acks."""
    send = app.producer.send
    return [await send(t, k, v, None, None, None) for t, k, v in records]


async def _send_deltas(deltas: dict[str, list[list[Any]]]) -> list[Any]:
    """Send a batch's count deltas as one event per partition of ``country_counts``.

    Each event holds every key of the batch that lives in that partition (the partition the
    default partitioner gives the key, as for one event per key), so the ``count`` agent
    handles at most ``partitions`` events per batch instead of one per country and
    category: at 1,000 stories/s batches are small and Faust's per-event cost was ~10 % of a
    core (docs/performance.md).
    """
    by_partition: dict[int, dict[str, list[list[Any]]]] = defaultdict(dict)
    for key, sources in deltas.items():
        by_partition[_partition_of(key)][key] = sources
    send = app.producer.send
    return [
        await send(topics.country_deltas, str(p).encode(), orjson.dumps(d), p, None, None)
        for p, d in by_partition.items()
    ]


def _dead_letter(msg: Any, reason: str, error: str) -> tuple[str, bytes | None, bytes]:
    """The dead-letter record for a source message (original bytes kept)."""
    metrics.dead_letters.labels(reason).inc()
    dl = DeadLetter.build(
        key=msg.key,
        value=msg.value,
        reason=reason,
        error=error,
        topic=msg.topic,
        partition=msg.partition,
        offset=msg.offset,
        max_value_bytes=DEADLETTER_KEEP_BYTES if reason == "oversized" else None,
    )
    return (topics.deadletter, msg.key, dl.to_bytes())


def _window_start(story: Any, now: datetime) -> int:
    """Tumbling window of the story's event time (published_at, else received_at)."""
    ts = (story.published_at or story.received_at or now).timestamp()
    size = settings.window_s
    return int(ts // size * size)


#: Fingerprints of stories whose outputs were sent but not acknowledged yet (their batch
#: is finishing): a copy arriving meanwhile is a duplicate, as if already remembered.
_inflight: set[int] = set()


async def _finish_batch(
    stream: Any,
    events: list[Any],
    futures: list[Any],
    last: dict[int, Any],
    fresh: dict[int, list[int]],
    stories: list[tuple[float, dict[str, Any]]],
) -> None:
    """Once every output of a batch is acknowledged: write its dedupe records and
    watermarks, then ack its events.

    Runs while the agent already works on the next batch. If a send fails, nothing of the
    batch is marked or acked (the offsets stay uncommitted, the events are redelivered).
    """
    fps = [fp for part_fps in fresh.values() for fp in part_fps]
    try:
        # In order, one at a time: most are done by the time we get to them (cheaper than
        # gather, which adds a callback per future); raises on the first failed send.
        for fut in futures:
            await fut
    except BaseException:
        _inflight.difference_update(fps)
        raise
    done_at = time.time()
    for part, event in last.items():
        offset = event.message.offset
        with acting_for(event):
            if fresh.get(part):
                record = f"{part}@{offset}"
                dedupe_table[record] = pack(fresh[part])
                for p, old in _horizon.add(part, record, fresh[part]):
                    _expired[p].append(old)
            if offset > _watermarks.get(part, -1):
                dedupe_table[str(part)] = offset
                _watermarks[part] = offset
            for old in _expired.pop(part, ()):
                dedupe_table.pop(old, None)
    _inflight.difference_update(fps)
    for event in events:  # after the marks: a committed offset implies a written mark
        await stream.ack(event)
    metrics.stories_enriched.inc(len(fps))
    for received, rec in stories:
        metrics.e2e_lag_seconds.observe(max(0.0, done_at - received))
        live.feed.publish({"type": "story", "data": rec})


@app.agent(raw_topic, name="process")
async def process(stream: Any) -> None:
    """Validate, de-duplicate, enrich and route batches of raw events.

    Batches overlap: while the outputs of one batch wait for their acknowledgements
    (:func:`_finish_batch`), the next one is processed; at most
    ``settings.inflight_batches`` batches wait at a time.
    """
    tagger = settings.tagger
    threshold = settings.route_threshold
    neardup = NearDupIndex(threshold=settings.neardup_threshold) if settings.neardup else None
    finishing: deque[asyncio.Future[None]] = deque()
    max_inflight = settings.inflight_batches
    events_in = metrics.events_in.labels(topics.raw)
    try:
        async for events in batches(
            stream, settings.batch_size, settings.batch_within_s, settings.batch_idle_s
        ):
            while finishing and finishing[0].done():
                finishing.popleft().result()  # a failed send stops the agent here
            out: list[tuple[str, bytes | None, bytes]] = []
            deltas: dict[str, list[list[Any]]] = defaultdict(list)
            last: dict[int, Any] = {}  # partition -> last event of the batch
            fresh: dict[int, list[int]] = defaultdict(list)  # partition -> new fingerprints
            in_batch: set[int] = set()
            stories: list[tuple[float, dict[str, Any]]] = []
            now = datetime.now(UTC)
            metrics.batch_size.observe(len(events))
            events_in.inc(len(events))
            for event in events:
                msg = event.message
                part, offset = msg.partition, msg.offset
                if offset <= _watermarks.get(part, -1):
                    metrics.duplicates.inc()
                    continue  # redelivered after a crash or rebalance: already processed
                last[part] = event
                result = decode_story(msg.value, _limits, now)
                if isinstance(result, Rejection):
                    out.append(_dead_letter(msg, result.reason, result.error))
                    continue
                sid = result.id
                fp = fingerprint(sid)
                if fp in in_batch or fp in _horizon or fp in _inflight:
                    metrics.duplicates.inc()
                    continue  # the same story published again
                in_batch.add(fp)
                t0 = time.perf_counter()
                try:
                    done = process_story(result, tagger, threshold, neardup)
                except Exception as exc:  # enrichment bug: dead-letter, never stop the stream
                    log.exception("enrichment failed for story %s", sid)
                    out.append(
                        _dead_letter(msg, "enrichment_error", f"{type(exc).__name__}: {exc}")
                    )
                    continue
                metrics.enrich_seconds.observe(time.perf_counter() - t0)
                if done.duplicate_of is not None:
                    metrics.near_duplicates.inc()
                rec, value, slugs, key = done.record, done.value, done.slugs, sid.encode()
                out.append((topics.enriched, key, value))
                out.extend((topics.category(slug), key, value) for slug in slugs)
                source = [part, offset, _window_start(result, now)]
                for cc in _countries_to_count(rec["countries"], done.cluster_id, neardup):
                    deltas[cc].append(source)
                for slug in slugs:
                    deltas[CATEGORY_KEY_PREFIX + slug].append(source)
                fresh[part].append(fp)
                stories.append((result.received_at.timestamp() if result.received_at else 0.0, rec))
            for k, v in deltas.items():  # metrics per batch: a labelled .inc() costs ~µs
                if k.startswith(CATEGORY_KEY_PREFIX):
                    metrics.routed_category.labels(k[len(CATEGORY_KEY_PREFIX) :]).inc(len(v))
                else:
                    metrics.routed_country.labels(k).inc(len(v))
            futures = await _send_all(out)
            futures += await _send_deltas(deltas)
            _inflight.update(in_batch)
            finishing.append(
                asyncio.ensure_future(_finish_batch(stream, events, futures, last, fresh, stories))
            )
            if len(finishing) > max_inflight:
                await finishing.popleft()
    finally:
        # Stopping (shutdown, crash): let the batches already sent finish, so their events
        # are acked and their marks written; a failure there is not this task's to report.
        if finishing:
            await asyncio.wait(finishing, timeout=settings.session_timeout_s)


def _countries_to_count(
    countries: list[str], cluster_id: str, neardup: NearDupIndex | None
) -> list[str]:
    """The story's countries, or with COUNT_CLUSTERS_ONCE those its cluster lacks so far.

    A cluster can only grow while its stories are in the near-duplicate window, so the
    map keeps as many clusters as that window holds stories.
    """
    if not settings.count_clusters_once or neardup is None:
        return countries
    counted = _cluster_countries.get(cluster_id)
    if counted is None:
        counted = _cluster_countries[cluster_id] = set()
        if len(_cluster_countries) > neardup.window:
            _cluster_countries.popitem(last=False)
    new = [cc for cc in countries if cc not in counted]
    counted.update(new)
    return new


@app.agent(deltas_topic, name="count")
async def count(stream: Any) -> None:
    """Apply per-batch deltas to ``country_counts``, exactly once per source event
    (rows and delta formats: streams/pipeline/counting.py). Each row is written once per taken
    batch, however many of its events touched it.
    """
    async for events in stream.take_events(1000, within=settings.batch_within_s):
        rows: dict[str, tuple[Any, Row]] = {}  # key -> (event of its last delta, row)
        for event in events:
            msg = event.message
            for key, entries in delta_items(msg.key, msg.value):
                if key in rows:
                    row = rows[key][1]
                else:
                    with acting_for(event):
                        row = country_counts.get(key) or list(EMPTY_ROW)
                new = apply_delta(row, msg.offset, entries, settings.window_retention_s)
                if new is not None:
                    rows[key] = (event, new)
        for key, (event, row) in rows.items():
            with acting_for(event):
                country_counts[key] = row
        if rows and live.feed.has_subscribers:
            live.feed.publish({"type": "counts", "data": local_counts()})


def local_rows() -> dict[str, list[Any]]:
    """Table rows held by this worker for the partitions it actively owns."""
    actives = app.assignor.assigned_actives()
    assigned = {tp.partition for tp in actives if tp.topic == topics.country_deltas}
    return {k: v for k, v in country_counts.items() if _partition_of(k) in assigned}


def local_counts() -> dict[str, int]:
    return {k: v[0] for k, v in local_rows().items() if not k.startswith(CATEGORY_KEY_PREFIX)}


_PEER_TIMEOUT = aiohttp.ClientTimeout(total=5)


def _partition_of(key: str) -> int:
    return (murmur2(key.encode()) & 0x7FFFFFFF) % settings.partitions


async def _gather_rows() -> tuple[dict[str, list[Any]], list[str]]:
    """All table rows, asking every worker that owns part of the table."""
    rows = local_rows()
    errors: list[str] = []
    me = str(app.conf.canonical_url).rstrip("/")
    hosts = [h.rstrip("/") for h in app.router.table_metadata(country_counts.name)]
    for host in hosts:
        if host == me:
            continue
        try:
            async with app.http_client.get(f"{host}/internal/rows/", timeout=_PEER_TIMEOUT) as r:
                rows.update((await r.json())["rows"])
        except Exception as exc:
            errors.append(f"{host}: {type(exc).__name__}")
    return rows, errors


@app.page("/internal/rows/")
async def internal_rows(web: View, request: Request) -> Response:
    """This worker's share of the table, for the gathering views of its peers."""
    return web.json({"rows": local_rows()})


@app.page("/countries/")
class CountriesView(View):
    """``GET /countries/``: every country's count, gathered from all workers."""

    async def get(self, request: Request) -> Response:
        rows, errors = await _gather_rows()
        counts = {k: v[0] for k, v in rows.items() if not k.startswith(CATEGORY_KEY_PREFIX)}
        ordered = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
        return self.json({"counts": ordered, "complete": not errors, "errors": errors})


@app.page("/countries/{code}/")
async def country_detail(web: View, request: Request, code: str) -> Response:
    """``GET /countries/{code}/``: one country's count, answered by the worker owning it.

    Routed by the same partitioner that placed the row (murmur2 of the raw key, as the
    delta producer does), not Faust's ``table_route`` (it hashes the JSON-serialised key).
    """
    cc = code.upper()
    if not (len(cc) == 2 and cc.isalpha()):
        return web.json({"error": f"{code!r} is not an ISO 3166-1 alpha-2 code"}, status=400)
    partition = _partition_of(cc)
    changelog = country_counts.changelog_topic.get_topic_name()
    me = str(app.conf.canonical_url).rstrip("/")
    owner = None
    for host, assigned in app.router.table_metadata(country_counts.name).items():
        if partition in assigned.get(changelog, []):
            owner = host.rstrip("/")
    if owner is None:
        return web.json({"error": "partitions not assigned yet; retry"}, status=503)
    if owner != me:
        try:
            async with app.http_client.get(f"{owner}/countries/{cc}/", timeout=_PEER_TIMEOUT) as r:
                return web.json(await r.json(), status=r.status)
        except Exception as exc:
            return web.json(
                {"error": f"owner {owner} unreachable: {type(exc).__name__}"}, status=503
            )
    value = country_counts.get(cc)
    return web.json({"country": cc, "count": value[0] if value else 0})


@app.page("/trending/")
async def trending_view(web: View, request: Request) -> Response:
    """``GET /trending/?window=1h&limit=10``: what rises now, per country and category."""
    try:
        size = parse_window(request.query.get("window", "1h"), settings.window_s)
        limit = max(1, min(int(request.query.get("limit", "10")), 250))
    except ValueError as exc:
        return web.json({"error": str(exc)}, status=400)
    rows, errors = await _gather_rows()
    result = trending(
        rows, size=size, base=settings.window_s, limit=limit, category_prefix=CATEGORY_KEY_PREFIX
    )
    result["complete"] = not errors
    return web.json(result)


@app.timer(interval=5.0)
async def report_consumer_lag() -> None:
    consumer = app.consumer
    for tp in consumer.assignment():
        committed = getattr(consumer, "_committed_offset", {}).get(tp)
        try:
            hw = consumer.highwater(tp)
        except Exception:
            continue
        if hw is not None and committed is not None:
            metrics.consumer_lag.labels(tp.topic, str(tp.partition)).set(max(0, hw - committed))


@app.task
async def _install_diagnostics() -> None:
    diagnostics.install(app)  # kill -USR1 <pid>: consumer state and task stacks in the log


@app.page("/metrics")
async def metrics_view(web: View, request: Request) -> Response:
    # aiohttp takes the charset separately; Prometheus reads text/plain as format 0.0.4
    return web.bytes(generate_latest(metrics.registry), content_type="text/plain")


@app.page("/health/")
async def health(web: View, request: Request) -> Response:
    return web.json({"status": "ok", "app": settings.app_id})


def _register_dashboard() -> None:
    """The live dashboard (``GET /``, ``/events/``, ``/latest/``); registered at import so
    it is in place before the web server starts."""
    from streams.web.dashboard import register

    register(app)


_register_dashboard()

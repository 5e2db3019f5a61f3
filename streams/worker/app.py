"""The Faust app: its configuration, topics and tables (the agents register on it).

Topology
    news.raw ──process──▶ news.enriched, news.topic.<slug>, news.deadletter
                    └────▶ news.country-deltas (one event per table partition per batch)
    news.country-deltas ──count──▶ table country_counts (+ changelog)

:func:`create_app` builds everything from one :class:`~streams.settings.Settings`, with no
side effect at import; streams/worker/main.py adds the agents and the web views and starts
the worker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import faust
from aiokafka.partitioner import murmur2

from streams.kafka.client import ssl_context
from streams.pipeline.counting import Row
from streams.settings import Settings
from streams.telemetry.logs import logging_config
from streams.topics import Topics
from streams.web.limits import web_application_options

#: The worker's producer linger when NEWSSTREAM_PRODUCER_LINGER_MS is unset: its outputs
#: leave as soon as a batch is processed (replay and ingest linger longer, kafka/producer.py).
WORKER_LINGER_MS = 1


def faust_credentials(s: Settings) -> Any:
    """Faust's broker_credentials for the settings (None for PLAINTEXT)."""
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


@dataclass
class Health:
    """Agents that crashed, for ``GET /health/``: a worker whose agent died must never
    answer "ok" (streams/worker/main.py stops it; this covers the seconds until it exits)."""

    crashed: dict[str, str] = field(default_factory=dict)  # agent name -> error

    def record(self, agent: str, exc: BaseException) -> None:
        self.crashed[agent] = f"{type(exc).__name__}: {exc}"[:300]

    @property
    def ok(self) -> bool:
        return not self.crashed


@dataclass
class NewsApp:
    """The app with the topics and tables the agents and views use."""

    app: faust.App
    settings: Settings
    topics: Topics
    raw_topic: Any  # faust.TopicT
    deltas_topic: Any
    dedupe: Any  # faust.Table: '<p>' -> watermark; '<p>@<offset>' -> fingerprints
    counts: Any  # faust.Table: key -> row (streams/pipeline/counting.py)
    health: Health = field(default_factory=Health)

    def partition_of(self, key: str) -> int:
        """The ``country_counts`` partition of a row key: murmur2 of the raw key, as the
        delta producer places it (not Faust's ``table_route``, which hashes the JSON key)."""
        return (murmur2(key.encode()) & 0x7FFFFFFF) % self.settings.partitions

    def local_rows(self) -> dict[str, Row]:
        """Table rows held by this worker for the partitions it actively owns."""
        actives = self.app.assignor.assigned_actives()
        mine = {tp.partition for tp in actives if tp.topic == self.topics.country_deltas}
        return {k: v for k, v in self.counts.items() if self.partition_of(k) in mine}


def _app_options(s: Settings) -> dict[str, Any]:
    """faust.App keyword arguments (broker, producer, web) from the settings."""
    return {
        "broker": s.broker_url,
        "broker_credentials": faust_credentials(s),
        "broker_client_id": s.client_id,
        "store": s.store_url,
        "datadir": s.data_dir,
        "topic_partitions": s.partitions,
        "topic_replication_factor": s.replication_factor,
        "broker_session_timeout": s.session_timeout_s,
        "broker_heartbeat_interval": min(3.0, s.session_timeout_s / 3),
        "broker_request_timeout": max(90.0, s.session_timeout_s * 2),
        "broker_commit_interval": s.commit_interval_s,
        "consumer_auto_offset_reset": "earliest",
        "processing_guarantee": s.processing_guarantee,
        "producer_linger_ms": s.linger_ms(WORKER_LINGER_MS),
        "producer_acks": s.acks,
        "producer_max_batch_size": 256 * 1024,
        "producer_max_request_size": s.max_request_bytes,
        "stream_buffer_maxsize": max(4096, s.batch_size * 2),
        "web_host": s.web_host,
        "web_bind": s.web_host,
        "web_port": s.web_port,
        "web_in_thread": False,
        "web_application_options": web_application_options(),  # docs/security.md
        "table_standby_replicas": 0,
        "value_serializer": "raw",
        "key_serializer": "raw",
        "logging_config": logging_config(s.log_format, s.log_level),
    }


def create_app(s: Settings) -> NewsApp:
    """The app, its two topics and two tables, configured from ``s``."""
    app = faust.App(s.app_id, **_app_options(s))
    topics = Topics(s.topic_prefix)
    raw: dict[str, Any] = {  # bytes in, bytes out: the agents decode themselves
        "key_type": bytes,
        "value_type": bytes,
        "key_serializer": "raw",
        "value_serializer": "raw",
    }
    dedupe = app.Table(
        "dedupe",
        key_type=str,
        partitions=s.partitions,
        help="'<p>' -> last offset of raw partition p processed; '<p>@<offset>' -> fingerprints",
    )
    counts = app.Table(
        "country_counts",
        key_type=str,  # no value_type: rows are plain JSON lists (Faust's recovery needs a
        partitions=s.partitions,  # Record type or none at all)
        help="ISO code (or #category) -> [stories, last delta offset, {window: n}, "
        "{raw p: offset}]",
    )
    return NewsApp(
        app=app,
        settings=s,
        topics=topics,
        raw_topic=app.topic(topics.raw, **raw),
        deltas_topic=app.topic(topics.country_deltas, internal=True, **raw),
        dedupe=dedupe,
        counts=counts,
    )

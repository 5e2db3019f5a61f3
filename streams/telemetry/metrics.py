"""Prometheus metrics of a worker, served on its web port at ``/metrics``."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

registry = CollectorRegistry(auto_describe=True)

events_in = Counter(
    "newsstream_events_in_total",
    "Events taken in, per source topic",
    ["topic"],
    registry=registry,
)
stories_enriched = Counter(
    "newsstream_stories_enriched_total", "Stories enriched and routed", registry=registry
)
stories_by_language = Counter(
    "newsstream_stories_by_language_total",
    "Stories enriched and routed, per detected language (ISO 639-1, or und)",
    ["language"],
    registry=registry,
)
duplicates = Counter(
    "newsstream_duplicates_total",
    "Events recognised as a story already processed",
    registry=registry,
)
near_duplicates = Counter(
    "newsstream_near_duplicates_total",
    "Stories detected as near-duplicates of earlier ones",
    registry=registry,
)
dead_letters = Counter(
    "newsstream_dead_letters_total",
    "Events dead-lettered, by reason",
    ["reason"],
    registry=registry,
)
routed_category = Counter(
    "newsstream_routed_category_total",
    "Stories copied to a category topic",
    ["category"],
    registry=registry,
)
routed_country = Counter(
    "newsstream_routed_country_total",
    "Stories mentioning a country",
    ["country"],
    registry=registry,
)
enrich_seconds = Histogram(
    "newsstream_enrich_seconds",
    "Enrichment time per story",
    buckets=(5e-5, 1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 1e-2, 5e-2),
    registry=registry,
)
e2e_lag_seconds = Histogram(
    "newsstream_end_to_end_lag_seconds",
    "From received_at to the routed outputs being acknowledged by the broker",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
    registry=registry,
)
consumer_lag = Gauge(
    "newsstream_consumer_lag",
    "Highwater minus committed offset, per assigned partition",
    ["topic", "partition"],
    registry=registry,
)
batch_size = Histogram(
    "newsstream_batch_size",
    "Events per processed batch",
    buckets=(1, 10, 50, 100, 250, 500, 1000, 2000, 5000),
    registry=registry,
)

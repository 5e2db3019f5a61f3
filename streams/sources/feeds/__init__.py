"""The RSS/Atom feed reader, one module per layer; read them in this order.

``types`` (`FeedError`, how every layer reports a problem) → ``text`` (HTML to plain
text) → ``charset`` (bytes to text) → ``repair`` (text to strict XML, and what stays
broken) → ``parse`` (`parse_feed`: a document to `RawStory` events, pure) → ``fetch``
(one conditional GET or file read) → ``state`` (`FeedState`: the seen-set and
validators in SQLite) → ``poll`` (`poll_sources`: fetch, parse and publish the unseen,
once or polling, with backoff for failing feeds) → ``metrics`` (the Prometheus text
file of ``ingest``) → ``publish`` (`newsstream ingest`: `poll_sources` wired to Kafka,
its messages and summary table). Only ``publish`` knows about Kafka. ``docs/feeds.md``
describes the behaviour.
"""

from __future__ import annotations

from streams.sources.feeds.categories import feed_terms
from streams.sources.feeds.fetch import MAX_FEED_BYTES, Fetched, fetch, state_key
from streams.sources.feeds.metrics import METRICS_FILE, write_metrics
from streams.sources.feeds.parse import FeedResult, normalise_language, parse_feed
from streams.sources.feeds.poll import (
    MAX_BACKOFF_S,
    FeedCounts,
    OnProgress,
    PollOutcome,
    PollReport,
    Publish,
    backoff_s,
    poll_sources,
)
from streams.sources.feeds.publish import (
    default_state_dir,
    ingest_to_kafka,
    main_ingest,
    summary_table,
)
from streams.sources.feeds.state import DEFAULT_STATE_DIR, FeedState, Validators
from streams.sources.feeds.text import html_to_text
from streams.sources.feeds.types import FeedError

__all__ = [
    "DEFAULT_STATE_DIR",
    "MAX_BACKOFF_S",
    "MAX_FEED_BYTES",
    "METRICS_FILE",
    "FeedCounts",
    "FeedError",
    "FeedResult",
    "FeedState",
    "Fetched",
    "OnProgress",
    "PollOutcome",
    "PollReport",
    "Publish",
    "Validators",
    "backoff_s",
    "default_state_dir",
    "feed_terms",
    "fetch",
    "html_to_text",
    "ingest_to_kafka",
    "main_ingest",
    "normalise_language",
    "parse_feed",
    "poll_sources",
    "state_key",
    "summary_table",
    "write_metrics",
]

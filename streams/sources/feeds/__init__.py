"""The RSS/Atom feed reader, one module per layer; read them in this order.

``types`` (`FeedError`, how every layer reports a problem) → ``text`` (HTML to plain
text) → ``charset`` (bytes to text) → ``repair`` (text to strict XML, and what stays
broken) → ``parse`` (`parse_feed`: a document to `RawStory` events, pure) → ``fetch``
(one conditional GET or file read) → ``state`` (`FeedState`: the seen-set and validators
in SQLite) → ``poll`` (`poll_sources`: fetch, parse and publish the unseen, once or
polling) → ``publish`` (`newsstream ingest`: `poll_sources` wired to Kafka). Only
``publish`` knows about Kafka. ``docs/feeds.md`` describes the behaviour.
"""

from __future__ import annotations

from streams.sources.feeds.fetch import MAX_FEED_BYTES, Fetched, fetch, state_key
from streams.sources.feeds.parse import FeedResult, normalise_language, parse_feed
from streams.sources.feeds.poll import (
    FeedCounts,
    OnProgress,
    PollOutcome,
    PollReport,
    Publish,
    poll_sources,
)
from streams.sources.feeds.publish import ingest_to_kafka, main_ingest
from streams.sources.feeds.state import DEFAULT_STATE_DIR, FeedState, Validators
from streams.sources.feeds.text import html_to_text
from streams.sources.feeds.types import FeedError

__all__ = [
    "DEFAULT_STATE_DIR",
    "MAX_FEED_BYTES",
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
    "fetch",
    "html_to_text",
    "ingest_to_kafka",
    "main_ingest",
    "normalise_language",
    "parse_feed",
    "poll_sources",
    "state_key",
]

"""The ``count`` agent: per-batch count deltas → rows of the ``country_counts`` table.

Exactly once per source event: the row logic is streams/pipeline/counting.py (pure); this
module takes Faust's batches, checks that each partition's deltas follow on (a row skips a
delta older than one it applied, so one delivered late would be lost), reads each row as
its event's partition sees it and writes each changed row once per batch.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from streams.pipeline.counting import DeltaReads, Row, country_counts, fold_deltas
from streams.telemetry import live
from streams.worker.app import NewsApp
from streams.worker.faust_private import acting_for
from streams.worker.process import admit_batch


def register(news: NewsApp) -> Any:
    """Add the ``count`` agent to the app; returns the agent."""
    s = news.settings
    table = news.counts

    reads = DeltaReads()
    # Under exactly_once a transaction marker follows each transaction's deltas, so most
    # gaps are markers: each costs one seek to tell it from a hole, and is logged quietly.
    quiet = s.processing_guarantee == "exactly_once"

    @table.on_recover
    async def _rebuild() -> None:
        reads.rebuild((news.partition_of(key), row) for key, row in table.items())

    async def count(stream: Any) -> None:
        async for taken in stream.take_events(1000, within=s.batch_within_s):
            events = await admit_batch(news, reads, taken, news.topics.country_deltas, quiet)
            if not events:
                continue
            batch = [(e.message.key, e.message.value, e.message.offset) for e in events]
            rows = fold_deltas(batch, _row_reader(table, events), s.window_retention_s)
            for key, (i, row) in rows.items():
                with acting_for(events[i]):
                    table[key] = row
            if rows and live.feed.has_subscribers:
                live.feed.publish({"type": "counts", "data": country_counts(news.local_rows())})

    return news.app.agent(news.deltas_topic, name="count")(count)


def _row_reader(table: Any, events: list[Any]) -> Callable[[str, int], Row | None]:
    """Read a row as event ``i`` sees it: from the table partition of that event."""

    def get_row(key: str, i: int) -> Row | None:
        with acting_for(events[i]):
            row: Row | None = table.get(key)
            return row

    return get_row

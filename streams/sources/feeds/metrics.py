"""The metrics of ``newsstream ingest``, as a Prometheus text file.

``ingest`` serves nothing, so instead of opening a port (one more to choose, and to
collide on when two run) it writes ``<state dir>/ingest.prom`` after every poll, whole
(written aside, then renamed): node_exporter's textfile collector, or anything reading
the Prometheus text format, picks it up. The counts are those of the running process.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from prometheus_client import CollectorRegistry, write_to_textfile
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from streams.sources.feeds.poll import FeedCounts

#: The file's name in the state directory.
METRICS_FILE = "ingest.prom"

#: name, help, the count of a feed: one counter per feed and name.
_COUNTERS: tuple[tuple[str, str, Callable[[FeedCounts], int]], ...] = (
    ("polls", "Polls of the feed", lambda c: c.polls),
    ("items", "Items read from the feed", lambda c: c.items),
    ("published", "Stories published to news.raw", lambda c: c.published),
    ("skipped_seen", "Items skipped as published before", lambda c: c.skipped_seen),
    ("feed_failures", "Polls that could not read the feed", lambda c: c.failed_polls),
    ("errors", "Errors: failed polls, unreadable items, failed publishes", lambda c: c.errors),
)


class _FeedCollector(Collector):
    def __init__(self, feeds: Mapping[str, FeedCounts]) -> None:
        self.feeds = feeds

    def collect(self) -> Iterable[Metric]:
        for name, doc, count in _COUNTERS:
            family = CounterMetricFamily(f"newsstream_ingest_{name}", doc, labels=["feed"])
            for feed, counts in self.feeds.items():
                family.add_metric([feed], count(counts))
            yield family
        failing = GaugeMetricFamily(
            "newsstream_ingest_failures_in_a_row",
            "Failed polls in a row (0: the last poll read the feed)",
            labels=["feed"],
        )
        for feed, counts in self.feeds.items():
            failing.add_metric([feed], counts.failures_in_a_row)
        yield failing
        yield GaugeMetricFamily(
            "newsstream_ingest_written_timestamp_seconds",
            "When this file was written",
            value=time.time(),
        )


def write_metrics(feeds: Mapping[str, FeedCounts], state_dir: Path) -> Path:
    """Write the counts of ``feeds`` to ``state_dir/ingest.prom``; the file's path."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_FeedCollector(feeds))
    path = state_dir / METRICS_FILE
    state_dir.mkdir(parents=True, exist_ok=True)
    write_to_textfile(str(path), registry)
    return path

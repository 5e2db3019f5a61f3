"""The ingest metrics file: per-feed counters in the Prometheus text format."""

from __future__ import annotations

from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from streams.sources.feeds.metrics import METRICS_FILE, write_metrics
from streams.sources.feeds.poll import FeedCounts


def test_every_feed_gets_its_counters_and_the_file_parses(tmp_path: Path) -> None:
    ok = FeedCounts("https://a.example/rss", polls=3, items=30, published=4, skipped_seen=26)
    bad = FeedCounts("/feeds/gone.xml", polls=2, errors=2, failed_polls=2, failures_in_a_row=2)
    path = write_metrics({ok.location: ok, bad.location: bad}, tmp_path / "state")
    assert path == tmp_path / "state" / METRICS_FILE
    samples = {
        (s.name, s.labels.get("feed")): s.value
        for family in text_string_to_metric_families(path.read_text())
        for s in family.samples
    }
    assert samples[("newsstream_ingest_published_total", ok.location)] == 4
    assert samples[("newsstream_ingest_skipped_seen_total", ok.location)] == 26
    assert samples[("newsstream_ingest_feed_failures_total", bad.location)] == 2
    assert samples[("newsstream_ingest_failures_in_a_row", bad.location)] == 2
    assert samples[("newsstream_ingest_failures_in_a_row", ok.location)] == 0
    assert samples[("newsstream_ingest_written_timestamp_seconds", None)] > 0
    assert not list((tmp_path / "state").glob("*.tmp*"))  # written aside, then renamed

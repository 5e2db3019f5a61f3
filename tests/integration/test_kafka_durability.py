"""Durability of a single Kafka node: stopped mid-stream (SIGTERM, and separately SIGKILL)
and started again on its data dir, the replay and the worker ride it out, nothing is lost,
the counts are exact, and a worker restarted on its RocksDB store reads the changelogs from
where it left off, not from the beginning. Apache Kafka only (the embedded broker keeps
nothing across a restart): ``NEWSSTREAM_TEST_BROKER=kafka``."""

from __future__ import annotations

import os
import re
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from streams.devtools.synth import synthetic_stories
from streams.local.kafka import KafkaCluster, start_kafka
from tests.integration.harness import Pipeline
from tests.integration.helpers import expected_counts, read, replay_in_background, wait_counts
from tests.paths import SEEDS

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        os.environ.get("NEWSSTREAM_TEST_BROKER") != "kafka",
        reason="Apache Kafka only: NEWSSTREAM_TEST_BROKER=kafka",
    ),
]

#: A row of Faust's "Reading Starts At - Active" table: topic (〃: as above), partition,
#: offset.
_START_ROW = re.compile(r"\|\s*(\S+-changelog|〃)\s*\|\s*(\d+)\s*\|\s*(-?\d+)\s*\|")


@pytest.fixture
def kafka(tmp_path: Path) -> Iterator[KafkaCluster]:
    """A single node of our own: the test stops and restarts it."""
    cluster = start_kafka(tmp_path / "kafka")
    try:
        yield cluster
    finally:
        cluster.stop()


def _changelog_start_offsets(log: Path) -> dict[tuple[str, int], int]:
    """Where the last recovery of a worker started reading each active changelog partition
    (Faust logs it as a table before it reads)."""
    text = log.read_text(errors="replace")
    table = text.rsplit("Reading Starts At - Active", 1)
    if len(table) < 2:
        return {}
    starts: dict[tuple[str, int], int] = {}
    topic = ""
    for name, part, offset in _START_ROW.findall(table[1].split("\n[", 1)[0]):
        topic = topic if name == "〃" else name
        starts[topic, int(part)] = int(offset)
    return starts


@pytest.mark.parametrize(("how", "down_s"), [("SIGTERM", 15), ("SIGKILL", 60)])
def test_node_stopped_mid_stream_nothing_lost(
    kafka: KafkaCluster, tmp_path: Path, how: str, down_s: float
) -> None:
    env = {"NEWSSTREAM_STORE_URL": "rocksdb://"}
    (tmp_path / "work").mkdir()
    with Pipeline(kafka.url, tmp_path / "work", env, engine="kafka") as p:
        store = p.work / "store"
        worker = p.start_worker(data_dir=store)
        stories = list(synthetic_stories(SEEDS, 2000, seed=71))
        ids = {st["id"] for st in stories}
        path = p.work / "stories.jsonl"
        thread, result = replay_in_background(p.settings, p.topics.raw, stories, path, 150)
        time.sleep(5)
        node = kafka.nodes[0]
        node.stop() if how == "SIGTERM" else node.kill()
        time.sleep(down_s)
        back = time.monotonic()
        kafka.restart(node.node_id)
        thread.join(300)
        report = result["report"]
        assert report.sent == len(stories) and not report.error, report.error

        def done(recs: list) -> bool:
            return ids <= {r.key.decode() for r in recs}

        out = read(p.settings, [p.topics.enriched], until=done, timeout=240)
        assert done(out), f"missing {len(ids - {r.key.decode() for r in out})} stories"
        drained_s = time.monotonic() - back
        expected = expected_counts([r.value for r in out])
        assert wait_counts(worker, expected, timeout=120) == expected, worker.tail_log()
        repeated = sum(n - 1 for n in Counter(r.key for r in out).values())
        print(f"{how}: down {down_s}s, drained {drained_s:.1f}s after restart, {repeated} repeats")
        assert worker.process.poll() is None, "the worker must ride out a broker restart"

        # the RocksDB store knows how far it read each changelog: a restart reads on from there
        worker.stop()
        again = p.start_worker(data_dir=store)
        assert wait_counts(again, expected, timeout=120) == expected, again.tail_log()
        deadline = time.monotonic() + 120
        while "Worker ready" not in again.log_path.read_text(errors="replace"):
            assert time.monotonic() < deadline, again.tail_log()
            time.sleep(0.5)
        starts = _changelog_start_offsets(again.log_path)
        assert len(starts) == 2 * p.settings.partitions, again.tail_log()  # two tables
        assert all(offset > 0 for offset in starts.values()), starts

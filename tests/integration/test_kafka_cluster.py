"""A three-node Apache Kafka cluster under failure (``-m kafka_cluster``,
``NEWSSTREAM_TEST_BROKER=kafka``). Topics with three replicas and ``min.insync.replicas=2``,
producers with ``acks=all``; while a replay of fresh stories runs into two workers, one
fault: the busiest partition leader SIGKILLed and restarted, the active KRaft controller
SIGKILLed, a broker SIGSTOPped for 30 s, a rolling restart, a worker SIGKILLed during a
broker failover. Afterwards every story is on ``news.enriched`` and ``country_counts``
equals the ground truth (each story's countries, computed here without Kafka)."""

from __future__ import annotations

import os
import signal
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from schemas.models import RawStory
from streams.devtools.synth import synthetic_stories
from streams.enrich import enrich_story
from streams.local.kafka import KafkaCluster, start_kafka
from streams.local.kafka.inspect import active_controller, busiest_leader, wait_in_sync
from streams.local.worker_process import WorkerProcess
from tests.integration.cluster_tap import tap
from tests.integration.harness import Pipeline
from tests.integration.helpers import read, replay_in_background, wait_counts
from tests.paths import SEEDS

pytestmark = [
    pytest.mark.integration,
    pytest.mark.kafka_cluster,
    pytest.mark.skipif(
        os.environ.get("NEWSSTREAM_TEST_BROKER") != "kafka",
        reason="a three-node Apache Kafka cluster: NEWSSTREAM_TEST_BROKER=kafka",
    ),
]

STORIES = 3000
RATE = 150.0  # stories/s: the replay runs ~20 s, the fault lands in its middle
FAULT_AFTER_S = 6.0
ENV = {"NEWSSTREAM_REPLICATION_FACTOR": "3", "NEWSSTREAM_PARTITIONS": "4"}

Fault = Callable[[KafkaCluster, Pipeline, list[WorkerProcess]], None]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KafkaCluster]:
    c = start_kafka(tmp_path_factory.mktemp("cluster") / "kafka", nodes=3)
    try:
        yield c
    finally:
        c.stop()


def ground_truth(stories: list[dict]) -> dict[str, int]:
    """Stories per country as the enrichment says, without Kafka."""
    counts: Counter[str] = Counter()
    for st in stories:
        raw = RawStory.model_validate(st)
        counts.update(enrich_story(raw.headline, raw.body, "fast").countries)
    return dict(counts)


def run_with_fault(cluster: KafkaCluster, tmp: Path, seed: int, fault: Fault) -> str:
    """The replay into two workers with ``fault`` in its middle; checks every story and the
    counts; returns a line of figures for docs/reliability.md."""
    stories = list(synthetic_stories(SEEDS, STORIES, seed=seed))
    ids = {st["id"] for st in stories}
    truth = ground_truth(stories)
    with Pipeline(cluster.url, tmp, ENV, engine="kafka") as p:
        workers = p.start_workers(2)
        with tap(p.settings, p.topics.raw, p.topics.enriched) as t:
            path = p.work / "stories.jsonl"
            thread, result = replay_in_background(p.settings, p.topics.raw, stories, path, RATE)
            time.sleep(FAULT_AFTER_S)
            t_fault = time.monotonic()
            in_flight = t.in_flight(t_fault)
            fault(cluster, p, workers)
            thread.join(300)
            report = result["report"]
            assert report.sent == len(stories) and not report.error, report.error
            _drain_or_explain(p, ids)
            t_last = t.wait_all(ids, timeout=60)  # the tap's own clock, for the figures
            stall = t.longest_stall(t_fault, t_last)
            repeats = t.repeats()
        alive = [w for w in p.workers if w.process.poll() is None]
        assert alive, "no worker survived"
        assert wait_counts(alive[0], truth, timeout=120) == truth, alive[0].tail_log()
    line = (
        f"in flight {in_flight}, longest output stall {stall:.1f} s, drained "
        f"{t_last - t_fault:.1f} s after the fault, {repeats} repeated outputs, 0 lost"
    )
    print(line)
    return line


def _drain_or_explain(p: Pipeline, ids: set[str]) -> None:
    """Wait until every story is on news.enriched (a fresh consumer: the authority); if not,
    make each worker log its consumer state (SIGUSR1) and say where to look."""

    def done(recs: list) -> bool:
        return ids <= {r.key.decode() for r in recs}

    out = read(p.settings, [p.topics.enriched], until=done, timeout=180)
    if not done(out):
        for w in p.workers:
            if w.process.poll() is None:
                os.kill(w.process.pid, signal.SIGUSR1)
        time.sleep(2)
        missing = ids - {r.key.decode() for r in out}
        logs = ", ".join(str(w.log_path) for w in p.workers)
        raise AssertionError(f"{len(missing)} stories never came out; consumer state in {logs}")


def _kill_and_restart(cluster: KafkaCluster, node_id: int, down_s: float = 10.0) -> None:
    cluster.node(node_id).kill()
    time.sleep(down_s)
    cluster.restart(node_id)
    wait_in_sync(cluster, None)


def test_sigkill_the_busiest_leader(cluster: KafkaCluster, tmp_path: Path) -> None:
    def fault(c: KafkaCluster, p: Pipeline, _w: list[WorkerProcess]) -> None:
        _kill_and_restart(c, busiest_leader(c, p.topics.raw))

    run_with_fault(cluster, tmp_path, 81, fault)


def test_sigkill_the_active_controller(cluster: KafkaCluster, tmp_path: Path) -> None:
    def fault(c: KafkaCluster, _p: Pipeline, _w: list[WorkerProcess]) -> None:
        _kill_and_restart(c, active_controller(c))

    run_with_fault(cluster, tmp_path, 82, fault)


def test_sigstop_a_broker_for_30_s(cluster: KafkaCluster, tmp_path: Path) -> None:
    def fault(c: KafkaCluster, p: Pipeline, _w: list[WorkerProcess]) -> None:
        node = c.node(busiest_leader(c, p.topics.raw))
        node.signal(signal.SIGSTOP)
        time.sleep(30)
        node.signal(signal.SIGCONT)
        wait_in_sync(c, None)

    run_with_fault(cluster, tmp_path, 83, fault)


def test_rolling_restart(cluster: KafkaCluster, tmp_path: Path) -> None:
    def fault(c: KafkaCluster, _p: Pipeline, _w: list[WorkerProcess]) -> None:
        for node in c.nodes:
            node.stop()
            c.restart(node.node_id)
            wait_in_sync(c, None)  # the next one goes only once every replica caught up

    run_with_fault(cluster, tmp_path, 84, fault)


def test_sigkill_a_worker_during_failover(cluster: KafkaCluster, tmp_path: Path) -> None:
    def fault(c: KafkaCluster, p: Pipeline, workers: list[WorkerProcess]) -> None:
        leader = busiest_leader(c, p.topics.raw)
        c.node(leader).kill()
        time.sleep(1)
        workers[0].kill()
        time.sleep(9)
        c.restart(leader)
        wait_in_sync(c, None)

    run_with_fault(cluster, tmp_path, 85, fault)

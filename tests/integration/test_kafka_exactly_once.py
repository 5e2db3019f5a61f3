"""Exactly-once on Apache Kafka: with ``NEWSSTREAM_PROCESSING_GUARANTEE=exactly_once`` a
worker SIGKILLed mid-stream (three times in a row) leaves its open transactions behind
(aborted when the next worker's producers take over their transactional ids), and a
``read_committed`` subscriber sees every story on ``news.enriched`` exactly once; the
counts are exact.

Apache Kafka only (``NEWSSTREAM_TEST_BROKER=kafka``): the embedded broker has no
transactions (it answers InitProducerId with an error), so the setting refuses it and
there is nothing to run there."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from streams.devtools.synth import synthetic_stories
from streams.kafka.subscriber import IsolationLevel, consume
from tests.integration.harness import Pipeline
from tests.integration.helpers import expected_counts, replay_in_background, wait_counts
from tests.paths import SEEDS

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        os.environ.get("NEWSSTREAM_TEST_BROKER") != "kafka",
        reason="Apache Kafka only (NEWSSTREAM_TEST_BROKER=kafka): the embedded broker has "
        "no transactions",
    ),
]

EXACTLY_ONCE = {"NEWSSTREAM_PROCESSING_GUARANTEE": "exactly_once"}


def _read(p: Pipeline, isolation: IsolationLevel, until: Any = None, **kw: Any) -> list[Any]:
    return asyncio.run(
        consume(p.settings, [p.topics.enriched], until=until, isolation=isolation, **kw)
    )


def _explain(p: Pipeline, what: str) -> None:
    """Fail with ``what``, each live worker having logged its consumer state (SIGUSR1)."""
    for w in p.workers:
        if w.process.poll() is None:
            os.kill(w.process.pid, signal.SIGUSR1)
    time.sleep(2)
    raise AssertionError(f"{what}; state in {', '.join(str(w.log_path) for w in p.workers)}")


def _each_story_once(p: Pipeline, ids: set[str], result: dict[str, Any], timeout: float) -> Any:
    """The replay sent every story; a ``read_committed`` reader sees each exactly once, and
    nothing more after it (a repeat could only arrive late). Returns what it read."""
    report = result["report"]
    assert report.sent == len(ids) and not report.error, report.error

    def done(recs: list[Any]) -> bool:
        return ids <= {r.key.decode() for r in recs}

    out = _read(p, "read_committed", until=done, timeout=timeout)
    per_id = Counter(r.key.decode() for r in out)
    if set(per_id) != ids:
        _explain(p, f"missing {len(ids - set(per_id))} stories")
    assert per_id.most_common(1)[0][1] == 1, per_id.most_common(3)
    late = _read(p, "read_committed", idle=5, timeout=60)
    assert len(late) == len(ids), Counter(r.key.decode() for r in late).most_common(3)
    return out


def test_sigkills_mid_stream_read_committed_sees_each_story_once(
    kafka_url: str, tmp_path: Path
) -> None:
    with Pipeline(kafka_url, tmp_path, EXACTLY_ONCE, engine="kafka") as p:
        assert p.settings.processing_guarantee == "exactly_once"
        stories = list(synthetic_stories(SEEDS, 3000, seed=83))
        ids = {st["id"] for st in stories}
        worker = p.start_worker()
        thread, result = replay_in_background(
            p.settings, p.topics.raw, stories, p.work / "stories.jsonl", rate=200
        )
        # kill each worker well into the stream: after 600, 1,300 and 2,000 records on
        # news.enriched, committed or not (those of aborted transactions count too)
        for k, at in enumerate((600, 1300, 2000)):
            _read(p, "read_uncommitted", until=lambda recs, at=at: len(recs) >= at, timeout=120)
            worker.kill()
            killed_at = time.monotonic()
            worker = p.start_worker(data_dir=p.work / f"after-kill{k}")
        thread.join(180)
        out = _each_story_once(p, ids, result, timeout=240)
        expected = expected_counts([r.value for r in out])
        assert wait_counts(worker, expected, timeout=120) == expected, worker.tail_log()
        everything = _read(p, "read_uncommitted", idle=5, timeout=60)
        aborted = len(everything) - len(ids)  # the killed worker's open transactions
        print(
            f"exactly_once: {len(ids)} stories, 3 SIGKILLs, all out "
            f"{time.monotonic() - killed_at:.1f}s later; read_committed repeats 0, "
            f"records of aborted transactions in the log {aborted}"
        )


def test_two_workers_one_sigkilled_read_committed_sees_each_story_once(
    kafka_url: str, tmp_path: Path
) -> None:
    """Two workers share 4 partitions; one is SIGKILLed mid-stream, so the group
    rebalances and the survivor takes over partitions whose transactions were left open."""
    env = {**EXACTLY_ONCE, "NEWSSTREAM_PARTITIONS": "4"}
    with Pipeline(kafka_url, tmp_path, env, engine="kafka") as p:
        stories = list(synthetic_stories(SEEDS, 3000, seed=89))
        ids = {st["id"] for st in stories}
        doomed, survivor = p.start_worker(), p.start_worker()
        thread, result = replay_in_background(
            p.settings, p.topics.raw, stories, p.work / "stories.jsonl", rate=200
        )
        _read(p, "read_uncommitted", until=lambda recs: len(recs) >= 1200, timeout=120)
        doomed.kill()
        killed_at = time.monotonic()
        thread.join(180)
        out = _each_story_once(p, ids, result, timeout=300)
        expected = expected_counts([r.value for r in out])
        if (counts := wait_counts(survivor, expected, timeout=120)) != expected:
            short = {
                c: expected[c] - counts.get(c, 0) for c in expected if counts.get(c) != expected[c]
            }
            _explain(p, f"country counts differ from the stories': {short}")
        print(
            f"exactly_once, two workers: {len(ids)} stories, one worker SIGKILLed, all out "
            f"{time.monotonic() - killed_at:.1f}s later; read_committed repeats 0"
        )

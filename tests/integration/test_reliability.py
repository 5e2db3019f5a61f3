"""Nothing lost, nothing counted twice: accounting, SIGKILL crashes, recovery from the
changelog, scale-out, broker outages. All against the real embedded broker."""

from __future__ import annotations

import asyncio
import random
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import orjson
import pytest

from streams.devtools.synth import synthetic_stories
from streams.kafka.producer import replay
from tests.integration.harness import Pipeline
from tests.integration.helpers import expected_counts, produce, read, wait_counts
from tests.paths import SEEDS

pytestmark = pytest.mark.integration


def _events(stories: list[dict]) -> list[tuple[bytes, bytes]]:
    return [(s["id"].encode(), orjson.dumps(s)) for s in stories]


def _drain(pipeline: Pipeline, ids: set[str], timeout: float = 180) -> list:
    t = pipeline.topics

    def done(recs: list) -> bool:
        return ids <= {r.key.decode() for r in recs if r.topic == t.enriched}

    out = read(pipeline.settings, [t.enriched], until=done, timeout=timeout)
    missing = ids - {r.key.decode() for r in out}
    if missing:  # say where they are: never produced, dead-lettered, or stuck in news.raw
        raw = read(pipeline.settings, [t.raw, t.deadletter], idle=3, timeout=60)
        where = {
            sid: sorted({(r.topic, r.partition, r.offset) for r in raw if r.key == sid.encode()})
            for sid in sorted(missing)[:5]
        }
        raise AssertionError(f"missing {len(missing)} stories: {where}")
    return out


def test_accounting_good_duplicate_bad(pipeline: Pipeline) -> None:
    worker = pipeline.start_worker()
    s, t = pipeline.settings, pipeline.topics
    good = list(synthetic_stories(SEEDS, 200, seed=11))
    dups = random.Random(1).sample(good, 50)
    bad = [(f"bad{i}".encode(), b"{not json" if i % 2 else b"\xff\xfe") for i in range(40)]
    produce(s, t.raw, _events(good) + _events(dups) + bad)
    out = _drain(pipeline, {g["id"] for g in good})
    dead = read(s, [t.deadletter], until=lambda r: len(r) >= 40, timeout=60)
    time.sleep(2)
    out = read(s, [t.enriched], idle=2, timeout=60)
    assert len(out) == 200, "each good story exactly once, duplicates recognised"
    assert len(dead) == 40
    expected = expected_counts([r.value for r in out])
    assert wait_counts(worker, expected) == expected
    metrics = worker.get("/metrics").decode()
    assert "newsstream_duplicates_total 50.0" in metrics
    assert 'newsstream_dead_letters_total{reason="invalid_json"} 20.0' in metrics

    # redrive: dead letters go back to news.raw unchanged and come back as dead letters
    rc = subprocess.run(
        [
            sys.executable,
            "-X",
            "dev",
            "-c",
            "import logging,sys; logging.basicConfig(level=logging.INFO); "
            "from streams.cli import main; sys.exit(main(['redrive']))",
        ],
        capture_output=True,
        text=True,
        env={**pipeline.env, "NEWSSTREAM_BROKER_URL": pipeline.kafka_url, "PATH": ""},
        timeout=60,
    )
    assert rc.returncode == 0, rc.stderr
    assert "redrove 40 dead letters" in rc.stderr
    dead2 = read(s, [t.deadletter], until=lambda r: len(r) >= 80, timeout=60)
    assert len(dead2) == 80


def test_sigkill_during_replay_counts_stay_exact(pipeline: Pipeline) -> None:
    s, t = pipeline.settings, pipeline.topics
    stories = list(synthetic_stories(SEEDS, 3000, seed=5))
    path = pipeline.tmp / "stories.jsonl"
    path.write_bytes(b"".join(orjson.dumps(st) + b"\n" for st in stories))
    worker = pipeline.start_worker()
    result: dict = {}

    def run_replay() -> None:
        result["report"] = asyncio.run(replay(path, s, topic=t.raw, rate=200, show_progress=False))

    producer = threading.Thread(target=run_replay, daemon=True)
    producer.start()
    rng = random.Random()
    kills = 0
    for _ in range(3):
        # a (re)started worker needs ~5 s to join the group: kill while it processes
        time.sleep(rng.uniform(5.5, 9.0))
        worker.kill()
        kills += 1
        worker = pipeline.start_worker(data_dir=pipeline.tmp / f"d{kills}")
    producer.join(120)
    report = result["report"]
    assert report.sent == len(stories) and not report.error, report.error
    out = _drain(pipeline, {st["id"] for st in stories}, timeout=240)
    per_id = Counter(r.key.decode() for r in out)
    assert set(per_id) == {st["id"] for st in stories}
    expected = expected_counts([r.value for r in out])
    assert wait_counts(worker, expected, timeout=90) == expected, worker.tail_log()
    repeated = sum(n - 1 for n in per_id.values())
    print(f"kills={kills} stories={len(stories)} repeated outputs={repeated}")


def _republish_changes_nothing(
    pipeline: Pipeline, worker, stories: list[dict], resend: list[dict], seed: int, new: int
) -> None:
    """Publish ``resend`` again plus ``new`` fresh stories: each story is output once and
    the counts are those of the distinct stories."""
    fresh = list(synthetic_stories(SEEDS, new, seed=seed))
    produce(pipeline.settings, pipeline.topics.raw, _events(resend + fresh))
    out = _drain(pipeline, {st["id"] for st in stories + fresh})
    assert Counter(r.key.decode() for r in out).most_common(1)[0][1] == 1
    expected = expected_counts([r.value for r in out])
    assert wait_counts(worker, expected, timeout=90) == expected, worker.tail_log()


def _count_then_restart(
    pipeline: Pipeline, worker, stories: list[dict], data_dir: Path, **env: str
):
    """Publish ``stories``, wait for exact counts, stop the worker and start another on
    ``data_dir`` that must serve the same counts (recovered from the changelogs)."""
    produce(pipeline.settings, pipeline.topics.raw, _events(stories))
    out = _drain(pipeline, {st["id"] for st in stories})
    expected = expected_counts([r.value for r in out])
    assert wait_counts(worker, expected) == expected
    worker.stop()
    again = pipeline.start_worker(data_dir=data_dir, **env)
    assert wait_counts(again, expected, timeout=90) == expected, again.tail_log()
    return again


@pytest.mark.parametrize("store", ["memory://", "rocksdb://"])
def test_restart_recovers_counts_from_changelog(pipeline: Pipeline, store: str) -> None:
    worker = pipeline.start_worker(data_dir=pipeline.tmp / "store", NEWSSTREAM_STORE_URL=store)
    # bursty, batched traffic: the embedded broker then under-reports end offsets
    stories = list(synthetic_stories(SEEDS, 1500, seed=9))
    data_dir = pipeline.tmp / ("store" if store == "rocksdb://" else "empty")
    again = _count_then_restart(
        pipeline, worker, stories, data_dir=data_dir, NEWSSTREAM_STORE_URL=store
    )
    # the id horizon came back too: the same stories published again are not counted again
    _republish_changes_nothing(pipeline, again, stories, stories[:400], seed=10, new=50)


def test_dedupe_horizon_expires_records_and_survives_restart(pipeline: Pipeline) -> None:
    """A small horizon: expired fingerprint records are deleted from the table (changelog
    tombstones), the rest comes back after a restart, and the horizon means what it says."""
    s, t = pipeline.settings, pipeline.topics
    env = {"NEWSSTREAM_DEDUPE_HORIZON": "1000"}
    worker = pipeline.start_worker(**env)
    stories = list(synthetic_stories(SEEDS, 2500, seed=41))
    again = _count_then_restart(pipeline, worker, stories, data_dir=pipeline.tmp / "empty", **env)
    # the newest stories are inside the horizon: published again, nothing happens
    _republish_changes_nothing(pipeline, again, stories, stories[-300:], seed=42, new=1)
    # the oldest are past it (documented): processed and counted as new stories
    produce(s, t.raw, _events(stories[:5]))
    old_ids = {st["id"] for st in stories[:5]}

    def repeated(recs: list) -> bool:
        return sum(1 for r in recs if r.key.decode() in old_ids) >= 10

    out = read(s, [t.enriched], until=repeated, timeout=60)
    assert sum(1 for r in out if r.key.decode() in old_ids) == 10
    for w in (worker, again):  # deleting expired records never failed
        assert "Traceback" not in w.log_path.read_text(errors="replace"), w.tail_log()


@pytest.mark.parametrize("w1_commits", [True, False], ids=["committed", "never-committed"])
def test_two_workers_share_and_take_over(pipeline4: Pipeline, w1_commits: bool) -> None:
    """The survivor takes the killed worker's partitions over. Never-committed: the killed
    worker had committed no offset, so the survivor re-reads those partitions from the
    beginning (Faust + aiokafka used to lose the records fetched during the rebalance,
    streams/worker/faust_private/) and its watermarks skip what was already output."""
    s, t = pipeline4.settings, pipeline4.topics
    w1 = pipeline4.start_worker(**({} if w1_commits else {"NEWSSTREAM_COMMIT_INTERVAL_S": "3600"}))
    w2 = pipeline4.start_worker()
    first = list(synthetic_stories(SEEDS, 600, seed=21))
    produce(s, t.raw, _events(first))
    out = _drain(pipeline4, {st["id"] for st in first})
    expected = expected_counts([r.value for r in out])
    assert wait_counts(w1, expected, timeout=90) == expected
    assert wait_counts(w2, expected, timeout=30) == expected  # either worker answers all
    w1.kill()
    second = list(synthetic_stories(SEEDS, 600, seed=22))
    produce(s, t.raw, _events(second))
    out = _drain(pipeline4, {st["id"] for st in first + second}, timeout=240)
    expected = expected_counts([r.value for r in out])
    assert wait_counts(w2, expected, timeout=120) == expected, w2.tail_log()
    repeated = Counter(r.key for r in out if r.topic == t.enriched)
    assert max(repeated.values()) == 1, "an idle worker's outputs were repeated after takeover"


def test_replay_fails_clearly_when_broker_unreachable(tmp_path) -> None:
    from streams.local.broker import free_port

    port = free_port()
    proc = subprocess.run(
        [sys.executable, "-m", "streams.cli", "replay", str(SEEDS), "--quiet"],
        capture_output=True,
        text=True,
        timeout=180,
        env={"NEWSSTREAM_BROKER_URL": f"kafka://127.0.0.1:{port}", "PATH": ""},
    )
    assert proc.returncode == 3  # ExitCode.BROKER_UNREACHABLE (README: exit codes)
    assert proc.stderr.startswith("newsstream replay: could not reach the Kafka broker")


def test_broker_frozen_mid_stream_nothing_lost(pipeline: Pipeline, broker) -> None:
    if broker is None:
        pytest.skip("freezing needs the embedded broker process")
    s, t = pipeline.settings, pipeline.topics
    worker = pipeline.start_worker()
    stories = list(synthetic_stories(SEEDS, 1200, seed=31))
    result: dict = {}

    def run_replay() -> None:
        import tempfile

        path = tempfile.mktemp(suffix=".jsonl")
        with open(path, "wb") as fh:
            fh.writelines(orjson.dumps(st) + b"\n" for st in stories)
        result["report"] = asyncio.run(replay(path, s, topic=t.raw, rate=60, show_progress=False))

    th = threading.Thread(target=run_replay, daemon=True)
    th.start()
    time.sleep(4)
    broker.freeze()
    time.sleep(20)
    broker.thaw()
    th.join(240)
    assert result["report"].sent == len(stories) and not result["report"].error
    out = _drain(pipeline, {st["id"] for st in stories}, timeout=240)
    expected = expected_counts([r.value for r in out])
    assert wait_counts(worker, expected, timeout=120) == expected, worker.tail_log()

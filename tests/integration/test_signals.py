"""SIGINT and SIGTERM stop every long-running command within a few seconds, after flushing
what was acknowledged, with exit 0 (130 for a job cut short by Ctrl-C) and no traceback.

Each command runs as ``python -m streams.cli`` against the session's broker, in a pipeline
of its own (topic prefix, consumer group).
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import orjson
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from streams.exitcodes import ExitCode
from streams.kafka.client import client_kwargs
from streams.local.broker import free_port, port_in_use
from streams.settings import Settings
from tests.integration.harness import Pipeline
from tests.integration.helpers import produce, read
from tests.paths import ROOT, SEEDS

#: "Within a few seconds", with room for a loaded machine.
STOP_WITHIN_S = 10.0
SIGNALS = [signal.SIGTERM, signal.SIGINT]
FEED = ROOT / "tests" / "unit" / "sources" / "feeds" / "data" / "rss20_html.xml"


class Command:
    """A ``newsstream`` subprocess whose stdout and stderr are collected as they come."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streams.cli", *args],
            env={**os.environ, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.out: list[str] = []
        self.err: list[str] = []
        self._threads = [
            threading.Thread(target=self._collect, args=(self.proc.stdout, self.out), daemon=True),
            threading.Thread(target=self._collect, args=(self.proc.stderr, self.err), daemon=True),
        ]
        for t in self._threads:
            t.start()

    @staticmethod
    def _collect(stream: object, into: list[str]) -> None:
        for line in iter(stream.readline, b""):  # type: ignore[attr-defined]
            into.append(line.decode(errors="replace"))

    def wait_for(self, text: str, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(text in line for line in self.out + self.err):
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        self.proc.kill()
        pytest.fail(f"no {text!r} in the output; stderr:\n{''.join(self.err)}")

    def stop(self, sig: int) -> tuple[int, float, str]:
        """Send ``sig``; the exit code, how long the stop took and the whole stderr."""
        t0 = time.monotonic()
        self.proc.send_signal(sig)
        try:
            code = self.proc.wait(STOP_WITHIN_S * 3)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            pytest.fail(f"still running {STOP_WITHIN_S * 3} s after {sig!r}")
        took = time.monotonic() - t0
        for t in self._threads:
            t.join(5)
        err = "".join(self.err)
        assert "Traceback" not in err, err
        return code, took, err


def _env(pipeline: Pipeline, **extra: str) -> dict[str, str]:
    return {**pipeline.env, "NEWSSTREAM_BROKER_URL": pipeline.kafka_url, **extra}


@pytest.mark.parametrize("sig", SIGNALS, ids=lambda s: s.name)
def test_broker(sig: signal.Signals, tmp_path: Path) -> None:
    port = free_port()
    cmd = Command(["broker", "--port", str(port)], {})
    cmd.wait_for("listening on")
    code, took, _ = cmd.stop(sig)
    assert code == ExitCode.OK and took < STOP_WITHIN_S
    assert not port_in_use("127.0.0.1", port)  # the Tansu process is gone too


@pytest.mark.parametrize("sig", SIGNALS, ids=lambda s: s.name)
def test_worker(sig: signal.Signals, pipeline: Pipeline, tmp_path: Path) -> None:
    # no periodic commit within the test: only the stop can commit what was processed
    env = _env(
        pipeline,
        NEWSSTREAM_WEB_PORT=str(free_port()),
        NEWSSTREAM_DATA_DIR=str(tmp_path),
        NEWSSTREAM_COMMIT_INTERVAL_S="600",
    )
    cmd = Command(["worker"], env)
    cmd.wait_for("Ready", timeout=120)
    s: Settings = pipeline.settings
    stories: list[tuple[bytes | None, bytes | None]] = [
        (f"sig-{i}".encode(), orjson.dumps({"id": f"sig-{i}", "body": f"Story {i} in Paris."}))
        for i in range(STORIES)
    ]
    produce(s, pipeline.topics.raw, stories)
    out = read(s, [pipeline.topics.enriched], until=lambda got: len(got) >= STORIES, timeout=90)
    assert len(out) == STORIES
    code, took, _ = cmd.stop(sig)
    assert code == ExitCode.OK and took < STOP_WITHIN_S
    # the stop committed what was processed: a new worker would start after it
    assert asyncio.run(_committed_total(s, pipeline.topics.raw)) == STORIES


#: Stories the worker processes before it is stopped.
STORIES = 20


async def _committed_total(s: Settings, topic: str) -> int:
    """The sum over ``topic``'s partitions of the group's committed offsets: on a topic
    that started empty, how many of its records the group has committed. (A consumer of
    the group reads them, as a worker starting would: the embedded broker does not
    answer the admin client's offset request.)"""
    consumer = AIOKafkaConsumer(**client_kwargs(s), group_id=s.app_id, enable_auto_commit=False)
    await consumer.start()
    try:
        offsets = [await consumer.committed(TopicPartition(topic, p)) for p in range(s.partitions)]
    finally:
        await consumer.stop()
    return sum(o or 0 for o in offsets)


def test_worker_waiting_for_a_missing_broker(tmp_path: Path) -> None:
    missing = f"127.0.0.1:{free_port()}"
    env = {
        "NEWSSTREAM_BROKER_URL": f"kafka://{missing}",
        "NEWSSTREAM_WEB_PORT": str(free_port()),
        "NEWSSTREAM_DATA_DIR": str(tmp_path),
    }
    cmd = Command(["worker"], env)
    cmd.wait_for("retrying in")
    code, took, err = cmd.stop(signal.SIGTERM)
    assert code == ExitCode.OK and took < STOP_WITHIN_S
    first = err.splitlines()[0]
    assert f"no Kafka broker at {missing}" in first and "newsstream broker" in first
    assert err.splitlines()[-1] == (
        f"worker: stopped by SIGTERM while waiting for the Kafka broker at {missing}"
    )


@pytest.mark.parametrize("sig", SIGNALS, ids=lambda s: s.name)
def test_replay_flushes_what_was_sent(sig: signal.Signals, pipeline: Pipeline) -> None:
    topic = pipeline.topics.raw  # no worker reads it here
    args = ["replay", str(SEEDS), "--rate", "20", "--loop", "100", "--fresh-ids"]
    cmd = Command(args, _env(pipeline))
    time.sleep(6)  # start-up, then a few seconds of sending
    code, took, err = cmd.stop(sig)
    assert code == (ExitCode.INTERRUPTED if sig == signal.SIGINT else ExitCode.OK)
    assert took < STOP_WITHIN_S
    sent = int(err.split("sent ")[1].split()[0])
    assert 0 < sent < 600 and f"replay: stopped by {sig.name}" in err
    on_topic = read(pipeline.settings, [topic], idle=3.0, timeout=60)
    assert len(on_topic) == sent  # every acknowledged story is there, and only those


@pytest.mark.parametrize("sig", SIGNALS, ids=lambda s: s.name)
def test_ingest_poll(sig: signal.Signals, pipeline: Pipeline, tmp_path: Path) -> None:
    state = tmp_path / "state"
    args = ["ingest", str(FEED), "--poll", "1", "--state-dir", str(state)]
    cmd = Command(args, _env(pipeline))
    cmd.wait_for("poll 2:")
    code, took, err = cmd.stop(sig)
    assert code == ExitCode.OK and took < STOP_WITHIN_S
    assert "ingest: published 3 stories from 1 feed; 0 failed" in err
    assert 'newsstream_ingest_published_total{feed="' in (state / "ingest.prom").read_text()
    raw = read(pipeline.settings, [pipeline.topics.raw], idle=3.0, timeout=60)
    assert len(raw) == 3


@pytest.mark.parametrize("sig", SIGNALS, ids=lambda s: s.name)
def test_tail_follow(sig: signal.Signals, pipeline: Pipeline) -> None:
    s: Settings = pipeline.settings
    produce(s, pipeline.topics.enriched, [(b"k", b'{"id": "k"}')])
    cmd = Command(["tail", "-f", pipeline.topics.enriched], _env(pipeline))
    cmd.wait_for('{"id":"k"}')
    code, took, _ = cmd.stop(sig)
    assert code == ExitCode.OK and took < STOP_WITHIN_S
    assert cmd.out == ['{"id":"k"}\n']

"""LocalStack without a broker: what it passes to the broker, topic and worker starts it
calls (replaced by fakes here), and that it stops what it started when a step fails."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from streams.local import stack as stack_module
from streams.local.stack import LocalStack, settings_for
from streams.settings import Settings


@dataclass
class FakeBroker:
    url: str = "kafka://127.0.0.1:1111"
    stopped: bool = False

    def stop(self) -> None:
        self.stopped = True


@dataclass
class FakeWorker:
    kwargs: dict[str, Any]
    ready: bool = True
    waited: list[float] = field(default_factory=list)
    stopped: bool = False

    def wait_ready(self, timeout: float) -> None:
        self.waited.append(timeout)
        if not self.ready:
            raise TimeoutError("worker web server not up")

    def stop(self) -> None:
        self.stopped = True


@dataclass
class Fakes:
    brokers: list[FakeBroker] = field(default_factory=list)
    topics: list[Settings] = field(default_factory=list)
    workers: list[FakeWorker] = field(default_factory=list)
    broker_calls: list[tuple[Any, ...]] = field(default_factory=list)
    fail_topics: bool = False
    not_ready: set[int] = field(default_factory=set)  # indexes of workers that never answer


@pytest.fixture
def fakes(monkeypatch: pytest.MonkeyPatch) -> Fakes:
    f = Fakes()
    ports = iter(range(7000, 7100))

    def start_broker(host: str, port: int, *, log_path: Path) -> FakeBroker:
        f.broker_calls.append((host, port, log_path))
        f.brokers.append(FakeBroker(url=f"kafka://{host}:{port}"))
        return f.brokers[-1]

    async def ensure_topics(s: Settings) -> list[str]:
        if f.fail_topics:
            raise RuntimeError("could not create topics")
        f.topics.append(s)
        return []

    def start_worker(**kwargs: Any) -> FakeWorker:
        w = FakeWorker(kwargs, ready=len(f.workers) not in f.not_ready)
        f.workers.append(w)
        return w

    monkeypatch.setattr(stack_module, "free_port", lambda: next(ports))
    monkeypatch.setattr(stack_module, "start_broker", start_broker)
    monkeypatch.setattr(stack_module, "ensure_topics", ensure_topics)
    monkeypatch.setattr(stack_module, "start_worker", start_worker)
    return f


def test_settings_for_reads_the_workers_env_over_the_process_env(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NEWSSTREAM_TAGGER", "accurate")
    monkeypatch.setenv("NEWSSTREAM_PARTITIONS", "3")
    s = settings_for(
        "kafka://h:1",
        {
            "NEWSSTREAM_TOPIC_PREFIX": "t1.",
            "NEWSSTREAM_PARTITIONS": "4",
            "NEWSSTREAM_NEARDUP": "false",
            "NEWSSTREAM_BROKER_URL": "kafka://elsewhere:2",
            "NEWSSTREAM_NOT_A_SETTING": "x",
            "PATH": "",
        },
    )
    assert (s.broker_url, s.topic_prefix, s.partitions, s.neardup) == (
        "kafka://h:1",
        "t1.",
        4,
        False,
    )
    assert s.tagger == "accurate"  # not in env: the process's own value, as a worker reads it


def test_start_runs_an_embedded_broker_and_creates_the_topics(fakes: Fakes, tmp_path: Path) -> None:
    with LocalStack(tmp_path, env={"NEWSSTREAM_TOPIC_PREFIX": "p."}) as stack:
        assert fakes.broker_calls == [("127.0.0.1", 7000, tmp_path / "broker.log")]
        assert stack.broker_url == "kafka://127.0.0.1:7000"
        assert [s.topic_prefix for s in fakes.topics] == ["p."]
        assert stack.topics.raw == "p.news.raw"
        stack.create_topics("lim.")
        assert [s.topic_prefix for s in fakes.topics] == ["p.", "lim."]
        assert fakes.topics[-1].broker_url == stack.broker_url
    assert fakes.brokers[0].stopped


def test_workers_get_their_env_port_data_dir_and_log(fakes: Fakes, tmp_path: Path) -> None:
    env = {"NEWSSTREAM_NEARDUP": "false", "NEWSSTREAM_LOG_LEVEL": "info"}
    with LocalStack(tmp_path, env=env, ready_timeout=9) as stack:
        stack.start_worker(NEWSSTREAM_LOG_LEVEL="debug")
        stack.start_worker(data_dir=tmp_path / "store")
        stack.start_workers(2)
    first, second, third, _ = (w.kwargs for w in fakes.workers)
    assert first == {
        "broker_url": "kafka://127.0.0.1:7000",
        "web_port": 7001,
        "data_dir": tmp_path / "data0",
        "log_path": tmp_path / "worker0.log",
        "env": {
            "NEWSSTREAM_BROKER_ENGINE": "tansu",
            "NEWSSTREAM_NEARDUP": "false",
            "NEWSSTREAM_LOG_LEVEL": "debug",
        },
    }
    assert second["data_dir"] == tmp_path / "store"
    assert second["env"] == {"NEWSSTREAM_BROKER_ENGINE": "tansu", **env}
    assert (third["web_port"], third["log_path"]) == (7003, tmp_path / "worker2.log")
    assert all(w.waited == [9] and w.stopped for w in fakes.workers)
    assert fakes.brokers[0].stopped


def test_a_given_broker_is_used_and_left_running(fakes: Fakes, tmp_path: Path) -> None:
    with LocalStack(tmp_path, broker_url="kafka://shared:9092") as stack:
        stack.start_worker()
        with pytest.raises(RuntimeError, match="no embedded broker"):
            stack.embedded_broker  # noqa: B018
    assert fakes.broker_calls == []
    assert fakes.workers[0].kwargs["broker_url"] == "kafka://shared:9092"
    assert fakes.workers[0].stopped


def test_failed_topic_creation_stops_the_broker(fakes: Fakes, tmp_path: Path) -> None:
    fakes.fail_topics = True
    with pytest.raises(RuntimeError, match="could not create topics"), LocalStack(tmp_path):
        pass
    assert fakes.brokers[0].stopped


def test_a_worker_that_never_answers_stops_them_all(fakes: Fakes, tmp_path: Path) -> None:
    fakes.not_ready = {1}
    with pytest.raises(TimeoutError), LocalStack(tmp_path) as stack:
        stack.start_workers(3)
    assert len(fakes.workers) == 3
    assert all(w.stopped for w in fakes.workers)
    assert fakes.brokers[0].stopped


def test_a_worker_failing_to_stop_does_not_keep_the_rest_running(
    fakes: Fakes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stack = LocalStack(tmp_path).start()
    stack.start_workers(2)

    def fail() -> None:
        raise OSError("no such process group")

    monkeypatch.setattr(fakes.workers[0], "stop", fail)
    with pytest.raises(OSError):
        stack.stop()
    assert fakes.workers[1].stopped and fakes.brokers[0].stopped


def test_settings_before_start_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="not started"):
        LocalStack(tmp_path).settings  # noqa: B018


def test_kafka_engine_starts_kafka_under_the_work_dir(
    monkeypatch: pytest.MonkeyPatch, fakes: Fakes, tmp_path: Path
) -> None:
    from streams.local import kafka

    calls: list[tuple[Path, int]] = []

    def start_kafka(data_dir: Path, *, nodes: int) -> FakeBroker:
        calls.append((data_dir, nodes))
        return FakeBroker(url="kafka://127.0.0.1:9999")

    monkeypatch.setattr(kafka, "start_kafka", start_kafka)
    with LocalStack(tmp_path, engine="kafka") as stack:
        stack.start_worker()
        assert stack.broker_url == "kafka://127.0.0.1:9999"
        with pytest.raises(RuntimeError, match="no embedded broker"):
            stack.embedded_broker  # noqa: B018
    assert calls == [(tmp_path / "kafka", 1)] and fakes.broker_calls == []
    # the worker is told which engine it talks to (it switches workarounds by it)
    assert fakes.workers[0].kwargs["env"]["NEWSSTREAM_BROKER_ENGINE"] == "kafka"


def test_engine_errors_before_anything_starts(fakes: Fakes, tmp_path: Path) -> None:
    with pytest.raises(stack_module.BrokerError, match="unknown engine 'redpanda'"):
        stack_module.start_engine(tmp_path, "redpanda")
    with pytest.raises(stack_module.BrokerError, match="--nodes needs --engine kafka"):
        stack_module.start_engine(tmp_path, "tansu", nodes=3)
    assert fakes.broker_calls == []

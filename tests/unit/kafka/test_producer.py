"""start_producer: the acks and linger the story publishers (replay, ingest) run with;
replay: a bad file, and a stop request."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from aiokafka.errors import KafkaTimeoutError, TopicAuthorizationFailedError

import streams.kafka.producer
from streams.exitcodes import InputError, StopRequest
from streams.kafka.producer import (
    PRODUCER_LINGER_MS,
    ReplayReport,
    replay,
    send_through_outage,
    start_producer,
)
from streams.kafka.security import AccessDenied
from streams.settings import Settings


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The keyword arguments of every producer start_producer makes (none really starts)."""
    made: list[dict[str, Any]] = []

    class _Producer:
        def __init__(self, **kwargs: Any) -> None:
            made.append(kwargs)

        async def start(self) -> None: ...

    monkeypatch.setattr(streams.kafka.producer, "AIOKafkaProducer", _Producer)
    monkeypatch.delenv("NEWSSTREAM_PRODUCER_LINGER_MS", raising=False)
    monkeypatch.delenv("NEWSSTREAM_PRODUCER_ACKS", raising=False)
    return made


def test_defaults_linger_a_few_ms_and_wait_for_all_replicas(made: list[dict[str, Any]]) -> None:
    asyncio.run(start_producer(Settings()))
    assert made[0]["linger_ms"] == PRODUCER_LINGER_MS == 5
    assert made[0]["acks"] == -1


def test_environment_sets_linger_and_acks(
    made: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSSTREAM_PRODUCER_LINGER_MS", "0")
    monkeypatch.setenv("NEWSSTREAM_PRODUCER_ACKS", "1")
    asyncio.run(start_producer(Settings(), max_request_size=123))
    assert made[0]["linger_ms"] == 0 and made[0]["acks"] == 1
    assert made[0]["max_request_size"] == 123


class _AckingProducer:
    """Acknowledges every send at once; asks ``stop`` to stop after ``stop_after`` sends."""

    def __init__(self, request: StopRequest, stop_after: int) -> None:
        self.request, self.stop_after = request, stop_after
        self.sent: list[bytes | None] = []
        self.stopped = False

    async def send(self, topic: str, value: bytes, key: bytes | None) -> asyncio.Future[None]:
        self.sent.append(key)
        if len(self.sent) == self.stop_after:
            self.request.set(signal.SIGINT)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return done

    async def flush(self) -> None: ...

    async def stop(self) -> None:
        self.stopped = True

    @property
    def client(self) -> Any:
        """The broker's metadata: the topics ``t`` and ``news.raw`` exist."""

        async def fetch_all_metadata() -> Any:
            return SimpleNamespace(topics=lambda: {"t", "news.raw"})

        return SimpleNamespace(fetch_all_metadata=fetch_all_metadata)


@pytest.mark.parametrize(
    ("topic", "sent"), [("news.rwa", None), ("news.raw", 1), ("news.brand-new", None)]
)
def test_replay_refuses_a_topic_the_broker_lacks_but_its_own_input(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, topic: str, sent: int | None
) -> None:
    """A misspelt topic would be created by the broker on the first write, and the stories
    would go where nobody reads; ``news.raw`` may not exist before the first worker."""
    path = tmp_path / "s.jsonl"
    path.write_text('{"id": "s0", "body": "b"}\n')

    class _Bare(_AckingProducer):
        @property
        def client(self) -> Any:
            async def fetch_all_metadata() -> Any:
                return SimpleNamespace(topics=lambda: {"news.enriched", "news.raw"} - {topic})

            return SimpleNamespace(fetch_all_metadata=fetch_all_metadata)

    fake = _Bare(StopRequest(), stop_after=0)

    async def start(s: Settings, **_: Any) -> _AckingProducer:
        return fake

    monkeypatch.setattr(streams.kafka.producer, "start_producer", start)
    run = replay(path, Settings(), topic=topic, show_progress=False)
    if sent:
        assert asyncio.run(run).sent == sent
    else:
        with pytest.raises(InputError, match=f"no topic '{topic}' on the broker at") as exc:
            asyncio.run(run)
        if topic == "news.rwa":
            assert str(exc.value).endswith("did you mean news.raw?")
        assert fake.sent == []
    assert fake.stopped


def test_replay_stopped_by_a_signal_sends_nothing_more_and_counts_what_was_acked(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "s.jsonl"
    path.write_text("".join(f'{{"id": "s{i}", "body": "b"}}\n' for i in range(10)))

    async def run() -> tuple[ReplayReport, _AckingProducer]:
        stop = StopRequest()
        fake = _AckingProducer(stop, stop_after=4)

        async def start(s: Settings, **_: Any) -> _AckingProducer:
            return fake

        monkeypatch.setattr(streams.kafka.producer, "start_producer", start)
        report = await replay(path, Settings(), topic="t", show_progress=False, stop=stop)
        return report, fake

    report, fake = asyncio.run(run())
    assert fake.sent == [b"s0", b"s1", b"s2", b"s3"] and fake.stopped
    assert (report.sent, report.stopped_by, report.error) == (4, signal.SIGINT, None)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        ('{"id": "a", "body": "x"}\n\n{"id": "b", bad\n', "line 3 column 13: not valid JSON"),
    ],
)
def test_replay_of_a_bad_file_fails_before_connecting(
    tmp_path: Path, content: str | None, message: str
) -> None:
    path = tmp_path / "stories.jsonl"
    if content is not None:
        path.write_text(content)
    with pytest.raises(InputError, match=message) as exc:
        asyncio.run(replay(path, Settings(broker_url="kafka://127.0.0.1:1"), topic="t"))
    assert str(exc.value).startswith(str(path))


def test_replay_the_acls_refuse_ends_with_one_access_refusal(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "s.jsonl"
    path.write_text('{"id": "s0", "body": "b"}\n')

    class _Refused(_AckingProducer):
        async def send(self, topic: str, value: bytes, key: bytes | None) -> asyncio.Future[None]:
            raise TopicAuthorizationFailedError(topic)

    fake = _Refused(StopRequest(), stop_after=0)

    async def start(s: Settings, **_: Any) -> _AckingProducer:
        return fake

    monkeypatch.setattr(streams.kafka.producer, "start_producer", start)
    with pytest.raises(AccessDenied, match="does not allow this client to write to topic t "):
        asyncio.run(replay(path, Settings(), topic="t", show_progress=False))
    assert fake.stopped


class _FullBatches:
    """A producer whose ``send`` times out (aiokafka: no room in a partition's batch while
    the broker takes nothing) ``fails`` times, then accepts."""

    def __init__(self, fails: int) -> None:
        self.fails = fails
        self.calls = 0

    async def send(self, topic: str, value: bytes, key: bytes | None = None) -> str:
        self.calls += 1
        if self.calls <= self.fails:
            raise KafkaTimeoutError()
        return "accepted"


def test_send_through_outage_tries_again_until_the_broker_takes_the_story() -> None:
    producer = _FullBatches(fails=3)
    got = asyncio.run(send_through_outage(producer, "news.raw", b"{}", b"k"))
    assert (got, producer.calls) == ("accepted", 4)


def test_send_through_outage_gives_up_after_its_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streams.kafka.producer, "OUTAGE_S", 0.0)
    producer = _FullBatches(fails=3)
    with pytest.raises(KafkaTimeoutError):
        asyncio.run(send_through_outage(producer, "news.raw", b"{}", b"k"))
    assert producer.calls == 1


def test_send_through_outage_stops_trying_once_a_stop_is_requested() -> None:
    async def run() -> None:
        stop = StopRequest()
        stop.set(signal.SIGINT)
        await send_through_outage(_FullBatches(fails=3), "news.raw", b"{}", b"k", stop)

    with pytest.raises(KafkaTimeoutError):
        asyncio.run(run())

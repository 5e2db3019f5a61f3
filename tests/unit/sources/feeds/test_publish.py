"""`newsstream ingest` without a broker: what `publish` sends, and the command's exit codes.

The producer is replaced by an in-memory one; ``tests/integration/test_pipeline.py``
covers the same path against a real broker.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from schemas.models import RawStory
from streams.kafka.producer import BrokerUnavailable
from streams.settings import Settings
from streams.sources.feeds import publish
from streams.topics import Topics
from tests.unit.sources.feeds.conftest import FEEDS


class FakeProducer:
    """Records what would have been sent to Kafka."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, bytes, bytes]] = []
        self.stopped = False

    async def send(self, topic: str, value: bytes, *, key: bytes) -> asyncio.Future[None]:
        self.sent.append((topic, key, value))
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return done

    async def stop(self) -> None:
        self.stopped = True


@pytest.fixture
def producer(monkeypatch: pytest.MonkeyPatch) -> FakeProducer:
    fake = FakeProducer()

    async def start(s: Settings, **_: Any) -> FakeProducer:
        return fake

    monkeypatch.setattr(publish, "start_producer", start)
    return fake


def test_ingest_to_kafka_sends_each_story_to_the_raw_topic_keyed_by_id(
    producer: FakeProducer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = str(FEEDS / "cdata.xml")
    s = Settings(topic_prefix="t1.")
    report = asyncio.run(publish.ingest_to_kafka(s, [source], poll=None, state_dir=tmp_path))
    assert report.ok and report.published == 1 and producer.stopped
    ((topic, key, value),) = producer.sent
    assert (topic, key) == (Topics("t1.").raw, b"cdata-1")
    assert RawStory.from_bytes(value).headline == "Markets rally as rates <hold> & bonds slip"
    assert f"ingest: {source} poll 1: 1 new, 0 seen, 0 errors" in capsys.readouterr().err


def test_main_ingest_exit_codes(
    producer: FakeProducer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    s = Settings(data_dir=str(tmp_path))
    assert publish.main_ingest(s, [str(FEEDS / "cdata.xml")], None) == 0
    assert "ingest: published 1 stories from 1 feed(s); 0 error(s)" in capsys.readouterr().err
    missing = str(tmp_path / "nope.xml")
    assert publish.main_ingest(s, [missing], None) == 1
    err = capsys.readouterr().err
    assert f"ingest: error: {missing}: no such file" in err and "1 error(s)" in err


def test_main_ingest_without_a_broker_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    async def unreachable(s: Settings, **_: Any) -> None:
        raise BrokerUnavailable("could not reach the Kafka broker")

    monkeypatch.setattr(publish, "start_producer", unreachable)
    assert publish.main_ingest(Settings(), ["x.xml"], None) == 2
    assert capsys.readouterr().err.strip() == (
        "ingest failed: could not reach the Kafka broker; published 0 stories"
    )

"""`newsstream redrive` (streams/kafka/redrive.py) against a fake consumer and producer: which
letters go back to news.raw, with which bytes, and what is committed."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, NamedTuple

import pytest
from aiokafka import TopicPartition

from schemas.models import DeadLetter
from streams.kafka import redrive as rd
from streams.settings import Settings
from streams.topics import Topics

pytestmark = pytest.mark.usefixtures("no_newsstream_env")

PREFIX = "t."
RAW = Topics(PREFIX).raw
DLQ = TopicPartition(Topics(PREFIX).deadletter, 0)


class Rec(NamedTuple):
    offset: int
    value: bytes | None
    timestamp: int  # ms


@dataclass
class FakeKafka:
    """The dead-letter topic, the source topic and what redrive did to them."""

    letters: list[Rec] = field(default_factory=list)
    source: dict[tuple[str, int, int], bytes] = field(default_factory=dict)
    sent: list[tuple[str, bytes, bytes | None]] = field(default_factory=list)
    commits: list[dict[TopicPartition, int]] = field(default_factory=list)
    paused: set[TopicPartition] = field(default_factory=set)
    topics: set[str] = field(default_factory=lambda: {RAW, Topics(PREFIX).deadletter})
    consumers: int = 0  # dead-letter readers made (subscribing may create the topic)

    def letter(self, dl: DeadLetter, *, written_s_ago: float = 60) -> None:
        ts = int((time.time() - written_s_ago) * 1000)
        self.letters.append(Rec(len(self.letters), dl.model_dump_json().encode(), ts))


class FakeConsumer:
    def __init__(self, kafka: FakeKafka, *topics: str, **_kw: Any) -> None:
        self.kafka = kafka
        self.group = bool(topics)  # the dead-letter reader; else the source fetch
        kafka.consumers += self.group
        self.served = False
        self.position: tuple[TopicPartition, int] | None = None

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    def assignment(self) -> set[TopicPartition]:
        return {DLQ} if self.group else set()

    def assign(self, _tps: list[TopicPartition]) -> None: ...

    def seek(self, tp: TopicPartition, offset: int) -> None:
        self.position = (tp, offset)

    def pause(self, tp: TopicPartition) -> None:
        self.kafka.paused.add(tp)

    async def commit(self, offsets: dict[TopicPartition, int]) -> None:
        self.kafka.commits.append(dict(offsets))

    async def getmany(self, *_tps: Any, **_kw: Any) -> dict[TopicPartition, list[Rec]]:
        if not self.group:
            assert self.position is not None
            tp, offset = self.position
            value = self.kafka.source.get((tp.topic, tp.partition, offset))
            return {tp: [Rec(offset, value, 0)]} if value is not None else {}
        if self.served:
            return {}
        self.served = True
        return {DLQ: list(self.kafka.letters)}


class FakeProducer:
    def __init__(self, kafka: FakeKafka) -> None:
        self.kafka = kafka

    async def send(
        self, topic: str, value: bytes, key: bytes | None = None
    ) -> asyncio.Future[None]:
        self.kafka.sent.append((topic, value, key))
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return done

    async def stop(self) -> None: ...

    @property
    def client(self) -> Any:
        async def fetch_all_metadata() -> Any:
            return SimpleNamespace(topics=lambda: self.kafka.topics)

        return SimpleNamespace(fetch_all_metadata=fetch_all_metadata)


@pytest.fixture
def kafka(monkeypatch: pytest.MonkeyPatch) -> FakeKafka:
    k = FakeKafka()

    async def start_producer(_s: Settings, **_kw: Any) -> FakeProducer:
        return FakeProducer(k)

    monkeypatch.setattr(rd, "AIOKafkaConsumer", lambda *a, **kw: FakeConsumer(k, *a, **kw))
    monkeypatch.setattr(rd, "start_producer", start_producer)
    return k


def _dl(reason: str, value: bytes, key: bytes | None = None, **kw: Any) -> DeadLetter:
    return DeadLetter.build(
        key=key, value=value, reason=reason, error="bad", topic=RAW, partition=1, offset=7, **kw
    )


def _run(**kw: Any) -> dict[str, int]:
    return dict(asyncio.run(rd.redrive(Settings(topic_prefix=PREFIX), idle_s=0.01, **kw)))


def test_original_key_and_value_go_back_to_raw(kafka: FakeKafka) -> None:
    kafka.letter(_dl("invalid_json", b"{not json", key=b"k1"))
    kafka.letter(_dl("not_utf8", b"\xff\xfe"))
    assert _run() == {"invalid_json": 1, "not_utf8": 1}
    assert kafka.sent == [(RAW, b"{not json", b"k1"), (RAW, b"\xff\xfe", None)]
    assert kafka.commits == [{DLQ: 2}]


def test_reason_selects_letters(kafka: FakeKafka) -> None:
    kafka.letter(_dl("invalid_json", b"{not json"))
    kafka.letter(_dl("not_utf8", b"\xff\xfe"))
    assert _run(reason="not_utf8") == {"skipped": 1, "not_utf8": 1}
    assert kafka.sent == [(RAW, b"\xff\xfe", None)]


def test_a_skipped_letter_is_not_committed_so_a_later_run_finds_it(kafka: FakeKafka) -> None:
    kafka.letter(_dl("not_utf8", b"\xff"))
    kafka.letter(_dl("invalid_json", b"{not json"))
    kafka.letter(_dl("not_utf8", b"\xfe"))
    assert _run(reason="not_utf8") == {"skipped": 1, "not_utf8": 2}
    assert kafka.commits == [{DLQ: 1}]  # up to the invalid_json letter, not past it


def test_dry_run_sends_and_commits_nothing(kafka: FakeKafka) -> None:
    kafka.letter(_dl("invalid_json", b"{not json"))
    assert _run(dry_run=True) == {"invalid_json": 1}
    assert kafka.sent == [] and kafka.commits == []


def test_letters_written_after_the_start_wait_for_the_next_run(kafka: FakeKafka) -> None:
    kafka.letter(_dl("invalid_json", b"old"))
    kafka.letter(_dl("invalid_json", b"new"), written_s_ago=-60)  # our own redrive, failing
    kafka.letter(_dl("invalid_json", b"old too"))
    assert _run() == {"invalid_json": 1}
    assert kafka.sent == [(RAW, b"old", None)]
    assert kafka.commits == [{DLQ: 1}]  # the new letter and all after it stay unread
    assert kafka.paused == {DLQ}


def test_truncated_value_is_read_back_from_the_source_topic(kafka: FakeKafka) -> None:
    full = b'{"body": "' + b"x" * 100 + b'"}'
    dl = _dl("oversized", full, key=b"big", max_value_bytes=10)
    assert dl.value_truncated and dl.original_value() == full[:10]
    kafka.letter(dl)
    kafka.source[(RAW, 1, 7)] = full
    assert _run() == {"oversized": 1}
    assert kafka.sent == [(RAW, full, b"big")]


def test_truncated_value_gone_from_the_source_is_unrecoverable(
    kafka: FakeKafka, capsys: pytest.CaptureFixture[str]
) -> None:
    kafka.letter(_dl("oversized", b"y" * 100, max_value_bytes=10))
    kafka.letter(_dl("invalid_json", b"{"))
    assert rd.main_redrive(Settings(topic_prefix=PREFIX), None, False) == 1
    assert kafka.sent == [(RAW, b"{", None)]
    err = capsys.readouterr().err
    assert f"redrove 1 dead letters to {RAW}" in err and "'unrecoverable': 1" in err


def test_dry_run_summary(kafka: FakeKafka, capsys: pytest.CaptureFixture[str]) -> None:
    kafka.letter(_dl("invalid_json", b"{"))
    assert rd.main_redrive(Settings(topic_prefix=PREFIX), None, True) == 0
    assert f"would redrive 1 dead letters to {RAW}" in capsys.readouterr().err
    assert kafka.sent == []


def test_no_dead_letter_topic_means_nothing_to_redrive_and_none_is_made(
    kafka: FakeKafka, capsys: pytest.CaptureFixture[str]
) -> None:
    kafka.topics = {RAW}
    assert rd.main_redrive(Settings(topic_prefix=PREFIX), None, True) == 0
    assert f"would redrive 0 dead letters to {RAW}: {{}}" in capsys.readouterr().err
    assert kafka.consumers == 0 and kafka.sent == []

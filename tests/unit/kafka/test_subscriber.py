"""`newsstream tail` against a fake consumer: an unknown topic, the records it prints,
and a stop request."""

from __future__ import annotations

import asyncio
import signal
from types import SimpleNamespace
from typing import Any

import orjson
import pytest
from aiokafka.errors import TopicAuthorizationFailedError

import streams.kafka.subscriber as subscriber
from streams.exitcodes import ExitCode, InputError, StopRequest
from streams.kafka.security import AccessDenied
from streams.settings import Settings


class _Consumer:
    """Knows ``topics``; hands out ``batches`` one per getmany, then nothing."""

    def __init__(self, topics: set[str], batches: list[list[bytes]]) -> None:
        self._topics, self.batches = topics, batches
        self.subscribed: list[str] = []
        self.stopped = False

    async def start(self) -> None: ...

    async def stop(self) -> None:
        self.stopped = True

    async def topics(self) -> set[str]:
        return self._topics

    def subscribe(self, topics: list[str]) -> None:
        self.subscribed = topics

    async def getmany(self, timeout_ms: int) -> dict[str, list[Any]]:
        await asyncio.sleep(0.01)
        if not self.batches:
            return {}
        return {"tp": [SimpleNamespace(value=v) for v in self.batches.pop(0)]}


@pytest.fixture
def consumer(monkeypatch: pytest.MonkeyPatch) -> _Consumer:
    fake = _Consumer({"news.raw", "news.enriched"}, [[b'{"a": 1}', b"\xff"], [b"[2]"]])
    monkeypatch.setattr(subscriber, "AIOKafkaConsumer", lambda **_kw: fake)
    return fake


def test_an_unknown_topic_is_an_input_error_that_suggests_the_near_one(
    consumer: _Consumer, no_newsstream_env: None
) -> None:
    with pytest.raises(InputError) as exc:
        asyncio.run(subscriber.tail(Settings(), "news.rwa", follow=False, max_messages=None))
    assert (
        str(exc.value)
        == "no topic 'news.rwa' on the broker at 127.0.0.1:9092; did you mean news.raw?"
    )
    assert consumer.stopped and consumer.subscribed == []
    with pytest.raises(InputError, match=r"topics: news.enriched, news.raw"):
        asyncio.run(subscriber.tail(Settings(), "zzz", follow=False, max_messages=None))


def test_prints_each_record_as_a_json_line_up_to_max(
    consumer: _Consumer, capsysbinary: pytest.CaptureFixture[bytes], no_newsstream_env: None
) -> None:
    n = asyncio.run(subscriber.tail(Settings(), "news.raw", follow=False, max_messages=2))
    lines = capsysbinary.readouterr().out.splitlines()
    assert n == 2 and [orjson.loads(line) for line in lines] == [{"a": 1}, {"value_b64": "/w=="}]
    assert consumer.subscribed == ["news.raw"] and consumer.stopped


def test_follow_ends_on_a_stop_request(consumer: _Consumer, no_newsstream_env: None) -> None:
    async def run() -> int:
        stop = StopRequest()
        asyncio.get_running_loop().call_later(0.3, stop.set, signal.SIGTERM)
        return await subscriber.tail(
            Settings(), "news.raw", follow=True, max_messages=None, stop=stop
        )

    assert asyncio.run(run()) == 3 and consumer.stopped


def test_a_topic_a_sasl_user_cannot_see_is_an_access_refusal(
    consumer: _Consumer, sasl: Settings
) -> None:
    with pytest.raises(AccessDenied) as exc:
        asyncio.run(subscriber.tail(sasl, "news.secret", follow=False, max_messages=None))
    assert "does not let user 'alice' read topic 'news.secret', or it does not exist" in str(
        exc.value
    )
    assert exc.value.code == ExitCode.USAGE and consumer.subscribed == []


def test_a_read_the_acls_refuse_is_an_access_refusal(consumer: _Consumer, sasl: Settings) -> None:
    async def refused(timeout_ms: int) -> dict[str, list[Any]]:
        raise TopicAuthorizationFailedError("news.raw")

    consumer.getmany = refused  # type: ignore[method-assign]
    with pytest.raises(AccessDenied, match=r"does not allow user 'alice' to read topic news\.raw"):
        asyncio.run(subscriber.tail(sasl, "news.raw", follow=False, max_messages=None))
    assert consumer.stopped

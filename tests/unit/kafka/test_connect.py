"""start_client: retries with backoff, one sentence naming the broker, stop while waiting."""

from __future__ import annotations

import asyncio
import signal

import pytest
from aiokafka.errors import KafkaConnectionError

from streams.exitcodes import ExitCode, Stopped, StopRequest
from streams.kafka.connect import BrokerUnavailable, start_client
from streams.settings import Settings


class _Client:
    """Fails to start ``failures`` times (counting starts), then starts."""

    starts = 0
    closed = 0

    def __init__(self, failures: int) -> None:
        self.failures = failures

    async def start(self) -> None:
        _Client.starts += 1
        if _Client.starts <= self.failures:
            raise KafkaConnectionError("Unable to bootstrap")

    async def stop(self) -> None:
        _Client.closed += 1


@pytest.fixture(autouse=True)
def _reset() -> None:
    _Client.starts = _Client.closed = 0


def test_retries_until_the_broker_answers(no_newsstream_env: None) -> None:
    retries: list[tuple[int, float]] = []
    client = asyncio.run(
        start_client(
            lambda: _Client(2),
            Settings(),
            first_delay=0.01,
            on_retry=lambda n, delay, exc: retries.append((n, delay)),
        )
    )
    assert isinstance(client, _Client) and _Client.starts == 3
    assert _Client.closed == 2  # each failed client is closed
    assert retries == [(1, 0.01), (2, 0.02)]


def test_gives_up_with_one_sentence_naming_the_address_and_what_to_start(
    no_newsstream_env: None,
) -> None:
    s = Settings(broker_url="kafka://10.9.8.7:1234")
    with pytest.raises(BrokerUnavailable) as exc:
        asyncio.run(start_client(lambda: _Client(99), s, attempts=3, first_delay=0.01))
    assert exc.value.code == ExitCode.BROKER_UNREACHABLE
    assert str(exc.value) == (
        "could not reach the Kafka broker at 10.9.8.7:1234 after 3 attempts "
        "(KafkaConnectionError); start one with `newsstream broker` or point "
        "NEWSSTREAM_BROKER_URL at a running one"
    )
    assert _Client.starts == 3


def test_a_stop_ends_an_endless_wait(no_newsstream_env: None) -> None:
    async def run() -> None:
        stop = StopRequest()
        asyncio.get_running_loop().call_later(0.2, stop.set, signal.SIGTERM)
        await start_client(lambda: _Client(10**9), Settings(), attempts=None, stop=stop)

    with pytest.raises(Stopped) as exc:
        asyncio.run(run())
    assert exc.value.code == ExitCode.OK and "stopped by SIGTERM" in str(exc.value)

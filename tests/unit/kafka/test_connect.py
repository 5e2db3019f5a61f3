"""start_client: retries with backoff, one sentence naming the broker, stop while waiting."""

from __future__ import annotations

import asyncio
import signal

import pytest
from aiokafka.errors import KafkaConnectionError, SaslAuthenticationFailed

from streams.exitcodes import ExitCode, Stopped, StopRequest
from streams.kafka import connect
from streams.kafka.connect import BrokerUnavailable, start_client
from streams.kafka.security import AccessDenied
from streams.settings import Settings
from tests.unit.kafka.conftest import SASL_PASSWORD


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


def _diagnosis_raises(monkeypatch: pytest.MonkeyPatch, exc: BaseException) -> None:
    """The diagnosis connection of `connect.refusal` fails with ``exc``."""

    async def fail(*args: object, **kw: object) -> None:
        raise exc

    monkeypatch.setattr(connect, "create_conn", fail)


def test_a_refused_login_ends_at_once_without_retries(
    sasl: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    _diagnosis_raises(monkeypatch, SaslAuthenticationFailed("invalid credentials"))
    with pytest.raises(AccessDenied) as exc:
        asyncio.run(start_client(lambda: _Client(99), sasl, first_delay=0.01))
    assert _Client.starts == 1 and exc.value.code == ExitCode.USAGE
    assert "login of user 'alice'" in str(exc.value)
    assert SASL_PASSWORD not in str(exc.value)


def test_a_secured_broker_that_is_down_is_still_unreachable(
    sasl: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    _diagnosis_raises(monkeypatch, ConnectionRefusedError())
    with pytest.raises(BrokerUnavailable):
        asyncio.run(start_client(lambda: _Client(99), sasl, attempts=2, first_delay=0.01))


def test_plaintext_failures_are_not_diagnosed(
    no_newsstream_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _diagnosis_raises(monkeypatch, AssertionError("no diagnosis connection on PLAINTEXT"))
    assert asyncio.run(connect.refusal(Settings())) is None

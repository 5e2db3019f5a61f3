"""Settings: the values derived from the environment (acks, request size, linger)."""

from __future__ import annotations

import pytest

from streams.settings import BrokerEngine, Settings


@pytest.mark.parametrize(("given", "acks"), [("all", -1), ("-1", -1), ("0", 0), ("1", 1)])
def test_acks_as_kafka_clients_take_them(given: str, acks: int) -> None:
    assert Settings(producer_acks=given).acks == acks


def test_acks_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSSTREAM_PRODUCER_ACKS", "1")
    assert Settings().acks == 1
    monkeypatch.delenv("NEWSSTREAM_PRODUCER_ACKS")
    assert Settings().acks == -1


def test_max_request_bytes_leaves_room_for_a_dead_letter() -> None:
    s = Settings(max_message_bytes=1_000_000)
    assert s.max_request_bytes == 2_065_536
    # a dead letter holds the largest accepted input in base64 (4/3) plus its metadata
    assert s.max_request_bytes > 4 * s.max_message_bytes // 3 + 64 * 1024
    assert Settings(max_message_bytes=2048).max_request_bytes == 4096 + 65536


def test_linger_unset_keeps_each_producers_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSSTREAM_PRODUCER_LINGER_MS", raising=False)
    s = Settings()
    assert s.producer_linger_ms is None
    assert s.linger_ms(1) == 1 and s.linger_ms(5) == 5


@pytest.mark.parametrize("value", [0, 7])
def test_linger_set_applies_to_every_producer(monkeypatch: pytest.MonkeyPatch, value: int) -> None:
    monkeypatch.setenv("NEWSSTREAM_PRODUCER_LINGER_MS", str(value))
    s = Settings()
    assert s.linger_ms(1) == value and s.linger_ms(5) == value


def test_fetch_min_bytes_unset_follows_the_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """The embedded broker's fetches wait for 32 KiB (each costs it more as a partition
    fills); Apache Kafka answers a waiting fetch at once, so there a story does not wait."""
    monkeypatch.delenv("NEWSSTREAM_FETCH_MIN_BYTES", raising=False)
    assert Settings(broker_engine="tansu").worker_fetch_min_bytes == 32 * 1024
    assert Settings(broker_engine="kafka").worker_fetch_min_bytes == 1


@pytest.mark.parametrize("engine", ["tansu", "kafka"])
def test_fetch_min_bytes_set_applies_on_every_engine(
    monkeypatch: pytest.MonkeyPatch, engine: BrokerEngine
) -> None:
    monkeypatch.setenv("NEWSSTREAM_FETCH_MIN_BYTES", "4096")
    assert Settings(broker_engine=engine).worker_fetch_min_bytes == 4096


def test_fetch_min_bytes_must_be_positive() -> None:
    with pytest.raises(ValueError, match="greater than or equal to 1"):
        Settings(fetch_min_bytes=0)


def test_linger_must_not_be_negative() -> None:
    with pytest.raises(ValueError, match="greater than or equal to 0"):
        Settings(producer_linger_ms=-1)


def test_processing_guarantee_defaults_to_at_least_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSSTREAM_PROCESSING_GUARANTEE", raising=False)
    monkeypatch.delenv("NEWSSTREAM_BROKER_ENGINE", raising=False)
    assert Settings().processing_guarantee == "at_least_once"


def test_exactly_once_on_kafka(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSSTREAM_PROCESSING_GUARANTEE", "exactly_once")
    monkeypatch.setenv("NEWSSTREAM_BROKER_ENGINE", "kafka")
    assert Settings().processing_guarantee == "exactly_once"


def test_exactly_once_refused_on_the_embedded_broker() -> None:
    with pytest.raises(ValueError, match="needs Apache Kafka's transactions"):
        Settings(processing_guarantee="exactly_once", broker_engine="tansu")


def test_unknown_processing_guarantee_refused() -> None:
    with pytest.raises(ValueError, match="at_least_once"):
        Settings(processing_guarantee="at_most_once")  # type: ignore[arg-type]

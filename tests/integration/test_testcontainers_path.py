"""Broker selection: without NEWSSTREAM_TEST_BROKER the session's broker is the embedded
one and no Kafka container is ever asked for. (The container path itself is checked without
Docker in tests/unit/test_kafka_container.py.)"""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.integration import kafka_container as kc

pytestmark = pytest.mark.integration


@pytest.mark.skipif(
    os.environ.get("NEWSSTREAM_TEST_BROKER", "tansu") != "tansu",
    reason="this session runs on another engine",
)
def test_unset_uses_the_embedded_broker(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    def must_not_run(*_a: Any, **_k: Any) -> Any:
        raise AssertionError("kafka_container() used without NEWSSTREAM_TEST_BROKER")

    monkeypatch.setattr(kc, "kafka_container", must_not_run)
    broker = request.getfixturevalue("broker")
    assert broker is not None
    assert request.getfixturevalue("kafka_url") == broker.url

"""TLS on a real broker: newsstream's clients and a whole worker over TLS (Tansu behind a
TLS-terminating proxy, since Tansu 0.6 has no TLS of its own), and a wrong CA refused.

The settings validation and TLS loading without a broker are in tests/unit/kafka/; what the
embedded broker itself cannot do (TLS, SCRAM users) is recorded in docs/security.md.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from aiokafka import AIOKafkaProducer

from streams.kafka.client import client_kwargs
from streams.local.broker import free_port
from streams.local.worker_process import start_worker
from tests.integration.security_brokers import (
    TLSProxy,
    explicit_settings,
    roundtrip,
    self_signed,
    tansu,
)

pytestmark = pytest.mark.integration


@pytest.fixture
def tls_broker(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """(TLS port, CA file): Tansu behind a TLS-terminating proxy that it advertises."""
    if os.environ.get("NEWSSTREAM_TEST_BROKER") == "testcontainers":
        pytest.skip("embedded-broker test")
    cert, key = self_signed(tmp_path)
    proxy = TLSProxy(cert, key)
    with tansu([], tmp_path / "tansu-tls.log", advertised_port=proxy.port) as port:
        proxy.start(port)
        try:
            yield proxy.port, cert
        finally:
            proxy.stop()


def test_tls_clients_through_proxy(tls_broker: tuple[int, Path]) -> None:
    """Our SSL settings (CA file, hostname check) work for admin, producer and consumer."""
    port, ca = tls_broker
    s = explicit_settings(
        broker_url=f"kafka://127.0.0.1:{port}", security_protocol="SSL", ssl_cafile=str(ca)
    )
    assert asyncio.run(roundtrip(s, f"tls-{uuid.uuid4().hex[:6]}")) == [b"v0", b"v1", b"v2"]


def test_tls_wrong_ca_is_refused(tls_broker: tuple[int, Path], tmp_path: Path) -> None:
    port, _ = tls_broker
    other = tmp_path / "other"
    other.mkdir()
    other_ca, _ = self_signed(other)
    s = explicit_settings(
        broker_url=f"kafka://127.0.0.1:{port}", security_protocol="SSL", ssl_cafile=str(other_ca)
    )

    async def connect() -> None:
        p = AIOKafkaProducer(**client_kwargs(s), request_timeout_ms=5000)
        try:
            await asyncio.wait_for(p.start(), 20)
        finally:
            await p.stop()

    with pytest.raises(Exception) as info:
        asyncio.run(connect())
    assert "bootstrap" in str(info.value).lower() or "certificate" in str(info.value).lower()


@pytest.mark.slow
def test_faust_worker_over_tls(tls_broker: tuple[int, Path], tmp_path: Path) -> None:
    """A whole worker (Faust consumer, producer, tables) over TLS produces enriched output."""
    port, ca = tls_broker
    url = f"kafka://127.0.0.1:{port}"
    prefix = f"t{uuid.uuid4().hex[:8]}."
    sec = {"NEWSSTREAM_SECURITY_PROTOCOL": "SSL", "NEWSSTREAM_SSL_CAFILE": str(ca)}
    s = explicit_settings(
        broker_url=url, topic_prefix=prefix, security_protocol="SSL", ssl_cafile=str(ca)
    )
    from streams.kafka.admin import ensure_topics
    from streams.topics import Topics

    asyncio.run(ensure_topics(s))
    topics = Topics(prefix)
    w = start_worker(
        broker_url=url,
        web_port=free_port(),
        data_dir=tmp_path / "data",
        log_path=tmp_path / "worker.log",
        env={"NEWSSTREAM_TOPIC_PREFIX": prefix, "NEWSSTREAM_APP_ID": f"sec-{prefix[:-1]}", **sec},
    )
    try:
        w.wait_ready(90)
        stories = [
            {"id": f"tls-{i}", "headline": "Talks in Paris", "body": f"France and Germany met {i}."}
            for i in range(5)
        ]

        async def produce() -> None:
            p = AIOKafkaProducer(**client_kwargs(s), acks=-1)
            await p.start()
            try:
                for st in stories:
                    await p.send_and_wait(topics.raw, orjson.dumps(st), key=st["id"].encode())
            finally:
                await p.stop()

        asyncio.run(produce())
        from streams.kafka.subscriber import consume

        # every story comes out keyed by its id: on news.enriched, or on news.deadletter
        # when enrichment itself fails (e.g. a model file missing), either way through TLS
        recs = asyncio.run(
            consume(
                s, [topics.enriched, topics.deadletter], until=lambda r: len(r) >= 5, timeout=120
            )
        )
        keys = {r.key.decode() for r in recs if r.key is not None}
        assert keys == {st["id"] for st in stories}, w.tail_log()
    finally:
        w.stop()

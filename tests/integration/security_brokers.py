"""Brokers of the security tests' own: a Tansu started with extra arguments (e.g.
``--authentication``), a self-signed certificate, and a TLS-terminating proxy in front of
Tansu (Tansu 0.6 has no TLS of its own); Settings from explicit values only, and a
admin/producer/consumer round trip through them."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient

from streams.kafka.client import client_kwargs
from streams.local.broker import broker_binary, free_port, port_in_use
from streams.settings import Settings


def explicit_settings(**kw: Any) -> Settings:
    """Settings from explicit values only (the test process's NEWSSTREAM_* env is ignored)."""
    clean = {k: v for k, v in os.environ.items() if k.startswith("NEWSSTREAM_")}
    for k in clean:
        os.environ.pop(k)
    try:
        return Settings(**kw)
    finally:
        os.environ.update(clean)


def self_signed(tmp: Path, cn: str = "127.0.0.1") -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl not installed")
    cert, key = tmp / f"{cn}-cert.pem", tmp / f"{cn}-key.pem"
    if not cert.exists():
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-keyout",
                str(key),
                "-out",
                str(cert),
                "-subj",
                f"/CN={cn}",
                "-addext",
                f"subjectAltName=IP:{cn}",
            ],
            check=True,
            capture_output=True,
        )
    return cert, key


@contextlib.contextmanager
def tansu(args: list[str], log: Path, advertised_port: int | None = None) -> Iterator[int]:
    """A Tansu broker of our own (start_broker fixes the advertised listener)."""
    port = free_port()
    adv = advertised_port or port
    cmd = [
        str(broker_binary()),
        "broker",
        "--listener-url",
        f"tcp://127.0.0.1:{port}",
        "--advertised-listener-url",
        f"tcp://127.0.0.1:{adv}",
        *args,
    ]
    with open(log, "ab") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 15
        while not port_in_use("127.0.0.1", port):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"tansu did not start: {log.read_text(errors='replace')}")
            time.sleep(0.05)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


class TLSProxy:
    """TLS on the outside, plain Kafka protocol to Tansu inside (Tansu 0.6 has no TLS)."""

    def __init__(self, cert: Path, key: Path) -> None:
        self.port = free_port()
        self.upstream = 0
        self.ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.ctx.load_cert_chain(str(cert), str(key))
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.server: asyncio.Server | None = None

    async def _pipe(self, r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        try:
            while data := await r.read(65536):
                w.write(data)
                await w.drain()
        except (ConnectionError, ssl.SSLError, OSError):
            pass
        finally:
            with contextlib.suppress(Exception):
                w.close()

    async def _handle(self, r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        try:
            ur, uw = await asyncio.open_connection("127.0.0.1", self.upstream)
        except OSError:
            w.close()
            return
        await asyncio.gather(self._pipe(r, uw), self._pipe(ur, w))

    def start(self, upstream: int) -> None:
        self.upstream = upstream
        self.thread.start()
        self.server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._handle, "127.0.0.1", self.port, ssl=self.ctx), self.loop
        ).result(10)

    def stop(self) -> None:
        server = self.server
        if server is not None:  # asyncio objects are closed on their own loop's thread

            async def close() -> None:
                server.close()

            asyncio.run_coroutine_threadsafe(close(), self.loop).result(5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


async def roundtrip(s: Settings, topic: str, n: int = 3) -> list[bytes]:
    """Admin creates ``topic``, a producer writes ``n`` values, a consumer reads them back."""
    from aiokafka.admin import NewTopic

    admin = AIOKafkaAdminClient(**client_kwargs(s), request_timeout_ms=10000)
    await asyncio.wait_for(admin.start(), 20)
    try:
        await admin.create_topics([NewTopic(topic, 1, 1)])
        assert topic in await admin.list_topics()
    finally:
        await admin.close()
    producer = AIOKafkaProducer(**client_kwargs(s), acks=-1, request_timeout_ms=10000)
    await asyncio.wait_for(producer.start(), 20)
    try:
        for i in range(n):
            await producer.send_and_wait(topic, f"v{i}".encode())
    finally:
        await producer.stop()
    consumer = AIOKafkaConsumer(topic, **client_kwargs(s), auto_offset_reset="earliest")
    await asyncio.wait_for(consumer.start(), 20)
    got: list[bytes] = []
    try:
        deadline = time.monotonic() + 20
        while len(got) < n and time.monotonic() < deadline:
            for recs in (await consumer.getmany(timeout_ms=200)).values():
                got.extend(r.value for r in recs if r.value is not None)
    finally:
        await consumer.stop()
    return got

"""SASL on a real broker: a worker configured for SCRAM against a Tansu that requires
authentication never writes its password to its log (no SCRAM user can exist on Tansu 0.6,
docs/security.md)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from streams.local.broker import free_port
from streams.local.worker_process import start_worker
from tests.integration.security_brokers import tansu

pytestmark = pytest.mark.integration

PASSWORD = "pw-Zq8v-UNIQUE-s3cr3t"  # searched for in every output below


@pytest.fixture
def auth_broker(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    if os.environ.get("NEWSSTREAM_TEST_BROKER") == "testcontainers":
        pytest.skip("embedded-broker test")
    log = tmp_path / "tansu-auth.log"
    with tansu(["--authentication"], log) as port:
        yield port, log


def test_worker_with_sasl_never_logs_password(
    auth_broker: tuple[int, Path], tmp_path: Path
) -> None:
    """A worker configured for SCRAM (failing to authenticate: no SCRAM user can exist on
    Tansu 0.6, docs/security.md) logs its start-up, banner and connection errors, and the
    password appears nowhere in them."""
    port, _ = auth_broker
    log = tmp_path / "worker.log"
    w = start_worker(
        broker_url=f"kafka://127.0.0.1:{port}",
        web_port=free_port(),
        data_dir=tmp_path / "d",
        log_path=log,
        env={
            "NEWSSTREAM_TOPIC_PREFIX": "sasl.",
            "NEWSSTREAM_LOG_LEVEL": "debug",
            "NEWSSTREAM_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
            "NEWSSTREAM_SASL_MECHANISM": "SCRAM-SHA-512",
            "NEWSSTREAM_SASL_USERNAME": "alice",
            "NEWSSTREAM_SASL_PASSWORD": PASSWORD,
        },
    )
    try:
        # `newsstream worker` first ensures the topics (20 attempts with back-off), fails to
        # authenticate every time and exits with the last error: wait for that exit
        w.process.wait(120)
    except subprocess.TimeoutExpired:
        pass
    finally:
        w.stop()
    text = log.read_text(errors="replace")
    assert len(text) > 200, text
    assert PASSWORD not in text

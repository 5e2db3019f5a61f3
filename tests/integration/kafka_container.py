"""Apache Kafka for the integration suite, through testcontainers.

``NEWSSTREAM_TEST_BROKER=testcontainers`` makes ``tests/integration/conftest.py`` take its
broker from :func:`kafka_container` instead of the embedded Tansu broker: one single-node
KRaft Kafka container per test session. Without testcontainers, or without a reachable Docker
engine, the tests that need the broker are *skipped* with the reason, never errored.

``NEWSSTREAM_TEST_KAFKA_IMAGE`` picks another image (it must be a Confluent ``cp-kafka``
7.x image: testcontainers' ``KafkaContainer`` drives the Confluent start scripts).
"""

from __future__ import annotations

import importlib
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

DEFAULT_IMAGE = "confluentinc/cp-kafka:7.6.0"
IMAGE_ENV = "NEWSSTREAM_TEST_KAFKA_IMAGE"
INSTALL_HINT = "pip install -e '.[kafka-tests]'"
DEFAULT_DOCKER_ENDPOINT = "unix:///var/run/docker.sock"

# Same limits as docker-compose.yml, sized for single-node use.
BROKER_ENV = {
    "KAFKA_MESSAGE_MAX_BYTES": "2200000",
    "KAFKA_REPLICA_FETCH_MAX_BYTES": "2200000",
    "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR": "1",
    "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR": "1",
}


def kafka_container_class() -> Any:
    """testcontainers' ``KafkaContainer``; ``pytest.skip`` when testcontainers is missing.

    testcontainers >= 4.14 keeps it in ``testcontainers.community.kafka`` (the old
    ``testcontainers.kafka`` path still works there, with a DeprecationWarning); 4.8-4.13
    only have ``testcontainers.kafka``.
    """
    try:
        from testcontainers.community.kafka import KafkaContainer

        return KafkaContainer
    except ImportError:
        pass
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            from testcontainers.kafka import KafkaContainer
    except ImportError as exc:
        pytest.skip(
            f"testcontainers[kafka] is not installed ({exc}); "
            f"NEWSSTREAM_TEST_BROKER=testcontainers needs it: {INSTALL_HINT}"
        )
    return KafkaContainer


def docker_endpoint() -> str | None:
    """The Docker endpoint testcontainers would use, or None for docker-py's default
    (``DOCKER_HOST`` or the local socket)."""
    try:
        from testcontainers.core.docker_client import get_docker_host
    except ImportError:
        return os.environ.get("DOCKER_HOST") or None
    try:
        host = get_docker_host()
    except Exception:
        host = None
    return host or os.environ.get("DOCKER_HOST") or None


def docker_unreachable_reason(timeout_s: float = 5.0) -> str | None:
    """None when a Docker engine answers a ping, else why not (a skip reason)."""
    endpoint = docker_endpoint()
    shown = endpoint or DEFAULT_DOCKER_ENDPOINT
    try:
        # by name: the repository's docker/ folder must not stand in for docker-py
        docker: Any = importlib.import_module("docker")
        client = (
            docker.DockerClient(base_url=endpoint, timeout=int(timeout_s))
            if endpoint
            else docker.from_env(timeout=int(timeout_s))
        )
        try:
            client.ping()
        finally:
            client.close()
    except Exception as exc:
        detail = " ".join(str(exc).split())[:300]
        return (
            f"Docker engine not reachable at {shown} ({type(exc).__name__}: {detail}); "
            "NEWSSTREAM_TEST_BROKER=testcontainers needs one (start Docker, or set "
            "DOCKER_HOST)"
        )
    return None


def make_container(image: str | None = None, **kwargs: Any) -> Any:
    """The (not yet started) single-node KRaft ``KafkaContainer``. Constructing it talks
    to Docker unless ``docker_client_kw`` pins an API version."""
    cls = kafka_container_class()
    container = cls(image or os.environ.get(IMAGE_ENV) or DEFAULT_IMAGE, **kwargs).with_kraft()
    for key, value in BROKER_ENV.items():
        container.with_env(key, value)
    return container


@contextmanager
def kafka_container(image: str | None = None, start_timeout_s: int = 120) -> Iterator[str]:
    """Start a single-node KRaft Kafka container; yield its bootstrap ``host:port``.

    Skips (``pytest.skip``) when testcontainers is not installed or no Docker engine is
    reachable. The container is stopped and removed on exit.
    """
    kafka_container_class()  # skips first when testcontainers is missing
    reason = docker_unreachable_reason()
    if reason is not None:
        pytest.skip(reason)
    container = make_container(image)
    try:
        container.start(timeout=start_timeout_s)
        yield str(container.get_bootstrap_server())
    finally:  # also after a failed start: never leave a broker container behind
        container.stop()

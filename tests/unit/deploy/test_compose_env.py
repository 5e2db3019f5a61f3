"""docker-compose.yml's environment wiring: every NEWSSTREAM_* variable it sets or
interpolates is a real setting, each service's environment validates to exactly the values
compose sets, the worker's settings suit the cluster, and the jobs agree with the worker."""

from __future__ import annotations

import os
from typing import Any

import pytest

from streams.settings import Settings
from tests.unit.deploy.helpers import BROKERS, COMPOSE, VAR, env_of, ours, settings_from


def test_worker_env(services: dict[str, dict[str, Any]]) -> None:
    env = env_of(services["worker"])
    s = settings_from(env)
    assert s.bootstrap_servers == [f"{b}:9092" for b in BROKERS]
    assert s.producer_acks == "all"
    assert s.replication_factor == 3
    assert s.partitions >= 6
    assert s.store_url == "rocksdb://"
    assert s.web_host == "0.0.0.0"


def test_every_newsstream_variable_is_a_setting(compose: dict[str, Any]) -> None:
    fields = set(Settings.model_fields)
    names: set[str] = set()
    for svc in compose["services"].values():
        names |= {k for k in env_of(svc) if ours(k)}
    # also ${NEWSSTREAM_...} interpolations anywhere in the file
    names |= {m.group(1) for m in VAR.finditer(COMPOSE.read_text()) if ours(m.group(1))}
    unknown = sorted(n for n in names if n.removeprefix("NEWSSTREAM_").lower() not in fields)
    assert not unknown, f"not fields of streams.settings.Settings: {unknown}"
    assert "NEWSSTREAM_BROKER_URL" in names


@pytest.mark.parametrize("name", ["topics", "worker", "replay"])
def test_every_service_env_validates(
    services: dict[str, dict[str, Any]], name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The service's NEWSSTREAM_* variables, read from the environment as the container reads
    them, give Settings holding exactly the values compose sets (no name ignored, no value
    coerced into something else)."""
    env = {k: v for k, v in env_of(services[name]).items() if ours(k)}
    assert "NEWSSTREAM_BROKER_URL" in env, name
    for var in [k for k in os.environ if ours(k)]:
        monkeypatch.delenv(var)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    s = Settings()
    for var, value in env.items():
        assert str(getattr(s, var.removeprefix("NEWSSTREAM_").lower())) == value, (name, var)


def test_jobs_agree_with_the_worker(services: dict[str, dict[str, Any]]) -> None:
    """Topics are made with the partitions/replication the worker's tables expect."""
    worker = settings_from(env_of(services["worker"]))
    for name in ("topics", "replay"):
        job = settings_from(env_of(services[name]))
        for field in ("broker_url", "topic_prefix", "partitions", "replication_factor"):
            assert getattr(job, field) == getattr(worker, field), (name, field)

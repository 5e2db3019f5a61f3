"""docker/create_topics.py, the compose file's topics job, against a fake admin client:
it creates what the compose file asks, retries until the topics exist, fails when creation
keeps failing, and rejects existing topics that do not fit."""

from __future__ import annotations

import asyncio
from types import ModuleType
from typing import Any

import pytest

from streams.settings import Settings
from streams.topics import Topics
from tests.unit.deploy.helpers import env_of, load_script, settings_from


class FakeCluster:
    """What a 3-broker cluster answers to the admin calls ensure_topics and the check make."""

    def __init__(self, refuse_first: int = 0) -> None:
        self.topics: dict[str, tuple[int, int, dict[str, str]]] = {}
        self.refuse_first = refuse_first  # CreateTopics calls answered with an error
        self.create_calls = 0

    def client(self, **_kwargs: Any) -> Any:
        cluster = self

        class Admin:
            async def start(self) -> None: ...

            async def close(self) -> None: ...

            async def list_topics(self) -> list[str]:
                return list(cluster.topics)

            async def create_topics(self, new_topics: list[Any]) -> None:
                cluster.create_calls += 1
                if cluster.create_calls <= cluster.refuse_first:
                    return  # aiokafka returns per-topic errors instead of raising
                for t in new_topics:
                    cluster.topics[t.name] = (
                        t.num_partitions,
                        t.replication_factor,
                        dict(t.topic_configs),
                    )

            async def describe_topics(self, names: list[str]) -> list[dict[str, Any]]:
                out = []
                for name in names:
                    if name not in cluster.topics:
                        out.append({"topic": name, "error_code": 3, "partitions": []})
                        continue
                    n, rf, _ = cluster.topics[name]
                    parts = [{"partition": i, "replicas": list(range(rf))} for i in range(n)]
                    out.append({"topic": name, "error_code": 0, "partitions": parts})
                return out

        return Admin()


@pytest.fixture
def create_topics() -> ModuleType:
    return load_script("create_topics")


def _patch(monkeypatch: pytest.MonkeyPatch, module: ModuleType, cluster: FakeCluster) -> None:
    import streams.kafka.admin

    monkeypatch.setattr(streams.kafka.admin, "AIOKafkaAdminClient", cluster.client)
    monkeypatch.setattr(module, "AIOKafkaAdminClient", cluster.client)


def test_topics_job_creates_what_the_compose_file_asks(
    services: dict[str, dict[str, Any]],
    create_topics: ModuleType,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    s = settings_from(env_of(services["topics"]))
    cluster = FakeCluster()
    _patch(monkeypatch, create_topics, cluster)
    assert asyncio.run(create_topics.run(s, attempts=1)) == []
    t = Topics(s.topic_prefix)
    expected = {t.raw, t.enriched, t.deadletter, t.unclassified, t.country_deltas}
    expected |= set(t.all_category_topics())
    assert set(cluster.topics) == expected
    assert len(expected) == 5 + 17
    for name, (partitions, rf, configs) in cluster.topics.items():
        assert partitions == s.partitions >= 6, name
        assert rf == 3, name
        assert configs["min.insync.replicas"] == "2", name


def test_topics_job_retries_until_topics_exist(
    create_topics: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = Settings(partitions=6, replication_factor=3)
    cluster = FakeCluster(refuse_first=2)
    _patch(monkeypatch, create_topics, cluster)
    assert asyncio.run(create_topics.run(s, attempts=5, pause_s=0)) == []
    assert cluster.create_calls == 3


def test_topics_job_fails_when_creation_keeps_failing(
    create_topics: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = Settings(partitions=6, replication_factor=3)
    cluster = FakeCluster(refuse_first=99)
    _patch(monkeypatch, create_topics, cluster)
    problems = asyncio.run(create_topics.run(s, attempts=3, pause_s=0))
    assert cluster.create_calls == 3
    assert any(Topics().raw in p for p in problems)  # missing, or creation refused


def test_topics_job_rejects_existing_topics_that_do_not_fit(
    create_topics: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    t = Topics()
    cluster = FakeCluster()
    for name in t.all():
        cluster.topics[name] = (4, 3, {})
    cluster.topics[t.enriched] = (4, 1, {})
    _patch(monkeypatch, create_topics, cluster)
    s = Settings(partitions=6, replication_factor=3)
    problems = asyncio.run(create_topics.run(s, attempts=5, pause_s=0))
    assert cluster.create_calls == 0, "nothing missing, nothing created"
    assert len(problems) == 3  # no retry either: waiting does not fix these
    assert any(p.startswith(f"{t.raw}: 4 partitions") for p in problems)
    assert any(p.startswith(f"{t.country_deltas}: 4 partitions") for p in problems)
    assert any(p.startswith(f"{t.enriched}: replication factor 1") for p in problems)

"""ensure_topics against a fake admin client: which topics, with which configuration."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

import streams.kafka.admin
from streams.kafka.admin import ensure_topics
from streams.settings import Settings
from streams.topics import Topics


class _Admin:
    """Answers list_topics from, and records create_topics into, a dict of topics."""

    def __init__(self, existing: dict[str, Any]) -> None:
        self.topics = existing
        self.created: list[Any] = []

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def list_topics(self) -> list[str]:
        return list(self.topics)

    async def create_topics(self, new_topics: list[Any]) -> None:
        self.created.extend(new_topics)
        self.topics.update({t.name: t for t in new_topics})


@pytest.fixture
def admin(monkeypatch: pytest.MonkeyPatch) -> _Admin:
    fake = _Admin({})
    monkeypatch.setattr(streams.kafka.admin, "AIOKafkaAdminClient", lambda **_kw: fake)
    return fake


def test_creates_every_topic_with_room_for_the_largest_request(admin: _Admin) -> None:
    s = Settings(topic_prefix="t.", partitions=3, max_message_bytes=10_000)
    created = asyncio.run(ensure_topics(s))
    assert created == Topics("t.").all()
    for topic in admin.created:
        assert topic.num_partitions == 3 and topic.replication_factor == 1
        assert topic.topic_configs == {
            "min.insync.replicas": "1",
            "max.message.bytes": str(s.max_request_bytes),
        }


def test_creates_only_what_is_missing(admin: _Admin) -> None:
    t = Topics()
    admin.topics.update({name: None for name in t.all() if name != t.deadletter})
    assert asyncio.run(ensure_topics(Settings())) == [t.deadletter]
    assert asyncio.run(ensure_topics(Settings())) == []

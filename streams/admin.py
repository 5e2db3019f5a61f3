"""Topic creation, so every topic exists with the configured partitions before use."""

from __future__ import annotations

import asyncio
import logging

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from streams.kafka import client_kwargs
from streams.settings import Settings
from streams.topics import Topics

log = logging.getLogger(__name__)


async def ensure_topics(s: Settings, retries: int = 20) -> list[str]:
    """Create the pipeline's topics that do not exist yet; return the ones created."""
    t = Topics(s.topic_prefix)
    wanted = [t.raw, t.country_deltas, *t.outputs()]
    admin = AIOKafkaAdminClient(**client_kwargs(s))
    for attempt in range(retries):
        try:
            await admin.start()
            break
        except Exception:
            if attempt == retries - 1:
                raise
            await asyncio.sleep(min(0.2 * 2**attempt, 2.0))
    try:
        existing = set(await admin.list_topics())
        missing = [name for name in wanted if name not in existing]
        if missing:
            base = {"min.insync.replicas": str(min(2, s.replication_factor))}
            big = {**base, "max.message.bytes": str(2 * s.max_message_bytes + 64 * 1024)}
            try:
                await admin.create_topics(
                    [
                        NewTopic(
                            name, s.partitions, s.replication_factor,
                            topic_configs=big if name in (t.raw, t.deadletter) else base,
                        )
                        for name in missing
                    ]
                )
            except TopicAlreadyExistsError:
                pass
        return missing
    finally:
        await admin.close()

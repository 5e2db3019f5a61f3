"""Topic creation, so every topic exists with the configured partitions before use."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from streams.kafka.client import client_kwargs
from streams.settings import Settings
from streams.topics import Topics

log = logging.getLogger(__name__)


async def ensure_topics(s: Settings, retries: int = 20) -> list[str]:
    """Create the pipeline's topics that do not exist yet; return the ones created."""
    wanted = Topics(s.topic_prefix).all()
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
            # outputs carry the enriched story (a little over the input); dead letters the
            # input in base64: give every topic room above the accepted input size
            big = {**base, "max.message.bytes": str(s.max_request_bytes)}
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(
                    [
                        NewTopic(
                            name,
                            s.partitions,
                            s.replication_factor,
                            topic_configs=big,
                        )
                        for name in missing
                    ]
                )
            # create_topics does not raise for per-topic errors: check they exist now
            still = set(missing)
            for _ in range(10):  # metadata of new topics may lag on a cluster
                still -= set(await admin.list_topics())
                if not still:
                    break
                await asyncio.sleep(0.5)
            if still:
                raise RuntimeError(f"could not create topics: {sorted(still)}")
        return missing
    finally:
        await admin.close()

"""Topic creation, so every topic exists with the configured partitions before use."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from streams.exitcodes import StopRequest
from streams.kafka.client import client_kwargs
from streams.kafka.connect import OnRetry, start_client
from streams.settings import Settings
from streams.topics import Topics

log = logging.getLogger(__name__)


async def ensure_topics(
    s: Settings,
    retries: int | None = 20,
    *,
    stop: StopRequest | None = None,
    on_retry: OnRetry | None = None,
) -> list[str]:
    """Create the pipeline's topics that do not exist yet; return the ones created.

    The broker is tried ``retries`` times with backoff (``None``: until ``stop``, more
    slowly, as a service waits), then `BrokerUnavailable` is raised.
    """
    wanted = Topics(s.topic_prefix).all()
    first, most = (0.2, 2.0) if retries is not None else (1.0, 10.0)
    admin = await start_client(
        lambda: AIOKafkaAdminClient(**client_kwargs(s)),
        s,
        attempts=retries,
        first_delay=first,
        max_delay=most,
        stop=stop,
        on_retry=on_retry,
    )
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

"""The integration tests' pipeline: a local stack with a topic prefix and consumer group of
its own on the shared broker under test, so tests never see each other's events."""

from __future__ import annotations

import uuid
from pathlib import Path

from streams.local.stack import LocalStack


class Pipeline(LocalStack):
    """One isolated pipeline on the broker at ``kafka_url``; its topics exist once it is
    constructed. ``start_worker(data_dir=None, **env)`` starts a worker on it and waits
    until it answers; ``stop()`` stops every worker it started (never the shared broker).
    """

    def __init__(
        self,
        kafka_url: str,
        tmp: Path,
        env: dict[str, str] | None = None,
        engine: str = "tansu",
    ) -> None:
        self.prefix = f"t{uuid.uuid4().hex[:8]}."
        worker_env = {
            "NEWSSTREAM_TOPIC_PREFIX": self.prefix,
            "NEWSSTREAM_APP_ID": f"newsstream-{self.prefix.rstrip('.')}",
            "NEWSSTREAM_LOG_LEVEL": "info",
            **(env or {}),
        }
        super().__init__(tmp, broker_url=kafka_url, env=worker_env, engine=engine)
        self.start()

    @property
    def kafka_url(self) -> str:
        return self.broker_url

    @property
    def tmp(self) -> Path:
        return self.work

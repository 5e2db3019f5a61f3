"""The benchmark's clients read as a subscriber would."""

from __future__ import annotations

import asyncio
from typing import Literal

import pytest

from streams.devtools.bench import clients
from streams.settings import Settings


@pytest.mark.parametrize(
    ("guarantee", "level"),
    [("at_least_once", "read_uncommitted"), ("exactly_once", "read_committed")],
)
def test_the_reader_sees_outputs_when_a_subscriber_does(
    guarantee: Literal["at_least_once", "exactly_once"], level: str
) -> None:
    """Under exactly-once a story is out when its transaction commits: reading uncommitted
    records timed the writes, and the benchmark's latency left the transactions out."""
    s = Settings(processing_guarantee=guarantee, broker_engine="kafka")

    async def isolation() -> str:
        return str(clients.reader(s, "news.enriched")._isolation_level)

    assert asyncio.run(isolation()) == level

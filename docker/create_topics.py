"""One-shot job of the ``topics`` service in docker-compose.yml.

Creates every topic the pipeline uses with :func:`streams.kafka.admin.ensure_topics` (partitions
and replication factor from ``NEWSSTREAM_PARTITIONS`` / ``NEWSSTREAM_REPLICATION_FACTOR``,
``min.insync.replicas=2``), then reads the cluster's metadata back and exits non-zero when a
topic is missing or does not have what the workers need. The workers depend on this job
having *completed successfully*, so they never start against a half-made topic set.

``ensure_topics`` leaves existing topics alone and aiokafka does not raise for per-topic
errors in a CreateTopics answer (e.g. a replication factor larger than the number of live
brokers), hence the check and the retries here.
"""

from __future__ import annotations

import asyncio
import sys
import time
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient

from streams.kafka.admin import ensure_topics
from streams.kafka.client import client_kwargs
from streams.settings import Settings, get_settings
from streams.topics import Topics


def wanted_topics(s: Settings) -> list[str]:
    return Topics(s.topic_prefix).all()


def copartitioned_topics(s: Settings) -> set[str]:
    """Topics whose partition count must equal NEWSSTREAM_PARTITIONS (Faust tables are
    co-partitioned with them)."""
    t = Topics(s.topic_prefix)
    return {t.raw, t.country_deltas}


def problems_in(s: Settings, described: list[dict[str, Any]]) -> list[str]:
    """What is wrong with the described topics, one line per problem (empty: all good)."""
    by_name = {d["topic"]: d for d in described if not d.get("error_code")}
    strict = copartitioned_topics(s)
    out: list[str] = []
    for name in wanted_topics(s):
        d = by_name.get(name)
        if d is None:
            out.append(f"{name}: missing")
            continue
        parts = d.get("partitions") or []
        if name in strict and len(parts) != s.partitions:
            out.append(
                f"{name}: {len(parts)} partitions, NEWSSTREAM_PARTITIONS={s.partitions} "
                "(Faust tables are co-partitioned with it; recreate the topic or set "
                f"NEWSSTREAM_PARTITIONS={len(parts)})"
            )
        rf = min((len(p.get("replicas") or []) for p in parts), default=0)
        if rf < s.replication_factor:
            out.append(
                f"{name}: replication factor {rf} < NEWSSTREAM_REPLICATION_FACTOR="
                f"{s.replication_factor}"
            )
    return out


async def describe(s: Settings) -> list[dict[str, Any]]:
    admin = AIOKafkaAdminClient(**client_kwargs(s))
    await admin.start()
    try:
        return list(await admin.describe_topics(wanted_topics(s)))
    finally:
        await admin.close()


async def run(s: Settings, attempts: int = 10, pause_s: float = 3.0) -> list[str]:
    """Create and check the topics; retry while the cluster is still settling."""
    problems: list[str] = []
    for attempt in range(1, attempts + 1):
        try:
            created = await ensure_topics(s)
            if created:
                print(f"created {len(created)} topic(s): {', '.join(created)}", flush=True)
            problems = problems_in(s, await describe(s))
            # a wrong partition count or replication factor of an existing topic does
            # not heal by waiting; a missing topic (creation refused for now) may
            transient = any(p.endswith(": missing") for p in problems)
        except Exception as exc:  # broker not reachable yet, controller moving, ...
            problems = [f"{type(exc).__name__}: {exc}"]
            transient = True
        if not problems or not transient:
            break
        if attempt < attempts:
            print(f"attempt {attempt}/{attempts}: {'; '.join(problems)}", flush=True)
            await asyncio.sleep(pause_s)
    return problems


def main() -> int:
    s = get_settings()
    started = time.monotonic()
    print(
        f"topics on {','.join(s.bootstrap_servers)}: partitions={s.partitions} "
        f"replication_factor={s.replication_factor} prefix={s.topic_prefix!r}",
        flush=True,
    )
    problems = asyncio.run(run(s))
    if problems:
        for p in problems:
            print(f"error: {p}", file=sys.stderr)
        return 1
    print(
        f"{len(wanted_topics(s))} topics ready in {time.monotonic() - started:.1f}s",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

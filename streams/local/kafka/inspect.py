"""What a running local cluster looks like from outside: the active KRaft controller, the
leaders and in-sync replicas of a topic's partitions. The cluster fault tests use them to
pick which node to kill and to know when a restarted node has caught up.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from streams.local.broker import BrokerError
from streams.local.kafka.cluster import KafkaCluster


@dataclass(frozen=True)
class PartitionState:
    topic: str
    partition: int
    leader: int
    replicas: tuple[int, ...]
    isr: tuple[int, ...]


def active_controller(cluster: KafkaCluster) -> int:
    """The node id of the KRaft quorum leader, the active controller: the newest leader any
    running node has persisted (``__cluster_metadata-0/quorum-state``, written by every
    voter on each election)."""
    best: tuple[int, int] | None = None
    for node in cluster.nodes:
        if not node.alive:
            continue
        path = node.dir / "logs" / "__cluster_metadata-0" / "quorum-state"
        try:
            state = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if state.get("leaderId", -1) >= 0:
            candidate = (int(state["leaderEpoch"]), int(state["leaderId"]))
            best = candidate if best is None else max(best, candidate)
    if best is None:
        raise BrokerError("no running node knows a quorum leader")
    return best[1]


def partitions(cluster: KafkaCluster, topics: list[str] | None) -> list[PartitionState]:
    """Leader, replicas and in-sync replicas of every partition of ``topics`` (None: of
    every topic, internal ones included)."""
    return asyncio.run(_describe(cluster.bootstrap, topics))


async def _describe(bootstrap: str, topics: list[str] | None) -> list[PartitionState]:
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10_000)
    await admin.start()
    try:
        described: list[dict[str, Any]] = await admin.describe_topics(topics)
    finally:
        await admin.close()
    return [
        PartitionState(
            t["topic"],
            p["partition"],
            p["leader"],
            tuple(p["replicas"]),
            tuple(p["isr"]),
        )
        for t in described
        for p in t["partitions"]
    ]


def busiest_leader(cluster: KafkaCluster, topic: str) -> int:
    """The node leading the most partitions of ``topic`` (lowest id on a tie)."""
    led = Counter(p.leader for p in partitions(cluster, [topic]) if p.leader >= 0)
    if not led:
        raise BrokerError(f"no partition of {topic} has a leader")
    return min(led, key=lambda node: (-led[node], node))


def wait_in_sync(cluster: KafkaCluster, topics: list[str] | None, timeout: float = 120.0) -> float:
    """Wait until every partition of ``topics`` (None: all) has all its replicas in sync
    (after a node came back); the seconds it took."""
    start = time.monotonic()
    last: object = None
    while True:
        try:
            last = [p for p in partitions(cluster, topics) if set(p.isr) != set(p.replicas)]
        except Exception as exc:  # a cluster still electing answers with errors
            last = exc
        if last == []:
            return time.monotonic() - start
        if time.monotonic() - start > timeout:
            raise BrokerError(f"replicas not in sync after {timeout:.0f}s: {last}")
        time.sleep(0.5)

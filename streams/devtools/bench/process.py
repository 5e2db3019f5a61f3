"""What a process uses, read from /proc: resident memory and CPU time."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from streams.local.engine import Broker


def rss_mb(pid: int, field: str = "VmHWM") -> float:
    """Peak (VmHWM) or current (VmRSS) resident memory of a process, in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (0.0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_by_role(pids: Mapping[str, Sequence[int]]) -> dict[str, float]:
    """CPU seconds used so far by each group of processes (workers, broker, ...)."""
    return {role: sum(map(cpu_seconds, group)) for role, group in pids.items()}


def broker_pids(broker: Broker) -> list[int]:
    """The processes of a broker of either engine: the embedded broker's one, or one JVM
    per Apache Kafka node (their figures add up, as the cluster's)."""
    from streams.local.broker import EmbeddedBroker
    from streams.local.kafka import KafkaCluster

    if isinstance(broker, EmbeddedBroker):
        return [broker.process.pid]
    if isinstance(broker, KafkaCluster):
        return [n.process.pid for n in broker.nodes if n.process is not None]
    raise TypeError(f"not a broker this benchmark starts: {broker!r}")


def total_rss_mb(pids: Sequence[int], field: str = "VmHWM") -> float:
    """:func:`rss_mb` added up over ``pids`` (a cluster's nodes)."""
    return sum(rss_mb(pid, field) for pid in pids)

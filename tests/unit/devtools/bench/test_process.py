"""Memory and CPU of a process, from /proc."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from streams.devtools.bench.process import (
    broker_pids,
    cpu_by_role,
    cpu_seconds,
    rss_mb,
    total_rss_mb,
)
from streams.local.broker import EmbeddedBroker
from streams.local.kafka import KafkaCluster, KafkaNode

pytestmark = pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="needs /proc")


def test_own_process_uses_memory_and_cpu() -> None:
    sum(i * i for i in range(300_000))  # some CPU time of our own
    assert rss_mb(os.getpid(), "VmRSS") > 1
    assert rss_mb(os.getpid()) >= rss_mb(os.getpid(), "VmRSS") * 0.9  # peak >= current
    assert cpu_seconds(os.getpid()) > 0


def test_a_gone_process_reads_as_nan_and_zero() -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # reaped: its /proc entry is gone
    assert math.isnan(rss_mb(gone.pid))
    assert cpu_seconds(gone.pid) == 0.0


def test_cpu_by_role_sums_each_group() -> None:
    me = os.getpid()
    got = cpu_by_role({"bench": [me], "twice": [me, me], "none": []})
    assert got["none"] == 0
    assert got["twice"] == pytest.approx(2 * got["bench"], rel=0.2)


def test_broker_pids_of_either_engine(tmp_path: Path) -> None:
    procs = [subprocess.Popen([sys.executable, "-c", "pass"]) for _ in range(3)]
    for proc in procs:
        proc.wait()
    assert broker_pids(EmbeddedBroker("127.0.0.1", 1, procs[0])) == [procs[0].pid]
    nodes = [KafkaNode(spec=None, dir=tmp_path, command=[], process=p) for p in procs]  # type: ignore[arg-type]
    nodes.append(KafkaNode(spec=None, dir=tmp_path, command=[]))  # type: ignore[arg-type]
    cluster = KafkaCluster(layout=None, data_dir=tmp_path, nodes=nodes)  # type: ignore[arg-type]
    # every JVM of the cluster, none for a node never started
    assert broker_pids(cluster) == [p.pid for p in procs]
    with pytest.raises(TypeError):
        broker_pids(object())  # type: ignore[arg-type]


def test_total_rss_adds_up_the_processes() -> None:
    own = rss_mb(os.getpid(), "VmRSS")
    assert total_rss_mb([os.getpid(), os.getpid()], "VmRSS") == pytest.approx(2 * own, rel=0.2)
    assert total_rss_mb([]) == 0

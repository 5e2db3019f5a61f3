"""Memory and CPU of a process, from /proc."""

from __future__ import annotations

import math
import os
import subprocess
import sys

import pytest

from streams.devtools.bench.process import cpu_by_role, cpu_seconds, rss_mb

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

"""`--soak SECONDS`: one worker (default settings, near-duplicates on) under a steady load
for a long run, sampling its and the broker's resident memory."""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

from streams.devtools.bench.clients import (
    is_probe,
    paced,
    reader,
    synthetic,
    wait_pipeline_live,
    writer,
)
from streams.devtools.bench.errors import run_failures
from streams.devtools.bench.process import rss_mb
from streams.local.stack import LocalStack
from streams.settings import Settings
from streams.topics import Topics


def run_soak(args: argparse.Namespace) -> int:
    """Print the memory samples, the growth line and the JSON summary line."""
    res = soak(args.soak, args.rate)
    print(f"{'seconds':>8}{'worker RSS MB':>16}{'broker RSS MB':>16}")
    for t, wm, bm in res["samples"]:
        print(f"{t:>8}{wm:>16.0f}{bm:>16.0f}")
    growth = res["worker_growth_mb_per_min_after_60s"]
    print(
        f"offered {res['offered']}, arrived {res['arrived']}; worker growth after 60 s: "
        + ("n/a" if growth is None else f"{growth:.1f} MB/min")
    )
    print(json.dumps(res))
    return 0 if res["arrived"] >= res["offered"] else 1


def soak(seconds: float, rate: float, sample_s: float = 10.0) -> dict[str, Any]:
    """Offer ``rate`` stories/s to one worker for ``seconds`` and sample the worker's and
    the broker's resident memory."""
    work = Path(tempfile.mkdtemp(prefix="newsstream-soak-"))
    with run_failures(work), LocalStack(work) as stack:
        w = stack.start_worker()
        asyncio.run(wait_pipeline_live(stack.settings, 1))
        pids = (w.process.pid, stack.embedded_broker.process.pid)
        res = asyncio.run(_soak_load(stack.settings, rate, seconds, sample_s, pids))
    # growth from the first minute on: start-up and warm-up allocate before that
    after = [(t, m) for t, m, _ in res["samples"] if t >= 60]
    slope = None
    if len(after) >= 2:  # least-squares MB per second, as MB per minute
        slope = 60 * statistics.linear_regression(*zip(*after, strict=True)).slope
    res.update(
        seconds=seconds,
        rate=rate,
        worker_rss_mb_at_60s=after[0][1] if after else None,
        worker_rss_mb_end=res["samples"][-1][1] if res["samples"] else None,
        worker_growth_mb_per_min_after_60s=slope,
    )
    return res


async def _soak_load(
    s: Settings, rate: float, seconds: float, sample_s: float, pids: tuple[int, int]
) -> dict[str, Any]:
    n = int(rate * seconds)
    topics = Topics(s.topic_prefix)
    c = reader(s, topics.enriched)
    await c.start()
    p = writer(s)
    await p.start()
    arrived = 0
    samples: list[tuple[float, float, float]] = []

    async def read() -> None:
        nonlocal arrived
        while True:
            batch = await c.getmany(timeout_ms=200)
            arrived += sum(1 for v in batch.values() for r in v if not is_probe(r.key))

    async def sample() -> None:
        while True:
            await asyncio.sleep(sample_s)
            t = time.monotonic() - t0
            samples.append((round(t), rss_mb(pids[0], "VmRSS"), rss_mb(pids[1], "VmRSS")))

    t0 = time.monotonic()
    tasks = [asyncio.create_task(read()), asyncio.create_task(sample())]
    async for st in paced(synthetic(n, seed=4242), rate, t0):
        await p.send(topics.raw, orjson.dumps(st), key=st["id"].encode())
    deadline = time.monotonic() + 60
    while arrived < n and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
    for task in tasks:
        task.cancel()
    await p.stop()
    await c.stop()
    return {"offered": n, "arrived": arrived, "samples": samples}

"""`--soak SECONDS`: one worker, or ``--workers`` of them sharing the partitions (default
settings, near-duplicates on), under a steady load for a long run on either engine,
sampling their and the broker's resident memory and the stories in flight (sent, not yet
out: a queue shows when it forms) and timing every story (the p50 of the first and last
quarter shows a slowdown)."""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from collections.abc import Sequence
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
from streams.devtools.bench.latency import summarise
from streams.devtools.bench.options import BOTH, engines
from streams.devtools.bench.process import broker_pids, rss_mb, total_rss_mb
from streams.exitcodes import InputError
from streams.local.stack import LocalStack
from streams.settings import Settings
from streams.topics import Topics


def run_soak(args: argparse.Namespace) -> int:
    """Print the memory samples, the growth line and the JSON summary line."""
    if args.engine == BOTH:
        raise InputError("--soak runs one engine: give --engine tansu or --engine kafka")
    (engine,) = engines(args)
    res = soak(args.soak, args.rate, engine=engine, nodes=args.nodes, workers=args.workers)
    who = "worker" if args.workers == 1 else "workers"
    print(f"{'seconds':>8}{who + ' RSS MB':>16}{'broker RSS MB':>16}{'in flight':>12}")
    for t, wm, bm, queued in res["samples"]:
        print(f"{t:>8}{wm:>16.0f}{bm:>16.0f}{queued:>12}")
    growth = res["worker_growth_mb_per_min_after_60s"]
    broker = res["broker_growth_mb_per_min_after_60s"]
    print(
        f"offered {res['offered']}, arrived {res['arrived']}; growth after 60 s: {who} "
        + ("n/a" if growth is None else f"{growth:.1f} MB/min")
        + ", broker "
        + ("n/a" if broker is None else f"{broker:.1f} MB/min")
    )
    print("latency p50, first → last quarter: {p50_early:.0f} → {p50_late:.0f} ms".format(
        **res["latency_ms"]
    ))  # fmt: skip
    print(json.dumps(res))
    return 0 if res["arrived"] >= res["offered"] else 1


def soak(
    seconds: float,
    rate: float,
    sample_s: float = 10.0,
    *,
    engine: str = "tansu",
    nodes: int = 1,
    workers: int = 1,
) -> dict[str, Any]:
    """Offer ``rate`` stories/s to ``workers`` workers for ``seconds`` on a broker of
    ``engine``; sample the workers' (added up, and each) and the broker's resident memory,
    and time every story."""
    work = Path(tempfile.mkdtemp(prefix=f"newsstream-soak-{engine}-"))
    with run_failures(work), LocalStack(work, engine=engine, nodes=nodes) as stack:
        ws = stack.start_workers(workers)
        asyncio.run(wait_pipeline_live(stack.settings, workers))
        pids = ([w.process.pid for w in ws], broker_pids(stack.local_broker))
        res = asyncio.run(_soak_load(stack.settings, rate, seconds, sample_s, pids))
    each = res.pop("each_worker")
    res.update(
        engine=engine,
        nodes=nodes,
        workers=workers,
        seconds=seconds,
        rate=rate,
        worker_growth_mb_per_min_after_60s=_slope(res["samples"], 1),
        broker_growth_mb_per_min_after_60s=_slope(res["samples"], 2),
        each_worker_growth_mb_per_min_after_60s=[_slope(each, k) for k in range(1, workers + 1)],
    )
    after = [row[1] for row in res["samples"] if row[0] >= 60]
    res["worker_rss_mb_at_60s"] = after[0] if after else None
    res["worker_rss_mb_end"] = res["samples"][-1][1] if res["samples"] else None
    return res


def _slope(samples: Sequence[tuple[float, ...]], column: int) -> float | None:
    """Least-squares growth of one memory column in MB per minute, from the first minute
    on (start-up and warm-up allocate before that); None with fewer than two samples."""
    after = [(row[0], row[column]) for row in samples if row[0] >= 60]
    if len(after) < 2:
        return None
    return 60 * statistics.linear_regression(*zip(*after, strict=True)).slope


async def _soak_load(
    s: Settings, rate: float, seconds: float, sample_s: float, pids: tuple[list[int], list[int]]
) -> dict[str, Any]:
    """The load and the samples: rows of (seconds, the workers' RSS added up, the broker's,
    stories sent and not yet out) and, apart, each worker's."""
    n = int(rate * seconds)
    topics = Topics(s.topic_prefix)
    c = reader(s, topics.enriched)
    await c.start()
    p = writer(s)
    await p.start()
    arrived = 0
    samples: list[tuple[float, float, float, int]] = []
    each: list[tuple[float, ...]] = []
    sent: dict[bytes, float] = {}
    lat: list[float] = []

    async def read() -> None:
        nonlocal arrived
        while True:
            batch = await c.getmany(timeout_ms=200)
            now = time.time()
            for r in (r for v in batch.values() for r in v if not is_probe(r.key)):
                arrived += 1
                if r.key in sent:
                    lat.append((now - sent.pop(r.key)) * 1000)

    async def sample() -> None:
        while True:
            await asyncio.sleep(sample_s)
            t = time.monotonic() - t0
            mine = [rss_mb(pid, "VmRSS") for pid in pids[0]]
            broker = total_rss_mb(pids[1], "VmRSS")
            samples.append((round(t), sum(mine), broker, len(sent)))  # sent: not yet out
            each.append((round(t), *mine))

    t0 = time.monotonic()
    tasks = [asyncio.create_task(read()), asyncio.create_task(sample())]
    async for st in paced(synthetic(n, seed=4242), rate, t0):
        key = st["id"].encode()
        sent[key] = time.time()
        await p.send(topics.raw, orjson.dumps(st), key=key)
    deadline = time.monotonic() + 60
    while arrived < n and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
    for task in tasks:
        task.cancel()
    await p.stop()
    await c.stop()
    return {
        "offered": n,
        "arrived": arrived,
        "samples": samples,
        "each_worker": each,
        "latency_ms": summarise(lat),
    }

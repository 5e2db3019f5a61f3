"""End-to-end latency at a fixed offered rate, from the producer's hand-over to arrival."""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import time

import orjson

from streams.devtools.bench.clients import paced, reader, synthetic, writer
from streams.kafka.producer import PRODUCER_LINGER_MS
from streams.settings import Settings
from streams.topics import Topics

_DEFAULT = Topics()


async def latency(
    s: Settings,
    rate: float,
    seconds: float,
    src: str = _DEFAULT.raw,
    dst: str = _DEFAULT.enriched,
    linger_ms: int = PRODUCER_LINGER_MS,
) -> dict[str, float]:
    """End-to-end latency from the moment a story is handed to the producer (so a
    linger counts) to its arrival on ``dst``, at ``rate`` stories/s; the first 20 % of
    arrivals are warm-up and dropped."""
    stories = list(synthetic(int(rate * seconds), seed=99))
    c = reader(s, dst, offset="latest", fetch_wait_ms=10)
    await c.start()
    await c.getmany(timeout_ms=500)
    p = writer(s, linger_ms=linger_ms)
    await p.start()
    sent: dict[bytes, float] = {}
    lat: list[float] = []

    async def read() -> None:
        while len(lat) < len(stories):
            for recs in (await c.getmany(timeout_ms=100)).values():
                now = time.time()
                for r in recs:
                    if r.key in sent:
                        lat.append((now - sent.pop(r.key)) * 1000)

    task = asyncio.create_task(read())
    async for st in paced(stories, rate, time.monotonic()):
        key = st["id"].encode()
        sent[key] = time.time()
        await p.send(src, orjson.dumps(st), key=key)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(task, 60)
    await p.stop()
    await c.stop()
    return summarise(lat)


def summarise(lat: list[float]) -> dict[str, float]:
    """p50/p90/p99 of the arrivals after the first 20 % (warm-up), and the p50 of the
    first and last quarter of those."""
    drop = int(len(lat) * 0.2)
    kept = lat[drop:]
    quarter = max(1, len(kept) // 4)
    tail = sorted(kept) or [float("nan")]

    def q(f: float) -> float:
        return tail[min(len(tail) - 1, int(f * len(tail)))]

    # p50 of the first and last quarter of the measured arrivals: the embedded broker's
    # fetches slow down as its partitions fill, so the run's figure depends on its length
    early = statistics.median(kept[:quarter]) if kept else float("nan")
    late = statistics.median(kept[-quarter:]) if kept else float("nan")
    return {
        "p50": q(0.5),
        "p90": q(0.9),
        "p99": q(0.99),
        "n": len(kept),
        "p50_early": early,
        "p50_late": late,
    }

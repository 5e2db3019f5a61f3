"""The two limits the pipeline is measured against, both framework-free aiokafka loops:
(a) consume → decode → produce, and (b) the pipeline's own work without Faust; plus
enrichment alone and the latency of loop (b).

``python -m streams.devtools.bench.limits BROKER_URL N`` runs loop (b) in a process of its
own for :func:`limit_latency` (as a worker would, with the worker's fetch settings).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections import Counter
from typing import Any

import orjson

from schemas.models import RawStory
from streams.devtools.bench.clients import reader, writer
from streams.devtools.bench.latency import latency
from streams.enrich import enrich_story
from streams.local.stack import LocalStack
from streams.pipeline.decode import decode_story
from streams.pipeline.processing import process_story
from streams.settings import Settings
from streams.topics import Topics

# the topic prefixes of limit_latency's loop: it reads _SERVE_IN's raw topic and writes
# under _SERVE_OUT
_SERVE_IN, _SERVE_OUT = "ll.", "llo."


async def limit_loop(
    s: Settings,
    src: str,
    dst_prefix: str,
    n: int,
    enrich: bool,
    fetch_wait_ms: int = 50,
    fetch_min_bytes: int = 1,
) -> float:
    """Framework-free aiokafka loop: (a) decode→produce, (b) the pipeline's work."""
    t = Topics(dst_prefix)
    c = reader(s, src, fetch_wait_ms=fetch_wait_ms, fetch_min_bytes=fetch_min_bytes)
    p = writer(s, big_batches=True)
    await c.start()
    await p.start()
    counts: Counter[str] = Counter()
    seen: set[str] = set()
    done = 0
    t0 = time.monotonic()
    try:
        while done < n:
            batch = await c.getmany(timeout_ms=500, max_records=5000)
            futs = []
            for recs in batch.values():
                for r in recs:
                    done += 1
                    if not enrich:
                        obj = orjson.loads(r.value)
                        futs.append(await p.send(t.enriched, orjson.dumps(obj), key=r.key))
                        continue
                    story = decode_story(r.value)
                    if not isinstance(story, RawStory) or story.id in seen:
                        continue
                    seen.add(story.id)
                    out = process_story(story, "fast", 0.5)
                    futs.append(await p.send(t.enriched, out.value, key=r.key))
                    for slug in out.slugs:
                        futs.append(await p.send(t.category(slug), out.value, key=r.key))
                    counts.update(out.record["countries"])
            if futs:
                await asyncio.gather(*futs)
    finally:
        await c.stop()
        await p.stop()
    return n / (time.monotonic() - t0)


def enrich_rate(stories: list[dict[str, Any]], tagger: str) -> float:
    try:
        enrich_story(stories[0]["headline"], stories[0]["body"], tagger)
    except Exception as exc:  # the accurate model may be missing
        print(f"enrichment ({tagger}) unavailable: {exc}", file=sys.stderr)
        return float("nan")
    t0 = time.perf_counter()
    for st in stories:
        enrich_story(st["headline"], st["body"], tagger)
    return len(stories) / (time.perf_counter() - t0)


def limit_latency(
    stack: LocalStack, rate: float, seconds: float, linger_ms: int
) -> dict[str, float]:
    """Latency of the framework-free loop (b) in its own process, same load, same fetch
    wait and size as the worker: the floor this broker and machine allow without Faust."""
    s = stack.settings
    stack.create_topics(_SERVE_IN)
    stack.create_topics(_SERVE_OUT)
    n = int(rate * seconds)
    cmd = [sys.executable, "-m", __name__, s.broker_url, str(n)]
    # The stack's environment (its engine among it), so the loop fetches as the worker does.
    env = {**os.environ, **stack.env}
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        time.sleep(3)  # the loop's consumer must be reading before the load starts
        src, dst = Topics(_SERVE_IN).raw, Topics(_SERVE_OUT).enriched
        return asyncio.run(latency(s, rate, seconds, src, dst, linger_ms=linger_ms))
    finally:
        proc.terminate()
        proc.wait(10)


def _serve(broker_url: str, n: int) -> None:
    s = Settings(broker_url=broker_url)
    src = Topics(_SERVE_IN).raw
    loop = limit_loop(s, src, _SERVE_OUT, n, True, s.fetch_max_wait_ms, s.worker_fetch_min_bytes)
    asyncio.run(loop)


if __name__ == "__main__":
    _serve(sys.argv[1], int(sys.argv[2]))

"""The benchmark behind `newsstream bench` and `scripts/bench`: the pipeline against two
limits measured in the same run (see docs/performance.md).

    newsstream bench [--stories 50000] [--runs 3] [--latency-seconds 25] [--rate 1000]
                     [--load-linger-ms 5]
    newsstream bench --soak 300 [--rate 1000]     # worker memory over a long run
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient

from schemas.models import RawStory, story_text
from streams.devtools.synth import synthetic_stories
from streams.enrich import enrich_story
from streams.kafka.admin import ensure_topics
from streams.kafka.client import client_kwargs
from streams.kafka.producer import PRODUCER_LINGER_MS
from streams.local.broker import free_port, start_broker
from streams.local.worker_process import WorkerProcess, start_worker
from streams.pipeline.decode import decode_story
from streams.pipeline.processing import process_story
from streams.settings import Settings
from streams.topics import Topics

SEEDS = Path(__file__).resolve().parent.parent / "seeds" / "000_1ea569509353b790.txt"


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


def soak(seconds: float, rate: float, sample_s: float = 10.0) -> dict:
    """Offer ``rate`` stories/s to one worker (default settings, near-duplicates on) for
    ``seconds`` and sample the worker's and the broker's resident memory."""
    work = Path(tempfile.mkdtemp(prefix="newsstream-soak-"))
    port = free_port()
    broker = start_broker("127.0.0.1", port, log_path=work / "broker.log")
    s = Settings(broker_url=f"kafka://127.0.0.1:{port}")
    try:
        asyncio.run(ensure_topics(s))
        w = start_worker(
            broker_url=s.broker_url,
            web_port=free_port(),
            data_dir=work / "d",
            log_path=work / "worker.log",
        )
        try:
            w.wait_ready()
            asyncio.run(wait_pipeline_live(s, 1))
            pids = (w.process.pid, broker.process.pid)
            res = asyncio.run(_soak_load(s, rate, seconds, sample_s, pids))
        finally:
            w.stop()
    finally:
        broker.stop()
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
) -> dict:
    n = int(rate * seconds)
    c = AIOKafkaConsumer(
        "news.enriched",
        bootstrap_servers=s.bootstrap_servers,
        group_id=None,
        auto_offset_reset="earliest",
        fetch_max_wait_ms=50,
    )
    await c.start()
    p = AIOKafkaProducer(
        bootstrap_servers=s.bootstrap_servers, linger_ms=PRODUCER_LINGER_MS, acks=1
    )
    await p.start()
    arrived = 0
    samples: list[tuple[float, float, float]] = []

    async def reader() -> None:
        nonlocal arrived
        while True:
            batch = await c.getmany(timeout_ms=200)
            arrived += sum(1 for v in batch.values() for r in v if not _is_probe(r.key))

    async def sampler() -> None:
        while True:
            await asyncio.sleep(sample_s)
            t = time.monotonic() - t0
            samples.append((round(t), rss_mb(pids[0], "VmRSS"), rss_mb(pids[1], "VmRSS")))

    t0 = time.monotonic()
    tasks = [asyncio.create_task(reader()), asyncio.create_task(sampler())]
    for i, st in enumerate(synthetic_stories(SEEDS, n, seed=4242)):
        wait = t0 + i / rate - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        await p.send("news.raw", orjson.dumps(st), key=st["id"].encode())
    deadline = time.monotonic() + 60
    while arrived < n and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
    for task in tasks:
        task.cancel()
    await p.stop()
    await c.stop()
    return {"offered": n, "arrived": arrived, "samples": samples}


async def produce_all(s: Settings, topic: str, values: list[tuple[bytes, bytes]]) -> None:
    p = AIOKafkaProducer(
        bootstrap_servers=s.bootstrap_servers,
        linger_ms=PRODUCER_LINGER_MS,
        acks=1,
        max_batch_size=256 * 1024,
    )
    await p.start()
    try:
        futs = [await p.send(topic, v, key=k) for k, v in values]
        await asyncio.gather(*futs)
    finally:
        await p.stop()


async def consume_n(s: Settings, topic: str, keys: set[bytes], timeout: float = 600) -> float:
    """Read until every key arrived; return the wall time of the last arrival."""
    c = AIOKafkaConsumer(
        topic,
        bootstrap_servers=s.bootstrap_servers,
        group_id=None,
        auto_offset_reset="earliest",
        fetch_max_wait_ms=50,
    )
    await c.start()
    missing = set(keys)
    last = time.monotonic()
    deadline = time.monotonic() + timeout
    try:
        while missing and time.monotonic() < deadline:
            for recs in (await c.getmany(timeout_ms=200, max_records=10000)).values():
                for r in recs:
                    missing.discard(r.key)
                last = time.monotonic()
    finally:
        await c.stop()
    if missing:
        raise RuntimeError(f"only {len(keys) - len(missing)}/{len(keys)} arrived on {topic}")
    return last


PROBE_PREFIX = "bench-probe-"


def _is_probe(key: bytes | None) -> bool:
    return key is not None and key.startswith(PROBE_PREFIX.encode())


async def wait_pipeline_live(s: Settings, workers: int, timeout: float = 120) -> None:
    """Return once the worker group is stable with every worker in it and a probe story
    sent to each raw partition came out on ``news.enriched``.

    A group join takes half the session timeout on the embedded broker (5 s by default),
    and a second worker's join rebalances the first; a worker's web server is up long
    before. Timed from then, the pipeline figure counted up to 3 s of start-up.
    """
    deadline = time.monotonic() + timeout
    admin = AIOKafkaAdminClient(**client_kwargs(s))
    await admin.start()
    try:
        while True:
            responses = await admin.describe_consumer_groups([s.app_id])
            # a group is (error, id, state, protocol type, protocol, members, ...)
            states = [(g[2], len(g[5])) for r in responses for g in r.groups]
            if ("Stable", workers) in states:
                break
            if time.monotonic() > deadline:
                raise TimeoutError(f"group {s.app_id} not stable with {workers} members")
            await asyncio.sleep(0.2)
    finally:
        await admin.close()
    topics = Topics(s.topic_prefix)
    probe = next(synthetic_stories(SEEDS, 1, seed=0))
    keys = set()
    p = AIOKafkaProducer(**client_kwargs(s))
    await p.start()
    try:
        for part in range(s.partitions):
            key = f"{PROBE_PREFIX}{part}-{time.time_ns()}"
            keys.add(key.encode())
            value = orjson.dumps({**probe, "id": key})
            await p.send_and_wait(topics.raw, value, key=key.encode(), partition=part)
    finally:
        await p.stop()
    await consume_n(s, topics.enriched, keys, timeout=max(1.0, deadline - time.monotonic()))


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
    c = AIOKafkaConsumer(
        src,
        bootstrap_servers=s.bootstrap_servers,
        group_id=None,
        auto_offset_reset="earliest",
        fetch_max_wait_ms=fetch_wait_ms,
        fetch_min_bytes=fetch_min_bytes,
    )
    p = AIOKafkaProducer(
        bootstrap_servers=s.bootstrap_servers,
        linger_ms=PRODUCER_LINGER_MS,
        acks=1,
        max_batch_size=256 * 1024,
    )
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


def enrich_rate(stories: list[dict], tagger: str) -> float:
    try:
        enrich_story(stories[0]["headline"], stories[0]["body"], tagger)
    except Exception as exc:  # the accurate model may be missing
        print(f"enrichment ({tagger}) unavailable: {exc}", file=sys.stderr)
        return float("nan")
    t0 = time.perf_counter()
    for st in stories:
        enrich_story(st["headline"], st["body"], tagger)
    return len(stories) / (time.perf_counter() - t0)


def run_once(
    n: int, latency_s: float, rate: float, workers: int, linger_ms: int = PRODUCER_LINGER_MS
) -> dict:
    work = Path(tempfile.mkdtemp(prefix="newsstream-bench-"))
    port = free_port()
    broker = start_broker("127.0.0.1", port, log_path=work / "broker.log")
    s = Settings(broker_url=f"kafka://127.0.0.1:{port}")
    res: dict = {}
    ws: list[WorkerProcess] = []
    try:
        stories = list(synthetic_stories(SEEDS, n, seed=int(time.time())))
        values = [(st["id"].encode(), orjson.dumps(st)) for st in stories]
        asyncio.run(ensure_topics(Settings(broker_url=s.broker_url, topic_prefix="lim.")))
        asyncio.run(ensure_topics(s))
        asyncio.run(produce_all(s, "lim.news.raw", values))
        res["limit_a"] = asyncio.run(limit_loop(s, "lim.news.raw", "la.", n, enrich=False))
        res["limit_b"] = asyncio.run(limit_loop(s, "lim.news.raw", "lb.", n, enrich=True))
        ws = [
            start_worker(
                broker_url=s.broker_url,
                web_port=free_port(),
                data_dir=work / f"d{i}",
                log_path=work / f"worker{i}.log",
                env={"NEWSSTREAM_NEARDUP": "false"},
            )
            for i in range(workers)
        ]
        for w in ws:
            w.wait_ready()
        asyncio.run(wait_pipeline_live(s, len(ws)))
        pids = {
            "workers": [w.process.pid for w in ws],
            "broker": [broker.process.pid],
            "bench": [os.getpid()],
        }
        cpu0 = {k: sum(map(cpu_seconds, v)) for k, v in pids.items()}
        t0 = time.monotonic()
        asyncio.run(produce_all(s, "news.raw", values))
        last = asyncio.run(consume_n(s, "news.enriched", {k for k, _ in values}))
        res["pipeline"] = n / (last - t0)
        # where the two cores went while the pipeline ran (1.0 = one core busy)
        res["pipeline_cpu_cores"] = {
            k: (sum(map(cpu_seconds, v)) - cpu0[k]) / (last - t0) for k, v in pids.items()
        }
        res["latency_ms"] = asyncio.run(latency(s, rate, latency_s, linger_ms=linger_ms))
        res["worker_rss_mb"] = max(rss_mb(w.process.pid) for w in ws)
        res["broker_rss_mb"] = rss_mb(broker.process.pid)
        for w in ws:
            w.stop()
        res["limit_b_latency_ms"] = limit_latency(s, rate, latency_s, linger_ms)
    finally:
        for w in ws:  # no-op for those already stopped; a failed run leaves none behind
            w.stop()
        broker.stop()
    return res


def limit_latency(s: Settings, rate: float, seconds: float, linger_ms: int) -> dict:
    """Latency of the framework-free loop (b) in its own process, same load, same fetch
    wait and size as the worker: the floor this broker and machine allow without Faust."""
    asyncio.run(ensure_topics(Settings(broker_url=s.broker_url, topic_prefix="ll.")))
    asyncio.run(ensure_topics(Settings(broker_url=s.broker_url, topic_prefix="llo.")))
    n = int(rate * seconds)
    cmd = [sys.executable, "-m", "streams.devtools.bench", "_serve_limit", s.broker_url, str(n)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(3)
        return asyncio.run(
            latency(s, rate, seconds, "ll.news.raw", "llo.news.enriched", linger_ms=linger_ms)
        )
    finally:
        proc.terminate()
        proc.wait(10)


async def latency(
    s: Settings,
    rate: float,
    seconds: float,
    src: str = "news.raw",
    dst: str = "news.enriched",
    linger_ms: int = PRODUCER_LINGER_MS,
) -> dict:
    """End-to-end latency from the moment a story is handed to the producer (so a
    linger counts) to its arrival on ``dst``, at ``rate`` stories/s; the first 20 % of
    arrivals are warm-up and dropped."""
    stories = list(synthetic_stories(SEEDS, int(rate * seconds), seed=99))
    c = AIOKafkaConsumer(
        dst,
        bootstrap_servers=s.bootstrap_servers,
        group_id=None,
        auto_offset_reset="latest",
        fetch_max_wait_ms=10,
    )
    await c.start()
    await c.getmany(timeout_ms=500)
    p = AIOKafkaProducer(bootstrap_servers=s.bootstrap_servers, linger_ms=linger_ms, acks=1)
    await p.start()
    sent: dict[bytes, float] = {}
    lat: list[float] = []

    async def reader() -> None:
        while len(lat) < len(stories):
            for recs in (await c.getmany(timeout_ms=100)).values():
                now = time.time()
                for r in recs:
                    if r.key in sent:
                        lat.append((now - sent.pop(r.key)) * 1000)

    task = asyncio.create_task(reader())
    t0 = time.monotonic()
    for i, st in enumerate(stories):
        wait = t0 + i / rate - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        key = st["id"].encode()
        sent[key] = time.time()
        await p.send(src, orjson.dumps(st), key=key)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(task, 60)
    await p.stop()
    await c.stop()
    drop = int(len(lat) * 0.2)  # the first seconds are warm-up
    kept = lat[drop:]
    quarter = max(1, len(kept) // 4)
    tail = sorted(kept) or [float("nan")]
    q = lambda f: tail[min(len(tail) - 1, int(f * len(tail)))]  # noqa: E731
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


def main(argv: list[str] | None = None) -> int:
    if argv and argv[0] == "_serve_limit":  # internal: the loop of limit_latency()
        s = Settings(broker_url=argv[1])
        asyncio.run(
            limit_loop(
                s, "ll.news.raw", "llo.", int(argv[2]), True, s.fetch_max_wait_ms, s.fetch_min_bytes
            )
        )
        return 0
    ap = argparse.ArgumentParser(prog="newsstream bench")
    ap.add_argument("--stories", type=int, default=50_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--latency-seconds", type=float, default=25)
    ap.add_argument("--rate", type=float, default=1000)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument(
        "--load-linger-ms",
        type=int,
        default=PRODUCER_LINGER_MS,
        help="linger of the latency load generator (0: one request per story)",
    )
    ap.add_argument("--soak", type=float, metavar="SECONDS", help="memory over a long run")
    a = ap.parse_args(argv)
    if a.soak:
        res = soak(a.soak, a.rate)
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
    sample = list(synthetic_stories(SEEDS, 3000, seed=1))
    words = statistics.mean(len(story_text(st["headline"], st["body"]).split()) for st in sample)
    reps = max(3, a.runs)  # enrichment alone: median of >= 3 passes, like every other figure
    runs = [
        run_once(a.stories, a.latency_seconds, a.rate, a.workers, a.load_linger_ms)
        for _ in range(a.runs)
    ]
    med = lambda k: statistics.median(r[k] for r in runs)  # noqa: E731
    out = {
        "stories": a.stories,
        "runs": a.runs,
        "workers": a.workers,
        "load_linger_ms": a.load_linger_ms,
        "limit_a_events_per_s": med("limit_a"),
        "limit_b_stories_per_s": med("limit_b"),
        "story_words": words,
        "enrich_fast_per_s": statistics.median(enrich_rate(sample, "fast") for _ in range(reps)),
        "enrich_accurate_per_s": statistics.median(
            enrich_rate(sample[:500], "accurate") for _ in range(reps)
        ),
        "pipeline_stories_per_s": med("pipeline"),
        "latency_ms": {
            k: statistics.median(r["latency_ms"][k] for r in runs)
            for k in ("p50", "p90", "p99", "p50_early", "p50_late")
        },
        "limit_b_latency_ms": {
            k: statistics.median(r["limit_b_latency_ms"][k] for r in runs)
            for k in ("p50", "p90", "p99")
        },
        "pipeline_cpu_cores": {
            k: statistics.median(r["pipeline_cpu_cores"][k] for r in runs)
            for k in ("workers", "broker", "bench")
        },
        "worker_peak_rss_mb": med("worker_rss_mb"),
        "broker_peak_rss_mb": med("broker_rss_mb"),
        "bench_peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    out["pipeline_vs_limit_a"] = out["pipeline_stories_per_s"] / out["limit_a_events_per_s"]
    out["pipeline_vs_limit_b"] = out["pipeline_stories_per_s"] / out["limit_b_stories_per_s"]
    rows = [
        ("limit (a) raw consume→decode→produce", f"{out['limit_a_events_per_s']:,.0f} ev/s"),
        ("limit (b) same work, no framework", f"{out['limit_b_stories_per_s']:,.0f} st/s"),
        (f"enrichment alone, fast ({words:.0f} words/st)", f"{out['enrich_fast_per_s']:,.0f} st/s"),
        ("enrichment alone, accurate", f"{out['enrich_accurate_per_s']:,.0f} st/s"),
        (f"pipeline, {a.workers} worker(s)", f"{out['pipeline_stories_per_s']:,.0f} st/s"),
        ("pipeline / limit (a)", f"{out['pipeline_vs_limit_a']:.2f}"),
        ("pipeline / limit (b)", f"{out['pipeline_vs_limit_b']:.2f}"),
        (
            "cores used: workers/broker/bench",
            "{workers:.2f}/{broker:.2f}/{bench:.2f}".format(**out["pipeline_cpu_cores"]),
        ),
        (
            f"latency p50/p90/p99 @ {a.rate:,.0f}/s (linger {a.load_linger_ms})",
            "{p50:.0f}/{p90:.0f}/{p99:.0f} ms".format(**out["latency_ms"]),
        ),
        (
            "latency p50, first → last quarter of the run",
            "{p50_early:.0f} → {p50_late:.0f} ms".format(**out["latency_ms"]),
        ),
        (
            "latency of limit (b), same load",
            "{p50:.0f}/{p90:.0f}/{p99:.0f} ms".format(**out["limit_b_latency_ms"]),
        ),
        ("worker peak RSS", f"{out['worker_peak_rss_mb']:.0f} MB"),
        ("broker peak RSS", f"{out['broker_peak_rss_mb']:.0f} MB"),
    ]
    for name, val in rows:
        print(f"{name:<42}{val:>20}")
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The pipeline against the two limits, measured in the same runs: the table and the JSON
summary line of `newsstream bench`."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

from schemas.models import story_text
from streams.devtools.bench.clients import consume_n, produce_all, synthetic, wait_pipeline_live
from streams.devtools.bench.errors import run_failures
from streams.devtools.bench.latency import latency
from streams.devtools.bench.limits import enrich_rate, limit_latency, limit_loop
from streams.devtools.bench.options import engines
from streams.devtools.bench.process import broker_pids, cpu_by_role, rss_mb, total_rss_mb
from streams.kafka.producer import PRODUCER_LINGER_MS
from streams.local.stack import LocalStack
from streams.local.worker_process import WorkerProcess
from streams.topics import Topics

# Both limits and the pipeline run without near-duplicate detection: limit (b) does not do
# it, so the three do the same work. The soak runs the worker with its defaults.
_WORKER_ENV = {"NEWSSTREAM_NEARDUP": "false"}
# topic prefixes of the limit loops: their input, and the outputs of (a) and (b)
_LIMIT_IN, _LIMIT_A, _LIMIT_B = "lim.", "la.", "lb."


def run_compare(args: argparse.Namespace) -> int:
    """``args.runs`` rounds, then the medians as a table and a JSON line. With more than one
    engine each round runs every engine in turn, so that a change in the machine's load
    falls on both alike; the table then has a column per engine."""
    chosen = engines(args)
    linger = PRODUCER_LINGER_MS if args.load_linger_ms is None else args.load_linger_ms
    sample = list(synthetic(3000, seed=1))
    words = statistics.mean(len(story_text(st["headline"], st["body"]).split()) for st in sample)
    runs: dict[str, list[dict[str, Any]]] = {engine: [] for engine in chosen}
    for _ in range(args.runs):
        for engine in chosen:
            one = (args.stories, args.latency_seconds, args.rate, args.workers, linger)
            runs[engine].append(run_once(*one, engine=engine, nodes=args.nodes))
    enrich = _enrich(sample, args.runs)
    outs = {e: _summary(args, linger, runs[e], enrich, words, e) for e in chosen}
    columns = [_rows(out, args.rate, words) for out in outs.values()]
    print(f"{'broker':<42}" + "".join(f"{_label(e, args.nodes):>20}" for e in chosen))
    for cells in zip(*columns, strict=True):
        print(f"{cells[0][0]:<42}" + "".join(f"{val:>20}" for _, val in cells))
    print(json.dumps(outs[chosen[0]] if len(chosen) == 1 else {"engines": outs}))
    return 0


def _label(engine: str, nodes: int) -> str:
    if engine == "kafka":
        return f"kafka, {nodes} node{'s' if nodes > 1 else ''}"
    return "tansu (embedded)"


def run_once(
    n: int,
    latency_s: float,
    rate: float,
    workers: int,
    linger_ms: int = PRODUCER_LINGER_MS,
    *,
    engine: str = "tansu",
    nodes: int = 1,
) -> dict[str, Any]:
    """One run on a broker of its own (of ``engine``, ``nodes`` of them): the limits, the
    pipeline, the latencies. The stack tells the workers the engine
    (``NEWSSTREAM_BROKER_ENGINE``), which switches the highwater probe off on Apache Kafka
    (docs/deploy.md, the workarounds by engine)."""
    work = Path(tempfile.mkdtemp(prefix=f"newsstream-bench-{engine}-"))
    stack = LocalStack(work, env=_WORKER_ENV, engine=engine, nodes=nodes)
    with run_failures(work), stack:
        s = stack.settings
        stories = synthetic(n, seed=int(time.time()))
        values = [(st["id"].encode(), orjson.dumps(st)) for st in stories]
        res = _limits(stack, values)
        ws = stack.start_workers(workers)
        asyncio.run(wait_pipeline_live(s, len(ws)))
        res.update(_pipeline(stack, ws, values))
        res["latency_ms"] = asyncio.run(latency(s, rate, latency_s, linger_ms=linger_ms))
        res["worker_rss_mb"] = max(rss_mb(w.process.pid) for w in ws)
        res["broker_rss_mb"] = total_rss_mb(broker_pids(stack.local_broker))
        stack.stop_workers()  # limit (b)'s latency runs alone
        res["limit_b_latency_ms"] = limit_latency(stack, rate, latency_s, linger_ms)
    return res


def _limits(stack: LocalStack, values: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    s, n, src = stack.settings, len(values), Topics(_LIMIT_IN).raw
    stack.create_topics(_LIMIT_IN)
    asyncio.run(produce_all(s, src, values))
    return {
        "limit_a": asyncio.run(limit_loop(s, src, _LIMIT_A, n, enrich=False)),
        "limit_b": asyncio.run(limit_loop(s, src, _LIMIT_B, n, enrich=True)),
    }


def _pipeline(
    stack: LocalStack, workers: list[WorkerProcess], values: list[tuple[bytes, bytes]]
) -> dict[str, Any]:
    """Stories/s from the first event in to the last story out, and where the cores went
    meanwhile (1.0 = one core busy)."""
    s, topics = stack.settings, stack.topics
    pids = {
        "workers": [w.process.pid for w in workers],
        "broker": broker_pids(stack.local_broker),
        "bench": [os.getpid()],
    }
    cpu0 = cpu_by_role(pids)
    t0 = time.monotonic()
    asyncio.run(produce_all(s, topics.raw, values))
    last = asyncio.run(consume_n(s, topics.enriched, {k for k, _ in values}))
    cpu1 = cpu_by_role(pids)
    return {
        "pipeline": len(values) / (last - t0),
        "pipeline_cpu_cores": {k: (cpu1[k] - cpu0[k]) / (last - t0) for k in pids},
    }


def _enrich(sample: list[dict[str, Any]], runs: int) -> dict[str, float]:
    """Enrichment alone (no broker, so once for every engine): the median of at least 3
    passes, like every other figure."""
    reps = max(3, runs)
    return {
        "enrich_fast_per_s": statistics.median(enrich_rate(sample, "fast") for _ in range(reps)),
        "enrich_accurate_per_s": statistics.median(
            enrich_rate(sample[:500], "accurate") for _ in range(reps)
        ),
    }


def _summary(
    args: argparse.Namespace,
    linger: int,
    runs: list[dict[str, Any]],
    enrich: dict[str, float],
    words: float,
    engine: str,
) -> dict[str, Any]:
    def med(key: str, *sub: str) -> Any:
        if sub:
            return {k: statistics.median(r[key][k] for r in runs) for k in sub}
        return statistics.median(r[key] for r in runs)

    out = {
        "stories": args.stories,
        "runs": args.runs,
        "workers": args.workers,
        "load_linger_ms": linger,
        "limit_a_events_per_s": med("limit_a"),
        "limit_b_stories_per_s": med("limit_b"),
        "story_words": words,
        **enrich,
        "pipeline_stories_per_s": med("pipeline"),
        "latency_ms": med("latency_ms", "p50", "p90", "p99", "p50_early", "p50_late"),
        "limit_b_latency_ms": med("limit_b_latency_ms", "p50", "p90", "p99"),
        "pipeline_cpu_cores": med("pipeline_cpu_cores", "workers", "broker", "bench"),
        "worker_peak_rss_mb": med("worker_rss_mb"),
        "broker_peak_rss_mb": med("broker_rss_mb"),
        "bench_peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    out["pipeline_vs_limit_a"] = out["pipeline_stories_per_s"] / out["limit_a_events_per_s"]
    out["pipeline_vs_limit_b"] = out["pipeline_stories_per_s"] / out["limit_b_stories_per_s"]
    out["engine"] = engine
    out["nodes"] = args.nodes if engine == "kafka" else 1
    return out


def _rows(out: dict[str, Any], rate: float, words: float) -> list[tuple[str, str]]:
    return [
        ("limit (a) raw consume→decode→produce", f"{out['limit_a_events_per_s']:,.0f} ev/s"),
        ("limit (b) same work, no framework", f"{out['limit_b_stories_per_s']:,.0f} st/s"),
        (f"enrichment alone, fast ({words:.0f} words/st)", f"{out['enrich_fast_per_s']:,.0f} st/s"),
        ("enrichment alone, accurate", f"{out['enrich_accurate_per_s']:,.0f} st/s"),
        (f"pipeline, {out['workers']} worker(s)", f"{out['pipeline_stories_per_s']:,.0f} st/s"),
        ("pipeline / limit (a)", f"{out['pipeline_vs_limit_a']:.2f}"),
        ("pipeline / limit (b)", f"{out['pipeline_vs_limit_b']:.2f}"),
        (
            "cores used: workers/broker/bench",
            "{workers:.2f}/{broker:.2f}/{bench:.2f}".format(**out["pipeline_cpu_cores"]),
        ),
        (
            f"latency p50/p90/p99 @ {rate:,.0f}/s (linger {out['load_linger_ms']})",
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

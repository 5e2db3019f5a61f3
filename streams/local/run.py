"""`newsstream run`: the whole job on the embedded broker, end to end, then the counts.

Starts Tansu and one worker, replays a story file, waits until every story came out on
``news.enriched`` or ``news.deadletter`` (known from the outputs, not end offsets) and the
table's counts match what came out, prints the counts, and shuts everything down.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import orjson
import pycountry

from streams.kafka.subscriber import consume
from streams.local.broker import free_port, start_broker
from streams.local.worker_process import start_worker
from streams.settings import Settings
from streams.topics import Topics


def _country_name(code: str) -> str:
    c = pycountry.countries.get(alpha_2=code)
    return getattr(c, "common_name", None) or (c.name if c else code)


def _expected_counts(enriched: list[Any]) -> Counter[str]:
    per_story: dict[str, list[str]] = {}
    for rec in enriched:
        story = orjson.loads(rec.value)
        per_story[story["id"]] = story["countries"]
    return Counter(cc for ccs in per_story.values() for cc in ccs)


def run_demo(path: Path, timeout: float = 180.0) -> int:
    from streams.kafka.admin import ensure_topics
    from streams.kafka.producer import replay

    work = Path(tempfile.mkdtemp(prefix="newsstream-run-"))
    port = free_port()
    broker = start_broker("127.0.0.1", port, log_path=work / "broker.log")
    s = Settings(broker_url=f"kafka://127.0.0.1:{port}")
    topics = Topics(s.topic_prefix)
    worker = None
    print(f"embedded broker on 127.0.0.1:{port}; logs in {work}", file=sys.stderr)
    try:
        asyncio.run(ensure_topics(s))
        worker = start_worker(
            broker_url=s.broker_url,
            web_port=free_port(),
            data_dir=work / "data",
            log_path=work / "worker.log",
            env={"NEWSSTREAM_LOG_LEVEL": os.environ.get("NEWSSTREAM_LOG_LEVEL", "info")},
        )
        worker.wait_ready(timeout=90)
        t0 = time.monotonic()
        report = asyncio.run(replay(path, s, topic=topics.raw, show_progress=False))
        if report.error:
            print(f"replay failed: {report.error}", file=sys.stderr)
            return 1
        expected_ids = set(report.ids)
        print(f"replayed {report.sent} stories from {path}", file=sys.stderr)

        def seen_all(records: list[Any]) -> bool:
            got = set()
            for r in records:
                if r.topic == topics.enriched or r.key is not None:
                    got.add(r.key.decode())
            return expected_ids <= got

        out = asyncio.run(
            consume(s, [topics.enriched, topics.deadletter], until=seen_all, timeout=timeout)
        )
        enriched = [r for r in out if r.topic == topics.enriched]
        dead = [r for r in out if r.topic == topics.deadletter]
        if not seen_all(out):
            print("timed out before every story came out; worker log:", file=sys.stderr)
            print(worker.tail_log(), file=sys.stderr)
            return 1
        expected = _expected_counts(enriched)
        counts: dict[str, int] = {}
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            counts = json.loads(worker.get("/countries/"))["counts"]
            if counts == dict(expected):
                break
            time.sleep(0.3)
        elapsed = time.monotonic() - t0
        per_topic = asyncio.run(consume(s, topics.all_category_topics(), idle=2.0, timeout=30))
        cat = Counter(r.topic for r in per_topic)
        _print_report(counts, cat, len(enriched), len(dead), elapsed, topics)
        if counts != dict(expected):
            print(f"counts {counts} differ from the outputs {dict(expected)}", file=sys.stderr)
            return 1
        return 0
    finally:
        if worker is not None:
            worker.stop()
        broker.stop()


def _print_report(
    counts: dict[str, int],
    cat: Counter[str],
    n_enriched: int,
    n_dead: int,
    secs: float,
    topics: Topics,
) -> None:
    print(f"\n{n_enriched} stories enriched, {n_dead} dead-lettered, in {secs:.1f}s\n")
    print("Stories per country (GET /countries/)")
    print(f"  {'code':<5}{'country':<32}{'stories':>8}")
    for cc, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {cc:<5}{_country_name(cc):<32}{n:>8}")
    print("\nStories per category topic")
    for name in topics.all_category_topics():
        if cat.get(name):
            print(f"  {name:<48}{cat[name]:>8}")
    print()

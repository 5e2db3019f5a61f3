"""`newsstream run`: the whole job on a local broker, end to end, then the counts.

Starts the broker (the embedded Tansu one, or Apache Kafka with ``--engine kafka``) and one
worker, replays a story file, waits until every story came out on
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
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson
import pycountry

from streams.exitcodes import CommandError
from streams.kafka.producer import replay
from streams.kafka.subscriber import consume
from streams.local.engine import describe
from streams.local.stack import LocalStack
from streams.local.worker_process import WorkerProcess
from streams.settings import Settings
from streams.sources.seeds import load_stories
from streams.topics import Topics


def expected_counts(enriched_values: Iterable[bytes]) -> dict[str, int]:
    """Stories per country as the enriched outputs say (the last copy of a story wins)."""
    per_story: dict[str, list[str]] = {}
    for value in enriched_values:
        story = orjson.loads(value)
        per_story[story["id"]] = story["countries"]
    return dict(Counter(cc for ccs in per_story.values() for cc in ccs))


def wait_counts(
    worker: WorkerProcess, expected: dict[str, int], timeout: float = 60, poll: float = 0.5
) -> dict[str, int]:
    """Poll ``GET /countries/`` until it equals ``expected``, or return the last answer
    after ``timeout``: the table catches up with the outputs a little later."""
    deadline = time.monotonic() + timeout
    counts: dict[str, int] = {}
    while time.monotonic() < deadline:
        try:
            counts = json.loads(worker.get("/countries/"))["counts"]
        except OSError:
            counts = {}
        if counts == expected:
            return counts
        time.sleep(poll)
    return counts


def run_demo(path: Path, timeout: float = 180.0, engine: str = "tansu") -> int:
    """`newsstream run` on a fresh broker of ``engine`` (and a fresh data dir): 0 when the
    counts match the outputs, 1 when they do not or time ran out; a bad story file raises
    `InputError` before anything starts."""
    load_stories(path)  # a bad or empty file fails here, before anything starts
    work = Path(tempfile.mkdtemp(prefix="newsstream-run-"))
    env = {"NEWSSTREAM_LOG_LEVEL": os.environ.get("NEWSSTREAM_LOG_LEVEL", "info")}
    with LocalStack(work, env=env, ready_timeout=90, engine=engine) as stack:
        print(f"{describe(stack.local_broker)}; logs in {work}", file=sys.stderr)
        try:
            worker = stack.start_worker()
        except (RuntimeError, TimeoutError) as exc:
            first = str(exc).splitlines()[0]
            raise CommandError(f"{first}; the worker's log is in {work}") from exc
        return _replay_and_report(stack.settings, stack.topics, worker, path, timeout)


def _replay_and_report(
    s: Settings, topics: Topics, worker: WorkerProcess, path: Path, timeout: float
) -> int:
    t0 = time.monotonic()
    report = asyncio.run(replay(path, s, topic=topics.raw, show_progress=False))
    if report.error:
        print(f"replay failed: {report.error}", file=sys.stderr)
        return 1
    print(f"replayed {report.sent} stories from {path}", file=sys.stderr)
    out = _read_outputs(s, topics, set(report.ids), timeout)
    if out is None:
        print("timed out before every story came out; worker log:", file=sys.stderr)
        print(worker.tail_log(), file=sys.stderr)
        return 1
    enriched = [r for r in out if r.topic == topics.enriched]
    dead = [r for r in out if r.topic == topics.deadletter]
    expected = expected_counts(r.value for r in enriched)
    counts = wait_counts(worker, expected, timeout=60, poll=0.3)
    elapsed = time.monotonic() - t0
    routed = [*topics.all_category_topics(), topics.unclassified]
    per_topic = asyncio.run(consume(s, routed, idle=2.0, timeout=30))
    cat = Counter(r.topic for r in per_topic)
    _print_report(counts, cat, len(enriched), len(dead), elapsed, topics)
    if counts != expected:
        print(f"counts {counts} differ from the outputs {expected}", file=sys.stderr)
        return 1
    return 0


def _read_outputs(
    s: Settings, topics: Topics, expected_ids: set[str], timeout: float
) -> list[Any] | None:
    """Every story's output record (enriched or dead letter), or None after ``timeout``."""

    def seen_all(records: list[Any]) -> bool:
        got = set()
        for r in records:
            if r.topic == topics.enriched or r.key is not None:
                got.add(r.key.decode())
        return expected_ids <= got

    out = asyncio.run(
        consume(s, [topics.enriched, topics.deadletter], until=seen_all, timeout=timeout)
    )
    return out if seen_all(out) else None


def _country_name(code: str) -> str:
    c = pycountry.countries.get(alpha_2=code)
    return getattr(c, "common_name", None) or (c.name if c else code)


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
    for name in [*topics.all_category_topics(), topics.unclassified]:
        if cat.get(name):
            print(f"  {name:<48}{cat[name]:>8}")
    print()

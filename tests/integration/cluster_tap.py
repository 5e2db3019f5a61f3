"""A live tap on a pipeline for the cluster fault tests: a background consumer (no group)
that timestamps every story it sees on ``news.raw`` and ``news.enriched``, so a test can
say how many stories were in flight when a fault hit and how long the output stalled."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import pairwise

from aiokafka import AIOKafkaConsumer

from streams.kafka.client import client_kwargs
from streams.settings import Settings


@contextmanager
def tap(s: Settings, raw: str, enriched: str) -> Iterator[Tap]:
    """A running :class:`Tap` for the ``with`` block."""
    t = Tap(s, raw, enriched)
    t.start()
    try:
        yield t
    finally:
        t.stop()


class Tap:
    """Records (monotonic time, key) of every story on ``raw`` and ``enriched``."""

    def __init__(self, s: Settings, raw: str, enriched: str) -> None:
        self.settings = s
        self.raw, self.enriched = raw, enriched
        self.seen: dict[str, list[tuple[float, str]]] = {raw: [], enriched: []}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._run()), daemon=True)

    async def _run(self) -> None:
        consumer = AIOKafkaConsumer(
            self.raw,
            self.enriched,
            **client_kwargs(self.settings),
            group_id=None,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            fetch_max_wait_ms=50,
        )
        await consumer.start()
        try:
            while not self._stop.is_set():
                batch = await consumer.getmany(timeout_ms=200)
                now = time.monotonic()
                for tp, records in batch.items():
                    self.seen[tp.topic].extend((now, r.key.decode()) for r in records if r.key)
        finally:
            await consumer.stop()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(30)

    def ids(self, topic: str, before: float | None = None) -> set[str]:
        return {k for t, k in list(self.seen[topic]) if before is None or t < before}

    def in_flight(self, at: float) -> int:
        """Stories on news.raw by ``at`` that had not come out on news.enriched by then."""
        return len(self.ids(self.raw, at) - self.ids(self.enriched, at))

    def wait_all(self, ids: set[str], timeout: float) -> float:
        """Wait until every id came out on news.enriched; the time the last one did."""
        deadline = time.monotonic() + timeout
        while not ids <= self.ids(self.enriched):
            if time.monotonic() > deadline:
                missing = ids - self.ids(self.enriched)
                raise AssertionError(f"{len(missing)} stories never came out, e.g. {min(missing)}")
            time.sleep(0.5)
        return max(t for t, k in list(self.seen[self.enriched]) if k in ids)

    def longest_stall(self, start: float, end: float) -> float:
        """The longest time between two outputs on news.enriched within [start, end]."""
        times = sorted(t for t, _ in list(self.seen[self.enriched]) if start <= t <= end)
        points = [start, *times, end]
        return max(b - a for a, b in pairwise(points))

    def repeats(self) -> int:
        """Outputs beyond the first of each story (at-least-once: allowed, counted)."""
        return sum(n - 1 for n in Counter(k for _, k in self.seen[self.enriched]).values())

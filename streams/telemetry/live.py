"""In-process fan-out of what the worker just did, for the live dashboard (SSE).

The agents call :meth:`LiveFeed.publish`; each connected browser has a bounded queue, and
a slow browser loses events rather than slowing the stream.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any


class LiveFeed:
    def __init__(self, keep: int = 50, queue_size: int = 500) -> None:
        self.latest: deque[dict[str, Any]] = deque(maxlen=keep)
        self._subscribers: set[asyncio.Queue[dict[str, Any]]] = set()
        self._queue_size = queue_size

    def publish(self, event: dict[str, Any]) -> None:
        """``event`` = {"type": "story"|"counts", "data": ...}; never blocks."""
        if event.get("type") == "story":
            self.latest.appendleft(event["data"])
        for q in self._subscribers:
            if not q.full():
                q.put_nowait(event)

    def subscribe(self) -> asyncio.Queue[dict[str, Any]]:
        q: asyncio.Queue[dict[str, Any]] = asyncio.Queue(self._queue_size)
        self._subscribers.add(q)
        return q

    def unsubscribe(self, q: asyncio.Queue[dict[str, Any]]) -> None:
        self._subscribers.discard(q)

    @property
    def has_subscribers(self) -> bool:
        return bool(self._subscribers)


feed = LiveFeed()

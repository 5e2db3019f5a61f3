"""The in-process fan-out behind the live dashboard (streams/telemetry/live.py)."""

from __future__ import annotations

import asyncio

from streams.telemetry.live import LiveFeed


def _story(i: int) -> dict[str, object]:
    return {"type": "story", "data": {"id": f"s{i}"}}


def test_latest_keeps_the_newest_stories_first() -> None:
    feed = LiveFeed(keep=3)
    for i in range(5):
        feed.publish(_story(i))
    feed.publish({"type": "counts", "data": {"FR": 1}})  # not a story: not kept
    assert [s["id"] for s in feed.latest] == ["s4", "s3", "s2"]


def test_every_subscriber_gets_every_event_in_order() -> None:
    async def run() -> None:
        feed = LiveFeed()
        a, b = feed.subscribe(), feed.subscribe()
        events = [_story(1), {"type": "counts", "data": {}}, _story(2)]
        for e in events:
            feed.publish(e)
        for q in (a, b):
            assert [q.get_nowait() for _ in range(q.qsize())] == events

    asyncio.run(run())


def test_a_slow_subscriber_loses_events_instead_of_blocking() -> None:
    async def run() -> None:
        feed = LiveFeed(queue_size=2)
        slow, fast = feed.subscribe(), feed.subscribe()
        for i in range(5):
            feed.publish(_story(i))  # never raises QueueFull, never waits
            if not fast.empty():
                assert fast.get_nowait() == _story(i)
        assert slow.qsize() == 2
        assert [slow.get_nowait(), slow.get_nowait()] == [_story(0), _story(1)]

    asyncio.run(run())


def test_unsubscribe_stops_delivery() -> None:
    async def run() -> None:
        feed = LiveFeed()
        assert not feed.has_subscribers
        q = feed.subscribe()
        assert feed.has_subscribers
        feed.unsubscribe(q)
        feed.unsubscribe(q)  # twice is harmless (a browser that disconnects late)
        assert not feed.has_subscribers
        feed.publish(_story(1))
        assert q.empty()
        assert [s["id"] for s in feed.latest] == ["s1"]

    asyncio.run(run())

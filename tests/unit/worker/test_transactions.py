"""The transactional ``process`` agent's parts: the transactional id of a source
partition, a batch split by partition, and the commit that waits for a part in flight."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest

from streams.settings import Settings
from streams.worker.app import create_app
from streams.worker.transactions import _by_partition, guard_commits, transactional_id


def test_transactional_id_is_fausts_for_the_raw_partition(monkeypatch: pytest.MonkeyPatch) -> None:
    news = create_app(Settings(app_id="unit-eos", broker_engine="kafka", topic_prefix="u."))
    groups = {"u.news.raw": 1}
    monkeypatch.setattr(news.app.assignor, "group_for_topic", groups.__getitem__)
    # TransactionManager.transactional_id_format: "{group_id}-{tpg.group}-{tpg.partition}"
    assert transactional_id(news, 3) == "unit-eos-1-3"


def test_a_batch_splits_by_source_partition_in_order() -> None:
    events = [
        SimpleNamespace(message=SimpleNamespace(partition=p, offset=o))
        for p, o in [(0, 5), (1, 9), (0, 6), (2, 1), (1, 10)]
    ]
    parts = _by_partition(events)
    assert {p: [e.message.offset for e in evs] for p, evs in parts.items()} == {
        0: [5, 6],
        1: [9, 10],
        2: [1],
    }


def test_commit_waits_for_the_part_in_flight_and_flushes_first() -> None:
    calls: list[str] = []

    async def commit(offsets: Any, start_new_transaction: bool = True) -> bool:
        calls.append(f"commit {offsets} {start_new_transaction}")
        return True

    async def flush() -> None:
        calls.append("flush")

    manager = SimpleNamespace(commit=commit)
    news: Any = SimpleNamespace(
        app=SimpleNamespace(
            consumer=SimpleNamespace(transactions=manager), producer=SimpleNamespace(flush=flush)
        )
    )

    async def run() -> bool:
        lock = guard_commits(news)
        async with lock:  # a part of a batch in flight
            pending = asyncio.ensure_future(manager.commit({"tp": 7}, start_new_transaction=False))
            await asyncio.sleep(0.01)
            assert not pending.done() and calls == []
            calls.append("part done")
        return await pending

    assert asyncio.run(run()) is True
    assert calls == ["part done", "flush", "commit {'tp': 7} False"]

"""The worker's crash policy: an agent's error is recorded for /health/ and ends the worker
(exit 1, after a moment), instead of Faust's silent in-place restart."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from streams.settings import Settings
from streams.worker import main as worker_main
from streams.worker.app import create_app


def test_agent_error_is_recorded_and_stops_the_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    news = create_app(Settings(app_id="crash-unit"))
    exits: list[int] = []
    monkeypatch.setattr(worker_main.os, "_exit", exits.append)
    monkeypatch.setattr(worker_main, "CRASH_STOP_DELAY_S", 0.01)
    handler = worker_main._stop_on_crash(news)

    class Agent:
        name = "streams.worker.process.process"

    async def crash() -> None:
        task = asyncio.ensure_future(handler(Agent(), RuntimeError("injected")))
        await asyncio.sleep(0)
        assert not news.health.ok and exits == []  # reported first, ended a moment later
        await task

    asyncio.run(crash())
    assert news.health.crashed == {"process": "RuntimeError: injected"}
    assert exits == [worker_main.CRASH_EXIT] == [1]


def test_every_agent_gets_the_handler() -> None:
    news = worker_main.build_worker(Settings(app_id="crash-unit-2"))
    handlers: list[Any] = [agent._on_error for agent in news.app.agents.values()]
    assert len(handlers) == 2 and all(h is not None for h in handlers)


def test_the_highwater_probe_is_for_the_embedded_broker_only() -> None:
    assert worker_main._probe_kwargs(Settings(broker_engine="tansu")) is not None
    assert worker_main._probe_kwargs(Settings(broker_engine="kafka")) is None

"""Before Faust starts: the web port is checked, and a missing broker is waited for with
a message naming the address and what to start. Once it runs: an agent's error is recorded
for /health/ and ends the worker (exit 1, after a moment), instead of Faust's silent
in-place restart."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import pytest

import streams.worker.main as worker_main
from streams.exitcodes import ExitCode, PortInUse, Stopped
from streams.kafka.connect import OnRetry
from streams.settings import Settings
from streams.worker.app import create_app


def test_a_taken_web_port_is_one_sentence_and_exit_5(no_env: None) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(PortInUse) as exc:
            worker_main.check_web_port(Settings(web_port=port))
    assert exc.value.code == ExitCode.PORT_IN_USE == 5
    assert str(exc.value) == (
        f"the web port 127.0.0.1:{port} is in use (another worker?); stop it or set "
        "NEWSSTREAM_WEB_PORT to a free port"
    )


def test_waits_for_the_broker_saying_where_and_what_to_start(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], no_env: None
) -> None:
    async def ensure_topics(
        s: Settings, retries: int | None, *, on_retry: OnRetry, **_: Any
    ) -> list[str]:
        assert retries is None  # a worker waits as long as it takes
        on_retry(1, 1.0, ConnectionRefusedError())
        on_retry(2, 2.0, ConnectionRefusedError())
        return []

    monkeypatch.setattr(worker_main, "ensure_topics", ensure_topics)
    assert worker_main.wait_for_broker(Settings(broker_url="kafka://10.1.2.3:9999")) is True
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        f"worker: no Kafka broker at 10.1.2.3:9999 (ConnectionRefusedError); start one with "
        f"`newsstream broker` or point NEWSSTREAM_BROKER_URL at a running one; retrying in {d} s"
        for d in ("1.0", "2.0")
    ]


def test_a_signal_while_waiting_ends_the_worker_cleanly(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], no_env: None
) -> None:
    async def ensure_topics(s: Settings, retries: int | None, **_: Any) -> list[str]:
        raise Stopped("stopped by SIGTERM while waiting for the Kafka broker at x:1", ExitCode.OK)

    monkeypatch.setattr(worker_main, "ensure_topics", ensure_topics)
    monkeypatch.setattr(worker_main, "check_web_port", lambda s: None)
    monkeypatch.setattr(worker_main, "build_worker", lambda s: pytest.fail("Faust started"))
    assert worker_main.run_worker(Settings()) == ExitCode.OK
    assert capsys.readouterr().err.strip() == (
        "worker: stopped by SIGTERM while waiting for the Kafka broker at x:1"
    )


@pytest.fixture
def no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NEWSSTREAM_BROKER_URL", "NEWSSTREAM_WEB_PORT", "NEWSSTREAM_WEB_HOST"):
        monkeypatch.delenv(name, raising=False)


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


@pytest.mark.parametrize(
    ("guarantee", "module"),
    [("at_least_once", "streams.worker.process"), ("exactly_once", "streams.worker.transactions")],
)
def test_the_guarantee_picks_the_process_agent(guarantee: str, module: str) -> None:
    s = Settings(app_id="unit-eos", broker_engine="kafka", processing_guarantee=guarantee)  # type: ignore[arg-type]
    news = worker_main.build_worker(s)
    assert news.app.conf.processing_guarantee.value == guarantee
    assert news.app.agents["process"].fun.__module__ == module

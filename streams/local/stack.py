"""One local stack: a broker, the pipeline's topics and worker processes, started together
and stopped together.

`newsstream run`, the benchmark and the integration tests all start their broker, topics and
workers through :class:`LocalStack`, so a worker gets the same environment, port, data
directory and log file whoever starts it, and nothing is left running after an error.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from streams.kafka.admin import ensure_topics
from streams.local.broker import BrokerError, EmbeddedBroker, free_port, start_broker
from streams.local.engine import ENGINES, Broker
from streams.local.worker_process import WORKER_READY_S, WorkerProcess, start_worker
from streams.settings import Settings
from streams.topics import Topics


def start_local_broker(work: Path) -> EmbeddedBroker:
    """The embedded broker on a free local port, logging to ``work/broker.log``."""
    return start_broker("127.0.0.1", free_port(), log_path=work / "broker.log")


def start_engine(work: Path, engine: str = "tansu", nodes: int = 1) -> Broker:
    """A broker of ``engine`` on free local ports: the embedded one (:func:`start_local_broker`)
    or Apache Kafka with its data and logs under ``work/kafka``."""
    if engine == "kafka":
        from streams.local.kafka import start_kafka

        return start_kafka(work / "kafka", nodes=nodes)
    if engine not in ENGINES:
        raise BrokerError(f"unknown engine {engine!r}: one of {', '.join(ENGINES)}")
    if nodes != 1:
        raise BrokerError("the embedded broker runs one node; --nodes needs --engine kafka")
    return start_local_broker(work)


def settings_for(broker_url: str, env: Mapping[str, str]) -> Settings:
    """The settings a worker started with ``env`` reads (its ``NEWSSTREAM_*`` values over
    this process's environment), so this process's own clients see the same topics."""
    prefix = str(Settings.model_config.get("env_prefix", ""))
    fields: dict[str, Any] = {}  # strings: pydantic parses them as it parses the env
    for key, value in env.items():
        name = key.removeprefix(prefix).lower()
        if key.startswith(prefix) and name in Settings.model_fields:
            fields[name] = value
    return Settings(**{**fields, "broker_url": broker_url})


class LocalStack:
    """A broker (of ``engine``, ``nodes`` of them for Apache Kafka, started here, unless
    ``broker_url`` names a running one), the pipeline's topics under the prefix ``env``
    sets, and the workers started on them.

    ``work`` holds the logs (``broker.log``, ``worker<N>.log``) and the workers' data
    directories (``data<N>``). ``env`` is every worker's ``NEWSSTREAM_*`` overrides, on top
    of this process's environment. :meth:`stop` (or leaving the ``with`` block) stops
    everything this stack started, also after a start that failed half-way.
    """

    def __init__(
        self,
        work: Path,
        *,
        broker_url: str | None = None,
        env: Mapping[str, str] | None = None,
        ready_timeout: float = WORKER_READY_S,
        engine: str = "tansu",
        nodes: int = 1,
    ) -> None:
        self.work = work
        # the workers switch the embedded broker's workarounds by this (streams/settings.py)
        self.env: dict[str, str] = {"NEWSSTREAM_BROKER_ENGINE": engine, **(env or {})}
        self.ready_timeout = ready_timeout
        self.engine = engine
        self.nodes = nodes
        self.broker: Broker | None = None
        self.workers: list[WorkerProcess] = []
        self._broker_url = broker_url
        self._settings: Settings | None = None

    @property
    def broker_url(self) -> str:
        if self._broker_url is not None:
            return self._broker_url
        return self.local_broker.url

    @property
    def local_broker(self) -> Broker:
        """The broker this stack started, of either engine (an error when it runs on a
        given broker)."""
        if self.broker is None:
            raise RuntimeError("this stack started no broker")
        return self.broker

    @property
    def embedded_broker(self) -> EmbeddedBroker:
        """The embedded broker this stack started (an error otherwise)."""
        if not isinstance(self.broker, EmbeddedBroker):
            raise RuntimeError("this stack started no embedded broker")
        return self.broker

    @property
    def settings(self) -> Settings:
        """What the workers read, for clients in this process (set by :meth:`start`)."""
        if self._settings is None:
            raise RuntimeError("the stack is not started")
        return self._settings

    @property
    def topics(self) -> Topics:
        return Topics(self.settings.topic_prefix)

    def start(self) -> Self:
        """Start the broker (unless given one) and create the topics."""
        if self._settings is not None:
            return self
        try:
            if self._broker_url is None:
                self.broker = start_engine(self.work, self.engine, self.nodes)
            self._settings = settings_for(self.broker_url, self.env)
            self.create_topics()
        except BaseException:
            self.stop()
            raise
        return self

    def create_topics(self, prefix: str | None = None) -> None:
        """Create the pipeline's topics, under ``prefix`` instead of the stack's own for a
        client that needs a separate set (the benchmark's framework-free loops)."""
        s = self.settings
        if prefix is not None:
            s = s.model_copy(update={"topic_prefix": prefix})
        asyncio.run(ensure_topics(s))

    def start_worker(self, data_dir: Path | None = None, **env: str) -> WorkerProcess:
        """One more worker (``env`` over the stack's), once its web server answers."""
        worker = self._spawn(data_dir, env)
        worker.wait_ready(self.ready_timeout)
        return worker

    def start_workers(self, n: int, **env: str) -> list[WorkerProcess]:
        """``n`` more workers, started together so they load their models in parallel."""
        workers = [self._spawn(None, env) for _ in range(n)]
        for worker in workers:
            worker.wait_ready(self.ready_timeout)
        return workers

    def _spawn(self, data_dir: Path | None, env: Mapping[str, str]) -> WorkerProcess:
        n = len(self.workers)
        worker = start_worker(
            broker_url=self.broker_url,
            web_port=free_port(),
            data_dir=data_dir or self.work / f"data{n}",
            log_path=self.work / f"worker{n}.log",
            env={**self.env, **env},
        )
        self.workers.append(worker)  # before waiting: stop() must reach a worker that hangs
        return worker

    def stop_workers(self) -> None:
        """Stop every worker (a no-op for one already stopped or killed); one that fails to
        stop does not keep the others running."""
        errors: list[Exception] = []
        for worker in self.workers:
            try:
                worker.stop()
            except Exception as exc:
                errors.append(exc)
        if errors:
            raise errors[0]

    def stop(self) -> None:
        """Stop the workers, then the broker if this stack started it."""
        try:
            self.stop_workers()
        finally:
            if self.broker is not None:
                self.broker.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

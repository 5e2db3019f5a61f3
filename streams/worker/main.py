"""Build the worker (app, agents, views, timers) and run it with ``faust.Worker``.

Nothing here runs at import: ``newsstream worker`` calls :func:`run_worker`, tests and the
benchmark call :func:`build_worker` to get a fully wired app. Before Faust starts,
:func:`run_worker` checks its web port and waits for the broker (creating the topics),
because Faust itself meets a missing broker with a traceback after a few retries.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import gc
import logging
import os
import socket
import sys
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import faust

from streams.enrich import enrich_story
from streams.exitcodes import ExitCode, InputError, PortInUse, Stopped, stop_on_signals
from streams.kafka.admin import ensure_topics
from streams.kafka.connect import broker_address, start_hint
from streams.settings import Settings
from streams.telemetry import metrics
from streams.web import register_views
from streams.worker import count, diagnostics, faust_private, process, transactions
from streams.worker.app import NewsApp, create_app
from streams.worker.state import attach_state
from streams.worker.watch import CHECK_INTERVAL_S, DeliveryWatch, RecoveryWatch

#: Exit code of a worker ended because an agent crashed (its supervisor restarts it).
CRASH_EXIT = ExitCode.FAILED
#: Seconds between an agent's crash and the worker's exit: /health/ answers 503 meanwhile.
CRASH_STOP_DELAY_S = 1.0
log = logging.getLogger(__name__)

#: Faust's level names; "warn" makes Faust build a DEBUG record per message behind its
#: spinner (docs/performance.md), so quiet levels still run Faust at "info".
_FAUST_LEVELS = {"warning": "info", "warn": "info", "critical": "crit"}


def build_worker(s: Settings) -> NewsApp:
    """Patch the driver (once), then build the app with both agents and every view."""
    faust_private.apply(
        s.fetch_max_wait_ms,
        probe_kwargs=_probe_kwargs(s),
        fetch_min_bytes=s.worker_fetch_min_bytes,
    )
    news = create_app(s)
    exactly_once = s.processing_guarantee == "exactly_once"
    register = transactions.register if exactly_once else process.register
    if exactly_once:  # the deltas come back through transactions: markers between them
        faust_private.GAPS_AT_COMMITTED.add(news.deltas_topic.get_topic_name())
    agents = [register(news, attach_state(news)), count.register(news)]
    for agent in agents:
        faust_private.on_agent_error(agent, _stop_on_crash(news))
    register_views(news)
    _add_timers(news)
    return news


def _stop_on_crash(news: NewsApp) -> Callable[[Any, BaseException], Awaitable[None]]:
    """An agent's error handler: report the crash on /health/, then end the process with
    exit code 1. Faust would restart the agent in place, but the events of the batch it
    dropped are never acknowledged, so no offset after them is committed and even a graceful
    stop waits for them forever: a worker that says "ready" while nothing moves. A new
    process re-reads from the last commit, and the watermarks skip what was already done
    (docs/reliability.md)."""

    async def on_error(agent: Any, exc: BaseException) -> None:
        name = str(getattr(agent, "name", agent)).rsplit(".", 1)[-1]
        news.health.record(name, exc)
        log.critical(
            "agent %s crashed (%s: %s); the worker exits %d: restart it to resume from the "
            "last committed offsets",
            name,
            type(exc).__name__,
            exc,
            CRASH_EXIT,
        )
        # A moment first, so that probes see the crash on /health/ before it stops answering.
        # Faust restarts the agent only once this returns, which it never does: a restarted
        # agent would ack later events, and Faust commits past the unacked gap they leave.
        await asyncio.sleep(CRASH_STOP_DELAY_S)
        _exit_now()

    return on_error


def _exit_now() -> None:
    """Exit at once (no graceful stop: it would wait for the dropped batch forever)."""
    for handler in logging.getLogger().handlers:
        handler.flush()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(int(CRASH_EXIT))


def _probe_kwargs(s: Settings) -> dict[str, object] | None:
    """The highwater probe's connection, or None where end offsets are right: the probe
    corrects the embedded broker's; on Apache Kafka it would only add a consumer start and
    an idle read to every table recovery."""
    if s.broker_engine != "tansu":
        return None
    from streams.kafka.client import client_kwargs

    return client_kwargs(s)


def _add_timers(news: NewsApp) -> None:
    app = news.app

    @app.timer(interval=5.0)
    async def report_consumer_lag() -> None:
        consumer = app.consumer
        for tp in consumer.assignment():
            committed = faust_private.committed_offset(consumer, tp)
            try:
                hw = consumer.highwater(tp)
            except Exception:
                continue
            if hw is not None and committed is not None:
                lag = max(0, hw - committed)
                metrics.consumer_lag.labels(tp.topic, str(tp.partition)).set(lag)

    # Both agents' sources: a delta read again is skipped by its row's source offsets.
    # On the deltas topic under exactly_once a transaction marker ends each partition's
    # log, so an idle partition looks stuck once per commit: one cheap re-read.
    watches = {
        news.raw_topic.get_topic_name(): DeliveryWatch(),
        news.deltas_topic.get_topic_name(): DeliveryWatch(),
    }

    watch_recovery = _recovery_watcher(app)

    @app.timer(interval=CHECK_INTERVAL_S)
    async def watch_delivery() -> None:
        consumer = app.consumer
        if not (app.flow_control.is_active() and getattr(consumer, "flow_active", False)):
            return
        await watch_recovery(consumer)
        for topic, watch in watches.items():
            try:
                positions = faust_private.delivery_positions(consumer, topic)
            except Exception as exc:  # not started yet, or mid-rebalance: look again later
                log.debug("delivery watch skipped: %r", exc)
                return
            for part, offset in watch.check(positions).items():
                log.warning(
                    "%s:%d: fetched past records never delivered; reading again from %d",
                    topic,
                    part,
                    offset,
                )
                await faust_private.seek_back(consumer, topic, part, offset)

    @app.task
    async def install_diagnostics() -> None:
        diagnostics.install(app)  # kill -USR1 <pid>: consumer state and task stacks in the log


def _recovery_watcher(app: faust.App) -> Callable[[Any], Awaitable[None]]:
    """The check of table recovery (``RecoveryWatch``) that the delivery timer runs: a
    changelog partition that recovery stopped receiving is read again."""
    watch: RecoveryWatch[Any] = RecoveryWatch()

    async def watch_recovery(consumer: Any) -> None:
        for tp, offset in watch.check(faust_private.recovery_progress(app)).items():
            log.warning(
                "%s:%d: table recovery received nothing for %.0f s (%s); reading again from %d",
                tp.topic,
                tp.partition,
                2 * CHECK_INTERVAL_S,
                faust_private.fetch_state(consumer, tp),
                offset,
            )
            await faust_private.seek_back(consumer, tp.topic, tp.partition, offset)

    return watch_recovery


def warm_up(s: Settings) -> None:
    """Load the enrichment models now, not on the first story (the first batch would wait
    ~2 s), then move them out of the collector's view: they live as long as the process,
    and every full collection would walk them again."""
    enrich_story("Warm-up in Paris", "Markets in France and Germany rose on Monday.", s.tagger)
    gc.collect()
    gc.freeze()


def check_web_port(s: Settings) -> None:
    """Fail now, in one sentence, if the web port is taken (Faust would fail later, after
    joining the group, with a traceback)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as aiohttp binds
        try:
            sock.bind((s.web_host, s.web_port))
        except OSError as exc:
            where = f"{s.web_host}:{s.web_port}"
            if exc.errno == errno.EADDRINUSE:
                raise PortInUse(
                    f"the web port {where} is in use (another worker?); stop it or set "
                    "NEWSSTREAM_WEB_PORT to a free port"
                ) from exc
            raise InputError(f"cannot listen on {where}: {exc.strerror or exc}") from exc


@contextlib.contextmanager
def _quiet(logger: str) -> Iterator[None]:
    """Hide a library's errors while this module reports the same condition itself."""
    log = logging.getLogger(logger)
    level = log.level
    log.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        log.setLevel(level)


def wait_for_broker(s: Settings) -> bool:
    """Create the pipeline's topics, waiting with backoff while the broker is unreachable
    and saying, at each retry, which address was tried and what to start. False when
    SIGINT or SIGTERM stopped the wait."""

    def say(attempt: int, delay: float, exc: BaseException) -> None:
        print(
            f"worker: no Kafka broker at {broker_address(s)} ({type(exc).__name__}); "
            f"{start_hint()}; retrying in {delay:.1f} s",
            file=sys.stderr,
            flush=True,
        )

    async def wait() -> None:
        with stop_on_signals() as stop:
            await ensure_topics(s, retries=None, stop=stop, on_retry=say)

    try:
        with _quiet("aiokafka"):
            asyncio.run(wait())
    except Stopped as exc:
        print(f"worker: {exc}", file=sys.stderr)
        return False
    return True


def run_worker(s: Settings) -> int:
    """Run one worker until it is stopped (SIGTERM, SIGINT); its exit code."""
    check_web_port(s)
    if not wait_for_broker(s):
        return ExitCode.OK  # a service stopped on request, even before it started
    news = build_worker(s)
    warm_up(s)
    app = news.app
    app.finalize()
    app.worker_init()
    app.worker_init_post_autodiscover()
    level = _FAUST_LEVELS.get(s.log_level, s.log_level)
    worker = faust.Worker(app, loglevel=level)
    try:
        worker.execute_from_commandline()
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0

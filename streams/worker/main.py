"""Build the worker (app, agents, views, timers) and run it with ``faust.Worker``.

Nothing here runs at import: ``newsstream worker`` calls :func:`run_worker`, tests and the
benchmark call :func:`build_worker` to get a fully wired app.
"""

from __future__ import annotations

import gc

import faust

from streams.enrich import enrich_story
from streams.settings import Settings
from streams.telemetry import metrics
from streams.web import register_views
from streams.worker import count, diagnostics, faust_private, process
from streams.worker.app import NewsApp, create_app
from streams.worker.state import attach_state

#: Faust's level names; "warn" makes Faust build a DEBUG record per message behind its
#: spinner (docs/performance.md), so quiet levels still run Faust at "info".
_FAUST_LEVELS = {"warning": "info", "warn": "info", "critical": "crit"}


def build_worker(s: Settings) -> NewsApp:
    """Patch the driver (once), then build the app with both agents and every view."""
    faust_private.apply(
        s.fetch_max_wait_ms,
        probe_kwargs=_probe_kwargs(s),
        fetch_min_bytes=s.fetch_min_bytes,
    )
    news = create_app(s)
    process.register(news, attach_state(news))
    count.register(news)
    register_views(news)
    _add_timers(news)
    return news


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

    @app.task
    async def install_diagnostics() -> None:
        diagnostics.install(app)  # kill -USR1 <pid>: consumer state and task stacks in the log


def warm_up(s: Settings) -> None:
    """Load the enrichment models now, not on the first story (the first batch would wait
    ~2 s), then move them out of the collector's view: they live as long as the process,
    and every full collection would walk them again."""
    enrich_story("Warm-up in Paris", "Markets in France and Germany rose on Monday.", s.tagger)
    gc.collect()
    gc.freeze()


def run_worker(s: Settings) -> int:
    """Run one worker until it is stopped (SIGTERM, SIGINT); its exit code."""
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

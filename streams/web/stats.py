"""``GET /stats/``: what the workers did since they started, gathered from all of them.

The dashboard's header shows these numbers, not what one page happened to receive. They
come from the Prometheus counters of :mod:`streams.telemetry.metrics` (the numbers
``/metrics`` serves), summed over every worker that owns part of the count table, each
asked at ``/internal/stats/``. Counters live in a worker's memory: a restarted worker
starts again from zero, which ``since`` (the oldest start among the answers) tells.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from faust.web import Blueprint, Request, Response, View
from prometheus_client import Counter

from streams.telemetry import metrics

# The peers are asked as /countries/ asks them: the same hosts, the same time limit.
from streams.web.countries import _PEER_TIMEOUT
from streams.worker.app import NewsApp

__all__ = ["blueprint", "local_stats", "merge_stats"]

#: Answer field -> the counter it reads (every label summed).
_TOTALS: dict[str, Counter] = {
    "events_in": metrics.events_in,
    "processed": metrics.stories_enriched,
    "dead_lettered": metrics.dead_letters,
    "duplicates": metrics.duplicates,
    "near_duplicates": metrics.near_duplicates,
}


def _samples(counter: Counter) -> Iterable[tuple[dict[str, str], float]]:
    """(labels, value) of each ``_total`` sample of ``counter`` (not its ``_created``)."""
    for family in counter.collect():
        for sample in family.samples:
            if sample.name.endswith("_total"):
                yield sample.labels, sample.value


def local_stats(started: float) -> dict[str, Any]:
    """This process's counts, and ``started``, the time its counters started (Unix s)."""
    out: dict[str, Any] = {name: int(sum(v for _, v in _samples(c))) for name, c in _TOTALS.items()}
    reasons: dict[str, int] = {}
    for labels, value in _samples(metrics.dead_letters):
        reason = labels.get("reason", "")
        reasons[reason] = reasons.get(reason, 0) + int(value)
    out["dead_letter_reasons"] = dict(sorted(reasons.items()))
    out["started"] = started
    return out


def merge_stats(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """The sum of several workers' :func:`local_stats`; ``since`` is the oldest start."""
    out: dict[str, Any] = {name: 0 for name in _TOTALS}
    reasons: dict[str, int] = {}
    for part in parts:
        for name in _TOTALS:
            out[name] += int(part.get(name, 0))
        for reason, n in part.get("dead_letter_reasons", {}).items():
            reasons[reason] = reasons.get(reason, 0) + int(n)
    out["dead_letter_reasons"] = dict(sorted(reasons.items()))
    starts = [float(p["started"]) for p in parts if p.get("started")]
    out["since"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(min(starts))) if starts else None
    out["workers"] = len(parts)
    return out


async def _gather(news: NewsApp, mine: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """Every worker's stats (this one's given), and the errors of the peers that failed."""
    parts, errors = [mine], []
    me = str(news.app.conf.canonical_url).rstrip("/")
    for host in news.app.router.table_metadata(news.counts.name):
        url = host.rstrip("/")
        if url == me:
            continue
        try:
            client = news.app.http_client
            async with client.get(f"{url}/internal/stats/", timeout=_PEER_TIMEOUT) as r:
                parts.append(await r.json())
        except Exception as exc:
            errors.append(f"{url}: {type(exc).__name__}")
    return parts, errors


def blueprint(news: NewsApp) -> Blueprint:
    """``/stats/`` and the ``/internal/stats/`` it gathers from the peers."""
    bp = Blueprint("stats")
    started = time.time()

    @bp.route("/stats/", name="stats")
    class StatsView(View):
        """The counts of all workers: processed, dead-lettered, duplicates."""

        async def get(self, request: Request) -> Response:
            parts, errors = await _gather(news, local_stats(started))
            body = merge_stats(parts)
            body.update(complete=not errors, errors=errors)
            return self.json(body, headers={"Cache-Control": "no-cache"})

    @bp.route("/internal/stats/", name="internal_stats")
    class LocalStatsView(View):
        """This worker's counts, for the gathering view of its peers."""

        async def get(self, request: Request) -> Response:
            return self.json(local_stats(started))

    return bp

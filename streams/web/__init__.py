"""The worker's HTTP views, each group a Faust Blueprint, and the limits they run under.

* :mod:`~streams.web.countries`: ``/countries/``, ``/countries/{code}/`` (and the
  ``/internal/rows/`` the list view gathers from peers);
* :mod:`~streams.web.trending`: ``/trending/``;
* :mod:`~streams.web.ops`: ``/metrics``, ``/health/``;
* :mod:`~streams.web.stats`: ``/stats/``, the counts of all workers the dashboard's header
  shows (and the ``/internal/stats/`` it gathers from peers);
* :mod:`~streams.web.dashboard`: the live dashboard ``/`` with its assets, ``/latest/``,
  ``/events/`` (Server-Sent Events) and ``/country-names/``;
* :mod:`~streams.web.limits`: read-only methods and request size limits (aiohttp).

With streams/worker/, the only package that imports Faust.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from streams.worker.app import NewsApp

__all__ = ["register_views"]


def register_views(news: NewsApp) -> None:
    """Register every view of the worker on its app."""
    # Imported here: the views import streams.worker.app, which imports streams.web.limits.
    from streams.web import countries, dashboard, ops, stats, trending

    countries.blueprint(news).register(news.app)
    trending.blueprint(news).register(news.app)
    ops.blueprint(news.settings.app_id, news.health).register(news.app)
    stats.blueprint(news).register(news.app)
    dashboard.register(news.app)

"""``GET /countries/`` (``?language=de``: stories in one language) and
``GET /countries/{code}/``: the running counts per country.

Each worker holds the rows of the table partitions it owns; the list view gathers every
worker's share over HTTP (``/internal/rows/``), the detail view asks the owner of the
code's partition.
"""

from __future__ import annotations

import re
from typing import Any

import aiohttp
from faust.web import Blueprint, Request, Response, View

from schemas.models import LANGUAGE_PATTERN
from streams.pipeline.counting import Row, country_counts
from streams.web.dashboard import country_names
from streams.worker.app import NewsApp

_PEER_TIMEOUT = aiohttp.ClientTimeout(total=5)
#: What ``?language=`` accepts: the codes stories carry (ISO 639-1, or und).
LANGUAGE_CODE = re.compile(LANGUAGE_PATTERN)


#: Why a worker's share may not be the table's: it is between two assignments.
REBALANCING = "rebalancing: its share of the table may be stale or still recovering"


async def gather_rows(news: NewsApp) -> tuple[dict[str, Row], list[str]]:
    """All table rows, asking every worker that owns part of the table; the errors of the
    workers that did not answer or were rebalancing. A worker between assignments (Faust's
    ``app.rebalancing``, which lasts until its tables have recovered) knows neither which
    rows are its own nor who owns the others: a member stuck in a revocation that the group
    already gave up on would otherwise answer its old rows as complete."""
    app = news.app
    rows = news.local_rows()
    me = str(app.conf.canonical_url).rstrip("/")
    errors: list[str] = [f"{me}: {REBALANCING}"] if app.rebalancing else []
    hosts = [h.rstrip("/") for h in app.router.table_metadata(news.counts.name)]
    for host in hosts:
        if host == me:
            continue
        try:
            async with app.http_client.get(f"{host}/internal/rows/", timeout=_PEER_TIMEOUT) as r:
                share = await r.json()
            rows.update(share["rows"])
            if share.get("rebalancing"):
                errors.append(f"{host}: {REBALANCING}")
        except Exception as exc:
            errors.append(f"{host}: {type(exc).__name__}")
    return rows, errors


def _owner(news: NewsApp, code: str) -> str | None:
    """The URL of the worker that owns ``code``'s row (None before assignment)."""
    partition = news.partition_of(code)
    changelog = news.counts.changelog_topic.get_topic_name()
    owner = None
    for host, assigned in news.app.router.table_metadata(news.counts.name).items():
        if partition in assigned.get(changelog, []):
            owner = host.rstrip("/")
    return owner


def blueprint(news: NewsApp) -> Blueprint:
    """The count views of ``news``."""
    bp = Blueprint("countries")

    @bp.route("/countries/", name="list")
    class CountriesView(View):
        """Every country's count, gathered from all workers, highest first;
        ``?language=de`` counts only the stories detected in that language."""

        async def get(self, request: Request) -> Response:
            language = request.query.get("language")
            if language is not None:
                language = language.strip().lower()
                if not LANGUAGE_CODE.match(language):
                    error = f"language {language!r}: use an ISO 639-1 code such as de, or und"
                    return self.json({"error": error}, status=400)
            rows, errors = await gather_rows(news)
            counts = country_counts(rows, language)
            ordered = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
            body: dict[str, Any] = {"counts": ordered, "complete": not errors, "errors": errors}
            if language is not None:
                body["language"] = language
            return self.json(body)

    @bp.route("/countries/{code}/", name="detail")
    class CountryView(View):
        """One country's count, answered by the worker owning it."""

        async def get(self, request: Request, code: str) -> Response:
            return await _country(self, news, code)

    @bp.route("/internal/rows/", name="internal_rows")
    class RowsView(View):
        """This worker's share of the table, for the gathering views of its peers."""

        async def get(self, request: Request) -> Response:
            return self.json({"rows": news.local_rows(), "rebalancing": news.app.rebalancing})

    return bp


def _unknown(code: str) -> dict[str, str]:
    return {"error": f"unknown country code {code!r}: expected ISO 3166-1 alpha-2, e.g. DE"}


async def _country(web: View, news: NewsApp, code: str) -> Any:
    """The owner's count: 200 with count 0 for a country not seen yet, 404 with a reason
    for a code that names no country (a code the tagger emits, e.g. XK, counts once seen)."""
    cc = code.upper()
    if not (len(cc) == 2 and cc.isalpha()):
        return web.json(_unknown(code), status=404)
    owner = _owner(news, cc)
    if owner is None:
        return web.json({"error": "partitions not assigned yet; retry"}, status=503)
    if news.app.rebalancing:  # the owner it knows may be stale (see gather_rows)
        return web.json({"error": f"this worker is {REBALANCING}; retry"}, status=503)
    if owner != str(news.app.conf.canonical_url).rstrip("/"):
        try:
            url = f"{owner}/countries/{cc}/"
            async with news.app.http_client.get(url, timeout=_PEER_TIMEOUT) as r:
                return web.json(await r.json(), status=r.status)
        except Exception as exc:
            return web.json(
                {"error": f"owner {owner} unreachable: {type(exc).__name__}"}, status=503
            )
    value = news.counts.get(cc)
    if value is None and cc not in country_names():
        return web.json(_unknown(code), status=404)
    return web.json({"country": cc, "count": value[0] if value else 0})

"""The live news-desk dashboard served by the worker's web server.

:func:`register` adds these views (one Faust Blueprint) to a :class:`faust.App`:

* ``GET /``                 the page (``static/index.html``); ``/?static=1`` is the same page
  as one complete snapshot, without the live connection (screenshots, printing);
* ``GET /static/{name}``    its assets, only files directly inside ``static/``;
* ``GET /latest/?limit=20`` the newest enriched stories this worker processed (newest first);
* ``GET /events/``          Server-Sent Events: ``story`` and ``counts`` events from
  :data:`streams.telemetry.live.feed`, a comment line as heartbeat every 15 s;
* ``GET /country-names/``   ISO 3166-1 alpha-2 code -> short English name (pycountry).

The header's counts come from ``/stats/`` (stats.py: every worker's, since it started), the
country counts and trending lists from ``/countries/`` and ``/trending/`` (countries.py,
trending.py beside this module).
The live feed is per process: with several workers, a page sees the stories of the worker
that serves it, while ``/countries/`` gathers the counts of all workers.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import re
from pathlib import Path
from typing import Any

import faust
import orjson
from aiohttp import web as aioweb
from faust.web import Blueprint, Request, Response, View

from streams.telemetry import live
from streams.telemetry.live import LiveFeed

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
HEARTBEAT_S = 15.0
#: How often an idle stream checks that its client is still connected.
_TICK_S = 5.0
_RETRY_MS = 3000

CONTENT_TYPES: dict[str, str] = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".png": "image/png",
    ".ico": "image/x-icon",
}
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$")
_NO_CACHE = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}

#: Short names where pycountry has no ``common_name`` and its ``name`` is long or formal.
_NAME_OVERRIDES: dict[str, str] = {
    "BN": "Brunei",
    "CC": "Cocos Islands",
    "CD": "DR Congo",
    "CG": "Congo",
    "FK": "Falkland Islands",
    "FM": "Micronesia",
    "MF": "Saint Martin",
    "PS": "Palestine",
    "RU": "Russia",
    "SX": "Sint Maarten",
    "VA": "Vatican City",
    "VG": "British Virgin Islands",
    "VI": "US Virgin Islands",
}

_EVENT_NAMES = frozenset({"story", "counts"})
_CLOSE: dict[str, Any] = {"type": "__close__"}


def static_file(name: str) -> Path | None:
    """The asset called ``name`` in :data:`STATIC_DIR`, or None (unknown, hidden, traversal)."""
    if not _SAFE_NAME.match(name) or Path(name).suffix.lower() not in CONTENT_TYPES:
        return None
    root = STATIC_DIR.resolve()
    path = (root / name).resolve()
    if path.parent != root or not path.is_file():
        return None
    return path


@functools.cache
def country_names() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code -> a short English name."""
    import pycountry

    names: dict[str, str] = {}
    for c in pycountry.countries:
        names[c.alpha_2] = getattr(c, "common_name", None) or c.name
    names.update(_NAME_OVERRIDES)
    return dict(sorted(names.items()))


def parse_limit(raw: str | None, default: int, maximum: int) -> int:
    """``?limit=`` clamped to 1..maximum; ``default`` when absent or not a number."""
    try:
        value = int(raw) if raw is not None else default
    except ValueError:
        value = default
    return max(1, min(value, maximum))


def sse_frame(event: dict[str, Any]) -> bytes:
    """One SSE frame: ``event: <type>`` and the JSON data on one line (JSON has no raw
    newlines), terminated by a blank line."""
    kind = event.get("type")
    name = kind if isinstance(kind, str) and kind in _EVENT_NAMES else "message"
    data = orjson.dumps(event.get("data"), default=str)
    return b"event: " + name.encode() + b"\ndata: " + data + b"\n\n"


class _Streams:
    """The open event streams of one app, so that shutdown can end them at once."""

    def __init__(self) -> None:
        self.queues: set[asyncio.Queue[dict[str, Any]]] = set()
        self.closing = False

    async def on_shutdown(self, _app: aioweb.Application) -> None:
        self.closing = True
        for q in list(self.queues):
            while q.full():
                with contextlib.suppress(asyncio.QueueEmpty):
                    q.get_nowait()
            q.put_nowait(_CLOSE)


def _client_gone(request: Any) -> bool:
    transport = getattr(request, "transport", None)
    return transport is None or transport.is_closing()


async def stream_events(request: Any, feed: LiveFeed, streams: _Streams) -> aioweb.StreamResponse:
    """Serve one SSE connection until the client leaves or the server shuts down."""
    resp = aioweb.StreamResponse(
        status=200,
        headers={
            "Content-Type": "text/event-stream; charset=utf-8",
            "Cache-Control": "no-cache, no-transform",
            "Connection": "keep-alive",
            "X-Accel-Buffering": "no",
        },
    )
    await resp.prepare(request)
    q = feed.subscribe()
    streams.queues.add(q)
    try:
        await resp.write(f"retry: {_RETRY_MS}\n: connected\n\n".encode())
        loop = asyncio.get_running_loop()
        next_beat = loop.time() + HEARTBEAT_S
        while not streams.closing:
            try:
                event = await asyncio.wait_for(q.get(), timeout=_TICK_S)
            except TimeoutError:
                if _client_gone(request):
                    break
                if loop.time() >= next_beat:
                    await resp.write(b": heartbeat\n\n")
                    next_beat = loop.time() + HEARTBEAT_S
                continue
            if event is _CLOSE:
                break
            await resp.write(sse_frame(event))
            next_beat = loop.time() + HEARTBEAT_S
    except (ConnectionError, RuntimeError) as exc:
        # ConnectionResetError: the client went away; RuntimeError: the transport closed.
        log.debug("event stream closed: %s", exc)
    finally:
        feed.unsubscribe(q)
        streams.queues.discard(q)
    with contextlib.suppress(ConnectionError, RuntimeError):
        await resp.write_eof()
    return resp


def register(app: faust.App, feed: LiveFeed | None = None) -> None:
    """Add the dashboard's page, assets, ``/latest/``, ``/events/`` and ``/country-names/``;
    open event streams end when the web server shuts down."""
    streams = _Streams()
    web_app = getattr(app.web, "web_app", None)
    if isinstance(web_app, aioweb.Application):
        web_app.on_shutdown.append(streams.on_shutdown)
    blueprint(feed if feed is not None else live.feed, streams).register(app)


def blueprint(the_feed: LiveFeed, streams: _Streams) -> Blueprint:
    """The dashboard's views, reading ``the_feed``."""
    bp = Blueprint("dashboard")

    @bp.route("/", name="index")
    class IndexView(View):
        """The dashboard page."""

        async def get(self, request: Request) -> Response:
            path = static_file("index.html")
            if path is None:
                return self.text("dashboard not installed", status=404)
            return self.html(path.read_text(encoding="utf-8"), headers=dict(_NO_CACHE))

    @bp.route("/static/{name}", name="static")
    class StaticView(View):
        """The page's assets; read-only, only files directly inside ``static/``."""

        async def get(self, request: Request, name: str) -> Response:
            path = static_file(name)
            if path is None:
                return self.text("not found", status=404)
            ctype = CONTENT_TYPES[path.suffix.lower()]
            return self.bytes(path.read_bytes(), headers={**_NO_CACHE, "Content-Type": ctype})

    @bp.route("/latest/", name="latest")
    class LatestView(View):
        """``GET /latest/?limit=20``: newest enriched stories first."""

        async def get(self, request: Request) -> Response:
            keep = the_feed.latest.maxlen or 50
            limit = parse_limit(request.query.get("limit"), 20, keep)
            stories = list(the_feed.latest)[:limit]
            return self.json({"stories": stories}, headers=dict(_NO_CACHE))

    @bp.route("/country-names/", name="country_names")
    class CountryNamesView(View):
        """``GET /country-names/``: ``{"names": {"US": "United States", ...}}``."""

        async def get(self, request: Request) -> Response:
            return self.json({"names": country_names()})

    @bp.route("/events/", name="events")
    class EventsView(View):
        """``GET /events/``: the live feed as Server-Sent Events."""

        async def get(self, request: Request) -> Any:
            return await stream_events(request, the_feed, streams)

        async def head(self, request: Request) -> Response:
            return self.bytes(b"", headers={"Content-Type": "text/event-stream"})

    return bp

"""HTTP request limits for the Faust web views (aiohttp underneath).

Hooked into the app with ``web_application_options=web_application_options()`` in
``faust.App(...)`` (streams/worker/app.py), which Faust passes to ``aiohttp.web.Application``.

* read-only: only GET, HEAD and OPTIONS reach a view; anything else is ``405`` (Faust's
  function views otherwise answer every method through their ``get``).
* bodies: a read-only API takes none, so a declared body above ``max_body_bytes`` is ``413``
  before any view runs, a chunked body of unknown length is ``411``, and aiohttp's own
  ``client_max_size`` caps whatever a view would read.
* request line and headers: aiohttp's parser limits (``max_line_size``, ``max_field_size``)
  answer ``400``/``414``/``431`` to overlong URLs and headers.
* a view that fails on its input with ``ValueError`` answers ``400``, never ``500``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

log = logging.getLogger("newsstream.web")

#: Largest request body accepted at all (the views read none).
MAX_BODY_BYTES = 64 * 1024
#: Longest request line (method + URL + version), and longest single header line.
MAX_LINE_BYTES = 8190
MAX_FIELD_BYTES = 8190
ALLOWED_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def limits_middleware(max_body_bytes: int = MAX_BODY_BYTES) -> Any:
    @web.middleware
    async def request_limits(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.method not in ALLOWED_METHODS:
            raise web.HTTPMethodNotAllowed(request.method, sorted(ALLOWED_METHODS))
        length = request.content_length
        if length is not None and length > max_body_bytes:
            raise web.HTTPRequestEntityTooLarge(max_size=max_body_bytes, actual_size=length)
        if length is None and request.body_exists:
            raise web.HTTPLengthRequired(text="request bodies of unknown length are refused")
        try:
            return await handler(request)
        except ValueError as exc:  # bad input that a view did not handle itself
            log.info("bad request %s %s: %s", request.method, request.rel_url, type(exc).__name__)
            raise web.HTTPBadRequest(text=f"bad request: {type(exc).__name__}") from None

    return request_limits


def web_application_options(max_body_bytes: int = MAX_BODY_BYTES) -> dict[str, Any]:
    """Keyword arguments for ``aiohttp.web.Application`` (Faust ``web_application_options``)."""
    return {
        "client_max_size": max_body_bytes,
        "middlewares": [limits_middleware(max_body_bytes)],
        "handler_args": {"max_line_size": MAX_LINE_BYTES, "max_field_size": MAX_FIELD_BYTES},
    }

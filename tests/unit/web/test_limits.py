"""HTTP request limits (streams/web/limits.py) on a real aiohttp server with stand-in views:
read-only methods, body limits, parser limits and ValueError as 400."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from streams.web.limits import MAX_BODY_BYTES, MAX_LINE_BYTES, web_application_options

Check = Callable[[TestClient[web.Request, web.Application], list[str]], Awaitable[None]]


def _serve(check: Check, **options: Any) -> list[str]:
    """Run ``check`` against an app built with ``web_application_options(**options)``;
    return the views that ran."""
    ran: list[str] = []

    async def any_method(request: web.Request) -> web.Response:
        ran.append(f"{request.method} {request.path}")
        return web.json_response({"ok": True})  # Faust's function views answer any method

    async def bad_input(_request: web.Request) -> web.Response:
        raise ValueError("limit=abc")

    async def bug(_request: web.Request) -> web.Response:
        raise RuntimeError("not the client's fault")

    async def main() -> None:
        app = web.Application(**web_application_options(**options))
        app.router.add_route("*", "/view/", any_method)
        app.router.add_get("/bad/", bad_input)
        app.router.add_get("/bug/", bug)
        async with TestClient(TestServer(app)) as client:
            await check(client, ran)

    asyncio.run(main())
    return ran


def test_only_read_methods_reach_a_view() -> None:
    async def check(client: TestClient[web.Request, web.Application], _: list[str]) -> None:
        for method in ("GET", "HEAD", "OPTIONS"):
            assert (await client.request(method, "/view/")).status == 200, method
        for method in ("POST", "PUT", "DELETE", "PATCH"):
            r = await client.request(method, "/view/", data=b"{}")
            assert r.status == 405, method
            assert set(r.headers["Allow"].split(",")) == {"GET", "HEAD", "OPTIONS"}

    assert _serve(check) == ["GET /view/", "HEAD /view/", "OPTIONS /view/"]


def test_bodies_over_the_limit_or_of_unknown_length_are_refused() -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b"hello"

    async def check(client: TestClient[web.Request, web.Application], _: list[str]) -> None:
        assert (await client.get("/view/", data=b"x" * 100)).status == 200
        assert (await client.get("/view/", data=b"x" * 101)).status == 413
        assert (await client.get("/view/", data=chunks())).status == 411

    assert _serve(check, max_body_bytes=100) == ["GET /view/"]


def test_default_body_limit() -> None:
    async def check(client: TestClient[web.Request, web.Application], _: list[str]) -> None:
        assert (await client.get("/view/", data=b"x" * MAX_BODY_BYTES)).status == 200
        assert (await client.get("/view/", data=b"x" * (MAX_BODY_BYTES + 1))).status == 413

    assert len(_serve(check)) == 1


def test_overlong_url_and_header_are_client_errors() -> None:
    async def check(client: TestClient[web.Request, web.Application], _: list[str]) -> None:
        r = await client.get("/view/?q=" + "a" * (MAX_LINE_BYTES + 10))
        assert 400 <= r.status < 500
        r = await client.get("/view/", headers={"X-Big": "b" * (MAX_LINE_BYTES + 10)})
        assert 400 <= r.status < 500
        assert (await client.get("/view/", headers={"X-Small": "b" * 1000})).status == 200

    assert _serve(check) == ["GET /view/"]


def test_value_error_in_a_view_is_a_bad_request() -> None:
    async def check(client: TestClient[web.Request, web.Application], _: list[str]) -> None:
        r = await client.get("/bad/")
        assert r.status == 400
        assert await r.text() == "bad request: ValueError"  # the type, never the input
        assert (await client.get("/bug/")).status == 500  # other failures stay server errors

    _serve(check)

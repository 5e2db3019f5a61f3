"""Shared helpers of the feed reader tests: the fixture feeds, a local HTTP feed server
and an in-memory ``publish``.

Everything is local: fixtures in ``data/`` and an HTTP server on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from schemas.models import RawStory
from streams.sources.feeds.parse import FeedResult, parse_feed
from streams.sources.feeds.poll import PollReport, poll_sources
from tests.paths import ROOT

FEEDS = ROOT / "tests" / "unit" / "sources" / "feeds" / "data"


def parse(name: str, location: str | None = None) -> FeedResult:
    return parse_feed((FEEDS / name).read_bytes(), location=location or name)


def by_id(result: FeedResult) -> dict[str, RawStory]:
    return {s.id: s for s in result.stories}


def rss(items: list[int], title: str = "Local Feed") -> bytes:
    body = "".join(
        f"<item><title>Story {i}</title><link>http://127.0.0.1/s/{i}</link>"
        f"<guid isPermaLink='false'>local-{i}</guid>"
        f"<pubDate>Tue, 05 Mar 2024 1{i % 10}:00:00 +0200</pubDate>"
        f"<description>&lt;p&gt;Body of story {i}.&lt;/p&gt;</description></item>"
        for i in items
    )
    return (
        f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
        f"<title>{title}</title>{body}</channel></rss>"
    ).encode()


class FeedServer:
    """Serves a mutable feed with ETag/Last-Modified, and records every request."""

    def __init__(self) -> None:
        self.body = b""
        self.etag: str | None = None
        self.last_modified: str | None = None
        self.version = 0
        self.requests: list[tuple[str, dict[str, str], int]] = []
        self.release = threading.Event()
        self.lock = threading.Lock()

    def set(self, body: bytes, *, etag: bool = True, last_modified: bool = True) -> None:
        with self.lock:
            self.version += 1
            self.body = body
            self.etag = f'"v{self.version}"' if etag else None
            self.last_modified = formatdate(1_700_000_000 + self.version, usegmt=True)
            if not last_modified:
                self.last_modified = None

    def statuses(self, path: str = "/feed.xml") -> list[int]:
        return [status for p, _, status in self.requests if p == path]

    def headers(self, path: str = "/feed.xml") -> list[dict[str, str]]:
        return [h for p, h, _ in self.requests if p == path]


@pytest.fixture
def server() -> Iterator[tuple[FeedServer, str]]:
    feed = FeedServer()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def reply(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None):
            feed.requests.append(
                (self.path, {k.lower(): v for k, v in self.headers.items()}, status)
            )
            self.send_response(status)
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            if self.path == "/feed.xml":
                with feed.lock:
                    body, etag, lm = feed.body, feed.etag, feed.last_modified
                inm = self.headers.get("If-None-Match")
                ims = self.headers.get("If-Modified-Since")
                if (inm is not None and inm == etag) or (
                    inm is None and ims is not None and ims == lm
                ):
                    return self.reply(304)
                headers = {"Content-Type": "application/rss+xml"}
                if etag:
                    headers["ETag"] = etag
                if lm:
                    headers["Last-Modified"] = lm
                return self.reply(200, body, headers)
            if self.path == "/broken":
                return self.reply(500, b"oops", {"Content-Type": "text/plain"})
            if self.path == "/moved":
                return self.reply(301, b"", {"Location": "/feed.xml"})
            if self.path == "/page.html":
                page = (FEEDS / "not_a_feed.html").read_bytes()
                return self.reply(200, page, {"Content-Type": "text/html; charset=utf-8"})
            if self.path == "/slow":
                feed.release.wait(10)
                return self.reply(200, rss([1]))
            return self.reply(404, b"no")

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield feed, f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        feed.release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


class Collector:
    """An in-memory ``publish``."""

    def __init__(self, fail_on: set[str] | None = None) -> None:
        self.stories: list[RawStory] = []
        self.fail_on = fail_on or set()

    async def __call__(self, story: RawStory) -> None:
        if story.id in self.fail_on:
            raise ConnectionError("broker unavailable")
        self.stories.append(story)

    @property
    def ids(self) -> list[str]:
        return [s.id for s in self.stories]


def run_poll(sources: list[str], publish: Collector, state_dir: Path, **kw: Any) -> PollReport:
    return asyncio.run(poll_sources(sources, publish, state_dir=state_dir, **kw))

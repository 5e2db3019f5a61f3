"""Fetching: conditional requests, HTTP and connection errors, timeouts, redirects."""

from __future__ import annotations

import asyncio
from pathlib import Path

from streams.sources.feeds.fetch import fetch
from tests.unit.sources.feeds.conftest import (
    Collector,
    FeedServer,
    rss,
    run_poll,
)


def test_last_modified_without_etag(server: tuple[FeedServer, str], tmp_path: Path) -> None:
    feed, base = server
    feed.set(rss([1]), etag=False)
    pub = Collector()
    run_poll([f"{base}/feed.xml"], pub, tmp_path, poll=0, max_polls=2)
    assert feed.statuses() == [200, 304] and pub.ids == ["local-1"]
    second = feed.headers()[1]
    assert "if-none-match" not in second
    assert second["if-modified-since"] == feed.last_modified


def test_http_errors_are_reported(server: tuple[FeedServer, str], tmp_path: Path) -> None:
    feed, base = server
    feed.set(rss([1]))
    good, broken, missing, page = (
        f"{base}{p}" for p in ("/feed.xml", "/broken", "/nope", "/page.html")
    )
    pub = Collector()
    report = run_poll([good, broken, missing, page], pub, tmp_path)
    assert pub.ids == ["local-1"] and not report.ok
    reasons = {e.location: e.reason for e in report.errors}
    assert reasons[broken] == "HTTP 500 Internal Server Error"
    assert reasons[missing] == "HTTP 404 Not Found"
    assert "HTML page" in reasons[page]
    assert report.feeds[good].errors == 0 and report.feeds[broken].errors == 1


def test_timeout_is_reported(server: tuple[FeedServer, str], tmp_path: Path) -> None:
    _, base = server
    result = asyncio.run(fetch(f"{base}/slow", timeout=0.2))
    assert result.data is None and result.error is not None
    assert result.error.reason.startswith("timed out")


def test_connection_refused_is_reported(tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:  # a port that nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    pub = Collector()
    report = run_poll([f"http://127.0.0.1:{port}/feed.xml"], pub, tmp_path)
    assert not report.ok and report.errors[0].reason.startswith("cannot connect")


def test_permanent_redirect_is_followed_with_a_warning(
    server: tuple[FeedServer, str], tmp_path: Path
) -> None:
    feed, base = server
    feed.set(rss([1]))
    pub = Collector()
    report = run_poll([f"{base}/moved"], pub, tmp_path)
    assert report.ok and pub.ids == ["local-1"]
    assert "moved permanently" in report.warnings[0].reason

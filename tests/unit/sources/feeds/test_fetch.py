"""Fetching: conditional requests, HTTP and connection errors, timeouts, redirects."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from streams.sources.feeds.fetch import fetch, state_key
from streams.sources.feeds.state import FeedState, Validators
from tests.unit.sources.feeds.conftest import (
    FEEDS,
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


def test_fetch_sends_stored_validators_and_returns_new_ones(
    server: tuple[FeedServer, str], tmp_path: Path
) -> None:
    feed, base = server
    url = f"{base}/feed.xml"
    feed.set(rss([1]))
    with FeedState(tmp_path) as state:
        first = asyncio.run(fetch(url, state))
        assert (first.status, first.data, first.error) == (200, rss([1]), None)
        assert first.validators == Validators('"v1"', feed.last_modified)
        assert state.validators(state_key(url)) == Validators()  # returned, not stored
        state.set_validators(state_key(url), first.validators)
        second = asyncio.run(fetch(url, state))
    assert second.not_modified and second.data is None and second.error is None
    assert feed.headers()[1]["if-none-match"] == '"v1"'


def test_fetch_reads_local_files_and_reports_bad_paths(tmp_path: Path) -> None:
    path = FEEDS / "cdata.xml"
    for source in (str(path), f"file://{path}"):
        got = asyncio.run(fetch(source))
        assert got.data == path.read_bytes() and got.error is None
    too_big = asyncio.run(fetch(str(path), max_bytes=10))
    assert too_big.data is None and too_big.error is not None
    assert too_big.error.reason == "file larger than 10 bytes"
    folder = asyncio.run(fetch(str(tmp_path)))
    assert folder.error is not None and folder.error.reason == f"is a directory: {tmp_path}"


def test_state_key_is_the_url_or_the_absolute_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert state_key("https://x.example/rss?a=1") == "https://x.example/rss?a=1"
    assert state_key("feed.xml") == str(tmp_path.resolve() / "feed.xml")
    assert state_key(f"file://{tmp_path}/feed.xml") == str(tmp_path.resolve() / "feed.xml")

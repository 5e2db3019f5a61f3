"""One feed source to bytes: a conditional HTTP GET or a local file read, errors as values.

Fetching knows nothing of parsing or publishing; it returns what it got (data, "not
modified" or a `FeedError`) and the new validators, and never raises for a bad source.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from streams.sources.feeds.state import FeedState, Validators
from streams.sources.feeds.types import FeedError

USER_AGENT = "newsstream-feeds/0.1 (+https://github.com/newsstream)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
#: A feed larger than this is refused rather than read into memory.
MAX_FEED_BYTES = 20 * 1024 * 1024


@dataclass(slots=True)
class Fetched:
    """The outcome of one `fetch`: data, 'not modified', or an error (never raised)."""

    location: str
    data: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    status: int | None = None
    not_modified: bool = False
    validators: Validators = field(default_factory=Validators)
    error: FeedError | None = None
    warnings: list[FeedError] = field(default_factory=list)


def _is_url(source: str) -> bool:
    return urlsplit(source).scheme.lower() in ("http", "https")


def state_key(source: str) -> str:
    """The key of a source in the state store: the URL, or the absolute file path."""
    if _is_url(source):
        return source
    parts = urlsplit(source)
    path = parts.path if parts.scheme == "file" else source
    return str(Path(path).expanduser().resolve())


async def fetch(
    source: str,
    state: FeedState | None = None,
    *,
    client: httpx.AsyncClient | None = None,
    timeout: float = 30.0,
    max_bytes: int = MAX_FEED_BYTES,
) -> Fetched:
    """Get a feed: a conditional HTTP GET (ETag → If-None-Match, Last-Modified →
    If-Modified-Since, from ``state``) or a local file read.

    A 304 gives ``not_modified``. Timeouts (``timeout`` bounds the whole request), HTTP
    and I/O errors come back as ``error``. The new validators are returned, not stored:
    the caller stores them once the content has been published, so a failed publish is
    retried on the next poll instead of being hidden behind a 304.
    """
    if not _is_url(source):
        scheme = urlsplit(source).scheme
        if scheme not in ("", "file") and len(scheme) > 1:  # len 1: a Windows drive letter
            return Fetched(source, error=FeedError(source, f"unsupported scheme {scheme!r}"))
        return await _read_file(source, max_bytes)
    if client is None:
        async with httpx.AsyncClient(follow_redirects=True) as own:
            return await fetch(source, state, client=own, timeout=timeout, max_bytes=max_bytes)

    request_headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT}
    old = state.validators(state_key(source)) if state else Validators()
    if old.etag:
        request_headers["If-None-Match"] = old.etag
    if old.last_modified:
        request_headers["If-Modified-Since"] = old.last_modified
    try:
        async with asyncio.timeout(timeout):
            return await _get(source, client, request_headers, timeout, max_bytes)
    except TimeoutError:
        return Fetched(source, error=FeedError(source, f"timed out after {timeout:g} s"))
    except httpx.HTTPError as exc:
        return Fetched(source, error=FeedError(source, _describe(exc)))
    except (httpx.InvalidURL, OSError, ValueError) as exc:
        return Fetched(source, error=FeedError(source, f"cannot fetch: {exc}"))


async def _get(
    url: str, client: httpx.AsyncClient, headers: dict[str, str], timeout: float, max_bytes: int
) -> Fetched:
    async with client.stream("GET", url, headers=headers, timeout=timeout) as resp:
        out = Fetched(url, status=resp.status_code, headers=dict(resp.headers))
        for hop in resp.history:
            if hop.status_code in (301, 308):
                out.warnings.append(
                    FeedError(url, f"moved permanently to {resp.url}; update the source")
                )
                break
        if resp.status_code == 304:
            out.not_modified = True
            return out
        if resp.status_code >= 400:
            out.error = FeedError(url, f"HTTP {resp.status_code} {resp.reason_phrase}".strip())
            return out
        chunks, size = [], 0
        async for chunk in resp.aiter_bytes():
            size += len(chunk)
            if size > max_bytes:
                out.error = FeedError(url, f"response larger than {max_bytes} bytes; not read")
                return out
            chunks.append(chunk)
        out.data = b"".join(chunks)
        out.validators = Validators(resp.headers.get("etag"), resp.headers.get("last-modified"))
        return out


def _describe(exc: httpx.HTTPError) -> str:
    kind = {
        httpx.TimeoutException: "timed out",
        httpx.ConnectError: "cannot connect",
        httpx.TooManyRedirects: "too many redirects",
        httpx.RemoteProtocolError: "broken HTTP response",
    }
    for cls, text in kind.items():
        if isinstance(exc, cls):
            return f"{text}: {exc}" if str(exc) else text
    return f"HTTP request failed: {type(exc).__name__}: {exc}"


async def _read_file(source: str, max_bytes: int) -> Fetched:
    path = Path(state_key(source))
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return Fetched(source, error=FeedError(source, f"file larger than {max_bytes} bytes"))
        data = await asyncio.to_thread(path.read_bytes)
    except FileNotFoundError:
        return Fetched(source, error=FeedError(source, f"no such file: {path}"))
    except IsADirectoryError:
        return Fetched(source, error=FeedError(source, f"is a directory: {path}"))
    except OSError as exc:
        return Fetched(source, error=FeedError(source, f"cannot read {path}: {exc.strerror}"))
    return Fetched(source, data=data)

"""Many sources, once or polling: fetch, parse, and publish what was not published before.

This is the loop behind ``newsstream ingest`` (``publish.py`` gives it a Kafka
``publish``). The seen-set and the validators live in `FeedState`, so a restart neither
loses nor repeats stories.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from schemas.models import RawStory
from streams.sources.feeds.fetch import fetch, state_key
from streams.sources.feeds.parse import parse_feed
from streams.sources.feeds.state import DEFAULT_MAX_IDS_PER_FEED, DEFAULT_STATE_DIR, FeedState
from streams.sources.feeds.types import FeedError

log = logging.getLogger(__name__)

#: The report keeps at most this many errors/warnings (the counts stay exact).
MAX_REPORTED = 1000


@dataclass(slots=True)
class FeedCounts:
    """Totals for one source over all polls of a `poll_sources` call."""

    location: str
    polls: int = 0
    published: int = 0
    skipped_seen: int = 0
    not_modified: int = 0
    errors: int = 0
    warnings: int = 0


@dataclass(slots=True)
class PollOutcome:
    """What one poll of one source did; passed to ``on_progress``."""

    location: str
    poll: int
    published: int = 0
    skipped_seen: int = 0
    not_modified: bool = False
    errors: list[FeedError] = field(default_factory=list)
    warnings: list[FeedError] = field(default_factory=list)


@dataclass(slots=True)
class PollReport:
    """Per-feed counts and the (most recent `MAX_REPORTED`) errors and warnings."""

    feeds: dict[str, FeedCounts] = field(default_factory=dict)
    errors: list[FeedError] = field(default_factory=list)
    warnings: list[FeedError] = field(default_factory=list)
    polls: int = 0

    @property
    def ok(self) -> bool:
        """False if any feed failed or any story could not be read or published."""
        return not any(c.errors for c in self.feeds.values())

    @property
    def published(self) -> int:
        return sum(c.published for c in self.feeds.values())

    def _add(self, outcome: PollOutcome) -> None:
        counts = self.feeds[outcome.location]
        counts.polls += 1
        counts.published += outcome.published
        counts.skipped_seen += outcome.skipped_seen
        counts.not_modified += outcome.not_modified
        counts.errors += len(outcome.errors)
        counts.warnings += len(outcome.warnings)
        self.errors = (self.errors + outcome.errors)[-MAX_REPORTED:]
        self.warnings = (self.warnings + outcome.warnings)[-MAX_REPORTED:]


Publish = Callable[[RawStory], Awaitable[None]]
OnProgress = Callable[[PollOutcome], Awaitable[None] | None]


async def poll_sources(
    sources: Sequence[str],
    publish: Publish,
    *,
    poll: float | None = None,
    state_dir: Path = DEFAULT_STATE_DIR,
    max_polls: int | None = None,
    on_progress: OnProgress | None = None,
    timeout: float = 30.0,
    concurrency: int = 8,
    max_ids_per_feed: int = DEFAULT_MAX_IDS_PER_FEED,
) -> PollReport:
    """Publish the unseen stories of ``sources`` (URLs or paths), once or every ``poll`` s.

    A story is marked seen only after ``publish`` returned, so a crash or a failed
    publish re-publishes (downstream de-duplicates by id) rather than loses. Validators
    are stored only after a feed was read whole and all its new stories were published.
    Polling runs until cancelled or ``max_polls`` polls are done; cancellation propagates
    (everything published so far is already recorded).
    """
    if poll is not None and poll < 0:
        raise ValueError("poll must be >= 0")
    sources = list(dict.fromkeys(sources))
    report = PollReport(feeds={s: FeedCounts(s) for s in sources})
    limit = asyncio.Semaphore(max(1, concurrency))
    loop = asyncio.get_running_loop()
    with FeedState(state_dir, max_ids_per_feed=max_ids_per_feed) as state:
        async with httpx.AsyncClient(follow_redirects=True, max_redirects=10) as client:
            while True:
                started = loop.time()
                report.polls += 1

                async def one(source: str, n: int = report.polls) -> None:
                    async with limit:
                        outcome = await _poll_one(source, n, publish, state, client, timeout)
                    report._add(outcome)
                    for err in outcome.errors:
                        log.warning("feed error: %s", err)
                    for warning in outcome.warnings:
                        log.info("feed warning: %s", warning)
                    if on_progress is not None:
                        res = on_progress(outcome)
                        if inspect.isawaitable(res):
                            await res

                await asyncio.gather(*(one(s) for s in sources))
                if poll is None or (max_polls is not None and report.polls >= max_polls):
                    return report
                await asyncio.sleep(max(0.0, poll - (loop.time() - started)))


async def _poll_one(
    source: str,
    n: int,
    publish: Publish,
    state: FeedState,
    client: httpx.AsyncClient,
    timeout: float,
) -> PollOutcome:
    out = PollOutcome(source, n)
    key = state_key(source)
    fetched = await fetch(source, state, client=client, timeout=timeout)
    out.warnings += fetched.warnings
    if fetched.error:
        out.errors.append(fetched.error)
        return out
    if fetched.not_modified or fetched.data is None:
        out.not_modified = True
        return out
    try:
        result = await asyncio.to_thread(
            parse_feed, fetched.data, location=source, headers=fetched.headers
        )
    except Exception as exc:  # a parser bug must not stop the other feeds or later polls
        log.exception("parsing %s failed", source)
        out.errors.append(FeedError(source, f"could not parse the feed: {exc!r}"))
        return out
    out.errors += result.errors
    out.warnings += result.warnings
    still_listed: list[str] = []
    for story in result.stories:
        if state.is_seen(key, story.id):
            out.skipped_seen += 1
            still_listed.append(story.id)
            continue
        try:
            await publish(story)
        except Exception as exc:
            out.errors.append(
                FeedError(source, f"publish failed, will retry next poll: {exc!r}", story.id)
            )
            break
        state.mark_seen(key, story.id)
        out.published += 1
    else:
        if result.complete:
            state.set_validators(key, fetched.validators)
    state.touch(key, still_listed)
    state.prune(key)
    return out

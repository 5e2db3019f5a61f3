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
from streams.exitcodes import StopRequest
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
    items: int = 0
    published: int = 0
    skipped_seen: int = 0
    not_modified: int = 0
    errors: int = 0
    warnings: int = 0
    #: Polls that could not read the feed at all (fetch error, not a feed, truncated).
    failed_polls: int = 0
    #: Feed-level failures in a row; with ``poll``, the feed waits longer after each.
    failures_in_a_row: int = 0
    last_failure: str | None = None

    @property
    def new(self) -> int:
        """Stories not seen before: published, or not published because publishing failed."""
        return self.items - self.skipped_seen


@dataclass(slots=True)
class PollOutcome:
    """What one poll of one source did; passed to ``on_progress``."""

    location: str
    poll: int
    items: int = 0
    published: int = 0
    skipped_seen: int = 0
    not_modified: bool = False
    errors: list[FeedError] = field(default_factory=list)
    warnings: list[FeedError] = field(default_factory=list)
    #: With ``poll``: seconds until this feed is tried again after a failure.
    retry_in: float | None = None

    @property
    def failure(self) -> FeedError | None:
        """The feed-level error, if the feed could not be read (an item's error is not)."""
        return next((e for e in self.errors if e.item is None), None)


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
    def all_failed(self) -> bool:
        """True if no feed was ever read (every poll of every feed failed)."""
        return bool(self.feeds) and all(
            c.polls and c.failed_polls == c.polls for c in self.feeds.values()
        )

    @property
    def published(self) -> int:
        return sum(c.published for c in self.feeds.values())

    def _add(self, outcome: PollOutcome) -> None:
        counts = self.feeds[outcome.location]
        counts.polls += 1
        counts.items += outcome.items
        counts.published += outcome.published
        counts.skipped_seen += outcome.skipped_seen
        counts.not_modified += outcome.not_modified
        counts.errors += len(outcome.errors)
        counts.warnings += len(outcome.warnings)
        failure = outcome.failure
        if failure is not None:
            counts.failed_polls += 1
            counts.failures_in_a_row += 1
            counts.last_failure = failure.reason
        else:
            counts.failures_in_a_row = 0
        self.errors = (self.errors + outcome.errors)[-MAX_REPORTED:]
        self.warnings = (self.warnings + outcome.warnings)[-MAX_REPORTED:]


Publish = Callable[[RawStory], Awaitable[None]]
OnProgress = Callable[[PollOutcome], Awaitable[None] | None]
#: A sleep may end this much before its deadline (the loop's clock resolution): a feed
#: due that soon is polled now rather than in a round of its own.
_EARLY_WAKE_S = 0.005
#: The longest a failing feed waits between tries when polling.
MAX_BACKOFF_S = 3600.0


def backoff_s(poll: float, failures_in_a_row: int) -> float:
    """How long a feed that failed ``failures_in_a_row`` times waits before the next try:
    the poll interval, doubled per failure after the first, at most `MAX_BACKOFF_S` (or
    the interval itself when that is longer)."""
    if failures_in_a_row <= 1:
        return poll
    return max(poll, min(poll * 2 ** (failures_in_a_row - 1), MAX_BACKOFF_S))


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
    stop: StopRequest | None = None,
    on_round: Callable[[PollReport], object] | None = None,
) -> PollReport:
    """Publish the unseen stories of ``sources`` (URLs or paths), once or every ``poll`` s.

    A story is marked seen only after ``publish`` returned, so a crash or a failed
    publish re-publishes (downstream de-duplicates by id) rather than loses. Validators
    are stored only after a feed was read whole and all its new stories were published.
    Polling runs until ``stop`` is requested, it is cancelled, or ``max_polls`` polls
    are done; a feed that fails waits longer after each failure in a row
    (`backoff_s`) while the others keep their interval. A stop lets the stories being
    published finish; everything published is already recorded. ``on_round`` sees the
    report after each poll (the metrics file is written there).
    """
    if poll is not None and poll < 0:
        raise ValueError("poll must be >= 0")
    sources = list(dict.fromkeys(sources))
    report = PollReport(feeds={s: FeedCounts(s) for s in sources})
    limit = asyncio.Semaphore(max(1, concurrency))
    loop = asyncio.get_running_loop()
    due = dict.fromkeys(sources, loop.time())
    with FeedState(state_dir, max_ids_per_feed=max_ids_per_feed) as state:
        async with httpx.AsyncClient(follow_redirects=True, max_redirects=10) as client:
            while not (stop is not None and stop.requested):
                started = loop.time()
                report.polls += 1

                async def one(source: str, n: int = report.polls, t0: float = started) -> None:
                    async with limit:
                        outcome = await _poll_one(source, n, publish, state, client, timeout, stop)
                    report._add(outcome)
                    _schedule(report, outcome, poll, t0, due)
                    if on_progress is not None:
                        res = on_progress(outcome)
                        if inspect.isawaitable(res):
                            await res

                now = loop.time() + _EARLY_WAKE_S
                await asyncio.gather(*(one(s) for s in sources if due[s] <= now))
                if on_round is not None:
                    on_round(report)
                if poll is None or (max_polls is not None and report.polls >= max_polls):
                    return report
                pause = max(0.0, min(due.values()) - loop.time())
                await (stop.sleep(pause) if stop is not None else asyncio.sleep(pause))
    return report


def _schedule(
    report: PollReport,
    outcome: PollOutcome,
    poll: float | None,
    started: float,
    due: dict[str, float],
) -> None:
    """When polling: when the feed is due again, later after each failure in a row."""
    for err in outcome.errors:
        log.debug("feed error: %s", err)  # on_progress reports it, once
    if poll is None:
        return
    wait = backoff_s(poll, report.feeds[outcome.location].failures_in_a_row)
    due[outcome.location] = started + wait
    outcome.retry_in = wait if outcome.failure is not None else None


async def _poll_one(
    source: str,
    n: int,
    publish: Publish,
    state: FeedState,
    client: httpx.AsyncClient,
    timeout: float,
    stop: StopRequest | None = None,
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
    out.items = len(result.stories)
    still_listed: list[str] = []
    for story in result.stories:
        if stop is not None and stop.requested:
            break  # the rest waits for the next run; no validators, so it is fetched again
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

"""`newsstream ingest`: RSS/Atom feeds → ``news.raw`` (the feed reader wired to Kafka).

What the user sees: one line per problem as it happens (each once), and at the end a
table per feed (items, new, published, skipped as seen, failed, with the reason). A feed
that cannot be read is not an event, so it is never dead-lettered: it is reported, counted
in the table and in the metrics file (``<state dir>/ingest.prom``), and read again on the
next run or poll.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from schemas.models import RawStory
from streams.exitcodes import ExitCode, StopRequest, job_exit_code, stop_on_signals
from streams.kafka.producer import ensure_input_topic, send_through_outage, start_producer
from streams.settings import Settings
from streams.sources.feeds.metrics import METRICS_FILE, write_metrics
from streams.sources.feeds.poll import PollOutcome, PollReport, poll_sources
from streams.topics import Topics


def default_state_dir(s: Settings) -> Path:
    """Where ``ingest`` keeps its state unless ``--state-dir`` says otherwise."""
    return Path(s.data_dir) / "feeds"


def outcome_lines(outcome: PollOutcome, *, polling: bool) -> list[str]:
    """What one poll of one feed prints: its errors, each once, and when polling a line
    per poll. A one-shot run leaves a feed's failure to the summary table."""
    lines = []
    failure = outcome.failure
    for err in outcome.errors:
        if err is not failure:
            lines.append(f"ingest: {err}")
    if not polling:
        return lines
    if failure is not None:
        retry = f"; next try in {outcome.retry_in:g} s" if outcome.retry_in is not None else ""
        where = f"ingest: {outcome.location} poll {outcome.poll}"
        lines.append(f"{where}: failed: {failure.reason}{retry}")
    elif outcome.not_modified:
        lines.append(f"ingest: {outcome.location} poll {outcome.poll}: not modified")
    else:
        lines.append(
            f"ingest: {outcome.location} poll {outcome.poll}: {outcome.published} new, "
            f"{outcome.skipped_seen} seen"
        )
    return lines


async def ingest_to_kafka(
    s: Settings,
    sources: list[str],
    *,
    poll: float | None,
    max_polls: int | None = None,
    state_dir: Path | None = None,
    stop: StopRequest | None = None,
) -> PollReport:
    """`poll_sources` with each story sent to ``news.raw``, keyed by id so that every
    version of a story lands in one partition; problems go to stderr, metrics to
    ``<state dir>/ingest.prom`` after every poll."""
    state_dir = state_dir or default_state_dir(s)
    producer = await start_producer(s, stop=stop)
    topic = Topics(s.topic_prefix).raw

    async def publish(story: RawStory) -> None:
        # A broker outage (a restart, a leader election) delays the story, not fails it.
        fut = await send_through_outage(producer, topic, story.to_bytes(), story.id.encode(), stop)
        await fut

    def progress(outcome: PollOutcome) -> None:
        for line in outcome_lines(outcome, polling=poll is not None):
            print(line, file=sys.stderr)

    try:
        await ensure_input_topic(producer, s)
        return await poll_sources(
            sources,
            publish,
            poll=poll,
            max_polls=max_polls,
            state_dir=state_dir,
            on_progress=progress,
            stop=stop,
            on_round=lambda report: write_metrics(report.feeds, state_dir),
        )
    finally:
        await producer.stop()


_COLUMNS = ("items", "new", "published", "seen", "failed")


def summary_table(report: PollReport) -> str:
    """Per feed: items read, new, published, skipped as seen, failed, and the reason: the
    last failure to read the feed, else how many items failed (each printed above)."""
    width = max([len("feed"), *map(len, report.feeds)])
    lines = [f"{'feed':<{width}}" + "".join(f"{c:>10}" for c in _COLUMNS) + "  reason"]
    for feed, c in report.feeds.items():
        cells = (c.items, c.new, c.published, c.skipped_seen, c.errors)
        reason = c.last_failure or (
            f"{c.errors} item(s) not published, see above" if c.errors else ""
        )
        row = f"{feed:<{width}}" + "".join(f"{n:>10}" for n in cells)
        lines.append(f"{row}  {reason}".rstrip())
    return "\n".join(lines)


def main_ingest(
    s: Settings, sources: list[str], poll: float | None, state_dir: Path | None = None
) -> int:
    """`newsstream ingest`: 0 if every feed was read and its new stories published, 1 if
    some feeds or items failed, 4 if no feed could be read; with ``--poll``, 0 when
    stopped by a signal (a one-shot run stopped early: 130 for SIGINT). A missing
    broker raises `BrokerUnavailable` (exit code 3)."""
    state_dir = state_dir or default_state_dir(s)

    async def run() -> tuple[PollReport, int | None]:
        with stop_on_signals() as stop:
            report = await ingest_to_kafka(s, sources, poll=poll, state_dir=state_dir, stop=stop)
            return report, stop.signal

    report, stopped_by = asyncio.run(run())
    failed = sum(1 for c in report.feeds.values() if c.failed_polls)
    print(summary_table(report), file=sys.stderr)
    print(
        f"ingest: published {_counted(report.published, 'story', 'stories')} from "
        f"{_counted(len(report.feeds), 'feed')}; {failed} failed; "
        f"metrics in {state_dir / METRICS_FILE}",
        file=sys.stderr,
    )
    if stopped_by is not None:
        return ExitCode.OK if poll is not None else job_exit_code(stopped_by)
    if report.all_failed:
        return ExitCode.ALL_FAILED
    return ExitCode.OK if report.ok else ExitCode.FAILED


def _counted(n: int, noun: str, plural: str | None = None) -> str:
    """``1 story``, ``2 stories``: the summary line is read by people."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"

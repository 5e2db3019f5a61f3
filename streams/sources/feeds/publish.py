"""`newsstream ingest`: RSS/Atom feeds → ``news.raw`` (the feed reader wired to Kafka)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from schemas.models import RawStory
from streams.kafka.producer import BrokerUnavailable, start_producer
from streams.settings import Settings
from streams.sources.feeds.poll import PollOutcome, PollReport, poll_sources
from streams.topics import Topics


async def ingest_to_kafka(
    s: Settings,
    sources: list[str],
    *,
    poll: float | None,
    max_polls: int | None = None,
    state_dir: Path | None = None,
) -> PollReport:
    """`poll_sources` with each story sent to ``news.raw``, keyed by id so that every
    version of a story lands in one partition; progress goes to stderr."""
    producer = await start_producer(s)
    topic = Topics(s.topic_prefix).raw

    async def publish(story: RawStory) -> None:
        fut = await producer.send(topic, story.to_bytes(), key=story.id.encode())
        await fut

    def progress(outcome: PollOutcome) -> None:
        note = "not modified" if outcome.not_modified else f"{outcome.published} new"
        print(
            f"ingest: {outcome.location} poll {outcome.poll}: {note}, "
            f"{outcome.skipped_seen} seen, {len(outcome.errors)} errors",
            file=sys.stderr,
        )
        for err in outcome.errors:
            print(f"ingest: error: {err.location}: {err.reason}", file=sys.stderr)

    try:
        return await poll_sources(
            sources,
            publish,
            poll=poll,
            max_polls=max_polls,
            state_dir=state_dir or Path(s.data_dir) / "feeds",
            on_progress=progress,
        )
    finally:
        await producer.stop()


def main_ingest(s: Settings, sources: list[str], poll: float | None) -> int:
    """`newsstream ingest`: 0 if every feed was read and published, 1 if not, 2 if the
    broker cannot be reached, 130 on Ctrl-C."""
    try:
        report = asyncio.run(ingest_to_kafka(s, sources, poll=poll))
    except BrokerUnavailable as exc:
        print(f"ingest failed: {exc}; published 0 stories", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    print(
        f"ingest: published {report.published} stories from {len(sources)} feed(s); "
        f"{len(report.errors)} error(s)",
        file=sys.stderr,
    )
    return 0 if report.ok else 1

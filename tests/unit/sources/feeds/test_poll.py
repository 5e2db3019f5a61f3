"""`poll_sources`: publish-if-unseen across polls and restarts, retries, local files,
backoff for failing feeds and stopping on request."""

from __future__ import annotations

import asyncio
import signal
from datetime import UTC, datetime
from pathlib import Path

from schemas.models import RawStory
from streams.exitcodes import StopRequest
from streams.sources.feeds.poll import (
    MAX_BACKOFF_S,
    PollOutcome,
    PollReport,
    backoff_s,
    poll_sources,
)
from tests.unit.sources.feeds.conftest import (
    FEEDS,
    Collector,
    FeedServer,
    rss,
    run_poll,
)


def test_polling_conditional_requests_and_restart(
    server: tuple[FeedServer, str], tmp_path: Path
) -> None:
    feed, base = server
    url = f"{base}/feed.xml"
    feed.set(rss([1, 2]))
    pub = Collector()
    outcomes: list[PollOutcome] = []

    def progress(o: PollOutcome) -> None:
        outcomes.append(o)
        if o.poll == 2:  # a new story appears after the second poll
            feed.set(rss([1, 2, 3]))

    report = run_poll([url], pub, tmp_path, poll=0, max_polls=4, on_progress=progress)
    assert report.ok and report.polls == 4
    assert pub.ids == ["local-1", "local-2", "local-3"]
    # poll 1: plain GET; poll 2: If-None-Match → 304; poll 3: changed → 200; poll 4: 304
    assert feed.statuses() == [200, 304, 200, 304]
    sent = feed.headers()
    assert "if-none-match" not in sent[0] and "if-modified-since" not in sent[0]
    assert sent[1]["if-none-match"] == '"v1"' and sent[1]["if-modified-since"]
    assert sent[3]["if-none-match"] == '"v2"'
    assert [(o.published, o.skipped_seen, o.not_modified) for o in outcomes] == [
        (2, 0, False),
        (0, 0, True),
        (1, 2, False),
        (0, 0, True),
    ]
    counts = report.feeds[url]
    assert (counts.published, counts.skipped_seen, counts.not_modified, counts.errors) == (
        3,
        2,
        2,
        0,
    )
    s3 = pub.stories[2]
    assert (s3.headline, s3.body, s3.source) == ("Story 3", "Body of story 3.", "Local Feed")
    assert s3.published_at == datetime(2024, 3, 5, 11, 0, tzinfo=UTC)

    # Restart with the same state dir: the validators survived, so the first poll is a 304.
    again = Collector()
    report = run_poll([url], again, tmp_path)
    assert report.ok and again.ids == [] and feed.statuses()[-1] == 304

    # The server forgets its validators (same content, new ETag): 200, every story seen.
    feed.set(rss([1, 2, 3]))
    report = run_poll([url], again, tmp_path)
    assert feed.statuses()[-1] == 200 and again.ids == []
    assert report.feeds[url].skipped_seen == 3

    # A new story after the restart is published exactly once.
    feed.set(rss([1, 2, 3, 4]))
    run_poll([url], again, tmp_path, poll=0, max_polls=2)
    assert again.ids == ["local-4"]
    assert sorted(pub.ids + again.ids) == ["local-1", "local-2", "local-3", "local-4"]


def test_failed_publish_is_retried_not_lost(server: tuple[FeedServer, str], tmp_path: Path) -> None:
    feed, base = server
    url = f"{base}/feed.xml"
    feed.set(rss([1, 2, 3]))
    flaky = Collector(fail_on={"local-2"})
    report = run_poll([url], flaky, tmp_path)
    assert flaky.ids == ["local-1"] and not report.ok
    (err,) = report.errors
    assert err.item == "local-2" and "publish failed" in err.reason and err.location == url

    # Validators were not stored, so the next run gets the content again (not a 304)
    # and publishes what is missing, and only that.
    fixed = Collector()
    report = run_poll([url], fixed, tmp_path)
    assert report.ok and fixed.ids == ["local-2", "local-3"]
    assert feed.statuses() == [200, 200]
    assert "if-none-match" not in feed.headers()[1]


def test_truncated_download_is_fetched_again(
    server: tuple[FeedServer, str], tmp_path: Path
) -> None:
    feed, base = server
    url = f"{base}/feed.xml"
    whole = rss([1, 2, 3])
    feed.set(whole[: whole.index(b"<item><title>Story 3") + 40])
    pub = Collector()
    report = run_poll([url], pub, tmp_path)
    assert pub.ids == ["local-1", "local-2"] and not report.ok
    assert "truncated" in report.errors[0].reason
    feed.set(whole)
    report = run_poll([url], pub, tmp_path)
    assert report.ok and pub.ids == ["local-1", "local-2", "local-3"]
    assert "if-none-match" not in feed.headers()[1]  # the truncated read stored no ETag


def test_local_files_and_missing_paths(tmp_path: Path) -> None:
    good = str(FEEDS / "cdata.xml")
    missing = str(tmp_path / "nope.xml")
    pub = Collector()
    report = run_poll([good, missing, "ftp://x/y"], pub, tmp_path / "state")
    assert pub.ids == ["cdata-1"] and not report.ok
    reasons = {e.location: e.reason for e in report.errors}
    assert reasons[missing].startswith("no such file")
    assert reasons["ftp://x/y"] == "unsupported scheme 'ftp'"
    # a second run publishes nothing new from the file
    report = run_poll([good], pub, tmp_path / "state")
    assert report.ok and pub.ids == ["cdata-1"] and report.feeds[good].skipped_seen == 1


def test_duplicate_guid_within_a_feed_is_published_once(tmp_path: Path) -> None:
    path = tmp_path / "dup.xml"
    text = rss([1, 2]).replace(b"local-2", b"local-1")
    path.write_bytes(text)
    pub = Collector()
    report = run_poll([str(path)], pub, tmp_path / "state")
    assert pub.ids == ["local-1"] and report.feeds[str(path)].skipped_seen == 1


def test_item_errors_make_the_report_not_ok(tmp_path: Path) -> None:
    pub = Collector()
    src = str(FEEDS / "missing_fields.xml")
    report = run_poll([src], pub, tmp_path)
    assert len(pub.ids) == 5 and not report.ok
    assert report.errors[0].item == "https://nofields.example/story/4"
    assert report.feeds[src].warnings == 2


def test_backoff_doubles_per_failure_in_a_row_up_to_the_cap() -> None:
    assert [backoff_s(60, k) for k in (0, 1, 2, 3, 4)] == [60, 60, 120, 240, 480]
    assert backoff_s(60, 20) == MAX_BACKOFF_S
    assert backoff_s(7200, 5) == 7200  # never shorter than the poll interval


def test_a_failing_feed_backs_off_and_never_stops_the_others(
    server: tuple[FeedServer, str], tmp_path: Path
) -> None:
    feed, base = server
    good, broken = f"{base}/feed.xml", f"{base}/broken"
    feed.set(rss([1]))
    outcomes: list[PollOutcome] = []
    report = run_poll(
        [good, broken], Collector(), tmp_path, poll=0.05, max_polls=6, on_progress=outcomes.append
    )
    failed = [o for o in outcomes if o.location == broken]
    assert [o.retry_in for o in failed] == [0.05, 0.1, 0.2][: len(failed)]
    assert all(o.failure is not None and o.failure.reason.startswith("HTTP 500") for o in failed)
    assert report.feeds[good].polls >= 5 > report.feeds[broken].polls >= 2
    assert report.feeds[broken].failures_in_a_row == report.feeds[broken].failed_polls
    assert not report.all_failed and not report.ok


def test_a_stop_request_ends_polling_at_once(tmp_path: Path) -> None:
    """A stop during the hour-long wait after the first poll ends the loop then, not after
    the hour (the stop is sent when the first poll has published, so a slow machine
    cannot make it land mid-poll; the 60-s guard is far under the poll interval)."""
    stop = StopRequest()

    class StopAfterFirst(Collector):
        async def __call__(self, story: RawStory) -> None:
            await super().__call__(story)
            asyncio.get_running_loop().call_later(0.2, stop.set, signal.SIGTERM)

    async def run() -> PollReport:
        return await asyncio.wait_for(
            poll_sources(
                [str(FEEDS / "cdata.xml")],
                StopAfterFirst(),
                poll=3600,
                state_dir=tmp_path,
                stop=stop,
            ),
            timeout=60,
        )

    report = asyncio.run(run())
    assert report.polls == 1 and report.published == 1

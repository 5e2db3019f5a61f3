"""`newsstream ingest` without a broker: what `publish` sends, and the command's exit codes.

The producer is replaced by an in-memory one; ``tests/integration/test_pipeline.py``
covers the same path against a real broker.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from schemas.models import RawStory
from streams.exitcodes import ExitCode
from streams.kafka.connect import BrokerUnavailable
from streams.kafka.connect import unreachable as unreachable_error
from streams.settings import Settings
from streams.sources.feeds import METRICS_FILE, FeedError, PollOutcome, publish
from streams.topics import Topics
from tests.unit.sources.feeds.conftest import FEEDS


class FakeProducer:
    """Records what would have been sent to Kafka."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, bytes, bytes]] = []
        self.stopped = False
        self.topics_ensured_before_send: bool | None = None

    async def send(self, topic: str, value: bytes, *, key: bytes) -> asyncio.Future[None]:
        self.sent.append((topic, key, value))
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return done

    async def stop(self) -> None:
        self.stopped = True


@pytest.fixture
def producer(monkeypatch: pytest.MonkeyPatch) -> FakeProducer:
    fake = FakeProducer()

    async def start(s: Settings, **_: Any) -> FakeProducer:
        return fake

    async def ensure(p: FakeProducer, s: Settings) -> None:
        # The topic creation itself is tested on a broker (tests/integration/test_replay.py).
        p.topics_ensured_before_send = not p.sent

    monkeypatch.setattr(publish, "start_producer", start)
    monkeypatch.setattr(publish, "ensure_input_topic", ensure)
    return fake


def test_ingest_to_kafka_sends_each_story_to_the_raw_topic_keyed_by_id(
    producer: FakeProducer, tmp_path: Path
) -> None:
    source = str(FEEDS / "cdata.xml")
    s = Settings(topic_prefix="t1.")
    report = asyncio.run(publish.ingest_to_kafka(s, [source], poll=None, state_dir=tmp_path))
    assert report.ok and report.published == 1 and producer.stopped
    assert producer.topics_ensured_before_send  # the pipeline's partitions, not the broker's
    ((topic, key, value),) = producer.sent
    assert (topic, key) == (Topics("t1.").raw, b"cdata-1")
    assert RawStory.from_bytes(value).headline == "Markets rally as rates <hold> & bonds slip"


def _rows(err: str) -> dict[str, list[str]]:
    """The summary table's rows by feed: items, new, published, seen, failed, reason."""
    lines = err.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("feed "))
    rows = {}
    for line in lines[start + 1 :]:
        if line.startswith("ingest:"):
            break
        name, *cells = line.split(maxsplit=6)
        rows[name] = cells
    return rows


def test_main_ingest_exit_codes_and_the_summary_table(
    producer: FakeProducer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    s = Settings(data_dir=str(tmp_path))
    good = str(FEEDS / "cdata.xml")
    assert publish.main_ingest(s, [good], None) == ExitCode.OK
    err = capsys.readouterr().err
    assert _rows(err)[good] == ["1", "1", "1", "0", "0"]
    assert "ingest: published 1 story from 1 feed; 0 failed" in err

    missing = str(tmp_path / "nope.xml")
    assert publish.main_ingest(s, [missing], None) == ExitCode.ALL_FAILED
    err = capsys.readouterr().err
    assert _rows(err)[missing][:5] == ["0", "0", "0", "0", "1"]
    assert err.count("no such file") == 1  # reported once, in the table

    assert publish.main_ingest(s, [good, missing], None) == ExitCode.FAILED
    err = capsys.readouterr().err
    assert "ingest: published 0 stories from 2 feeds; 1 failed" in err
    rows = _rows(err)
    assert rows[good] == ["1", "0", "0", "1", "0"]  # seen in the first run
    assert rows[missing][4:] == ["1", f"no such file: {missing}"]


def test_ingest_writes_its_metrics_file_in_the_state_dir(
    producer: FakeProducer, tmp_path: Path
) -> None:
    good, empty = str(FEEDS / "cdata.xml"), str(FEEDS / "empty.xml")
    state = tmp_path / "state"
    publish.main_ingest(Settings(data_dir=str(tmp_path / "data")), [good, empty], None, state)
    text = (state / METRICS_FILE).read_text()
    assert f'newsstream_ingest_published_total{{feed="{good}"}} 1.0' in text
    assert f'newsstream_ingest_feed_failures_total{{feed="{empty}"}} 1.0' in text
    assert f'newsstream_ingest_failures_in_a_row{{feed="{empty}"}} 1.0' in text
    assert (state / "feeds.sqlite3").exists() and not (tmp_path / "data").exists()


def test_main_ingest_without_a_broker_raises_for_exit_code_3(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def unreachable(s: Settings, **_: Any) -> None:
        raise unreachable_error(s, 6, ConnectionError())

    monkeypatch.setattr(publish, "start_producer", unreachable)
    with pytest.raises(BrokerUnavailable) as exc:
        publish.main_ingest(Settings(), ["x.xml"], None)
    assert exc.value.code == ExitCode.BROKER_UNREACHABLE == 3
    assert "newsstream broker" in str(exc.value)


def test_polling_prints_each_failure_once_with_its_backoff() -> None:
    ok = PollOutcome("a.xml", 3, items=2, published=1, skipped_seen=1)
    failed = PollOutcome("b.xml", 3, errors=[FeedError("b.xml", "HTTP 500")], retry_in=40.0)
    item = PollOutcome("c.xml", 1, errors=[FeedError("c.xml", "item 2 has no text", "x")])
    assert publish.outcome_lines(ok, polling=True) == ["ingest: a.xml poll 3: 1 new, 1 seen"]
    assert publish.outcome_lines(failed, polling=True) == [
        "ingest: b.xml poll 3: failed: HTTP 500; next try in 40 s"
    ]
    assert publish.outcome_lines(failed, polling=False) == []  # the table reports it
    assert publish.outcome_lines(item, polling=False) == ["ingest: c.xml [x]: item 2 has no text"]

"""The whole pipeline on the real broker: replay the seeds, send bad events, check every
output topic and the counts served over HTTP."""

from __future__ import annotations

import base64
import json
import signal
import time
from collections import Counter

import orjson
import pytest

from schemas.models import DeadLetter, EnrichedStory
from streams.enrich.categories import abstain_threshold
from streams.kafka.producer import replay
from streams.local.worker_process import WorkerProcess
from streams.settings import Settings
from streams.topics import Topics
from tests.integration.harness import Pipeline
from tests.integration.helpers import expected_counts, produce, read, wait_counts
from tests.paths import SEED_STORIES, SEEDS

pytestmark = pytest.mark.integration

BAD_EVENTS: list[tuple[str, bytes]] = [
    ("invalid_json", b'{"body": "unterminated'),
    ("not_utf8", b'{"body": "caf\xe9 au lait"}'),
    ("wrong_shape", b'["a", "list"]'),
    ("missing_body", b'{"headline": "No body here"}'),
    ("missing_body", b'{"body": "   "}'),
    ("invalid_fields", b'{"body": 42}'),
    ("bad_date", b'{"body": "Dated.", "published_at": "3024-01-01T00:00:00Z"}'),
    ("nul_bytes", b'{"body": "nul \\u0000 inside"}'),
    ("too_deep", b'{"body": "x", "meta": ' + b'{"a": ' * 50 + b"1" + b"}" * 50 + b"}"),
    ("empty", b""),
    ("oversized", b'{"body": "' + b"x" * 1_100_000 + b'"}'),
]


def _check_enriched(enriched: list, ids: list[str]) -> list[EnrichedStory]:
    """Enriched stories validate against the contract and carry exact offsets."""
    stories = [EnrichedStory.model_validate(orjson.loads(r.value)) for r in enriched]
    assert {st.id for st in stories} == set(ids)
    for st in stories:
        assert r_key_matches(enriched, st.id)
        assert st.countries == sorted(set(st.countries))
        assert st.received_at is not None
        for ent in st.entities:
            assert st.text[ent.start : ent.end] == ent.text
        assert st.categories, "every story gets at least its best category"
    by_head = {st.headline: st for st in stories}
    assert set(by_head["US lawmakers arrive in Taiwan amid China tensions"].countries) == {
        "US",
        "TW",
        "CN",
    }
    return stories


def _check_routing(s: Settings, t: Topics, stories: list[EnrichedStory]) -> None:
    """Each story is on the topic of its best category, or on news.topic.unclassified when
    that category is under the model's abstain threshold."""
    cat_topics = [*t.all_category_topics(), t.unclassified]
    routed = read(s, cat_topics, idle=3.0, timeout=30)
    on_topic = {(r.topic, r.key.decode()) for r in routed}
    for st in stories:
        best = st.categories[0]
        unsure = best.score < abstain_threshold()
        topic = t.unclassified if unsure else t.category(best.slug)
        assert (topic, st.id) in on_topic


def _check_dead_letters(dead: list, raw_topic: str) -> None:
    """A reason per input, the original bytes kept losslessly."""
    letters = [DeadLetter.model_validate(orjson.loads(r.value)) for r in dead]
    by_key = {base64.b64decode(dl.key_b64 or "").decode(): dl for dl in letters}
    for i, (reason, value) in enumerate(BAD_EVENTS):
        dl = by_key[f"bad-{i}"]
        assert dl.reason == reason, (reason, dl.error)
        if reason == "oversized":
            assert dl.value_truncated and dl.value_size == len(value)
            assert value.startswith(dl.original_value())
        else:
            assert dl.original_value() == value and not dl.value_truncated
        assert dl.error and dl.topic == raw_topic


def _check_replay_changes_nothing(worker: WorkerProcess, s: Settings, t: Topics) -> None:
    """Replaying the same stories again changes nothing: counted by story id."""
    import asyncio

    asyncio.run(replay(SEEDS, s, topic=t.raw, show_progress=False))
    produce(s, t.raw, [(b"marker", b'{"id": "marker", "body": "A marker story about Peru."}')])
    out2 = read(s, [t.enriched], until=lambda rs: any(r.key == b"marker" for r in rs))
    assert sum(1 for r in out2 if r.key != b"marker") == SEED_STORIES
    expected2 = expected_counts([r.value for r in out2])
    assert wait_counts(worker, expected2) == expected2


def _check_usr1_dump(worker: WorkerProcess, raw_topic: str) -> None:
    """kill -USR1: the live worker logs its partitions and task stacks, and keeps running."""
    worker.process.send_signal(signal.SIGUSR1)
    deadline = time.monotonic() + 10
    while "diagnostics: tasks" not in worker.log_path.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    dump = worker.log_path.read_text()
    assert f"{raw_topic}:0" in dump and "Stack for <Task" in dump, worker.tail_log()
    assert json.loads(worker.get("/health/"))["status"] == "ok"


def test_seeds_flow_through_enriched_routed_counted(pipeline: Pipeline) -> None:
    import asyncio

    worker = pipeline.start_worker()
    s, t = pipeline.settings, pipeline.topics
    report = asyncio.run(replay(SEEDS, s, topic=t.raw, show_progress=False))
    assert report.sent == SEED_STORIES and not report.error
    produce(s, t.raw, [(f"bad-{i}".encode(), v) for i, (_, v) in enumerate(BAD_EVENTS)])

    def done(recs: list) -> bool:
        c = Counter(r.topic for r in recs)
        return c[t.enriched] >= SEED_STORIES and c[t.deadletter] >= len(BAD_EVENTS)

    out = read(s, [t.enriched, t.deadletter], until=done)
    enriched = [r for r in out if r.topic == t.enriched]
    dead = [r for r in out if r.topic == t.deadletter]
    assert len(enriched) == SEED_STORIES, worker.tail_log()
    assert len(dead) == len(BAD_EVENTS)

    stories = _check_enriched(enriched, report.ids)
    _check_routing(s, t, stories)
    _check_dead_letters(dead, t.raw)

    # counts over HTTP equal the countries of the stories that came out
    expected = expected_counts([r.value for r in enriched])
    assert wait_counts(worker, expected) == expected
    one = json.loads(worker.get("/countries/US/"))
    assert one == {"country": "US", "count": expected["US"]}

    _check_replay_changes_nothing(worker, s, t)
    _check_usr1_dump(worker, t.raw)


def r_key_matches(records: list, sid: str) -> bool:
    return any(r.key == sid.encode() for r in records)


def test_feed_files_ingested_end_to_end(pipeline: Pipeline) -> None:
    import asyncio

    from streams.sources.feeds.publish import ingest_to_kafka
    from tests.paths import ROOT

    pipeline.start_worker()
    s, t = pipeline.settings, pipeline.topics
    feeds = sorted(str(p) for p in (ROOT / "tests/unit/sources/feeds/data").glob("*.xml"))[:6]
    report = asyncio.run(ingest_to_kafka(s, feeds, poll=None, state_dir=pipeline.tmp / "feedstate"))
    assert report.published > 0
    out = read(
        s, [t.enriched, t.deadletter], until=lambda rs: len(rs) >= report.published, timeout=60
    )
    enriched = [r for r in out if r.topic == t.enriched]
    # fixture feeds may share guids across files; each distinct id comes out once
    assert 0 < len(enriched) <= report.published
    assert len({r.key for r in enriched}) == len(enriched)
    again = asyncio.run(ingest_to_kafka(s, feeds, poll=None, state_dir=pipeline.tmp / "feedstate"))
    assert again.published == 0, "seen-set survives across runs"


def test_trending_near_duplicates_and_time_keeping_replay(pipeline: Pipeline) -> None:
    import asyncio
    import time

    worker = pipeline.start_worker()
    s, t = pipeline.settings, pipeline.topics
    path = pipeline.tmp / "timed.jsonl"
    lede = (
        "Officials in Nairobi said on Tuesday that Kenya would expand its coastal "
        "defences after a week of record floods along the Indian Ocean shore, where "
        "thousands of families were moved to higher ground and schools were closed."
    )
    stories = [
        {
            "id": "w1",
            "headline": "Kenya floods",
            "body": lede + "\n\nMore rain is expected.",
            "published_at": "2024-05-01T10:00:00Z",
        },
        # the same wire story, republished with a new headline and a trimmed tail
        {
            "id": "w2",
            "headline": "Kenya to expand flood defences",
            "body": lede,
            "published_at": "2024-05-01T10:00:02Z",
        },
        {
            "id": "w3",
            "headline": "Peru elects",
            "body": "Voters in Peru chose a new Congress.",
            "published_at": "2024-05-01T10:00:04Z",
        },
    ]
    path.write_bytes(b"".join(orjson.dumps(st) + b"\n" for st in stories))
    # wait until the worker consumes, so the stories are processed in the order they are sent
    warm = b'{"id": "warm", "body": "Warm-up note.", "published_at": "2024-05-01T10:00:00Z"}'
    produce(s, t.raw, [(b"warm", warm)])
    read(s, [t.enriched], until=lambda rs: any(r.key == b"warm" for r in rs))
    t0 = time.monotonic()
    report = asyncio.run(replay(path, s, topic=t.raw, speed=2.0, show_progress=False))
    took = time.monotonic() - t0
    assert report.sent == 3
    assert took >= 1.5, "--speed 2 keeps the 4 s spacing of published_at as 2 s"

    out = read(s, [t.enriched], until=lambda rs: len(rs) >= 4)
    out = [r for r in out if r.key != b"warm"]
    by_id = {r.key.decode(): orjson.loads(r.value) for r in out}
    assert by_id["w1"]["cluster_id"] == "w1" and "duplicate_of" not in by_id["w1"]
    assert by_id["w2"]["duplicate_of"] == "w1" and by_id["w2"]["cluster_id"] == "w1"
    assert by_id["w3"]["cluster_id"] == "w3"

    expected = expected_counts([r.value for r in out])
    assert wait_counts(worker, expected) == expected  # stories counted, not clusters
    trending = json.loads(worker.get("/trending/?window=1h&limit=5"))
    assert trending["window_start"] == "2024-05-01T10:00:00+00:00"  # event time, not now
    top = {e["key"]: e["count"] for e in trending["countries"]}
    assert top["KE"] == 2 and top["PE"] == 1
    assert trending["categories"], "stories per category per window"
    bad = worker.get_status("/trending/?window=7m")
    assert bad == 400

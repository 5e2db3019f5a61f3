"""The ``process`` agent's batch logic, without a broker: events + state in, outputs out."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import orjson
import pytest

from schemas.models import DeadLetter
from streams.pipeline import batch as batch_module
from streams.pipeline.batch import (
    BatchConfig,
    BatchResult,
    ProcessState,
    SourceEvent,
    admit,
    process_batch,
    window_start,
)
from streams.pipeline.counting import NO_WINDOW
from streams.pipeline.decode import Rejection, decode_story
from streams.pipeline.dedupe import fingerprint, pack
from streams.pipeline.neardup import NearDupIndex
from streams.topics import Topics

NOW = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)
TOPICS = Topics("t.")
CFG = BatchConfig(topics=TOPICS, window_s=3600)
PARIS = {
    "id": "s1",
    "headline": "Paris summit",
    "body": "Leaders of France and Germany met in Paris on Monday to discuss trade.",
    "published_at": "2026-03-01T09:15:00Z",
}


def event(offset: int, value: dict | bytes, partition: int = 0) -> SourceEvent:
    raw = value if isinstance(value, bytes) else orjson.dumps(value)
    return SourceEvent(TOPICS.raw, partition, offset, b"k", raw)


def test_a_story_goes_to_enriched_and_its_category_topics_with_count_deltas() -> None:
    state = ProcessState(1000)
    out = process_batch([event(7, PARIS)], state, CFG, NOW)
    topics = [t for t, _, _ in out.records]
    assert topics[0] == TOPICS.enriched
    assert all(t.startswith("t.news.topic.") for t in topics[1:]) and len(topics) >= 2
    rec = orjson.loads(out.records[0][2])
    assert rec["id"] == "s1" and {"FR", "DE"} <= set(rec["countries"])
    source = [0, 7, window_start_of(PARIS), "en"]  # the story's language is counted too
    assert out.deltas["FR"] == [source] and out.deltas["DE"] == [source]
    slug = topics[1].removeprefix("t.news.topic.")
    assert out.deltas["#" + slug] == [source]
    assert out.last == {0: 0} and out.fresh == {0: [fingerprint("s1")]}
    assert out.duplicates == 0 and not out.dead_letters
    assert len(out.enrich_seconds) == 1 and out.stories[0][1]["id"] == "s1"
    assert out.languages == {"en": 1}


def window_start_of(story: dict) -> int:
    published = datetime.fromisoformat(story["published_at"].replace("Z", "+00:00"))
    return int(published.timestamp()) // 3600 * 3600


def test_bad_input_becomes_a_dead_letter_with_its_reason_and_bytes() -> None:
    out = process_batch([event(3, b"{not json")], ProcessState(1000), CFG, NOW)
    assert out.dead_letters == {"invalid_json": 1}
    ((topic, key, value),) = out.records
    assert topic == TOPICS.deadletter and key == b"k"
    letter = DeadLetter.model_validate_json(value)
    assert letter.reason == "invalid_json" and letter.offset == 3
    assert out.last == {0: 0} and not out.fresh and not out.deltas


def test_redelivered_offsets_and_repeated_ids_are_skipped() -> None:
    state = ProcessState(1000)
    first = process_batch([event(5, PARIS)], state, CFG, NOW)
    marks = state.marks(0, 5, first.fresh[0])
    assert (str(0), 5) in marks and ("0@5", pack([fingerprint("s1")])) in marks
    again = process_batch([event(5, PARIS), event(6, PARIS)], state, CFG, NOW)
    assert again.duplicates == 2 and not again.records  # offset 5 redelivered, s1 known
    assert again.last == {0: 1}  # offset 6 still moves the watermark


def test_a_copy_within_the_batch_or_awaiting_acks_is_a_duplicate() -> None:
    state = ProcessState(1000)
    out = process_batch([event(1, PARIS), event(2, PARIS)], state, CFG, NOW)
    assert out.duplicates == 1 and len(out.fresh[0]) == 1
    state.inflight.update(out.fingerprints)  # sent, not acknowledged yet
    later = process_batch([event(3, PARIS)], state, CFG, NOW)
    assert later.duplicates == 1 and not later.records


def test_state_rebuilt_from_its_marks_knows_the_same_stories() -> None:
    state = ProcessState(1000)
    table: dict[str, object] = {}
    for offset, sid in enumerate(["a", "b", "c"]):
        out = process_batch([event(offset, {**PARIS, "id": sid})], state, CFG, NOW)
        for key, value in state.marks(0, offset, out.fresh[0]):
            table[key] = value
    rebuilt = ProcessState(1000)
    rebuilt.rebuild(table.items())
    assert rebuilt.watermarks == {0: 2}
    assert all(rebuilt.is_known(fingerprint(s)) for s in "abc")
    assert not rebuilt.is_known(fingerprint("d"))


def test_records_of_expired_fingerprints_are_deleted() -> None:
    state = ProcessState(1000)  # the horizon keeps the last 1000 ids
    state.marks(0, 0, [1])
    assert ("0@0", None) not in state.marks(0, 1, list(range(2, 1001)))  # 1000 ids: all kept
    marks = state.marks(0, 2, [5000])  # evicts id 1, the only one of record 0@0
    assert ("0@0", None) in marks


@pytest.mark.parametrize("step", ["enriched_record", "finish_story"])
def test_an_enrichment_failure_is_a_dead_letter_not_a_crash(
    step: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In either pass: the enrichment, or the near-duplicate mark and routes after it."""

    def broken(*args: object, **kwargs: object) -> object:
        raise ValueError("model exploded")

    monkeypatch.setattr(batch_module, step, broken)
    events = [event(1, PARIS), event(2, {**PARIS, "id": "s2"})]
    out = process_batch(events, ProcessState(1000), CFG, NOW)
    assert out.dead_letters == {"enrichment_error": 2}
    assert [t for t, _, _ in out.records] == [TOPICS.deadletter] * 2
    letter = DeadLetter.model_validate_json(out.records[0][2])
    assert "model exploded" in letter.error and letter.offset == 1
    assert not out.fresh  # not marked: a redrive after the fix is processed


def _comparable(out: BatchResult) -> tuple[object, ...]:
    """A batch's outputs without their clocks (when enriched, when dead-lettered)."""

    def value(topic: str, raw: bytes) -> object:
        return orjson.loads(raw) | {"enriched_at": "", "dead_lettered_at": ""}

    records = [(t, k, value(t, v)) for t, k, v in out.records]
    return records, dict(out.deltas), dict(out.fresh), out.duplicates, out.near_duplicates


@pytest.mark.parametrize("batch_hashing", ["works", "fails"])
def test_a_batch_gives_what_its_stories_give_one_at_a_time(
    batch_hashing: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Enriching the whole batch before marking near-duplicates, and hashing its texts at
    once (or each story its own, when that fails), changes no output."""
    if batch_hashing == "fails":

        def broken(*args: object) -> object:
            raise ValueError("hashing exploded")

        monkeypatch.setattr(NearDupIndex, "shingles", broken)
    stories = [
        event(1, PARIS),
        event(2, b"{not json"),
        event(3, {**PARIS, "id": "s2", "headline": "Paris summit (update)"}),
        event(4, PARIS),  # the same id again
        event(5, {"id": "s3", "headline": "Floods", "body": "Floods hit Dhaka, Bangladesh."}),
        event(6, {**PARIS, "id": "s4", "body": PARIS["body"] + " Talks go on."}),
    ]
    cfg = BatchConfig(topics=TOPICS, count_clusters_once=True)
    whole = process_batch(stories, ProcessState(1000), cfg, NOW, NearDupIndex(threshold=0.5))
    state, index, parts = ProcessState(1000), NearDupIndex(threshold=0.5), BatchResult()
    for e in stories:
        one = process_batch([e], state, cfg, NOW, index)
        parts.records += one.records
        for key, sources in one.deltas.items():
            parts.deltas[key] += sources
        for part, fps in one.fresh.items():
            parts.fresh[part] += fps
            state.inflight.update(fps)  # as the agent does until the batch is acknowledged
        parts.duplicates += one.duplicates
        parts.near_duplicates += one.near_duplicates
    assert whole.near_duplicates == 2 and whole.duplicates == 1
    assert _comparable(whole) == _comparable(parts)


def test_count_clusters_once_counts_a_near_duplicate_cluster_once() -> None:
    cfg = BatchConfig(topics=TOPICS, count_clusters_once=True)
    copy = {**PARIS, "id": "s2", "headline": "Paris summit (update)"}
    neardup = NearDupIndex(threshold=0.5)
    out = process_batch([event(1, PARIS), event(2, copy)], ProcessState(1000), cfg, NOW, neardup)
    assert len(out.records) >= 4  # both stories are still published
    assert len(out.deltas["FR"]) == 1


def test_an_undated_story_is_counted_in_no_window() -> None:
    story = decode_story(orjson.dumps({"body": "x y z"}), CFG.limits, NOW)
    assert not isinstance(story, Rejection) and story.received_at == NOW
    assert window_start(story, 3600) == NO_WINDOW  # not the window it was received in
    undated = {k: v for k, v in PARIS.items() if k != "published_at"}
    out = process_batch([event(3, undated)], ProcessState(1000), CFG, NOW)
    assert out.deltas["FR"] == [[0, 3, NO_WINDOW, "en"]]


def test_each_delta_source_names_the_story_language() -> None:
    berlin = {
        "id": "de1",
        "body": "Die Bundesregierung in Berlin hat am Montag mit Frankreich über Handel beraten.",
        "published_at": "2026-03-01T09:15:00Z",
    }
    out = process_batch([event(3, berlin), event(4, PARIS)], ProcessState(1000), CFG, NOW)
    assert out.languages == {"de": 1, "en": 1}
    assert out.deltas["DE"][0] == [0, 3, window_start_of(berlin), "de"]
    assert orjson.loads(out.records[0][2])["language"] == "de"


def _offsets(events: list[SourceEvent], kept: list[int]) -> list[tuple[int, int]]:
    return [(events[i].partition, events[i].offset) for i in kept]


def _never_read(part: int) -> int | None:
    return None


def test_a_batch_that_skips_offsets_is_cut_before_the_hole_and_sought_back() -> None:
    """The hole seen on a Kafka cluster: a partition read from 0-4, then from 741 on."""
    state = ProcessState(horizon=10)
    first = [event(o, PARIS) for o in range(5)]
    assert admit(first, state, _never_read) == ([0, 1, 2, 3, 4], {})
    events = [event(741, PARIS), event(7, PARIS, partition=1), event(742, PARIS)]
    kept, seeks = admit(events, state, _never_read)
    assert _offsets(events, kept) == [(1, 7)]  # partition 1 had no offset seen yet
    assert seeks == {0: 5}
    assert state.seen[0] == 4 and state.rereading == {0: 5}


def test_while_reading_again_events_read_before_the_seek_are_left_out() -> None:
    state = ProcessState(horizon=10)
    admit([event(4, PARIS)], state, _never_read)
    admit([event(741, PARIS)], state, _never_read)  # the hole: read again from 5
    stale = [event(743, PARIS), event(744, PARIS)]
    assert admit(stale, state, lambda part: 5) == ([], {})  # no second seek
    again = [event(5, PARIS), event(6, PARIS)]
    assert admit(again, state, lambda part: 5) == ([0, 1], {})
    assert state.rereading == {} and state.seen[0] == 6


def test_a_batch_of_stale_events_then_the_events_read_again_keeps_the_second() -> None:
    """Events read before the seek still wait in the stream when the re-read arrives: the
    same batch holds both. Leaving out the whole partition there lost the re-read for
    good (the consumer had delivered it), and the partition stalled (a cluster run)."""
    state = ProcessState(horizon=10)
    admit([event(4, PARIS)], state, _never_read)
    admit([event(741, PARIS)], state, _never_read)  # the hole: read again from 5
    mixed = [event(o, PARIS) for o in (743, 744, 5, 6)]
    kept, seeks = admit(mixed, state, lambda part: 5)
    assert (_offsets(mixed, kept), seeks) == ([(0, 5), (0, 6)], {})
    assert state.rereading == {} and state.seen[0] == 6


def test_a_hole_found_in_a_batch_leaves_out_the_rest_of_its_partition() -> None:
    """Until the seek is made, the consumer's first read belongs to its previous move: an
    event that happens to match it is not a gap in the log."""
    state = ProcessState(horizon=10)
    admit([event(4, PARIS)], state, _never_read)
    events = [event(9, PARIS), event(10, PARIS), event(3, PARIS, partition=1)]
    kept, seeks = admit(events, state, lambda part: 10)
    assert (_offsets(events, kept), seeks) == ([(1, 3)], {0: 5})


def test_a_gap_in_the_log_itself_is_accepted_once_read_again() -> None:
    """Compaction, transaction markers or retention: the first offset read after the seek
    is the one after the gap, so the gap is real and waiting would never end."""
    state = ProcessState(horizon=10)
    admit([event(4, PARIS)], state, _never_read)
    admit([event(9, PARIS)], state, _never_read)
    kept, seeks = admit([event(9, PARIS), event(10, PARIS)], state, lambda part: 9)
    assert (kept, seeks) == ([0, 1], {})
    assert state.seen[0] == 10 and state.rereading == {}


def test_redelivery_after_a_seek_back_is_not_a_hole() -> None:
    state = ProcessState(horizon=10)
    admit([event(o, PARIS) for o in range(10, 20)], state, _never_read)
    events = [event(o, PARIS) for o in (12, 13, 14)]  # a rebalance sought back to 12
    assert admit(events, state, _never_read) == ([0, 1, 2], {})
    kept, seeks = admit([event(16, PARIS)], state, _never_read)  # 15 went missing
    assert (kept, seeks) == ([], {0: 15})


def test_rebuilt_state_expects_the_offset_after_each_watermark() -> None:
    state = ProcessState(horizon=10)
    state.rereading[3] = 1
    state.rebuild([("0", 41), ("1", 7)])
    assert state.seen == {0: 41, 1: 7} and state.rereading == {}
    events = [event(42, PARIS), event(9, PARIS, partition=1), event(0, PARIS, partition=2)]
    kept, seeks = admit(events, state, _never_read)
    assert _offsets(events, kept) == [(0, 42), (2, 0)]
    assert seeks == {1: 8}


def test_on_a_transactional_topic_holes_and_gaps_are_logged_quietly(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Under exactly_once a marker follows each transaction: a gap per batch is normal."""
    state = ProcessState(horizon=10)
    with caplog.at_level(logging.DEBUG, logger="newsstream"):
        admit([event(4, PARIS)], state, _never_read, quiet=True)
        assert admit([event(6, PARIS)], state, _never_read, quiet=True) == ([], {0: 5})
        assert admit([event(6, PARIS)], state, lambda part: 6, quiet=True) == ([0], {})
    assert [r.levelno for r in caplog.records] == [logging.DEBUG, logging.DEBUG]

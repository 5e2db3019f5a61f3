"""One batch of the ``process`` agent as a pure function, and the state it carries.

:func:`process_batch` takes the batch's source events and the worker's
:class:`ProcessState` and returns what to send (enriched stories, category copies, dead
letters), the count deltas and what to mark once the outputs are acknowledged. No Kafka
and no Faust: the agent (streams/worker/process.py) sends, waits for the acks, then
writes the marks of :meth:`ProcessState.marks` to its changelogged ``dedupe`` table.

Exactness without transactions, in constant memory:

* a redelivered event (offset at or below its partition's watermark) is skipped;
* a story published again under the same id is recognised by the fingerprint of its id,
  within a horizon of the last ``horizon`` stories (streams/pipeline/dedupe.py), or while
  an earlier copy's batch is still waiting for its acknowledgements (``inflight``);
* each count delta names its source (raw partition, offset), so the ``count`` agent
  skips a delta re-emitted after a crash (streams/pipeline/counting.py);
* a batch that would skip offsets of a partition (a hole: the watermark would pass records
  never processed) is cut before the hole, and the partition read again (:func:`admit`).
"""

from __future__ import annotations

import logging
import time
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import numpy as np

from schemas.models import DeadLetter, RawStory
from streams.pipeline.counting import CATEGORY_KEY_PREFIX, NO_WINDOW, Entries
from streams.pipeline.decode import Limits, Rejection, decode_story
from streams.pipeline.dedupe import IdHorizon, fingerprint, pack, unpack
from streams.pipeline.neardup import NearDupIndex
from streams.pipeline.processing import enriched_record, finish_story
from streams.topics import Topics

log = logging.getLogger("newsstream")

#: Oversized values keep this many bytes in the dead letter (the rest stays on news.raw).
DEADLETTER_KEEP_BYTES = 64 * 1024

#: (topic, key, value) of one output record.
Record = tuple[str, bytes | None, bytes]
#: A table write: (key, value), where a value of None deletes the key.
Mark = tuple[str, Any]


class Source(Protocol):
    """What the batch logic reads of a source event (Faust's ``Message`` has it)."""

    @property
    def topic(self) -> str: ...
    @property
    def partition(self) -> int: ...
    @property
    def offset(self) -> int: ...
    @property
    def key(self) -> bytes | None: ...
    @property
    def value(self) -> bytes | None: ...


@dataclass(frozen=True, slots=True)
class SourceEvent:
    """A plain :class:`Source`, for tests, replays and the benchmark."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None


@dataclass(frozen=True, slots=True)
class BatchConfig:
    """The settings the batch logic depends on."""

    topics: Topics
    tagger: str = "fast"
    route_threshold: float = 0.5
    limits: Limits = field(default_factory=Limits)
    window_s: int = 3600
    count_clusters_once: bool = False


@dataclass
class BatchResult:
    """What one batch produced."""

    records: list[Record] = field(default_factory=list)
    #: Row key (country code or ``#slug``) -> sources [raw partition, offset, window start,
    #: language] (streams/pipeline/counting.py).
    deltas: dict[str, Entries] = field(default_factory=lambda: defaultdict(list))
    #: Raw partition -> index (in the batch) of its last event not already processed.
    last: dict[int, int] = field(default_factory=dict)
    #: Raw partition -> fingerprints of the stories first seen in this batch.
    fresh: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    #: (received_at as a timestamp, enriched record) of each story enriched.
    stories: list[tuple[float, dict[str, Any]]] = field(default_factory=list)
    duplicates: int = 0
    near_duplicates: int = 0
    dead_letters: Counter[str] = field(default_factory=Counter)
    #: Stories enriched per detected language (ISO 639-1 or ``und``).
    languages: Counter[str] = field(default_factory=Counter)
    enrich_seconds: list[float] = field(default_factory=list)

    @property
    def fingerprints(self) -> list[int]:
        return [fp for fps in self.fresh.values() for fp in fps]


class ProcessState:
    """The ``process`` agent's memory: offset watermarks, the id horizon, the fingerprints
    of batches awaiting their acks and, with COUNT_CLUSTERS_ONCE, the countries counted
    per near-duplicate cluster. Rebuilt from the ``dedupe`` table after each recovery."""

    def __init__(self, horizon: int) -> None:
        self.horizon = IdHorizon(horizon)
        self.watermarks: dict[int, int] = {}
        self.expired: dict[int, list[str]] = defaultdict(list)  # records to delete
        self.inflight: set[int] = set()
        self.cluster_countries: OrderedDict[str, set[str]] = OrderedDict()
        #: Raw partition -> the last offset that reached the batch logic (:func:`admit`).
        self.seen: dict[int, int] = {}
        #: Raw partition -> the offset it is being read again from, after a hole.
        self.rereading: dict[int, int] = {}

    def rebuild(self, items: Iterable[tuple[str, Any]]) -> None:
        """Load the ``dedupe`` table: ``'<p>'`` -> watermark, ``'<p>@<offset>'`` -> packed
        fingerprints, replayed oldest first so the horizon evicts in the original order."""
        self.horizon.clear()
        self.watermarks.clear()
        self.expired.clear()
        records: list[tuple[int, int, str, str]] = []
        for key, value in items:
            head, sep, tail = key.partition("@")
            if sep:
                records.append((int(tail), int(head), key, value))
            else:
                self.watermarks[int(head)] = int(value)
        for _, part, key, value in sorted(records):
            for p_old, old in self.horizon.add(part, key, unpack(value)):
                self.expired[p_old].append(old)
        self.seen = dict(self.watermarks)
        self.rereading.clear()

    def is_known(self, fp: int) -> bool:
        return fp in self.horizon or fp in self.inflight

    def marks(self, part: int, offset: int, fresh: list[int]) -> list[Mark]:
        """The table writes for partition ``part`` once a batch ending at ``offset`` is
        acknowledged: its new fingerprints, its watermark, and deletions of records whose
        fingerprints all left the horizon."""
        out: list[Mark] = []
        if fresh:
            record = f"{part}@{offset}"
            out.append((record, pack(fresh)))
            for p_old, old in self.horizon.add(part, record, fresh):
                self.expired[p_old].append(old)
        if offset > self.watermarks.get(part, -1):
            out.append((str(part), offset))
            self.watermarks[part] = offset
        out.extend((old, None) for old in self.expired.pop(part, ()))
        return out

    def countries_to_count(self, countries: list[str], cluster_id: str, window: int) -> list[str]:
        """The countries of a cluster not counted yet (COUNT_CLUSTERS_ONCE). A cluster
        only grows while its stories are in the near-duplicate window, so the map keeps as
        many clusters as that window holds stories."""
        counted = self.cluster_countries.get(cluster_id)
        if counted is None:
            counted = self.cluster_countries[cluster_id] = set()
            if len(self.cluster_countries) > window:
                self.cluster_countries.popitem(last=False)
        new = [cc for cc in countries if cc not in counted]
        counted.update(new)
        return new


def dead_letter(
    msg: Source, reason: str, error: str, topics: Topics
) -> Record:  # the original bytes are kept
    """The dead-letter record for a source event."""
    dl = DeadLetter.build(
        key=msg.key,
        value=msg.value,
        reason=reason,
        error=error,
        topic=msg.topic,
        partition=msg.partition,
        offset=msg.offset,
        max_value_bytes=DEADLETTER_KEEP_BYTES if reason == "oversized" else None,
    )
    return (topics.deadletter, msg.key, dl.to_bytes())


def window_start(story: RawStory, size: int) -> int:
    """Tumbling window of the story's publication time; :data:`NO_WINDOW` without one.

    An undated story has no event time: its received time says when a feed was read (a
    first poll brings a feed's whole backlog at once, a replay brings an archive now), so
    it would land in the current window and lead the trends. It is counted, in no window.
    """
    if story.published_at is None:
        return NO_WINDOW
    return int(story.published_at.timestamp() // size * size)


class ReadPositions(Protocol):
    """Where each partition's delivery stands, for :func:`admit` (the ``process`` agent's
    :class:`ProcessState`, the ``count`` agent's
    :class:`~streams.pipeline.counting.DeltaReads`)."""

    #: Partition -> the last offset that reached the batch logic.
    seen: dict[int, int]
    #: Partition -> the offset it is being read again from, after a hole.
    rereading: dict[int, int]


def admit(
    events: Sequence[Source],
    state: ReadPositions,
    first_read: Callable[[int], int | None],
    quiet: bool = False,
) -> tuple[list[int], dict[int, int]]:
    """The indexes of the events to process, and the partitions to read again from an offset.

    Offsets of a partition must follow on from the last one seen (an offset at or below it
    is a redelivery, after a seek back). An offset further on is a hole: that event and
    the rest of its partition in the batch are left out, unacked, and the partition is read
    again from the first missing offset. While it is (``rereading``), each event further on
    than the next expected offset was read before the seek and is left out on its own (the
    events read again may follow it in the same batch), unless the consumer read that very
    offset first after the seek (``first_read``): then the log itself has the gap
    (compaction, transaction markers, retention). ``quiet``: the log has gaps between
    most batches (a topic written in transactions), so holes and gaps are logged at debug
    level.
    """
    hole_level, gap_level = (logging.DEBUG,) * 2 if quiet else (logging.ERROR, logging.WARNING)
    kept: list[int] = []
    seeks: dict[int, int] = {}
    for i, msg in enumerate(events):
        part, offset = msg.partition, msg.offset
        if part in seeks:
            continue  # a hole earlier in this batch: the seek is still to be made
        last, again = state.seen.get(part), state.rereading.get(part)
        if last is not None and offset > last + 1:
            if again is None:
                log.log(
                    hole_level,
                    "%s:%d: offsets %d-%d skipped, reading them again",
                    msg.topic,
                    part,
                    last + 1,
                    offset - 1,
                )
                seeks[part] = state.rereading[part] = last + 1
                continue
            if first_read(part) != offset:
                continue  # read before the seek: it comes again
            log.log(
                gap_level,
                "%s:%d: offsets %d-%d are not in the log",
                msg.topic,
                part,
                last + 1,
                offset - 1,
            )
        if again is not None and offset >= again:
            del state.rereading[part]
        state.seen[part] = offset
        kept.append(i)
    return kept, seeks


@dataclass(frozen=True, slots=True)
class _Enriched:
    """A story of the batch once enriched, waiting for its near-duplicate mark and routes."""

    msg: Source
    story: RawStory
    fp: int
    record: dict[str, Any]
    seconds: float


def process_batch(
    events: Sequence[Source],
    state: ProcessState,
    cfg: BatchConfig,
    now: datetime,
    neardup: NearDupIndex | None = None,
) -> BatchResult:
    """Decode, de-duplicate, enrich and route one batch (see the module doc).

    Two passes: every story of the batch is enriched, then each is marked (near-duplicates)
    and routed, in batch order; the outputs are the same as one story at a time, and each
    pass keeps its own tables in the CPU's caches (docs/performance.md).
    """
    out = BatchResult()
    in_batch: set[int] = set()
    todo: list[Record | _Enriched] = []  # in batch order: dead letters and enriched stories
    for i, msg in enumerate(events):
        part, offset = msg.partition, msg.offset
        if offset <= state.watermarks.get(part, -1):
            out.duplicates += 1  # redelivered after a crash or rebalance
            continue
        out.last[part] = i
        story = decode_story(msg.value, cfg.limits, now)
        if isinstance(story, Rejection):
            out.dead_letters[story.reason] += 1
            todo.append(dead_letter(msg, story.reason, story.error, cfg.topics))
            continue
        fp = fingerprint(story.id)
        if fp in in_batch or state.is_known(fp):
            out.duplicates += 1  # the same story published again
            continue
        in_batch.add(fp)
        todo.append(_enrich(msg, story, fp, cfg, out))
    shingles = iter(_batch_shingles(todo, neardup))
    for item in todo:
        if isinstance(item, _Enriched):
            _mark_and_route(item, state, cfg, neardup, out, next(shingles, None))
        else:
            out.records.append(item)
    return out


def _batch_shingles(todo: list[Record | _Enriched], nd: NearDupIndex | None) -> list[np.ndarray]:
    """The shingle hashes of the enriched stories' texts, taken at once; none if that fails
    (each story then takes its own, where a failure dead-letters that story alone)."""
    if nd is None:
        return []
    try:
        return nd.shingles([i.story.text for i in todo if isinstance(i, _Enriched)])
    except Exception:
        log.exception("near-duplicate hashing failed for a batch; hashing story by story")
        return []


def _enrich(
    msg: Source, story: RawStory, fp: int, cfg: BatchConfig, out: BatchResult
) -> Record | _Enriched:
    """The story enriched, or its dead letter if the enrichment failed."""
    t0 = time.perf_counter()
    try:
        rec = enriched_record(story, cfg.tagger)
    except Exception as exc:  # an enrichment bug dead-letters the story, never the stream
        return _enrichment_failed(msg, story, exc, cfg, out)
    return _Enriched(msg, story, fp, rec, time.perf_counter() - t0)


def _enrichment_failed(
    msg: Source, story: RawStory, exc: Exception, cfg: BatchConfig, out: BatchResult
) -> Record:
    log.error("enrichment failed for story %s", story.id, exc_info=exc)
    out.dead_letters["enrichment_error"] += 1
    return dead_letter(msg, "enrichment_error", f"{type(exc).__name__}: {exc}", cfg.topics)


def _mark_and_route(
    item: _Enriched,
    state: ProcessState,
    cfg: BatchConfig,
    neardup: NearDupIndex | None,
    out: BatchResult,
    shingles: np.ndarray | None,
) -> None:
    """Mark an enriched story's near-duplicates (``shingles``: its text's, taken for the
    whole batch at once) and add its outputs and deltas to ``out``."""
    msg, story = item.msg, item.story
    t0 = time.perf_counter()
    try:
        done = finish_story(story, item.record, cfg.route_threshold, neardup, shingles)
    except Exception as exc:
        out.records.append(_enrichment_failed(msg, story, exc, cfg, out))
        return
    out.enrich_seconds.append(item.seconds + time.perf_counter() - t0)
    out.fresh[msg.partition].append(item.fp)
    if done.duplicate_of is not None:
        out.near_duplicates += 1
    rec, value, key = done.record, done.value, story.id.encode()
    out.records.append((cfg.topics.enriched, key, value))
    out.records.extend((cfg.topics.category(slug), key, value) for slug in done.slugs)
    language = rec["language"]
    out.languages[language] += 1
    source = [msg.partition, msg.offset, window_start(story, cfg.window_s), language]
    countries = rec["countries"]
    if cfg.count_clusters_once and neardup is not None:
        countries = state.countries_to_count(countries, done.cluster_id, neardup.window)
    for cc in countries:
        out.deltas[cc].append(source)
    for slug in done.slugs:
        out.deltas[CATEGORY_KEY_PREFIX + slug].append(source)
    received = story.received_at.timestamp() if story.received_at else 0.0
    out.stories.append((received, rec))

"""Count rows and count-delta events: the pure part of the ``count`` agent (no Kafka).

A row of ``country_counts`` is ``[stories, offset of the last delta event applied,
{window start: n}, {raw partition: highest raw offset counted}]``, written as one record
so that count, windows and source offsets stay consistent after a crash.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson

Row = list[Any]
#: A source of one count: [raw partition, raw offset, window start].
Entries = list[list[int]]
EMPTY_ROW: Row = [0, -1, {}, {}]


def delta_items(key: bytes | None, value: bytes) -> Iterable[tuple[str, Entries]]:
    """The (row key, sources) pairs of one delta event.

    Events map keys to sources (``{key: [[p, offset, window], ...]}``, one event per
    table partition and batch); events written before that format carry one key's list,
    keyed by the key.
    """
    payload = orjson.loads(value)
    if isinstance(payload, dict):
        return payload.items()
    return [((key or b"").decode(), payload)]


def apply_delta(row: Row, offset: int, entries: Entries, retention_s: int) -> Row | None:
    """``row`` after the delta event at ``offset``; None if that event was applied before.

    Sources already counted (a delta re-emitted after a crash of ``process`` carries
    offsets at or below the row's highest offset of that raw partition) are skipped, so
    counts are exact without a mark per story.
    """
    if offset <= row[1]:
        return None  # this delta event was applied before a crash
    sources: dict[str, int] = dict(row[3]) if len(row) > 3 else {}
    per_window: dict[str, int] = dict(row[2])
    added = 0
    for part, source_offset, window in entries:
        p = str(part)
        if source_offset <= sources.get(p, -1):
            continue  # re-emitted after a crash of `process`: counted already
        sources[p] = source_offset
        w = str(window)
        per_window[w] = per_window.get(w, 0) + 1
        added += 1
    return [row[0] + added, offset, trim_windows(per_window, retention_s), sources]


def trim_windows(per_window: dict[str, int], retention_s: int) -> dict[str, int]:
    """Keep the windows inside the retention period (default 7 days)."""
    if not per_window:
        return per_window
    newest = max(int(w) for w in per_window)
    keep_from = newest - retention_s
    return {w: n for w, n in per_window.items() if int(w) > keep_from}

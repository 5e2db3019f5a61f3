"""Count rows and count-delta events: the pure part of the ``count`` agent (no Kafka).

A row of ``country_counts`` is ``[stories, offset of the last delta event applied,
{window start: n}, {raw partition: highest raw offset counted}, {language: n}]``, written
as one record so that count, windows, per-language counts and source offsets stay
consistent after a crash. The per-language counts live inside the row (not in rows of their
own) so a story is counted for its language exactly when it is counted at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import orjson

Row = list[Any]
#: The sources of one key's counts, each [raw partition, raw offset, window start, language]
#: (deltas written before languages were counted have no language).
Entries = list[list[Any]]
EMPTY_ROW: Row = [0, -1, {}, {}, {}]
#: Keys of category rows in ``country_counts`` (countries are two capital letters).
CATEGORY_KEY_PREFIX = "#"
#: The window of a story without a publication date: counted in the row's total, in no
#: window, so the trends (streams/pipeline/trending.py) hold only dated stories.
NO_WINDOW = -1


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
    per_language: dict[str, int] = dict(row[4]) if len(row) > 4 else {}
    added = 0
    for entry in entries:
        part, source_offset, window = entry[0], entry[1], entry[2]
        p = str(part)
        if source_offset <= sources.get(p, -1):
            continue  # re-emitted after a crash of `process`: counted already
        sources[p] = source_offset
        added += 1
        if window != NO_WINDOW:
            w = str(window)
            per_window[w] = per_window.get(w, 0) + 1
        if len(entry) > 3:
            per_language[entry[3]] = per_language.get(entry[3], 0) + 1
    windows = trim_windows(per_window, retention_s)
    return [row[0] + added, offset, windows, sources, per_language]


def trim_windows(per_window: dict[str, int], retention_s: int) -> dict[str, int]:
    """Keep the windows inside the retention period (default 7 days)."""
    if not per_window:
        return per_window
    newest = max(int(w) for w in per_window)
    keep_from = newest - retention_s
    return {w: n for w, n in per_window.items() if int(w) > keep_from}


def fold_deltas(
    events: Sequence[tuple[bytes | None, bytes, int]],
    get_row: Callable[[str, int], Row | None],
    retention_s: int,
) -> dict[str, tuple[int, Row]]:
    """Apply a batch of delta events ``(key, value, offset)`` to their rows.

    ``get_row(key, i)`` reads a row from the table as event ``i`` sees it (the first time a
    key comes up). Returns, per key that changed, the index of the event of its last delta
    and the new row, so each row is written once per batch.
    """
    rows: dict[str, tuple[int, Row]] = {}
    for i, (key_bytes, value, offset) in enumerate(events):
        for key, entries in delta_items(key_bytes, value):
            row = rows[key][1] if key in rows else get_row(key, i) or list(EMPTY_ROW)
            new = apply_delta(row, offset, entries, retention_s)
            if new is not None:
                rows[key] = (i, new)
    return rows


class DeltaReads:
    """The ``count`` agent's read positions (:class:`~streams.pipeline.batch.ReadPositions`).

    A row skips delta events at or below its last applied offset, so a delta delivered
    after a later one of its partition would be lost: the agent checks that offsets follow
    on (:func:`~streams.pipeline.batch.admit`) from the last delta event its rows applied.
    """

    def __init__(self) -> None:
        self.seen: dict[int, int] = {}
        self.rereading: dict[int, int] = {}

    def rebuild(self, rows: Iterable[tuple[int, Row]]) -> None:
        """Start from the table: ``(partition, row)`` pairs, after each recovery."""
        seen: dict[int, int] = {}
        for part, row in rows:
            if row[1] >= 0 and row[1] > seen.get(part, -1):
                seen[part] = row[1]
        self.seen = seen
        self.rereading.clear()


def country_counts(rows: dict[str, Row], language: str | None = None) -> dict[str, int]:
    """The story count of each country row (category rows left out); with ``language``,
    the count of its stories in that language, for the countries that have any."""
    countries = ((k, v) for k, v in rows.items() if not k.startswith(CATEGORY_KEY_PREFIX))
    if language is None:
        return {k: v[0] for k, v in countries}
    per_language = ((k, v[4].get(language, 0) if len(v) > 4 else 0) for k, v in countries)
    return {k: n for k, n in per_language if n}

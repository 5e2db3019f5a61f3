"""The count agent's pure part: delta formats, exactly-once application, window trimming."""

import orjson

from streams.pipeline.batch import SourceEvent, admit
from streams.pipeline.counting import (
    EMPTY_ROW,
    DeltaReads,
    apply_delta,
    country_counts,
    delta_items,
    fold_deltas,
    trim_windows,
)

DAY = 86_400


def test_delta_items_reads_both_formats() -> None:
    new = orjson.dumps({"FR": [[0, 5, 0]], "#sport": [[1, 7, 0]]})
    assert dict(delta_items(b"2", new)) == {"FR": [[0, 5, 0]], "#sport": [[1, 7, 0]]}
    old = orjson.dumps([[0, 5, 0], [3, 9, 0]])  # one key per event, keyed by the key
    assert list(delta_items(b"FR", old)) == [("FR", [[0, 5, 0], [3, 9, 0]])]


def test_apply_delta_counts_each_source_once() -> None:
    row = apply_delta(list(EMPTY_ROW), 10, [[0, 5, 0, "de"], [1, 3, 0, "en"]], 7 * DAY)
    assert row == [2, 10, {"0": 2}, {"0": 5, "1": 3}, {"de": 1, "en": 1}]
    assert apply_delta(row, 10, [[0, 6, 0, "de"]], 7 * DAY) is None  # the same event again
    # re-emitted by `process` after a crash, in a later event: old sources skipped, and
    # their languages with them
    again = apply_delta(row, 11, [[0, 5, 0, "de"], [1, 3, 0, "en"], [1, 4, DAY, "de"]], 7 * DAY)
    assert again == [3, 11, {"0": 2, str(DAY): 1}, {"0": 5, "1": 4}, {"de": 2, "en": 1}]


def test_rows_and_deltas_from_before_languages_were_counted() -> None:
    old_row = [4, 9, {"0": 4}, {"0": 20}]  # no language map yet
    row = apply_delta(old_row, 10, [[0, 21, 0], [0, 22, 0, "pt"]], 7 * DAY)
    assert row == [6, 10, {"0": 6}, {"0": 22}, {"pt": 1}]  # a language-less delta counts once
    assert country_counts({"BR": old_row}, "pt") == {}


def test_country_counts_per_language() -> None:
    rows = {
        "DE": [3, 1, {}, {}, {"de": 2, "en": 1}],
        "FR": [1, 1, {}, {}, {"en": 1}],
        "#politics": [2, 1, {}, {}, {"de": 2}],
    }
    assert country_counts(rows) == {"DE": 3, "FR": 1}  # unfiltered: as before
    assert country_counts(rows, "de") == {"DE": 2}  # only countries with such stories
    assert country_counts(rows, "en") == {"DE": 1, "FR": 1}
    assert country_counts(rows, "ja") == {}


def test_trim_windows_keeps_the_retention_period() -> None:
    windows = {"0": 1, str(DAY): 2, str(2 * DAY): 4, str(8 * DAY): 3}
    assert trim_windows(windows, 7 * DAY) == {str(2 * DAY): 4, str(8 * DAY): 3}
    assert trim_windows({}, DAY) == {}


def test_fold_deltas_writes_each_row_once_per_batch() -> None:
    table = {"FR": [4, 9, {"0": 4}, {"0": 20}]}
    reads: list[tuple[str, int]] = []

    def get_row(key: str, i: int) -> list | None:
        reads.append((key, i))
        return table.get(key)

    events = [
        (b"0", orjson.dumps({"FR": [[0, 21, 0]], "#sport": [[0, 21, 0]]}), 10),
        (b"0", orjson.dumps({"FR": [[0, 22, 0], [0, 20, 0]]}), 11),  # 20: counted before
        (b"0", orjson.dumps({"DE": [[1, 3, 0]]}), 9),  # offset 9 <= nothing: a new row
    ]
    rows = fold_deltas(events, get_row, 7 * DAY)
    assert rows == {
        "FR": (1, [6, 11, {"0": 6}, {"0": 22}, {}]),
        "#sport": (0, [1, 10, {"0": 1}, {"0": 21}, {}]),
        "DE": (2, [1, 9, {"0": 1}, {"1": 3}, {}]),
    }
    assert reads == [("FR", 0), ("#sport", 0), ("DE", 2)]  # each key read once
    assert country_counts({k: r for k, (_, r) in rows.items()}) == {"FR": 6, "DE": 1}


def _delta(partition: int, offset: int) -> SourceEvent:
    return SourceEvent("news.country-deltas", partition, offset, b"0", b"{}")


def test_delta_reads_start_from_the_last_delta_the_rows_applied() -> None:
    reads = DeltaReads()
    rows = [(0, [3, 40, {}, {}]), (0, [1, 52, {}, {}]), (1, [2, 7, {}, {}]), (2, list(EMPTY_ROW))]
    reads.rebuild(rows)
    assert reads.seen == {0: 52, 1: 7}  # partition 2 has applied nothing yet


def test_a_delta_past_a_hole_waits_for_the_ones_before_it() -> None:
    """The loss seen on a Kafka cluster: a worker's first deltas of a partition came from
    past its commit; applied first, they would have made the rows skip the earlier ones."""
    reads = DeltaReads()
    reads.rebuild([(0, [5, 52, {}, {}])])
    events = [_delta(0, 60), _delta(1, 3), _delta(0, 61)]
    kept, seeks = admit(events, reads, lambda part: None)
    assert kept == [1] and seeks == {0: 53}
    again = [_delta(0, 53), _delta(0, 54)]
    assert admit(again, reads, lambda part: 53) == ([0, 1], {})
    assert reads.seen[0] == 54 and not reads.rereading

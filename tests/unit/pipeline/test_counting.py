"""The count agent's pure part: delta formats, exactly-once application, window trimming."""

import orjson

from streams.pipeline.counting import EMPTY_ROW, apply_delta, delta_items, trim_windows

DAY = 86_400


def test_delta_items_reads_both_formats() -> None:
    new = orjson.dumps({"FR": [[0, 5, 0]], "#sport": [[1, 7, 0]]})
    assert dict(delta_items(b"2", new)) == {"FR": [[0, 5, 0]], "#sport": [[1, 7, 0]]}
    old = orjson.dumps([[0, 5, 0], [3, 9, 0]])  # one key per event, keyed by the key
    assert list(delta_items(b"FR", old)) == [("FR", [[0, 5, 0], [3, 9, 0]])]


def test_apply_delta_counts_each_source_once() -> None:
    row = apply_delta(list(EMPTY_ROW), 10, [[0, 5, 0], [1, 3, 0]], 7 * DAY)
    assert row == [2, 10, {"0": 2}, {"0": 5, "1": 3}]
    assert apply_delta(row, 10, [[0, 6, 0]], 7 * DAY) is None  # the same event again
    # re-emitted by `process` after a crash, in a later event: old sources skipped
    again = apply_delta(row, 11, [[0, 5, 0], [1, 3, 0], [1, 4, DAY]], 7 * DAY)
    assert again == [3, 11, {"0": 2, str(DAY): 1}, {"0": 5, "1": 4}]


def test_trim_windows_keeps_the_retention_period() -> None:
    windows = {"0": 1, str(DAY): 2, str(2 * DAY): 4, str(8 * DAY): 3}
    assert trim_windows(windows, 7 * DAY) == {str(2 * DAY): 4, str(8 * DAY): 3}
    assert trim_windows({}, DAY) == {}

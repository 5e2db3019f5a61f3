"""The delivery watchdog's decision (streams/worker/watch.py), without a broker."""

from __future__ import annotations

from streams.worker.watch import DeliveryWatch


def test_a_partition_fetched_past_undelivered_records_is_read_again_from_its_commit() -> None:
    watch = DeliveryWatch()
    # fetch position 784, the drain loop still expects 154, committed 172: seen once ...
    assert watch.check({2: (784, 154, 172)}) == {}
    # ... and again at the next check with no delivery in between: read again from 172.
    assert watch.check({2: (784, 154, 172)}) == {2: 172}
    # Never twice to the same commit: a gap that is really in the log costs one re-read.
    assert watch.check({2: (784, 154, 172)}) == {}
    # Once the commit has moved, a new stall gets a new seek.
    watch.check({2: (900, 300, 310)})
    assert watch.check({2: (900, 300, 310)}) == {2: 310}


def test_a_partition_that_delivers_or_is_caught_up_is_left_alone() -> None:
    watch = DeliveryWatch()
    watch.check({0: (500, 400, 380), 1: (200, 200, 150), 3: (90, 90, 90)})
    # 0 moved on since the last check; 1 and 3 expect what the fetch reached.
    assert watch.check({0: (520, 410, 390), 1: (200, 200, 150), 3: (90, 90, 90)}) == {}


def test_a_partition_left_out_of_one_check_starts_over() -> None:
    watch = DeliveryWatch()
    watch.check({2: (784, 154, 172)})
    watch.check({})  # records in hand for it at this check
    assert watch.check({2: (784, 154, 172)}) == {}
    assert watch.check({2: (784, 154, 172)}) == {2: 172}

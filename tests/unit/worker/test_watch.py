"""The delivery watchdog's decision (streams/worker/watch.py), without a broker."""

from __future__ import annotations

from streams.worker.watch import DeliveryWatch, RecoveryWatch


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


def test_a_changelog_partition_that_recovery_stopped_receiving_is_read_again() -> None:
    watch = RecoveryWatch()
    # Recovery received nothing of partition 2 (-1) and waits for offset 28: seen once ...
    assert watch.check({2: (-1, 28), 3: (5, 24)}) == {}
    # ... and again with nothing received in between: read 2 again from 0; 3 moved on.
    assert watch.check({2: (-1, 28), 3: (9, 24)}) == {2: 0}
    # Never twice from the same offset: a transaction marker at the end of the log is
    # never received as a record, and recovery settles it by itself.
    assert watch.check({2: (-1, 28), 3: (9, 24)}) == {3: 10}
    assert watch.check({2: (-1, 28), 3: (9, 24)}) == {}
    # After progress, a new stall gets a new seek.
    watch.check({2: (20, 28)})
    assert watch.check({2: (20, 28)}) == {2: 21}


def test_a_changelog_partition_read_to_its_end_or_out_of_recovery_is_left_alone() -> None:
    watch = RecoveryWatch()
    watch.check({1: (24, 24)})
    assert watch.check({1: (24, 24)}) == {}
    watch.check({2: (3, 28)})
    assert watch.check({}) == {}  # recovery ended in between
    assert watch.check({2: (3, 28)}) == {}

"""A watchdog for records the consumer fetched and never delivered.

The ``process`` agent's hole guard (``streams.pipeline.batch.admit``) notices a skipped run
of offsets when the next record of the partition arrives. When the skipped run reaches the
end of the log, no next record comes: the partition's fetch position is at the end, the
drain loop still expects an earlier offset, nothing is acked or buffered, and the commit
never moves (seen with two exactly-once workers after a rebalance, docs/reliability.md).
This check finds that state and reads the partition again from its committed offset; the
watermarks skip what was already done. It watches both agents' sources: ``news.raw`` and
``news.country-deltas`` (where the ``count`` agent skips a delta it has counted by its
row's source offsets).

:class:`RecoveryWatch` does the same for the table changelogs while Faust recovers them
after a rebalance: recovery waits until each active changelog partition is read to its
highwater, so a partition that stops delivering stalls the worker's tables for good (seen
once on Kafka after a worker SIGKILL, docs/reliability.md).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Generic, TypeVar

#: A partition's key: a Faust ``TP`` in the worker, anything hashable in tests.
K = TypeVar("K", bound=Hashable)

#: Seconds between two checks; a partition must look stuck at two checks in a row.
CHECK_INTERVAL_S = 10.0


class DeliveryWatch:
    """Per partition: the offset the drain loop expected at the last check, and the
    committed offset the watch last sought back to (never twice to the same one, so a gap
    that is really in the log, such as a transaction marker, costs one re-read only)."""

    def __init__(self) -> None:
        self.expected: dict[int, int] = {}
        self.sought: dict[int, int] = {}

    def check(self, positions: Mapping[int, tuple[int, int, int]]) -> dict[int, int]:
        """``positions``: partition -> (fetch position, next offset expected, committed
        offset) of the partitions with nothing in hand. Returns partition -> offset to
        seek back to: the fetch went past records that were never delivered, and the
        delivery has not moved since the last check."""
        seeks: dict[int, int] = {}
        for part, (position, expected, committed) in positions.items():
            stuck = position > max(expected, committed) and self.expected.get(part) == expected
            if stuck and self.sought.get(part) != committed:
                seeks[part] = self.sought[part] = committed
        self.expected = {part: expected for part, (_, expected, _) in positions.items()}
        return seeks


class RecoveryWatch(Generic[K]):
    """Per active changelog partition under recovery: the last offset recovery had
    received at the previous check, and the offset the watch last sought back to."""

    def __init__(self) -> None:
        self.received: dict[K, int] = {}
        self.sought: dict[K, int] = {}

    def check(self, progress: Mapping[K, tuple[int, int]]) -> dict[K, int]:
        """``progress``: partition -> (last offset recovery received, -1 for none; the last
        offset it waits for) of the partitions under recovery. Returns partition -> offset
        to read again from: still behind, and nothing received since the last check.

        A re-read is safe: recovery skips offsets it has seen. Never twice to the same
        offset, so a transaction marker at the end of the log (which recovery settles
        itself) costs one re-read only."""
        seeks: dict[K, int] = {}
        for tp, (received, last) in progress.items():
            stuck = received < last and self.received.get(tp) == received
            if stuck and self.sought.get(tp) != received + 1:
                seeks[tp] = self.sought[tp] = received + 1
        self.received = {tp: received for tp, (received, _) in progress.items()}
        return seeks

"""Faust's ``Consumer.getmany`` with the records it does not hand out read again (item 8 of
the package doc).

Faust's ``getmany`` takes a fetch's records out of aiokafka (whose position moves past
them) and then yields them one by one; it silently skips the records of a partition that
is not active (paused, revoked) and stops at a new consumer generation or when the flow
stops. Nothing reads the skipped records again unless a rebalance's seek happens to come
after the skip: otherwise the partition's next record is further on, the drain loop sees
a gap, and the commit either stops at the first skipped offset for good or (past a gap
that covers it) commits over records that were never processed. Here each partition that
lost records is sought back to the first of them.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

log = logging.getLogger(__name__)


async def getmany(self: Any, timeout: float) -> AsyncIterator[tuple[Any, Any]]:
    """faust.transport.consumer.Consumer.getmany (faust-streaming 0.15.3), seeking back
    every partition whose fetched records it did not yield (see the module doc)."""
    records, active_partitions = await self._wait_next_records(timeout)
    generation_id = self.app.consumer_generation_id
    if records is None or self.should_stop:
        return
    records_it = self.scheduler.iterate(records)
    to_message = self._to_message
    skipped: dict[Any, int] = {}  # partition -> its first record not handed out
    if not self.flow_active:
        self.log.dev("getmany called while flow not active. Seek back to committed offsets.")
        try:
            await self.perform_seek()
        except Exception as ex:
            self.log.warning(f"exception performing seek when flow not active {ex}")
        return
    stopped = False
    for tp, record in records_it:
        stopped = stopped or (
            not self.flow_active or self.app.consumer_generation_id != generation_id
        )
        if stopped or not (
            active_partitions is None or tp in active_partitions or tp in self._buffered_partitions
        ):
            skipped.setdefault(tp, record.offset)
            continue
        self.app.monitor.track_tp_end_offset(tp, self.highwater(tp))
        yield tp, to_message(tp, record)
    if skipped:
        await _read_again(self, skipped)


async def _read_again(self: Any, skipped: dict[Any, int]) -> None:
    """Seek each partition still assigned back to its first skipped record; one that was
    revoked meanwhile is read by its next owner from the committed offset."""
    assigned = self.assignment()
    for tp, offset in skipped.items():
        if tp not in assigned:
            continue
        log.info("%s: records from offset %d were not delivered; reading them again", tp, offset)
        try:
            await self.seek(tp, offset)
        except Exception as exc:  # revoked meanwhile
            log.warning("seek of %s back to %d failed: %r", tp, offset, exc)

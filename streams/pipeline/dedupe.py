"""Bounded, preallocated memory of the story ids a worker has processed.

Exact de-duplication of *redelivered* events does not need ids at all (the ``process``
agent keeps a per-partition offset watermark, see streams/worker/app.py). Ids are for stories
that are *published again* (a feed re-sending an item, a replay run twice): those are
recognised within a horizon of the last ``capacity`` stories, like Kafka's own dedupe
windows and Benthos' ``dedupe`` cache. Each id is kept as a 64-bit fingerprint (BLAKE2b;
the chance that two of a million ids collide is ~3e-8) in an open-addressing table that is
allocated and touched once at start, so a worker's memory does not grow with history.
"""

from __future__ import annotations

import base64
from array import array
from collections import deque
from collections.abc import Iterable
from hashlib import blake2b


def fingerprint(story_id: str) -> int:
    """Stable 64-bit fingerprint of an id (never 0: 0 marks an empty slot)."""
    fp = int.from_bytes(blake2b(story_id.encode(), digest_size=8).digest(), "little")
    return fp or 1


def pack(fps: Iterable[int]) -> str:
    """Fingerprints as compact text for a table value (8 bytes each, base64)."""
    return base64.b64encode(array("Q", fps).tobytes()).decode()


def unpack(text: str) -> list[int]:
    out = array("Q")
    out.frombytes(base64.b64decode(text))
    return out.tolist()


class FingerprintSet:
    """The last ``capacity`` fingerprints added, first in first out.

    Linear probing at load <= 0.5 with backward-shift deletion (no tombstones), plus a
    ring of insertion order for eviction: 24 bytes per id of capacity, all allocated in
    ``__init__``.
    """

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError("capacity must be >= 1")
        self.capacity = capacity
        size = 1 << max(4, (2 * capacity - 1).bit_length())
        self._mask = size - 1
        self._slots = array("Q", bytes(8 * size))
        self._ring = array("Q", bytes(8 * capacity))
        self._head = 0  # next ring position to write
        self._len = 0
        self.added = 0  # fingerprints ever added (evictions start at added > capacity)

    def __len__(self) -> int:
        return self._len

    def _slot(self, fp: int) -> int:
        """The slot holding ``fp``, else the empty slot where it would go."""
        slots, mask = self._slots, self._mask
        i = fp & mask
        while True:
            v = slots[i]
            if v == fp or v == 0:
                return i
            i = (i + 1) & mask

    def __contains__(self, fp: int) -> bool:
        return self._slots[self._slot(fp)] == fp

    def add(self, fp: int) -> bool:
        """Add ``fp``; False if it was already present. Evicts the oldest when full."""
        i = self._slot(fp)
        if self._slots[i] == fp:
            return False
        if self._len == self.capacity:
            self._remove(self._ring[self._head])
            i = self._slot(fp)  # the removal may have shifted the free slot
        self._slots[i] = fp
        self._ring[self._head] = fp
        self._head = (self._head + 1) % self.capacity
        self._len += 1
        self.added += 1
        return True

    def _remove(self, fp: int) -> None:
        slots, mask = self._slots, self._mask
        i = self._slot(fp)
        if slots[i] != fp:
            return
        j = i
        while True:  # backward shift: move later members of the cluster into the hole
            j = (j + 1) & mask
            v = slots[j]
            if v == 0:
                break
            home = v & mask
            if (j > i and i < home <= j) or (j < i and (home > i or home <= j)):
                continue  # v's home lies in (i, j]: it cannot move before it
            slots[i] = v
            i = j
        slots[i] = 0
        self._len -= 1


class IdHorizon:
    """Fingerprints of processed stories plus the table records that persist them.

    Each batch's new fingerprints are persisted as one table record (``record_key`` ->
    packed fingerprints, in the changelog partition of the source partition). When a
    record's fingerprints have all been evicted, :meth:`add` returns its key so the caller
    can delete it, and the persisted history stays as bounded as the memory.
    """

    def __init__(self, capacity: int) -> None:
        self.ids = FingerprintSet(capacity)
        self._records: deque[tuple[int, int, str]] = deque()  # (added after, partition, key)

    def __contains__(self, fp: int) -> bool:
        return fp in self.ids

    def __len__(self) -> int:
        return len(self.ids)

    def add(self, partition: int, record_key: str, fps: Iterable[int]) -> list[tuple[int, str]]:
        """Remember one record's fingerprints; return (partition, key) of expired records."""
        for fp in fps:
            self.ids.add(fp)
        self._records.append((self.ids.added, partition, record_key))
        return self.expired()

    def expired(self) -> list[tuple[int, str]]:
        """Records none of whose fingerprints are still remembered (oldest first)."""
        evicted = self.ids.added - self.ids.capacity
        out: list[tuple[int, str]] = []
        while self._records and self._records[0][0] <= evicted:
            _, partition, key = self._records.popleft()
            out.append((partition, key))
        return out

    def clear(self) -> None:
        self.ids = FingerprintSet(self.ids.capacity)
        self._records.clear()

"""Near-duplicate story detection for the stream: MinHash + LSH over word shingles.

Wires republish the same story across outlets with small edits (trimmed tail, new headline,
dateline prefix, "said"→"says", reordered paragraphs). `NearDupIndex.check_and_add` tells, per
incoming story, whether it repeats one of the last `window` stories and which cluster it
belongs to. Pure and in-memory: no Kafka here; the Faust agent owns one index per worker.

Why our own MinHash rather than `datasketch`: a story's shingles are hashed in one vectorised
numpy pass (prefix polynomial hash over the normalised UTF-8 bytes, then a 32-bit mix)
instead of one SHA-1 call per shingle, and the LSH buckets hold integer keys pointing into a
ring buffer. `scripts/eval_neardup` measures the difference (docs/neardup.md).
The maths is the same: affine permutations h -> a*h + b (mod 2^32) of mixed 32-bit hashes,
estimated Jaccard = fraction of equal signature slots, banded LSH.

Per-source boilerplate: text that many stories of one source share (a channel's standard
description, a newsletter footer) says nothing about the story, yet it can make two
different stories of that source look alike. `SourceBoilerplate` (boilerplate.py) remembers
the shingles of each source's last few stories; a shingle found in `boilerplate_stories` of
them is left out of a new story of that source before its signature is taken.

Determinism: every random constant comes from `numpy.random.default_rng(_SEED)` and the
shingle hash is pure arithmetic over bytes, so results never depend on `PYTHONHASHSEED`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from streams.pipeline.boilerplate import SourceBoilerplate
from streams.pipeline.shingles import ShingleHasher, normalise

__all__ = [
    "BOILERPLATE_KEEP",
    "BOILERPLATE_SOURCES",
    "BOILERPLATE_STORIES",
    "DupResult",
    "NearDupIndex",
    "lsh_params",
    "normalise",
]

_SEED = 0x5EED_D0C5
#: A shingle in this many of a source's last BOILERPLATE_KEEP stories is its boilerplate;
#: sources beyond the BOILERPLATE_SOURCES seen most recently are forgotten. Measured on
#: held-out data with scripts/eval_neardup (docs/neardup.md).
BOILERPLATE_STORIES = 2
BOILERPLATE_KEEP = 4
BOILERPLATE_SOURCES = 256
#: Stories kept per LSH bucket (the most recent). A bucket only grows past a few entries
#: when many near-identical stories arrive (a wire story republished by hundreds of
#: outlets); its members are then one cluster, and comparing with the latest ones is
#: enough. Without the cap a flood of copies costs O(window) per story; with it, at most
#: bands x cap candidates are verified (8: 128 rows of signatures to read, not 512).
BUCKET_CAP = 8
_CHUNK = 4096  # shingles per MinHash block: caps the temporary (chunk x num_perm) matrix
_U32 = np.uint32
_U64 = np.uint64
_S4 = _U64(4)

# LSH band choice (see `lsh_params`): catch pairs AT the threshold with this probability ...
_TARGET_RECALL = 0.95
# ... while an unrelated pair (Jaccard 0.05, already high for news) becomes a candidate at
# most this often; candidates are verified, so this only bounds verification work.
_NOISE_JACCARD = 0.05
_MAX_NOISE_RATE = 2e-3


def lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) for `threshold`: fewest bands (memory) that still find >= 95% of pairs at
    the threshold with a bounded false-candidate rate; most recall if nothing meets both.

    Unlike datasketch's default (equal FP/FN weights, which misses ~60% of pairs exactly at
    0.8 with 64 permutations) this favours recall: every candidate is verified anyway.
    """

    def p(s: float, b: int, r: int) -> float:
        return 1.0 - (1.0 - s**r) ** b

    for b in range(2, num_perm + 1):
        for r in range(num_perm // b, 0, -1):
            if p(_NOISE_JACCARD, b, r) > _MAX_NOISE_RATE:
                break  # smaller r only adds noise
            if p(threshold, b, r) >= _TARGET_RECALL:
                return b, r
    ok = [
        (p(threshold, b, r), -b, r)
        for b in range(2, num_perm + 1)
        for r in range(1, num_perm // b + 1)
        if p(_NOISE_JACCARD, b, r) <= _MAX_NOISE_RATE
    ]
    _, neg_b, r = max(ok)
    return -neg_b, r


@dataclass(frozen=True, slots=True)
class DupResult:
    """Outcome of one `check_and_add`.

    cluster_id: id of the first story of the cluster (the story's own id when new).
    duplicate_of: id of the most similar earlier story, None when new.
    similarity: estimated Jaccard with `duplicate_of`, None when new.
    """

    cluster_id: str
    duplicate_of: str | None
    similarity: float | None


class NearDupIndex:
    """Sliding-window near-duplicate index; see docs/neardup.md.

    Not thread-safe (one per Faust worker/partition). Memory is bounded by `window`: the oldest
    story leaves the LSH buckets and the id maps when story `window + 1` arrives.
    """

    def __init__(
        self,
        threshold: float = 0.5,
        num_perm: int = 64,
        shingle: int = 5,
        window: int = 50_000,
        boilerplate_stories: int = BOILERPLATE_STORIES,
        boilerplate_keep: int = BOILERPLATE_KEEP,
        boilerplate_sources: int = BOILERPLATE_SOURCES,
    ) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError("threshold must be in (0, 1]")
        if num_perm < 2 or shingle < 1 or window < 1:
            raise ValueError("num_perm >= 2, shingle >= 1 and window >= 1 are required")
        if boilerplate_stories and not 0 < boilerplate_stories <= boilerplate_keep < 256:
            raise ValueError("0 < boilerplate_stories <= boilerplate_keep < 256 is required")
        self.threshold = threshold
        self.num_perm = num_perm
        self.shingle = shingle
        self.window = window
        self.bands, self.rows = lsh_params(threshold, num_perm)
        # Integer match count needed; the epsilon keeps 0.8 * 64 == 51.2 -> 52, not float noise.
        self._min_equal = math.ceil(threshold * num_perm - 1e-9)

        rng = np.random.default_rng(_SEED)
        self._perm_a = rng.integers(0, 1 << 32, num_perm, dtype=_U32) | _U32(1)  # odd: bijective
        self._perm_b = rng.integers(0, 1 << 32, num_perm, dtype=_U32)
        self._band_mult = rng.integers(0, 1 << 64, self.rows, dtype=_U64) | _U64(1)
        self._shingles = ShingleHasher(shingle)

        # Ring buffer, slot = seq % window: 4 bytes per permutation per story. np.full writes
        # every page now (np.zeros would map them lazily), so memory is taken at start.
        self._sigs = np.full((window, num_perm), 0, dtype=np.uint32)
        self._band_keys = np.full((window, self.bands), 0, dtype=np.uint64)
        self._indexed = np.full(window, False, dtype=bool)
        self._slot_id: list[str | None] = [None] * window
        self._slot_cluster: list[str] = [""] * window
        # band key -> seq (one story) or list of seqs; most buckets hold a single story.
        self._tables: list[dict[int, int | list[int]]] = [{} for _ in range(self.bands)]
        self._by_id: dict[str, DupResult] = {}
        self._seq = 0
        # 0 stories: no boilerplate removal (the behaviour before it, for comparisons).
        self._boilerplate = (
            SourceBoilerplate(boilerplate_stories, boilerplate_keep, boilerplate_sources)
            if boilerplate_stories
            else None
        )

    def __len__(self) -> int:
        """Stories currently remembered (<= window)."""
        return len(self._by_id)

    def __contains__(self, story_id: object) -> bool:
        return story_id in self._by_id

    def shingles(self, texts: Sequence[str]) -> list[np.ndarray]:
        """The shingle hashes of many texts at once, for ``check_and_add``'s ``shingles``:
        a batch pays one set of numpy calls instead of one per story."""
        return self._shingles.many(texts)

    def check_and_add(
        self,
        story_id: str,
        text: str,
        source: str | None = None,
        shingles: np.ndarray | None = None,
    ) -> DupResult:
        """Classify `story_id` against the window, then remember it.

        Idempotent by id while the id is in the window: a redelivered story gets its first
        result back and is not indexed twice (the text of the redelivery is ignored).
        `source` (a feed's host, a publisher; None when unknown) names whose boilerplate to
        leave out; stories without one are compared whole. `shingles`: the text's hashes
        from :meth:`shingles`, when they were taken beforehand.
        """
        known = self._by_id.get(story_id)
        if known is not None:
            return known
        seq = self._seq
        if seq >= self.window:
            self._evict(seq - self.window)
        slot = seq % self.window
        sig = self._signature(self._shingles.one(text) if shingles is None else shingles, source)

        result = DupResult(story_id, None, None)
        if sig is None:  # no words at all: nothing to compare, never matched
            self._indexed[slot] = False
        else:
            keys = self._keys(sig)
            best = self._best_match(sig, keys)
            if best is not None:
                bslot, equal = best
                matched = self._slot_id[bslot]
                assert matched is not None
                result = DupResult(self._slot_cluster[bslot], matched, equal / self.num_perm)
            for table, key in zip(self._tables, keys.tolist(), strict=True):
                bucket = table.get(key)
                if bucket is None:
                    table[key] = seq
                elif isinstance(bucket, int):
                    table[key] = [bucket, seq]
                else:
                    bucket.append(seq)
                    if len(bucket) > BUCKET_CAP:
                        del bucket[0]  # the oldest; _evict tolerates its absence
            self._sigs[slot] = sig
            self._band_keys[slot] = keys
            self._indexed[slot] = True
        self._slot_id[slot] = story_id
        self._slot_cluster[slot] = result.cluster_id
        self._by_id[story_id] = result
        self._seq = seq + 1
        return result

    def _best_match(self, sig: np.ndarray, keys: np.ndarray) -> tuple[int, int] | None:
        """(slot, equal count) of the most similar verified candidate; earliest seq on ties."""
        cands: set[int] = set()
        for table, key in zip(self._tables, keys.tolist(), strict=True):
            bucket = table.get(key)
            if bucket is None:
                continue
            if isinstance(bucket, int):
                cands.add(bucket)
            else:
                cands.update(bucket)
        if not cands:
            return None
        seqs = np.fromiter(sorted(cands), dtype=np.int64, count=len(cands))
        slots = seqs % self.window
        equal = np.count_nonzero(self._sigs[slots] == sig, axis=1)
        i = int(np.argmax(equal))  # first maximum == earliest seq, since seqs are sorted
        if equal[i] < self._min_equal:
            return None
        return int(slots[i]), int(equal[i])

    def _evict(self, old_seq: int) -> None:
        """Drop story `old_seq` (FIFO) from the buckets and the id maps."""
        slot = old_seq % self.window
        old_id = self._slot_id[slot]
        if old_id is None:
            return
        if self._indexed[slot]:
            for table, key in zip(self._tables, self._band_keys[slot].tolist(), strict=True):
                bucket = table[key]
                if isinstance(bucket, int):
                    del table[key]
                elif old_seq in bucket:  # not there if the cap dropped it already
                    bucket.remove(old_seq)
                    if len(bucket) == 1:
                        table[key] = bucket[0]
        del self._by_id[old_id]
        self._slot_id[slot] = None
        self._indexed[slot] = False

    def _keys(self, sig: np.ndarray) -> np.ndarray:
        """One 60-bit key per band (wrapping dot product; 60 bits keep Python ints small)."""
        band = sig[: self.bands * self.rows].reshape(self.bands, self.rows).astype(_U64)
        return (band * self._band_mult).sum(axis=1, dtype=_U64) >> _S4

    def _signature(self, hashes: np.ndarray, source: str | None = None) -> np.ndarray | None:
        """num_perm uint32 MinHash signature of shingle hashes: min over shingles of a*h + b
        (mod 2^32), a odd; the source's boilerplate shingles left out. None without any."""
        if not len(hashes):
            return None
        if source is not None and self._boilerplate is not None:
            hashes = self._boilerplate.strip(source, hashes)
        a, b = self._perm_a, self._perm_b
        if len(hashes) <= _CHUNK:
            return (hashes[:, None] * a + b).min(axis=0)
        mins = np.full(self.num_perm, np.iinfo(np.uint32).max, dtype=_U32)
        for i in range(0, len(hashes), _CHUNK):
            np.minimum(mins, (hashes[i : i + _CHUNK, None] * a + b).min(axis=0), out=mins)
        return mins

"""Per-source boilerplate for near-duplicate matching (streams/pipeline/neardup.py).

Text that many stories of one source share (a channel's standard description, a newsletter
footer, a "listen to this article" header) says nothing about the story, yet it can make
two different stories of that source look alike, and it makes two outlets' copies of one
story look less alike. :class:`SourceBoilerplate` counts, per source, in how many of its
last stories each shingle occurs; a new story of that source is matched without the
shingles found in enough of them. Its memory is bounded whatever the stream: a fixed number
of sources, a fixed number of stories per source, a fixed number of shingles per story.
"""

from __future__ import annotations

from collections import OrderedDict, deque

import numpy as np

_U32 = np.uint32

# Two rows of 2^14 one-byte counters per source (one flat array, the second row from _ROW),
# indexed by two 14-bit slices of the shingle hash; a shingle's count is the smaller of its
# two (count-min: a collision can only add, and both rows must collide to count a shingle
# as boilerplate by mistake).
_BITS = 14
_MASK = _U32((1 << _BITS) - 1)
_ROW = _U32(1 << _BITS)
# Shingles remembered per story: the first and last _EDGE, where boilerplate sits (a
# header, a footer); this bounds a source's memory whatever the length of its stories.
_EDGE = 256


def _slots(hashes: np.ndarray) -> np.ndarray:
    """The two counter slots of each hash: all first-row slots, then all second-row ones."""
    return np.concatenate((hashes & _MASK, ((hashes >> _U32(_BITS)) & _MASK) | _ROW)).astype(
        np.uint16
    )


class SourceBoilerplate:
    """Per source, how many of its last `keep` stories hold each shingle, for the
    `max_sources` sources seen most recently: 32 KiB of counters plus at most 2 KiB of
    slots per story remembered, so at most `max_sources * (32 + 2 * keep)` KiB."""

    def __init__(self, min_stories: int, keep: int, max_sources: int) -> None:
        self.min_stories, self.keep, self.max_sources = min_stories, keep, max_sources
        self._sources: OrderedDict[str, tuple[np.ndarray, deque[np.ndarray]]] = OrderedDict()

    def __len__(self) -> int:
        """Sources remembered (at most `max_sources`)."""
        return len(self._sources)

    def strip(self, source: str, hashes: np.ndarray) -> np.ndarray:
        """`hashes` without the shingles of at least `min_stories` of the source's recent
        stories (all of them when nothing else would be left); then remember this story."""
        entry = self._sources.get(source)
        if entry is None:
            entry = self._sources[source] = (np.zeros(2 * _ROW, np.uint8), deque())
            if len(self._sources) > self.max_sources:
                self._sources.popitem(last=False)
        else:
            self._sources.move_to_end(source)
        counts, recent = entry
        slots = _slots(hashes)
        kept = hashes
        if len(recent) >= self.min_stories:
            seen = counts[slots].reshape(2, -1).min(axis=0)
            common = seen >= self.min_stories
            if common.any() and not common.all():
                kept = hashes[~common]
        if len(hashes) > 2 * _EDGE:
            slots = _slots(np.concatenate((hashes[:_EDGE], hashes[-_EDGE:])))
        # Fancy-index assignment writes a repeated slot once: a shingle counts once a story.
        counts[slots] += 1
        recent.append(slots)
        if len(recent) > self.keep:
            counts[recent.popleft()] -= 1
        return kept

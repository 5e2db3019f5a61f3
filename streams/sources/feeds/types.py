"""`FeedError`, the one value every layer of the feed reader reports problems with.

It lives apart from the layers because fetching, parsing and polling all produce it and
none of them should import another just for this type.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FeedError:
    """Something that could not be read or published. ``item`` names the story, if any."""

    location: str
    reason: str
    item: str | None = None

    def __str__(self) -> str:
        what = f" [{self.item}]" if self.item else ""
        return f"{self.location}{what}: {self.reason}"

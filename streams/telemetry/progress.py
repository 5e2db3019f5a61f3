"""Progress: a bar on a terminal, plain periodic lines otherwise (logs, CI)."""

from __future__ import annotations

import sys
import time
from typing import Any


class Progress:
    def __init__(self, total: int | None, label: str, *, enabled: bool = True, every_s: float = 5):
        self.total, self.label, self.done = total, label, 0
        self._bar: Any = None
        self._enabled = enabled
        self._every = every_s
        self._last = time.monotonic()
        if enabled and sys.stderr.isatty():
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc=label, unit="story", file=sys.stderr)

    def update(self, n: int) -> None:
        self.done += n
        if self._bar is not None:
            self._bar.update(n)
        elif self._enabled and time.monotonic() - self._last >= self._every:
            self._last = time.monotonic()
            of = f"/{self.total}" if self.total else ""
            print(f"{self.label}: {self.done}{of}", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()

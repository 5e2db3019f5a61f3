"""How a benchmark run that went wrong ends: as one sentence naming its work folder, like
every other command (README, "When something goes wrong")."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from streams.exitcodes import CommandError


@contextlib.contextmanager
def run_failures(work: Path) -> Iterator[None]:
    """Within: a worker that does not start, a group that does not settle or stories that
    do not all arrive become a `CommandError` (exit 1) with the first line of the reason
    and the folder holding the broker's and workers' logs, instead of a traceback."""
    try:
        yield
    except (RuntimeError, TimeoutError) as exc:
        first = (str(exc).splitlines() or [type(exc).__name__])[0].rstrip(" ;:")
        raise CommandError(f"the run failed: {first}; its logs are in {work}") from exc

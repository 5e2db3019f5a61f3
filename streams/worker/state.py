"""The ``process`` agent's state, kept in step with its changelogged ``dedupe`` table.

:class:`~streams.pipeline.batch.ProcessState` is the pure in-memory view; here it is
allocated when the worker is built (not at import) and rebuilt from the table after every
recovery, so a worker that takes partitions over knows what their last owner processed.
"""

from __future__ import annotations

from streams.pipeline.batch import ProcessState
from streams.worker.app import NewsApp


def attach_state(news: NewsApp) -> ProcessState:
    """A :class:`ProcessState` sized by the settings, rebuilt on each table recovery."""
    state = ProcessState(news.settings.dedupe_horizon)

    @news.dedupe.on_recover
    async def _rebuild() -> None:
        state.rebuild(news.dedupe.items())

    return state

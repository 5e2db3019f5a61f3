"""``kill -USR1 <worker pid>``: log what a live worker is waiting on.

A stalled stream (a partition that stopped moving after a rebalance, an agent stuck on an
await) shows no error; this dumps the consumer's view of its partitions and the stack of
every asyncio task, without stopping the worker.
"""

from __future__ import annotations

import asyncio
import io
import logging
import signal
from typing import Any

from streams.worker.faust_private import consumer_state

log = logging.getLogger("newsstream.diagnostics")


def task_stacks() -> str:
    """The stack of every task on the running loop."""
    out = io.StringIO()
    for task in asyncio.all_tasks():
        task.print_stack(limit=12, file=out)
    return out.getvalue()


def install(app: Any) -> None:
    """Log consumer state and task stacks on SIGUSR1 (call from a running loop)."""

    def dump() -> None:
        log.warning("SIGUSR1 diagnostics: consumer state %s", consumer_state(app))
        log.warning("SIGUSR1 diagnostics: tasks\n%s", task_stacks())

    asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, dump)

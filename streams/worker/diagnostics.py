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

log = logging.getLogger("newsstream.diagnostics")


def consumer_state(app: Any) -> dict[str, Any]:
    """Faust's bookkeeping per partition (racy reads; for diagnostics only)."""
    consumer = app.consumer
    state: dict[str, Any] = {
        "generation": getattr(app, "consumer_generation_id", None),
        "flow_control_active": app.flow_control.is_active(),
        "flow_active": getattr(consumer, "flow_active", None),
        "unacked": len(getattr(consumer, "_unacked_messages", ())),
    }
    try:
        state["assignment"] = sorted(str(tp) for tp in consumer.assignment())
    except Exception as exc:  # not started, or mid-rebalance
        state["assignment"] = repr(exc)
    for name in ("_active_partitions", "_paused_partitions", "_buffered_partitions"):
        value = getattr(consumer, name, None)
        state[name.strip("_")] = sorted(str(tp) for tp in value) if value else value
    for name in ("_read_offset", "_committed_offset"):
        value = getattr(consumer, name, {}) or {}
        state[name.strip("_")] = {f"{tp.topic}:{tp.partition}": off for tp, off in value.items()}
    try:
        aiokafka_consumer = consumer._thread._ensure_consumer()
        state["aiokafka_paused"] = sorted(str(tp) for tp in aiokafka_consumer.paused())
        assignment = aiokafka_consumer._subscription.subscription.assignment
        state["aiokafka_positions"] = {
            f"{tp.topic}:{tp.partition}": {
                "position": getattr(st, "_position", None),
                "valid": st.has_valid_position,
                "awaiting_reset": st.awaiting_reset,
                "paused": st.paused,
                "highwater": st.highwater,
            }
            for tp, st in ((tp, assignment.state_value(tp)) for tp in assignment.tps)
            if not tp.topic.startswith("newsstream-")
        }
        fetcher = aiokafka_consumer._fetcher
        state["aiokafka_fetcher"] = {
            "records": sorted(f"{tp.topic}:{tp.partition}" for tp in fetcher._records),
            "fetch_task_done": fetcher._fetch_task.done(),
        }
    except Exception as exc:
        state["aiokafka"] = repr(exc)
    return state


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

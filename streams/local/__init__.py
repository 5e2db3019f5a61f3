"""The development runtime: a local broker (the embedded Tansu one, or Apache Kafka from
``kafka/``), workers as child processes, and the local stack that starts both with the
pipeline's topics (`newsstream run`, the benchmark and the integration tests use it).
Production runs Apache Kafka and `newsstream worker` instead.
"""

from streams.local.broker import (
    BrokerError,
    EmbeddedBroker,
    broker_binary,
    free_port,
    port_in_use,
    start_broker,
)
from streams.local.engine import ENGINES, Broker
from streams.local.run import expected_counts, run_demo, wait_counts
from streams.local.stack import LocalStack, settings_for, start_engine, start_local_broker
from streams.local.worker_process import WORKER_READY_S, WorkerProcess, start_worker

__all__ = [
    "ENGINES",
    "WORKER_READY_S",
    "Broker",
    "BrokerError",
    "EmbeddedBroker",
    "LocalStack",
    "WorkerProcess",
    "broker_binary",
    "expected_counts",
    "free_port",
    "port_in_use",
    "run_demo",
    "settings_for",
    "start_broker",
    "start_engine",
    "start_local_broker",
    "start_worker",
    "wait_counts",
]

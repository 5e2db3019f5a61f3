"""The two local broker engines behind one interface: the embedded Tansu broker (in memory,
seconds to start, no install) and Apache Kafka (KRaft JVMs, on disk; streams/local/kafka/).

:class:`Broker` is what the local stack, ``newsstream run`` and the integration tests use
of a started broker, whichever engine runs it (streams/local/stack.py starts one);
:func:`serve_kafka` is ``newsstream broker --engine kafka``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any, Protocol, get_args

from streams.exitcodes import ExitCode, Terminated
from streams.settings import BrokerEngine

#: The engine names, as ``--engine`` and ``NEWSSTREAM_TEST_BROKER`` take them.
ENGINES: tuple[str, ...] = get_args(BrokerEngine)


class Broker(Protocol):
    """A running local broker (or cluster) of either engine."""

    @property
    def url(self) -> str:
        """``kafka://host:port[;host:port]``, as NEWSSTREAM_BROKER_URL takes it."""
        ...

    @property
    def bootstrap(self) -> str: ...

    def freeze(self) -> None:
        """Stop answering (SIGSTOP) without losing anything; :meth:`thaw` resumes."""

    def thaw(self) -> None: ...

    def stop(self) -> None: ...


def describe(broker: Any) -> str:
    """One line saying which engine listens where (for ``run`` and ``broker``)."""
    from streams.local.kafka import KafkaCluster

    if isinstance(broker, KafkaCluster):
        n = len(broker.layout.nodes)
        nodes = "1 node" if n == 1 else f"{n} nodes"
        return (
            f"Apache Kafka {broker.version} (KRaft, {nodes}) on {broker.bootstrap}; "
            f"data in {broker.data_dir}"
        )
    return f"embedded broker on {broker.bootstrap}"


def serve_kafka(host: str, port: int, nodes: int, data_dir: Path) -> int:
    """``newsstream broker --engine kafka``: start, say where it listens, wait for SIGINT
    or SIGTERM (exit 0, a service stopped on request), stop every JVM. A node that dies on
    its own ends the command (exit 1)."""
    from streams.local.kafka import start_kafka

    cluster = start_kafka(data_dir, nodes=nodes, port=port, host=host)
    try:
        print(f"{describe(cluster)} (Ctrl-C stops it)", flush=True)
        print(f"NEWSSTREAM_BROKER_URL='{cluster.url}' NEWSSTREAM_BROKER_ENGINE=kafka", flush=True)
        for node in cluster.nodes:
            print(f"  node {node.node_id}: log {node.log_path}", flush=True)
        while all(node.alive for node in cluster.nodes):
            time.sleep(0.5)
    except (KeyboardInterrupt, Terminated):
        return ExitCode.OK
    finally:
        cluster.stop()
    dead = next(node for node in cluster.nodes if not node.alive)
    print(
        f"newsstream broker: Kafka node {dead.node_id} exited; see {dead.log_path}",
        file=sys.stderr,
    )
    return ExitCode.FAILED

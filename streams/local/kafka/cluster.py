"""Apache Kafka on loopback: one to three combined broker + controller JVMs under a data dir.

:func:`start_kafka` formats KRaft storage on first use (``<data dir>/node-<id>/logs``),
starts every node and returns once the cluster answers metadata with all its brokers. The
JVMs stay in the caller's process group, so stopping the command that started them stops
them too; each writes its log to ``<data dir>/node-<id>/kafka.log`` and its pid beside it.
Starting again on the same data dir reuses the storage: topics, changelogs and committed
offsets survive.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from streams.exitcodes import ExitCode
from streams.local.broker import BrokerError, free_port, port_in_use
from streams.local.kafka import runtime
from streams.local.kafka.config import (
    DEFAULT_HEAP,
    LOG4J2_PROPERTIES,
    Layout,
    NodeSpec,
    jvm_options,
    new_cluster_id,
    node_dir,
    render_properties,
    server_properties,
)
from streams.local.kafka.secure import KafkaSecurity, listener_port, secure_listeners

#: Seconds a cluster may take from the JVMs' start to answering metadata (2 loaded cores).
START_TIMEOUT_S = 180.0


@dataclass
class KafkaNode:
    """One JVM: a broker and a KRaft controller."""

    spec: NodeSpec
    dir: Path
    command: list[str]
    process: subprocess.Popen[bytes] | None = None

    @property
    def node_id(self) -> int:
        return self.spec.node_id

    @property
    def log_path(self) -> Path:
        return self.dir / "kafka.log"

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        """Start the JVM (a no-op while it runs)."""
        if self.alive:
            return
        with open(self.log_path, "ab") as out:
            self.process = subprocess.Popen(self.command, stdout=out, stderr=subprocess.STDOUT)
        (self.dir / "kafka.pid").write_text(f"{self.process.pid}\n")

    def signal(self, sig: int) -> None:
        if self.alive:
            assert self.process is not None
            os.kill(self.process.pid, sig)

    def stop(self, timeout: float = 60.0) -> None:
        """SIGTERM (a controlled shutdown), SIGKILL after ``timeout`` seconds."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.signal(signal.SIGCONT)  # a frozen JVM cannot shut down
            self.signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        (self.dir / "kafka.pid").unlink(missing_ok=True)

    def kill(self) -> None:
        """SIGKILL: no controlled shutdown, no flush (crash tests)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(30)
        (self.dir / "kafka.pid").unlink(missing_ok=True)

    def tail_log(self, n: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no log)"


@dataclass
class KafkaCluster:
    """A running local cluster; the broker interface of the local stack (``url``,
    ``bootstrap``, ``stop``, ``freeze``, ``thaw``) plus per-node control for fault tests."""

    layout: Layout
    data_dir: Path
    nodes: list[KafkaNode] = field(default_factory=list)
    name: str = "kafka"

    @property
    def version(self) -> str:
        return runtime.kafka_version()

    @property
    def bootstrap(self) -> str:
        return self.layout.bootstrap

    @property
    def url(self) -> str:
        return "kafka://" + self.bootstrap.replace(",", ";")

    @property
    def log_paths(self) -> list[Path]:
        return [node.log_path for node in self.nodes]

    def listener_bootstrap(self, name: str) -> str:
        """``host:port,...`` of the listener called ``name`` (``SASL_SSL`` on a secured
        cluster) on every node."""
        host = self.layout.host
        return ",".join(
            f"{host}:{listener_port(n.extra_listeners, name)}" for n in self.layout.nodes
        )

    def node(self, node_id: int) -> KafkaNode:
        return next(n for n in self.nodes if n.node_id == node_id)

    def wait_ready(self, timeout: float = START_TIMEOUT_S) -> None:
        """Return once metadata lists every node as a broker; error when a JVM exits."""
        deadline = time.monotonic() + timeout
        want = {n.node_id for n in self.nodes if n.alive}
        while True:
            dead = [n for n in self.nodes if n.process is not None and not n.alive]
            if dead:
                node = dead[0]
                raise BrokerError(
                    f"Kafka node {node.node_id} exited at start; {node.log_path}:\n"
                    + node.tail_log()
                )
            listening = all(
                port_in_use(self.layout.host, n.spec.port) for n in self.nodes if n.alive
            )
            if listening and want <= asyncio.run(_broker_ids(self.bootstrap)):
                return
            if time.monotonic() > deadline:
                raise BrokerError(
                    f"Kafka did not answer metadata on {self.bootstrap} within "
                    f"{timeout:.0f}s; logs: {', '.join(map(str, self.log_paths))}"
                )
            time.sleep(0.25)

    def restart(self, node_id: int, timeout: float = START_TIMEOUT_S) -> None:
        """Start a stopped or killed node again and wait until the cluster lists it."""
        self.node(node_id).start()
        self.wait_ready(timeout)

    def freeze(self) -> None:
        """SIGSTOP every node: the cluster stops answering but keeps its state."""
        for node in self.nodes:
            node.signal(signal.SIGSTOP)

    def thaw(self) -> None:
        for node in self.nodes:
            node.signal(signal.SIGCONT)

    def stop(self) -> None:
        """Stop every node (SIGTERM together, then wait), also after a failed start."""
        for node in self.nodes:
            node.signal(signal.SIGCONT)
            node.signal(signal.SIGTERM)
        for node in self.nodes:
            node.stop()


async def _broker_ids(bootstrap: str) -> set[int]:
    """Node ids of the brokers in the cluster's metadata (empty while it does not answer)."""
    from aiokafka import AIOKafkaClient

    quiet = logging.getLogger("aiokafka")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)  # a node still starting is expected, not an error
    client = AIOKafkaClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
    try:
        await client.bootstrap()
        metadata = await client.fetch_all_metadata()
        return {b.nodeId for b in metadata.brokers()}
    except Exception:
        return set()
    finally:
        await client.close()
        quiet.setLevel(level)


def plan_layout(
    data_dir: Path,
    nodes: int = 1,
    port: int | None = None,
    host: str = "127.0.0.1",
    *,
    secure: bool = False,
) -> Layout:
    """The stored layout of ``data_dir`` (``port`` moves its client ports), or a new one:
    client ports ``port``, ``port + 1``, ...; controller ports free ones; ``secure`` adds
    the TLS and SASL listeners (`streams.local.kafka.secure`)."""
    stored = Layout.load(data_dir)
    if stored is not None:
        if len(stored.nodes) != nodes:
            raise BrokerError(
                f"{data_dir} holds a {len(stored.nodes)}-node cluster; start it with "
                f"--nodes {len(stored.nodes)} or use another --data-dir"
            )
        if port is not None and port != stored.nodes[0].port:
            stored.nodes = [
                dataclasses.replace(s, port=port + i) for i, s in enumerate(stored.nodes)
            ]
        return stored
    specs = []
    for i in range(nodes):
        client = free_port(host) if port is None else port + i
        if secure:
            specs.append(NodeSpec(i + 1, client, free_port(host), secure_listeners(host), "SSL"))
        else:
            specs.append(NodeSpec(i + 1, client, free_port(host)))
    return Layout(new_cluster_id(), host, specs)


def start_kafka(
    data_dir: Path,
    *,
    nodes: int = 1,
    port: int | None = None,
    host: str = "127.0.0.1",
    heap: str = DEFAULT_HEAP,
    extra: dict[str, str] | None = None,
    timeout: float = START_TIMEOUT_S,
    security: KafkaSecurity | None = None,
) -> KafkaCluster:
    """Format (first time only), start and wait for a cluster of ``nodes`` under
    ``data_dir``; a failed start stops what it started. With ``security`` the nodes get
    TLS and SCRAM listeners and the standard authorizer, and the admin user is created."""
    if not 1 <= nodes <= 9:
        raise BrokerError(f"--nodes must be between 1 and 9, not {nodes}")
    java = runtime.java_binary()
    lib = runtime.fetch()
    data_dir = data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    layout = plan_layout(data_dir, nodes, port, host, secure=security is not None)
    layout.extra.update(security.properties() if security else {})
    layout.extra.update(extra or {})
    _check_ports(layout)
    layout.save(data_dir)
    cluster = KafkaCluster(layout, data_dir)
    try:
        _prepare_nodes(cluster, java, lib, heap, security.format_args() if security else [])
        for node in cluster.nodes:
            node.start()
        cluster.wait_ready(timeout)
    except BaseException:
        cluster.stop()
        raise
    return cluster


def _check_ports(layout: Layout) -> None:
    for spec in layout.nodes:
        for li in spec.listeners():
            if port_in_use(layout.host, li.port):
                raise BrokerError(
                    f"port {layout.host}:{li.port} ({li.name} of Kafka node {spec.node_id}) is "
                    "already in use: stop what runs there or pick another port "
                    "(newsstream broker --port N)",
                    ExitCode.PORT_IN_USE,
                )


def _prepare_nodes(
    cluster: KafkaCluster, java: str, lib: Path, heap: str, format_args: list[str]
) -> None:
    """Write each node's configuration and format the storage of new nodes (in parallel:
    one JVM start each) with ``format_args`` (the admin's SCRAM credential)."""
    cp = str(lib / "*")
    formatting = []
    for spec in cluster.layout.nodes:
        d = node_dir(cluster.data_dir, spec.node_id)
        d.mkdir(parents=True, exist_ok=True)
        props = d / "server.properties"
        props.write_text(
            render_properties(server_properties(cluster.layout, spec, cluster.data_dir))
        )
        (d / "log4j2.properties").write_text(LOG4J2_PROPERTIES)
        base = [java, *jvm_options(heap), f"-Dlog4j2.configurationFile={d / 'log4j2.properties'}"]
        cluster.nodes.append(KafkaNode(spec, d, [*base, "-cp", cp, "kafka.Kafka", str(props)]))
        if not (d / "logs" / "meta.properties").exists():
            fmt = [java, "-Xmx256m", *base[-1:], "-cp", cp, "kafka.tools.StorageTool", "format"]
            fmt += ["-t", cluster.layout.cluster_id, "-c", str(props), *format_args]
            with open(d / "kafka.log", "ab") as out:
                proc = subprocess.Popen(fmt, stdout=out, stderr=subprocess.STDOUT)
            formatting.append((spec.node_id, proc))
    for node_id, proc in formatting:
        if proc.wait(120) != 0:
            log = node_dir(cluster.data_dir, node_id) / "kafka.log"
            raise BrokerError(f"formatting Kafka storage of node {node_id} failed; see {log}")

"""What a local Kafka cluster looks like on disk: its layout (cluster id, nodes, ports) and
each node's ``server.properties`` and log configuration, as pure functions of the layout.

Every node is a combined broker + KRaft controller on loopback, with a static quorum of all
nodes. Listeners are a list, so a TLS or SASL listener is one more entry (plus its
properties through ``extra``), not a new code path.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

#: The file, under a cluster's data directory, that holds its layout across restarts.
LAYOUT_FILE = "cluster.json"
#: Heap of one node: three nodes and the workers fit a 2-core, 24 GB machine.
DEFAULT_HEAP = "512m"
#: Largest record batch, as docker-compose.yml: a story of NEWSSTREAM_MAX_MESSAGE_BYTES
#: grows when enriched, and a dead letter carries it in base64.
MESSAGE_MAX_BYTES = 2_200_000


@dataclass(frozen=True)
class Listener:
    """One listener of a node: a name, a port and its security protocol."""

    name: str
    port: int
    protocol: str = "PLAINTEXT"


@dataclass(frozen=True)
class NodeSpec:
    node_id: int
    port: int  # the PLAINTEXT client port
    controller_port: int
    extra_listeners: tuple[Listener, ...] = ()
    #: SSL on a secured cluster: the controllers then know the brokers by certificate.
    controller_protocol: str = "PLAINTEXT"

    def listeners(self) -> list[Listener]:
        return [
            Listener("PLAINTEXT", self.port),
            Listener("CONTROLLER", self.controller_port, self.controller_protocol),
            *self.extra_listeners,
        ]


@dataclass
class Layout:
    """A cluster's identity and addresses, kept in ``<data dir>/cluster.json`` so that a
    restart on the same data dir reuses the storage formatted for this cluster id."""

    cluster_id: str
    host: str
    nodes: list[NodeSpec]
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def bootstrap(self) -> str:
        return ",".join(f"{self.host}:{n.port}" for n in self.nodes)

    def save(self, data_dir: Path) -> None:
        (data_dir / LAYOUT_FILE).write_text(json.dumps(asdict(self), indent=2) + "\n")

    @classmethod
    def load(cls, data_dir: Path) -> Layout | None:
        path = data_dir / LAYOUT_FILE
        if not path.exists():
            return None
        raw = json.loads(path.read_text())
        nodes = [
            NodeSpec(
                n["node_id"],
                n["port"],
                n["controller_port"],
                tuple(Listener(**li) for li in n.get("extra_listeners", ())),
                n.get("controller_protocol", "PLAINTEXT"),
            )
            for n in raw["nodes"]
        ]
        return cls(raw["cluster_id"], raw["host"], nodes, dict(raw.get("extra", {})))


def new_cluster_id() -> str:
    """A KRaft cluster id: a random UUID in unpadded base64url, as kafka-storage makes.

    Like Kafka's ``Uuid.randomUuid``, never one that starts with "-": the storage tool's
    argument parser would take it for an option (one cluster start in 64 failed so)."""
    while True:
        cid = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cid.startswith("-"):
            return cid


def node_dir(data_dir: Path, node_id: int) -> Path:
    return data_dir / f"node-{node_id}"


def server_properties(layout: Layout, node: NodeSpec, data_dir: Path) -> dict[str, str]:
    """The ``server.properties`` of ``node``: broker + controller, replication sized to the
    cluster (three copies and two in sync on three nodes, one on one node)."""
    n = len(layout.nodes)
    replicas = str(min(3, n))
    min_isr = "1" if n == 1 else "2"
    listeners = node.listeners()
    advertised = [li for li in listeners if li.name != "CONTROLLER"]
    props = {
        "process.roles": "broker,controller",
        "node.id": str(node.node_id),
        "controller.quorum.voters": ",".join(
            f"{o.node_id}@{layout.host}:{o.controller_port}" for o in layout.nodes
        ),
        "controller.listener.names": "CONTROLLER",
        "inter.broker.listener.name": "PLAINTEXT",
        "listeners": ",".join(f"{li.name}://{layout.host}:{li.port}" for li in listeners),
        "advertised.listeners": ",".join(
            f"{li.name}://{layout.host}:{li.port}" for li in advertised
        ),
        "listener.security.protocol.map": ",".join(f"{li.name}:{li.protocol}" for li in listeners),
        "log.dirs": str(node_dir(data_dir, node.node_id) / "logs"),
        "default.replication.factor": replicas,
        "min.insync.replicas": min_isr,
        "offsets.topic.replication.factor": replicas,
        "offsets.topic.num.partitions": "10",
        "transaction.state.log.replication.factor": replicas,
        "transaction.state.log.min.isr": min_isr,
        "transaction.state.log.num.partitions": "10",
        "share.coordinator.state.topic.replication.factor": replicas,
        "share.coordinator.state.topic.min.isr": min_isr,
        "unclean.leader.election.enable": "false",
        # Kafka's default, as the embedded broker does: `replay --topic NEW` creates its
        # topic (docker-compose.yml turns it off, so a misspelt name fails there)
        "auto.create.topics.enable": "true",
        "message.max.bytes": str(MESSAGE_MAX_BYTES),
        "replica.fetch.max.bytes": str(MESSAGE_MAX_BYTES),
        # a local group forms at once instead of waiting 3 s for more members
        "group.initial.rebalance.delay.ms": "0",
        # fewer threads than the defaults: up to three nodes share two cores
        "num.network.threads": "2",
        "num.io.threads": "4",
        "background.threads": "4",
    }
    return {**props, **layout.extra}


def render_properties(props: Mapping[str, str]) -> str:
    return "".join(f"{k}={v}\n" for k, v in props.items())


#: log4j2 for a node: everything to stdout, which the node's process writes to
#: ``kafka.log``; the config dumps at start are left out (they repeat server.properties).
LOG4J2_PROPERTIES = """\
status = warn
appender.out.type = Console
appender.out.name = out
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.out.ref = out
logger.config.name = org.apache.kafka.common.config.AbstractConfig
logger.config.level = warn
logger.state.name = state.change.logger
logger.state.level = warn
"""


def jvm_options(heap: str = DEFAULT_HEAP) -> list[str]:
    """Heap and collector as ``kafka-server-start.sh`` sets them, with a fixed heap."""
    return [
        f"-Xms{heap}",
        f"-Xmx{heap}",
        "-XX:+UseG1GC",
        "-XX:MaxGCPauseMillis=20",
        "-XX:InitiatingHeapOccupancyPercent=35",
        "-XX:+ExplicitGCInvokesConcurrent",
        "-XX:+ExitOnOutOfMemoryError",
        "-Djava.awt.headless=true",
    ]

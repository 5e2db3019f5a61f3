"""docker-compose.yml's Kafka cluster, read without a Docker engine: a consistent
three-node KRaft quorum with one cluster id, listeners that agree with each other and with
the published ports, replication and min ISR for a three-node cluster, one data volume per
broker, and broker health checks."""

from __future__ import annotations

import base64
from typing import Any

from streams.local.kafka import kafka_version
from streams.settings import Settings
from tests.unit.deploy.helpers import BROKERS, env_of


def test_three_kraft_nodes(services: dict[str, dict[str, Any]]) -> None:
    kafkas = sorted(name for name, svc in services.items() if "kafka" in str(svc.get("image")))
    assert kafkas == list(BROKERS)
    node_ids = set()
    for name in BROKERS:
        svc = services[name]
        image = str(svc["image"])
        # the release the suite runs on (NEWSSTREAM_TEST_BROKER=kafka), pinned in pom.xml
        assert image == f"apache/kafka:{kafka_version()}", image
        env = env_of(svc)
        assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
        node_ids.add(env["KAFKA_NODE_ID"])
    assert len(node_ids) == 3


def test_same_cluster_id(services: dict[str, dict[str, Any]]) -> None:
    ids = {env_of(services[name])["CLUSTER_ID"] for name in BROKERS}
    assert len(ids) == 1
    (cluster_id,) = ids
    # Kafka wants a base64url-encoded 16-byte UUID (kafka-storage.sh random-uuid)
    assert len(base64.urlsafe_b64decode(cluster_id + "==")) == 16


def _listeners(value: str) -> dict[str, tuple[str, int]]:
    out = {}
    for item in value.split(","):
        name, _, hostport = item.partition("://")
        host, _, port = hostport.rpartition(":")
        out[name] = (host, int(port))
    return out


def test_quorum_voters_match_the_nodes(services: dict[str, dict[str, Any]]) -> None:
    voters = {env_of(services[name])["KAFKA_CONTROLLER_QUORUM_VOTERS"] for name in BROKERS}
    assert len(voters) == 1, "every node must list the same voters"
    parsed: dict[str, tuple[str, int]] = {}
    for voter in voters.pop().split(","):
        node_id, _, hostport = voter.partition("@")
        vhost, _, vport = hostport.rpartition(":")
        parsed[node_id] = (vhost, int(vport))
    for name in BROKERS:
        svc = services[name]
        env = env_of(svc)
        host, port = parsed[env["KAFKA_NODE_ID"]]
        assert host in (name, svc.get("hostname")), (name, host)
        controller = env["KAFKA_CONTROLLER_LISTENER_NAMES"]
        assert _listeners(env["KAFKA_LISTENERS"])[controller][1] == port
    assert len(parsed) == 3


def test_listeners_are_consistent(services: dict[str, dict[str, Any]]) -> None:
    for name in BROKERS:
        env = env_of(services[name])
        protocol_map = dict(
            p.split(":") for p in env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(",")
        )
        listeners = _listeners(env["KAFKA_LISTENERS"])
        advertised = _listeners(env["KAFKA_ADVERTISED_LISTENERS"])
        assert set(listeners) <= set(protocol_map)
        assert set(advertised) <= set(listeners)
        assert env["KAFKA_CONTROLLER_LISTENER_NAMES"] not in advertised
        inter = env["KAFKA_INTER_BROKER_LISTENER_NAME"]
        assert advertised[inter] == (name, 9092), "clients in the network use kafka-N:9092"
        assert listeners[inter][1] == 9092


def test_host_ports_match_advertised_external_listeners(
    services: dict[str, dict[str, Any]],
) -> None:
    for name in BROKERS:
        svc = services[name]
        env = env_of(svc)
        advertised = _listeners(env["KAFKA_ADVERTISED_LISTENERS"])
        listeners = _listeners(env["KAFKA_LISTENERS"])
        for port_spec in svc.get("ports", []):
            host_port, container_port = str(port_spec).split(":")[-2:]
            external = [n for n, (_, p) in advertised.items() if p == int(host_port)]
            assert external, f"{name}: host port {host_port} is not advertised"
            assert listeners[external[0]][1] == int(container_port)


def test_replication_and_min_isr(services: dict[str, dict[str, Any]]) -> None:
    for name in BROKERS:
        env = env_of(services[name])
        assert env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == "3"
        assert env["KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR"] == "3"
        assert env["KAFKA_TRANSACTION_STATE_LOG_MIN_ISR"] == "2"
        assert env["KAFKA_DEFAULT_REPLICATION_FACTOR"] == "3"
        assert env["KAFKA_MIN_INSYNC_REPLICAS"] == "2"
        # the worker's producer may send requests this large (defaults, the environment aside)
        assert int(env["KAFKA_MESSAGE_MAX_BYTES"]) >= Settings.model_construct().max_request_bytes


def test_each_broker_keeps_its_own_data(
    compose: dict[str, Any], services: dict[str, dict[str, Any]]
) -> None:
    seen = set()
    for name in BROKERS:
        env = env_of(services[name])
        (volume,) = services[name]["volumes"]
        source, _, target = str(volume).partition(":")
        assert target == env["KAFKA_LOG_DIRS"]
        assert source in compose["volumes"]
        seen.add(source)
    assert len(seen) == 3


def test_broker_healthchecks(services: dict[str, dict[str, Any]]) -> None:
    for name in BROKERS:
        hc = services[name]["healthcheck"]
        test = " ".join(hc["test"]) if isinstance(hc["test"], list) else hc["test"]
        assert "/opt/kafka/bin/kafka-broker-api-versions.sh" in test
        assert "--bootstrap-server localhost:9092" in test
        assert not hc.get("disable")

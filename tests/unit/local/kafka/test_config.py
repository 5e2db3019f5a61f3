"""A local cluster's layout and each node's server.properties, without a JVM."""

from __future__ import annotations

import base64
import uuid
from pathlib import Path

import pytest

from streams.local.kafka.config import (
    Layout,
    Listener,
    NodeSpec,
    new_cluster_id,
    render_properties,
    server_properties,
)


def _three() -> Layout:
    return Layout("id", "127.0.0.1", [NodeSpec(i, 9091 + i, 19091 + i) for i in (1, 2, 3)])


def test_cluster_id_is_16_bytes_of_unpadded_base64url() -> None:
    cid = new_cluster_id()
    assert "=" not in cid and len(base64.urlsafe_b64decode(cid + "==")) == 16
    assert new_cluster_id() != cid


def test_cluster_id_never_starts_with_a_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    """kafka-storage would read "-..." as an option and refuse to format the storage."""
    drawn = iter([uuid.UUID(bytes=b"\xf8" + bytes(15)), uuid.UUID(bytes=bytes(16))])
    monkeypatch.setattr(uuid, "uuid4", lambda: next(drawn))
    assert new_cluster_id() == "A" * 22


def test_single_node_is_broker_and_controller_with_one_copy(tmp_path: Path) -> None:
    layout = Layout("id", "127.0.0.1", [NodeSpec(1, 9092, 9093)])
    props = server_properties(layout, layout.nodes[0], tmp_path)
    assert props["process.roles"] == "broker,controller"
    assert props["controller.quorum.voters"] == "1@127.0.0.1:9093"
    assert props["listeners"] == "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093"
    assert props["advertised.listeners"] == "PLAINTEXT://127.0.0.1:9092"
    assert props["log.dirs"] == str(tmp_path / "node-1" / "logs")
    assert props["offsets.topic.replication.factor"] == "1"
    assert props["min.insync.replicas"] == props["transaction.state.log.min.isr"] == "1"
    assert props["auto.create.topics.enable"] == "true"  # as on the embedded broker


def test_three_nodes_share_one_quorum_and_keep_three_copies(tmp_path: Path) -> None:
    layout = _three()
    all_props = [server_properties(layout, n, tmp_path) for n in layout.nodes]
    assert {p["controller.quorum.voters"] for p in all_props} == {
        "1@127.0.0.1:19092,2@127.0.0.1:19093,3@127.0.0.1:19094"
    }
    assert [p["node.id"] for p in all_props] == ["1", "2", "3"]
    assert len({p["log.dirs"] for p in all_props}) == 3
    for p in all_props:
        assert p["default.replication.factor"] == p["offsets.topic.replication.factor"] == "3"
        assert p["min.insync.replicas"] == "2"
    assert layout.bootstrap == "127.0.0.1:9092,127.0.0.1:9093,127.0.0.1:9094"


def test_an_extra_listener_is_one_more_entry(tmp_path: Path) -> None:
    node = NodeSpec(1, 9092, 9093, (Listener("SASL_SSL", 9094, "SASL_SSL"),))
    layout = Layout("id", "127.0.0.1", [node], {"sasl.enabled.mechanisms": "SCRAM-SHA-512"})
    props = server_properties(layout, node, tmp_path)
    assert props["listeners"].endswith(",SASL_SSL://127.0.0.1:9094")
    assert "SASL_SSL:SASL_SSL" in props["listener.security.protocol.map"]
    assert "SASL_SSL://127.0.0.1:9094" in props["advertised.listeners"]
    assert props["sasl.enabled.mechanisms"] == "SCRAM-SHA-512"


def test_layout_survives_a_round_trip(tmp_path: Path) -> None:
    node = NodeSpec(1, 9092, 9093, (Listener("SSL", 9095, "SSL"),))
    layout = Layout("abc", "127.0.0.1", [node, NodeSpec(2, 9093, 9100)], {"k": "v"})
    layout.save(tmp_path)
    assert Layout.load(tmp_path) == layout
    assert Layout.load(tmp_path / "nowhere") is None


def test_properties_render_one_per_line() -> None:
    assert render_properties({"a.b": "1", "c": "x,y"}) == "a.b=1\nc=x,y\n"


def test_the_controller_listener_takes_the_node_protocol(tmp_path: Path) -> None:
    node = NodeSpec(1, 9092, 9093, controller_protocol="SSL")
    layout = Layout("id", "127.0.0.1", [node])
    props = server_properties(layout, node, tmp_path)
    assert "CONTROLLER:SSL" in props["listener.security.protocol.map"]
    layout.save(tmp_path)
    loaded = Layout.load(tmp_path)
    assert loaded is not None and loaded.nodes[0].controller_protocol == "SSL"

"""Planning a cluster's ports and reusing a data dir's layout, without a JVM."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.local.broker import BrokerError
from streams.local.kafka.cluster import plan_layout


def test_new_cluster_gets_consecutive_client_ports(tmp_path: Path) -> None:
    layout = plan_layout(tmp_path, nodes=3, port=19092)
    assert [n.port for n in layout.nodes] == [19092, 19093, 19094]
    assert [n.node_id for n in layout.nodes] == [1, 2, 3]
    ctl = {n.controller_port for n in layout.nodes}
    assert len(ctl) == 3 and not ctl & {19092, 19093, 19094}


def test_a_data_dir_keeps_its_cluster_id_and_ports(tmp_path: Path) -> None:
    first = plan_layout(tmp_path, nodes=1)
    first.save(tmp_path)
    again = plan_layout(tmp_path, nodes=1)
    assert again == first
    moved = plan_layout(tmp_path, nodes=1, port=29092)
    assert moved.cluster_id == first.cluster_id and moved.nodes[0].port == 29092
    assert moved.nodes[0].controller_port == first.nodes[0].controller_port


def test_node_count_of_a_data_dir_cannot_change(tmp_path: Path) -> None:
    plan_layout(tmp_path, nodes=3).save(tmp_path)
    with pytest.raises(BrokerError, match="holds a 3-node cluster; start it with --nodes 3"):
        plan_layout(tmp_path, nodes=1)


def test_a_secured_layout_adds_tls_listeners_and_keeps_them(tmp_path: Path) -> None:
    layout = plan_layout(tmp_path, nodes=1, secure=True)
    node = layout.nodes[0]
    assert node.controller_protocol == "SSL"
    assert [(li.name, li.protocol) for li in node.extra_listeners] == [
        ("SSL", "SSL"),
        ("SASL_SSL", "SASL_SSL"),
    ]
    layout.save(tmp_path)
    assert plan_layout(tmp_path, nodes=1, secure=True) == layout  # a restart reuses them

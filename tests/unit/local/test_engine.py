"""The engine names and how a started broker is described."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

from streams.local.engine import ENGINES, describe
from streams.local.kafka.cluster import KafkaCluster
from streams.local.kafka.config import Layout, NodeSpec
from streams.settings import BrokerEngine


def test_engines_are_the_settings_values() -> None:
    assert ENGINES == get_args(BrokerEngine) == ("tansu", "kafka")


def test_describe_says_engine_version_nodes_and_where(tmp_path: Path) -> None:
    layout = Layout("id", "127.0.0.1", [NodeSpec(i, 9091 + i, 9191 + i) for i in (1, 2, 3)])
    cluster = KafkaCluster(layout, tmp_path)
    line = describe(cluster)
    assert line.startswith(f"Apache Kafka {cluster.version} (KRaft, 3 nodes) on 127.0.0.1:9092,")
    assert line.endswith(f"data in {tmp_path}")
    assert cluster.url == "kafka://127.0.0.1:9092;127.0.0.1:9093;127.0.0.1:9094"

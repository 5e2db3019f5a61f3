"""Apache Kafka as the local engine: the pinned release (``pom.xml``, fetched once by Maven
into ``~/.cache/newsstream``), the layout and configuration of a one- to three-node KRaft
cluster on loopback, and the JVMs that run it (``newsstream broker --engine kafka``,
``newsstream run --engine kafka``, ``NEWSSTREAM_TEST_BROKER=kafka``); a node secured with
TLS, SCRAM and ACLs (``secure``), and the pipeline principals' users and ACLs (``acls``).
"""

from streams.local.kafka.acls import Acl, Principals, apply_security, pipeline_acls
from streams.local.kafka.cluster import KafkaCluster, KafkaNode, start_kafka
from streams.local.kafka.runtime import KafkaSetupError, cache_dir, fetch, kafka_version
from streams.local.kafka.secure import KafkaSecurity

__all__ = [
    "Acl",
    "KafkaCluster",
    "KafkaNode",
    "KafkaSecurity",
    "KafkaSetupError",
    "Principals",
    "apply_security",
    "cache_dir",
    "fetch",
    "kafka_version",
    "pipeline_acls",
    "start_kafka",
]

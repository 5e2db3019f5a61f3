"""Apache Kafka as the local engine: the pinned release (``pom.xml``, fetched once by Maven
into ``~/.cache/newsstream``), the layout and configuration of a one- to three-node KRaft
cluster on loopback, and the JVMs that run it (``newsstream broker --engine kafka``,
``newsstream run --engine kafka``, ``NEWSSTREAM_TEST_BROKER=kafka``).
"""

from streams.local.kafka.cluster import KafkaCluster, KafkaNode, start_kafka
from streams.local.kafka.runtime import KafkaSetupError, cache_dir, fetch, kafka_version

__all__ = [
    "KafkaCluster",
    "KafkaNode",
    "KafkaSetupError",
    "cache_dir",
    "fetch",
    "kafka_version",
    "start_kafka",
]

"""Plain aiokafka clients, without Faust: connection and security settings (``client``,
``security``), starting a client while the broker may be down (``connect``), topic
creation (``admin``), the story producer behind ``replay`` and
``ingest`` (``producer``), the subscriber behind ``tail`` (``subscriber``) and the
dead-letter ``redrive`` (its ``redrive`` function is not re-exported: the name would hide
the module).
"""

from streams.kafka.admin import ensure_topics
from streams.kafka.client import client_kwargs, ssl_context
from streams.kafka.connect import BrokerUnavailable, start_client
from streams.kafka.producer import (
    PRODUCER_LINGER_MS,
    ReplayReport,
    main_replay,
    replay,
    start_producer,
)
from streams.kafka.redrive import main_redrive
from streams.kafka.security import AccessDenied, SecurityConfigError, load_ssl_context
from streams.kafka.subscriber import consume, main_tail, tail

__all__ = [
    "PRODUCER_LINGER_MS",
    "AccessDenied",
    "BrokerUnavailable",
    "ReplayReport",
    "SecurityConfigError",
    "client_kwargs",
    "consume",
    "ensure_topics",
    "load_ssl_context",
    "main_redrive",
    "main_replay",
    "main_tail",
    "replay",
    "ssl_context",
    "start_client",
    "start_producer",
    "tail",
]

"""Configuration: environment variables (prefix ``NEWSSTREAM_``), read once.

Every process reads its settings through :func:`get_settings`, so a value is parsed and
validated at start-up and never re-read mid-stream.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: The brokers newsstream knows: the embedded Tansu one and Apache Kafka.
BrokerEngine = Literal["tansu", "kafka"]
#: The worker's ``fetch_min_bytes`` per engine when NEWSSTREAM_FETCH_MIN_BYTES is unset.
#: The embedded broker re-reads a partition for every fetch, at a cost that grows as it
#: fills, so its fetches wait for 32 KiB (at light load ~50 fetches/s, not one per few
#: stories); Apache Kafka answers a waiting fetch as soon as data arrives, so there a
#: story need not wait for others (docs/deploy.md has the measured latencies).
FETCH_MIN_BYTES: dict[BrokerEngine, int] = {"tansu": 32 * 1024, "kafka": 1}


class Settings(BaseSettings):
    # hide_input_in_errors: a validation error must never echo the raw input (it holds the
    # SASL password); see docs/security.md.
    model_config = SettingsConfigDict(
        env_prefix="NEWSSTREAM_", extra="ignore", hide_input_in_errors=True
    )

    # --- Kafka -----------------------------------------------------------------------
    broker_url: str = Field(
        default="kafka://127.0.0.1:9092",
        description="Bootstrap servers, Faust style: kafka://host:port[;host:port].",
    )
    broker_engine: BrokerEngine = Field(
        default="tansu",
        description="The broker behind broker_url. With tansu (the embedded broker) the worker "
        "corrects its end offsets (the highwater probe, streams/worker/highwater.py); "
        "kafka drops that workaround. The default keeps it: it is correct on both, only "
        "slower on Kafka (docs/deploy.md).",
    )
    topic_prefix: str = Field(default="", description="Prepended to every topic name.")
    partitions: int = Field(
        default=2,
        ge=1,
        description="Partitions of news.raw and tables: at most this many workers share the "
        "work. 2 fits one 2-core machine; the embedded broker's fetches cost more per "
        "partition (docs/performance.md), a cluster sets more (docker-compose.yml: 6).",
    )
    replication_factor: int = Field(default=1, ge=1)
    client_id: str = "newsstream"
    app_id: str = Field(default="newsstream", description="Faust app id = consumer group.")
    producer_acks: Literal["0", "1", "all", "-1"] = "all"
    processing_guarantee: Literal["at_least_once", "exactly_once"] = Field(
        default="at_least_once",
        description="exactly_once: Faust's Kafka transactions (Apache Kafka only; "
        "docs/reliability.md, Exactly-once on Kafka).",
    )
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] | None = None
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    ssl_cafile: str | None = None
    ssl_certfile: str | None = None
    ssl_keyfile: str | None = None
    session_timeout_s: float = Field(
        default=10.0, gt=0, description="Short, because the embedded broker joins slowly."
    )
    fetch_max_wait_ms: int = Field(
        default=20, ge=0, description="The embedded broker wakes waiting fetches late."
    )
    fetch_min_bytes: int | None = Field(
        default=None,
        ge=1,
        description="A fetch returns once this much data waits, else after the fetch wait. "
        "Unset, it depends on the engine (worker_fetch_min_bytes).",
    )
    producer_linger_ms: int | None = Field(
        default=None,
        ge=0,
        description="How long every producer waits to fill a batch; unset, each producer "
        "keeps its own default (see linger_ms).",
    )
    commit_interval_s: float = Field(
        default=2.8, gt=0, description="How often acked offsets are committed (Faust's)."
    )

    # --- worker ----------------------------------------------------------------------
    store_url: str = Field(default="memory://", description="memory:// or rocksdb://")
    data_dir: str = Field(default="./newsstream-data", description="Faust datadir.")
    web_host: str = Field(default="127.0.0.1", description="HTTP views bind here.")
    web_port: int = Field(default=6066, ge=1, le=65535)
    tagger: Literal["fast", "accurate"] = "fast"
    route_threshold: float = Field(default=0.5, ge=0.0, le=1.0)
    max_message_bytes: int = Field(default=1_000_000, ge=1024)
    max_json_depth: int = Field(default=32, ge=2)
    batch_size: int = Field(default=500, ge=1, description="Events per stream.take batch.")
    batch_within_s: float = Field(
        default=0.1, gt=0, description="Longest wait of a batch's first event for more."
    )
    batch_idle_s: float = Field(
        default=0.002, gt=0, description="Hand a batch over when no event came this long."
    )
    batch_backlog: int = Field(
        default=16,
        ge=1,
        description="Hand a batch over without an idle wait once this many events came "
        "while the agent was busy.",
    )
    inflight_batches: int = Field(
        default=2, ge=1, description="Batches whose outputs may await acks at once."
    )
    window_s: int = Field(default=3600, ge=60, description="Tumbling window size for trends.")
    window_retention_s: int = Field(default=7 * 86400, ge=3600, description="Windows kept.")
    neardup: bool = Field(default=True, description="Detect near-duplicate stories.")
    neardup_threshold: float = Field(
        default=0.5,
        gt=0.0,
        le=1.0,
        description="MinHash Jaccard; 0.5 measured best (docs/neardup.md)",
    )
    dedupe_horizon: int = Field(
        default=1_000_000,
        ge=1000,
        description="Story ids remembered per worker to recognise re-published stories "
        "(24 bytes each, allocated at start; redeliveries are exact at any size).",
    )
    count_clusters_once: bool = Field(
        default=False, description="Country counts count a near-duplicate cluster once."
    )
    log_level: str = "info"
    log_format: Literal["text", "json"] = Field(
        default="text", validation_alias=AliasChoices("NEWSSTREAM_LOG_FORMAT", "LOG_FORMAT")
    )

    # --- security validation (docs/security.md) ---------------------------------------
    @model_validator(mode="after")
    def _check_security(self) -> Settings:
        # Messages name settings and paths, never a password or a file's contents.
        if self.security_protocol.startswith("SASL"):
            if not (self.sasl_mechanism and self.sasl_username and self.sasl_password):
                raise ValueError(
                    "SASL needs NEWSSTREAM_SASL_MECHANISM, _SASL_USERNAME and _SASL_PASSWORD"
                )
        elif self.sasl_mechanism or self.sasl_username or self.sasl_password:
            raise ValueError(
                "SASL credentials are set but NEWSSTREAM_SECURITY_PROTOCOL is "
                f"{self.security_protocol}; set SASL_PLAINTEXT or SASL_SSL"
            )
        if (self.ssl_certfile is None) != (self.ssl_keyfile is None):
            raise ValueError("NEWSSTREAM_SSL_CERTFILE and NEWSSTREAM_SSL_KEYFILE go together")
        tls_files = {
            "NEWSSTREAM_SSL_CAFILE": self.ssl_cafile,
            "NEWSSTREAM_SSL_CERTFILE": self.ssl_certfile,
            "NEWSSTREAM_SSL_KEYFILE": self.ssl_keyfile,
        }
        if self.security_protocol not in ("SSL", "SASL_SSL"):
            given = [name for name, path in tls_files.items() if path]
            if given:
                raise ValueError(
                    f"{', '.join(given)} set but NEWSSTREAM_SECURITY_PROTOCOL is "
                    f"{self.security_protocol}; set SSL or SASL_SSL"
                )
        for name, path in tls_files.items():
            if not path:
                continue
            if not os.path.isfile(path):
                raise ValueError(f"{name}: no such file: {path}")
            if not os.access(path, os.R_OK):
                raise ValueError(f"{name}: file not readable: {path}")
        return self

    # --- end of security validation ---------------------------------------------------

    @model_validator(mode="after")
    def _check_guarantee(self) -> Settings:
        if self.processing_guarantee == "exactly_once" and self.broker_engine != "kafka":
            raise ValueError(
                "NEWSSTREAM_PROCESSING_GUARANTEE=exactly_once needs Apache Kafka's "
                "transactions, which the embedded broker does not have; set "
                "NEWSSTREAM_BROKER_ENGINE=kafka (a Kafka broker) or use at_least_once"
            )
        return self

    @property
    def acks(self) -> int:
        """``producer_acks`` as Kafka clients take it: ``all`` is ``-1``."""
        return -1 if self.producer_acks in ("all", "-1") else int(self.producer_acks)

    @property
    def worker_fetch_min_bytes(self) -> int:
        """``fetch_min_bytes`` when set, else the engine's (:data:`FETCH_MIN_BYTES`)."""
        if self.fetch_min_bytes is not None:
            return self.fetch_min_bytes
        return FETCH_MIN_BYTES[self.broker_engine]

    @property
    def max_request_bytes(self) -> int:
        """Largest produce request and topic message. An output carries an accepted input
        (a dead letter holds it in base64, 4/3 of its size) plus metadata: twice the input
        limit plus 64 KiB leaves room for both."""
        return 2 * self.max_message_bytes + 64 * 1024

    def linger_ms(self, default: int) -> int:
        """The linger of one producer: ``NEWSSTREAM_PRODUCER_LINGER_MS`` when set, else
        ``default``, the producer's own (the worker and the story publishers differ)."""
        return default if self.producer_linger_ms is None else self.producer_linger_ms

    @property
    def bootstrap_servers(self) -> list[str]:
        """``host:port`` entries for plain aiokafka clients."""
        url = self.broker_url
        for scheme in ("kafka://", "aiokafka://", "tcp://"):
            url = url.replace(scheme, "")
        return [h.strip() for h in url.replace(",", ";").split(";") if h.strip()]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def setting_problems(exc: BaseException) -> str:
    """What is wrong with the ``NEWSSTREAM_*`` variables, one clause per variable, when
    ``exc`` is a :class:`Settings` validation error; "" for any other exception. Values are
    never quoted: they may be secrets."""
    if not isinstance(exc, ValidationError) or exc.title != Settings.__name__:
        return ""
    prefix, problems = str(Settings.model_config.get("env_prefix", "")), []
    for err in exc.errors():
        where = prefix + "_".join(map(str, err["loc"])).upper() if err["loc"] else ""
        message = str(err["msg"]).removeprefix("Value error, ")
        problems.append(f"{where}: {message}" if where else message)
    return "; ".join(problems) or "invalid settings"

"""Kafka connection settings for plain aiokafka clients (replay, tail, redrive, bench),
derived from one `Settings` object; the worker builds Faust's credentials from the same."""

from __future__ import annotations

import ssl
from typing import Any

from streams.kafka.security import load_ssl_context
from streams.settings import Settings


def ssl_context(s: Settings) -> ssl.SSLContext | None:
    if s.security_protocol not in ("SSL", "SASL_SSL"):
        return None
    return load_ssl_context(s)


def client_kwargs(s: Settings) -> dict[str, Any]:
    """Keyword arguments shared by AIOKafkaProducer/Consumer/AdminClient."""
    kw: dict[str, Any] = {
        "bootstrap_servers": s.bootstrap_servers,
        "client_id": s.client_id,
        "security_protocol": s.security_protocol,
    }
    ctx = ssl_context(s)
    if ctx is not None:
        kw["ssl_context"] = ctx
    if s.sasl_mechanism:
        kw["sasl_mechanism"] = s.sasl_mechanism
        kw["sasl_plain_username"] = s.sasl_username
        kw["sasl_plain_password"] = s.sasl_password.get_secret_value() if s.sasl_password else None
    return kw

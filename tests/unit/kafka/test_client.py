"""Connection keyword arguments for the plain aiokafka clients (streams/kafka/client.py)."""

from __future__ import annotations

import ssl
from pathlib import Path

import certifi
import pytest

from streams.kafka.client import client_kwargs, ssl_context
from streams.kafka.security import SecurityConfigError
from streams.settings import Settings

PASSWORD = "pw-client-s3cr3t"


pytestmark = pytest.mark.usefixtures("no_newsstream_env")


def _sasl(protocol: str = "SASL_PLAINTEXT", **kw: str) -> Settings:
    return Settings(
        security_protocol=protocol,
        sasl_mechanism="SCRAM-SHA-512",
        sasl_username="alice",
        sasl_password=PASSWORD,
        **kw,
    )


def test_plaintext_kwargs() -> None:
    s = Settings(broker_url="kafka://a:9092;b:9093", client_id="cid")
    assert client_kwargs(s) == {
        "bootstrap_servers": ["a:9092", "b:9093"],
        "client_id": "cid",
        "security_protocol": "PLAINTEXT",
    }
    assert ssl_context(s) is None


def test_sasl_kwargs_carry_the_password() -> None:
    kw = client_kwargs(_sasl())
    assert kw["security_protocol"] == "SASL_PLAINTEXT"
    assert kw["sasl_mechanism"] == "SCRAM-SHA-512"
    assert kw["sasl_plain_username"] == "alice"
    assert kw["sasl_plain_password"] == PASSWORD
    assert "ssl_context" not in kw


@pytest.mark.parametrize("protocol", ["SSL", "SASL_SSL"])
def test_tls_protocols_get_a_verifying_context(protocol: str) -> None:
    s = (
        _sasl(protocol, ssl_cafile=certifi.where())
        if protocol.startswith("SASL")
        else Settings(security_protocol=protocol, ssl_cafile=certifi.where())
    )
    kw = client_kwargs(s)
    ctx = kw["ssl_context"]
    assert isinstance(ctx, ssl.SSLContext)
    assert ctx.verify_mode == ssl.CERT_REQUIRED and ctx.check_hostname
    assert kw["security_protocol"] == protocol


def test_unusable_tls_file_fails_before_any_client_is_built(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("not a certificate")
    with pytest.raises(SecurityConfigError, match="NEWSSTREAM_SSL_CAFILE"):
        client_kwargs(Settings(security_protocol="SSL", ssl_cafile=str(ca)))

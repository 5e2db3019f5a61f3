"""Fixtures for the streams/kafka unit tests."""

from __future__ import annotations

import os

import pytest
from pydantic import SecretStr

from streams.settings import Settings

#: The SASL password of the `sasl` settings: searched for in every message the tests see.
SASL_PASSWORD = "pw-Zq8v-UNIQUE-sasl"


@pytest.fixture
def no_newsstream_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings from explicit values only: the test process's NEWSSTREAM_* env is ignored."""
    for name in [k for k in os.environ if k.startswith("NEWSSTREAM_")]:
        monkeypatch.delenv(name)


@pytest.fixture
def sasl(no_newsstream_env: None) -> Settings:
    """Settings of user ``alice`` logging in with SCRAM-SHA-512 over SASL_SSL."""
    return Settings(
        broker_url="kafka://127.0.0.1:9094",
        security_protocol="SASL_SSL",
        sasl_mechanism="SCRAM-SHA-512",
        sasl_username="alice",
        sasl_password=SecretStr(SASL_PASSWORD),
    )

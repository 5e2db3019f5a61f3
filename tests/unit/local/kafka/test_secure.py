"""A secured node's properties, format arguments and admin configuration, without a JVM."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.local.kafka.config import Listener
from streams.local.kafka.secure import (
    AUTHORIZER,
    KafkaSecurity,
    check_credential,
    listener_port,
    secure_listeners,
)

PASSWORD = "adm-Zq8v-UNIQUE-1"


def _security() -> KafkaSecurity:
    return KafkaSecurity(Path("/ca.pem"), Path("/broker.pem"), "admin", PASSWORD)


def test_properties_deny_by_default_and_name_the_super_users() -> None:
    props = _security().properties()
    assert props["authorizer.class.name"] == AUTHORIZER
    assert props["allow.everyone.if.no.acl.found"] == "false"
    assert props["super.users"] == "User:CN=broker;User:admin"
    # brokers and controllers know each other by certificate, over mutual TLS
    assert props["inter.broker.listener.name"] == "SSL"
    assert props["listener.name.ssl.ssl.client.auth"] == "required"
    assert props["listener.name.controller.ssl.client.auth"] == "required"
    assert props["ssl.keystore.location"] == "/broker.pem"
    assert props["ssl.truststore.location"] == "/ca.pem"
    assert props["listener.name.sasl_ssl.sasl.enabled.mechanisms"] == "SCRAM-SHA-512"


def test_the_password_is_in_the_format_arguments_and_admin_config_only() -> None:
    sec = _security()
    assert PASSWORD not in "".join(sec.properties().values())
    assert PASSWORD not in repr(sec)
    assert sec.format_args() == [
        "--add-scram",
        f"SCRAM-SHA-512=[name=admin,password={PASSWORD}]",
    ]
    config = sec.admin_client_config("127.0.0.1:9094")
    assert config["security.protocol"] == "SASL_SSL"
    assert f'username="admin" password="{PASSWORD}"' in config["sasl.jaas.config"]


@pytest.mark.parametrize("bad", ["a,b", "a]b", "a\tb", 'a"b', "", "a b"])
def test_credentials_that_would_break_the_tools_input_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="the admin password may use") as exc:
        check_credential("admin password", bad)
    assert bad not in str(exc.value) or not bad
    with pytest.raises(ValueError):
        KafkaSecurity(Path("/ca"), Path("/ks"), "admin", bad)


def test_secure_listeners_are_two_distinct_free_ports() -> None:
    listeners = secure_listeners("127.0.0.1")
    assert listener_port(listeners, "SSL") != listener_port(listeners, "SASL_SSL")
    with pytest.raises(KeyError):
        listener_port((Listener("SSL", 1, "SSL"),), "SASL_SSL")

"""A secured local Kafka node: TLS listeners, SCRAM-SHA-512 logins and KRaft's standard
authorizer, generated from one :class:`KafkaSecurity` (docs/security.md, "On Apache Kafka").

The listeners of a secured node:

* ``PLAINTEXT``, the readiness probe's: its principal is ``User:ANONYMOUS``, which no ACL
  names, so it can read the cluster's metadata and nothing else;
* ``CONTROLLER`` and ``SSL``: TLS with client certificates; ``SSL`` is also the
  inter-broker listener, so brokers and controllers know each other by their certificate's
  principal, a super user (KRaft controllers cannot take SCRAM: the credentials live in
  the metadata they serve);
* ``SASL_SSL``: TLS plus a SCRAM-SHA-512 login, what applications use.

The admin user is written into the metadata when the storage is formatted (``--add-scram``);
it is a super user and creates the other users and their ACLs (`streams.local.kafka.acls`).
No password is written into a properties file: the broker verifies SCRAM logins against the
salted hashes in its metadata.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from streams.local.broker import free_port
from streams.local.kafka.config import Listener

#: The one SASL mechanism a secured node offers.
SCRAM_MECHANISM: Final = "SCRAM-SHA-512"
#: KRaft's built-in authorizer (ACLs kept in the cluster metadata).
AUTHORIZER = "org.apache.kafka.metadata.authorizer.StandardAuthorizer"
#: Listener names of a secured node, beside PLAINTEXT and CONTROLLER.
SSL_LISTENER = "SSL"
SASL_SSL_LISTENER = "SASL_SSL"
#: User names and passwords go into ``--add-scram NAME=[name=U,password=P]`` and the Java
#: admin's tab-separated input: characters that would end a field there are refused.
_SAFE = re.compile(r"[A-Za-z0-9._@+\-]+")


@dataclass(frozen=True)
class KafkaSecurity:
    """TLS material and the SCRAM admin of a secured node.

    ``keystore_file`` is one PEM file holding the broker's certificate chain and its
    unencrypted PKCS#8 key; ``ca_file`` the PEM CA that signed it (and the client
    certificates of the ``SSL`` listener). The broker certificate's subject must make
    ``broker_principal`` (``CN=broker`` gives ``User:CN=broker``).
    """

    ca_file: Path
    keystore_file: Path
    admin_user: str
    admin_password: str = field(repr=False)
    broker_principal: str = "User:CN=broker"

    def __post_init__(self) -> None:
        check_credential("admin user name", self.admin_user)
        check_credential("admin password", self.admin_password)

    @property
    def admin_principal(self) -> str:
        return f"User:{self.admin_user}"

    @property
    def super_users(self) -> list[str]:
        return [self.broker_principal, self.admin_principal]

    def properties(self) -> dict[str, str]:
        """Properties of every secured node (the listeners come from the layout)."""
        ssl = SSL_LISTENER.lower()
        sasl = SASL_SSL_LISTENER.lower()
        mech = SCRAM_MECHANISM.lower()
        return {
            "authorizer.class.name": AUTHORIZER,
            "super.users": ";".join(self.super_users),
            "allow.everyone.if.no.acl.found": "false",
            "inter.broker.listener.name": SSL_LISTENER,
            "ssl.keystore.type": "PEM",
            "ssl.keystore.location": str(self.keystore_file),
            "ssl.truststore.type": "PEM",
            "ssl.truststore.location": str(self.ca_file),
            f"listener.name.{ssl}.ssl.client.auth": "required",
            "listener.name.controller.ssl.client.auth": "required",
            f"listener.name.{sasl}.sasl.enabled.mechanisms": SCRAM_MECHANISM,
            f"listener.name.{sasl}.{mech}.sasl.jaas.config": (
                "org.apache.kafka.common.security.scram.ScramLoginModule required;"
            ),
            "sasl.enabled.mechanisms": SCRAM_MECHANISM,
        }

    def format_args(self) -> list[str]:
        """``kafka-storage format`` arguments that create the admin user."""
        cred = f"{SCRAM_MECHANISM}=[name={self.admin_user},password={self.admin_password}]"
        return ["--add-scram", cred]

    def admin_client_config(self, bootstrap: str) -> dict[str, str]:
        """A Java AdminClient's configuration: the admin over ``SASL_SSL`` at ``bootstrap``.
        It holds the password: pass it on a pipe, never on a command line or in a file."""
        jaas = (
            "org.apache.kafka.common.security.scram.ScramLoginModule required "
            f'username="{self.admin_user}" password="{self.admin_password}";'
        )
        return {
            "bootstrap.servers": bootstrap,
            "security.protocol": "SASL_SSL",
            "sasl.mechanism": SCRAM_MECHANISM,
            "sasl.jaas.config": jaas,
            "ssl.truststore.type": "PEM",
            "ssl.truststore.location": str(self.ca_file),
        }


def check_credential(what: str, value: str) -> None:
    """Refuse a user name or password that would break the tools' input formats; the
    message names ``what``, never the value."""
    if not _SAFE.fullmatch(value):
        raise ValueError(f"the {what} may use letters, digits and . _ @ + - only")


def secure_listeners(host: str) -> tuple[Listener, ...]:
    """The ``SSL`` and ``SASL_SSL`` listeners of a new secured node, on free ports."""
    return (
        Listener(SSL_LISTENER, free_port(host), "SSL"),
        Listener(SASL_SSL_LISTENER, free_port(host), "SASL_SSL"),
    )


def listener_port(listeners: tuple[Listener, ...], name: str) -> int:
    """The port of the listener called ``name``."""
    for li in listeners:
        if li.name == name:
            return li.port
    raise KeyError(f"no {name} listener")

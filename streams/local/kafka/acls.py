"""Users and ACLs of a secured local Kafka: the pipeline's three principals and exactly
what each may do (docs/security.md lists the same table), applied through Kafka's own
``Admin`` client.

aiokafka has no AlterUserScramCredentials and only CreateAcls versions that Kafka 4 no
longer accepts, so a small Java program (:data:`_JAVA_SOURCE`, run by Java's source
launcher against the fetched jars) creates the users and ACLs. It reads everything,
passwords included, from its standard input: nothing secret is on a command line or on disk.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from streams.local.broker import BrokerError
from streams.local.kafka import runtime
from streams.local.kafka.secure import KafkaSecurity, check_credential
from streams.topics import Topics


@dataclass(frozen=True)
class Acl:
    """One ALLOW rule: ``principal`` may do ``operation`` on the ``resource`` named
    ``name`` (``pattern`` LITERAL: that name; PREFIXED: every name starting with it)."""

    principal: str
    resource: str  # TOPIC, GROUP, CLUSTER, TRANSACTIONAL_ID
    pattern: str  # LITERAL or PREFIXED
    name: str
    operation: str  # READ, WRITE, CREATE, DESCRIBE, DESCRIBE_CONFIGS, IDEMPOTENT_WRITE, ...

    def line(self) -> str:
        return "\t".join(
            ("acl", self.principal, self.resource, self.pattern, self.name, self.operation)
        )


@dataclass(frozen=True)
class Principals:
    """The user names of the pipeline's three roles and the subscriber's group (prefix)."""

    worker: str = "worker"
    producer: str = "producer"
    subscriber: str = "subscriber"
    subscriber_group: str = "subscriber"


def _topic(user: str, pattern: str, name: str, *ops: str) -> list[Acl]:
    return [Acl(f"User:{user}", "TOPIC", pattern, name, op) for op in ops]


def worker_acls(topics: Topics, app_id: str, user: str) -> list[Acl]:
    """The worker: reads ``news.raw``; writes the outputs; reads and writes its per-batch
    deltas; owns Faust's internal topics (changelogs, the assignor's leader topic: all
    named ``<app id>-...``, created by Faust itself) and the consumer group ``<app id>``.
    READ and WRITE imply DESCRIBE, which the worker's start-up check of the topics needs."""
    return [
        *_topic(user, "LITERAL", topics.raw, "READ"),
        *_topic(user, "LITERAL", topics.country_deltas, "READ", "WRITE"),
        *_topic(user, "LITERAL", topics.enriched, "WRITE"),
        *_topic(user, "LITERAL", topics.deadletter, "WRITE"),
        *_topic(user, "PREFIXED", topics.category(""), "WRITE"),
        *_topic(user, "PREFIXED", f"{app_id}-", "CREATE", "READ", "WRITE"),
        Acl(f"User:{user}", "GROUP", "LITERAL", app_id, "READ"),
    ]


def producer_acls(topics: Topics, user: str) -> list[Acl]:
    """``replay`` and ``ingest``: write ``news.raw``, nothing else (their producer is not
    idempotent; an idempotent one also needs nothing more since Kafka 3.0: WRITE on a
    topic implies IDEMPOTENT_WRITE, KIP-679)."""
    return _topic(user, "LITERAL", topics.raw, "WRITE")


def subscriber_acls(topics: Topics, user: str, group: str) -> list[Acl]:
    """A subscriber (``tail``, a dashboard): read ``news.enriched`` and every
    ``news.topic.*``, in consumer groups named ``<group>...``."""
    return [
        *_topic(user, "LITERAL", topics.enriched, "READ"),
        *_topic(user, "PREFIXED", topics.category(""), "READ"),
        Acl(f"User:{user}", "GROUP", "PREFIXED", group, "READ"),
    ]


def pipeline_acls(topics: Topics, app_id: str, who: Principals | None = None) -> list[Acl]:
    """Every ACL of the pipeline's three principals."""
    who = who or Principals()
    return [
        *worker_acls(topics, app_id, who.worker),
        *producer_acls(topics, who.producer),
        *subscriber_acls(topics, who.subscriber, who.subscriber_group),
    ]


def apply_security(
    bootstrap: str,
    security: KafkaSecurity,
    users: Mapping[str, str],
    acls: Sequence[Acl],
    work_dir: Path,
) -> None:
    """Create (or reset) the SCRAM-SHA-512 ``users`` (name -> password) and add ``acls``,
    as the admin over ``SASL_SSL`` at ``bootstrap``. Errors name no password."""
    for name, password in users.items():
        check_credential("user name", name)
        check_credential(f"password of {name}", password)
    lines = [f"config\t{k}\t{v}" for k, v in security.admin_client_config(bootstrap).items()]
    lines += [f"scram\t{name}\t{password}" for name, password in users.items()]
    lines += [acl.line() for acl in acls]
    source = work_dir / "SecurityAdmin.java"
    source.write_text(_JAVA_SOURCE)
    log4j = work_dir / "security-admin-log4j2.properties"
    log4j.write_text("rootLogger.level = warn\n")
    cmd = [
        runtime.java_binary(),
        "-Xmx256m",
        f"-Dlog4j2.configurationFile={log4j}",
        "-cp",
        str(runtime.fetch() / "*"),
        str(source),
    ]
    done = subprocess.run(
        cmd, input="\n".join(lines) + "\n", capture_output=True, text=True, timeout=180
    )
    if done.returncode != 0:
        tail = [ln for ln in done.stderr.splitlines() if ln.strip()][-3:]
        raise BrokerError(f"creating Kafka users and ACLs failed: {' / '.join(tail)}")


#: Creates SCRAM users and ALLOW ACLs from tab-separated lines on stdin
#: (``config K V``, ``scram USER PASSWORD``, ``acl PRINCIPAL RESOURCE PATTERN NAME OP``).
_JAVA_SOURCE = """\
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.*;
import org.apache.kafka.common.acl.*;
import org.apache.kafka.common.resource.*;

public class SecurityAdmin {
    public static void main(String[] args) throws Exception {
        Properties config = new Properties();
        List<UserScramCredentialAlteration> users = new ArrayList<>();
        List<AclBinding> acls = new ArrayList<>();
        BufferedReader in = new BufferedReader(
            new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] f = line.split("\\t", -1);
            if (f[0].equals("config")) {
                config.put(f[1], f[2]);
            } else if (f[0].equals("scram")) {
                ScramCredentialInfo info = new ScramCredentialInfo(
                    ScramMechanism.SCRAM_SHA_512, 8192);
                users.add(new UserScramCredentialUpsertion(f[1], info, f[2]));
            } else if (f[0].equals("acl")) {
                ResourcePattern on = new ResourcePattern(
                    ResourceType.valueOf(f[2]), f[4], PatternType.valueOf(f[3]));
                AccessControlEntry entry = new AccessControlEntry(
                    f[1], "*", AclOperation.valueOf(f[5]), AclPermissionType.ALLOW);
                acls.add(new AclBinding(on, entry));
            } else if (!f[0].isEmpty()) {
                throw new IllegalArgumentException("unknown input line kind: " + f[0]);
            }
        }
        try (Admin admin = Admin.create(config)) {
            if (!users.isEmpty()) {
                admin.alterUserScramCredentials(users).all().get();
            }
            if (!acls.isEmpty()) {
                admin.createAcls(acls).all().get();
            }
        }
        System.out.println(users.size() + " users, " + acls.size() + " ACLs");
    }
}
"""

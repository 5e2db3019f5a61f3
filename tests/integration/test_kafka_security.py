"""Security on Apache Kafka: TLS with the test's own CA, SCRAM-SHA-512 users created through
the admin API, and ACLs enforced by KRaft's StandardAuthorizer (docs/security.md, "On Apache
Kafka: TLS, SCRAM and ACLs").

One secured single node for the module. Each principal does what it needs: a real worker
processes replayed seeds end to end over SASL_SSL with the worker's credentials, the
replay runs with the producer's, ``newsstream tail`` with the subscriber's. Each is refused
the rest with one sentence and exit code 2, and no password reaches a log or a message.
Apache Kafka only: ``NEWSSTREAM_TEST_BROKER=kafka``; skipped where Java or Maven is missing.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson
import pytest
from pydantic import SecretStr

from streams.exitcodes import ExitCode
from streams.kafka.admin import ensure_topics
from streams.local.broker import free_port
from streams.local.kafka import KafkaSetupError, start_kafka
from streams.local.kafka.acls import Principals, apply_security, pipeline_acls
from streams.local.kafka.secure import SASL_SSL_LISTENER, SCRAM_MECHANISM, KafkaSecurity
from streams.local.worker_process import start_worker
from streams.settings import Settings
from streams.topics import Topics
from tests.integration.helpers import expected_counts, wait_counts
from tests.paths import SEED_STORIES, SEEDS

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        os.environ.get("NEWSSTREAM_TEST_BROKER") != "kafka",
        reason="Apache Kafka only: NEWSSTREAM_TEST_BROKER=kafka",
    ),
]

PREFIX = "sec."
APP_ID = "sec-worker"
WHO = Principals(subscriber_group="sec-subscriber")
#: Every password of the module: none may appear in a log line or a message.
PASSWORDS = {
    "admin": "adm-Zq8v-UNIQUE-1",
    WHO.worker: "wrk-Zq8v-UNIQUE-2",
    WHO.producer: "prd-Zq8v-UNIQUE-3",
    WHO.subscriber: "sub-Zq8v-UNIQUE-4",
}
WRONG_PASSWORD = "bad-Zq8v-UNIQUE-5"
TOPICS = Topics(PREFIX)


# --- the test CA and certificates (openssl) ---------------------------------------------


def _openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60)


def make_ca(d: Path, name: str) -> tuple[Path, Path]:
    """A self-signed CA: (certificate, key)."""
    cert, key = d / f"{name}.pem", d / f"{name}-key.pem"
    _openssl(
        *("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"),
        *("-keyout", str(key), "-out", str(cert), "-subj", f"/CN=newsstream test {name}"),
        *("-addext", "basicConstraints=critical,CA:TRUE"),
        *("-addext", "keyUsage=critical,keyCertSign,cRLSign"),
    )
    return cert, key


def make_keystore(d: Path, ca: tuple[Path, Path], cn: str) -> Path:
    """A PEM keystore (certificate, then PKCS#8 key) for ``CN=cn``, valid for 127.0.0.1."""
    key, csr, cert, ext = (d / f"{cn}{s}" for s in ("-key.pem", ".csr", "-cert.pem", ".ext"))
    ext.write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    _openssl(
        *("req", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(csr)),
        *("-subj", f"/CN={cn}"),
    )
    _openssl(
        *("x509", "-req", "-in", str(csr), "-CA", str(ca[0]), "-CAkey", str(ca[1])),
        *("-CAcreateserial", "-days", "2", "-out", str(cert), "-extfile", str(ext)),
    )
    keystore = d / f"{cn}-keystore.pem"
    keystore.write_text(cert.read_text() + key.read_text())
    return keystore


# --- the secured node ------------------------------------------------------------------


@dataclass
class SecureKafka:
    sasl_bootstrap: str
    plain_bootstrap: str
    ca: Path
    other_ca: Path  # a CA that did not sign the broker's certificate
    dir: Path

    def settings(self, user: str) -> Settings:
        """In-process settings of ``user`` over SASL_SSL (the admin creates the topics)."""
        return Settings(
            broker_url=f"kafka://{self.sasl_bootstrap}",
            topic_prefix=PREFIX,
            security_protocol="SASL_SSL",
            sasl_mechanism=SCRAM_MECHANISM,
            sasl_username=user,
            sasl_password=SecretStr(PASSWORDS[user]),
            ssl_cafile=str(self.ca),
        )

    def env(self, user: str | None, password: str | None = None, **kw: str) -> dict[str, str]:
        """The environment of a command run as ``user`` over SASL_SSL (None: anonymous,
        on the PLAINTEXT listener); the test process's NEWSSTREAM_* settings are dropped."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSSTREAM_")}
        env["NEWSSTREAM_TOPIC_PREFIX"] = PREFIX
        if user is None:
            return {**env, "NEWSSTREAM_BROKER_URL": f"kafka://{self.plain_bootstrap}", **kw}
        return {
            **env,
            "NEWSSTREAM_BROKER_URL": f"kafka://{self.sasl_bootstrap}",
            "NEWSSTREAM_SECURITY_PROTOCOL": "SASL_SSL",
            "NEWSSTREAM_SASL_MECHANISM": SCRAM_MECHANISM,
            "NEWSSTREAM_SASL_USERNAME": user,
            "NEWSSTREAM_SASL_PASSWORD": PASSWORDS[user] if password is None else password,
            "NEWSSTREAM_SSL_CAFILE": str(self.ca),
            **kw,
        }


@pytest.fixture(scope="module")
def secure_kafka(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecureKafka]:
    """A secured single node with the pipeline's topics, users and ACLs."""
    d = tmp_path_factory.mktemp("secure-kafka")
    ca = make_ca(d, "ca")
    other_ca, _ = make_ca(d, "other-ca")
    security = KafkaSecurity(ca[0], make_keystore(d, ca, "broker"), "admin", PASSWORDS["admin"])
    try:
        cluster = start_kafka(d / "kafka", security=security)
    except KafkaSetupError as exc:
        pytest.skip(str(exc))
    try:
        sasl = cluster.listener_bootstrap(SASL_SSL_LISTENER)
        node = SecureKafka(sasl, cluster.bootstrap, ca[0], other_ca, d)
        asyncio.run(ensure_topics(node.settings("admin")))
        users = {u: p for u, p in PASSWORDS.items() if u != "admin"}
        apply_security(sasl, security, users, pipeline_acls(TOPICS, APP_ID, WHO), d)
        yield node
    finally:
        cluster.stop()


def newsstream(
    env: dict[str, str], *args: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "streams.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def assert_no_secret(text: str) -> None:
    for password in (*PASSWORDS.values(), WRONG_PASSWORD):
        assert password not in text


# --- what each principal may do ----------------------------------------------------------


def test_each_principal_does_its_part_end_to_end(secure_kafka: SecureKafka, tmp_path: Path) -> None:
    """replay (producer) -> worker (worker) -> tail (subscriber), all over SASL_SSL."""
    sent = newsstream(secure_kafka.env(WHO.producer), "replay", str(SEEDS), "--quiet")
    assert sent.returncode == 0, sent.stderr
    assert f"sent {SEED_STORIES} stories to {TOPICS.raw}" in sent.stderr

    worker_env = secure_kafka.env(
        WHO.worker, NEWSSTREAM_APP_ID=APP_ID, NEWSSTREAM_LOG_LEVEL="debug"
    )
    log = tmp_path / "worker.log"
    w = start_worker(
        broker_url=worker_env.pop("NEWSSTREAM_BROKER_URL"),
        web_port=free_port(),
        data_dir=tmp_path / "data",
        log_path=log,
        env=worker_env,
    )
    try:
        w.wait_ready(180)
        tail = newsstream(
            secure_kafka.env(WHO.subscriber),
            *("tail", TOPICS.enriched, "--follow", "--max", str(SEED_STORIES)),
            timeout=180,
        )
        assert tail.returncode == 0, tail.stderr
        enriched = tail.stdout.encode().splitlines()
        assert len(enriched) == SEED_STORIES
        expected = expected_counts(enriched)
        assert wait_counts(w, expected) == expected, w.tail_log()
        best = orjson.loads(enriched[0])["categories"][0]["slug"]
        routed = newsstream(
            secure_kafka.env(WHO.subscriber),
            *("tail", TOPICS.category(best), "--follow", "--max", "1"),
        )
        assert routed.returncode == 0, routed.stderr
        assert orjson.loads(routed.stdout)["categories"][0]["slug"] == best
    finally:
        w.stop()
    text = log.read_text(errors="replace")
    # a debug log of every connection, all to the SASL_SSL listener
    assert f"bootstrap via node at {secure_kafka.sasl_bootstrap}" in text
    assert_no_secret(text + sent.stderr + tail.stderr)


# --- what each principal is refused ------------------------------------------------------


def _refusal(secure_kafka: SecureKafka, case: str) -> subprocess.CompletedProcess[str]:
    k = secure_kafka
    if case == "subscriber writes news.raw":
        return newsstream(k.env(WHO.subscriber), "replay", str(SEEDS), "--quiet")
    if case == "producer reads news.enriched":
        return newsstream(k.env(WHO.producer), "tail", TOPICS.enriched)
    if case == "wrong password":
        return newsstream(k.env(WHO.producer, WRONG_PASSWORD), "replay", str(SEEDS), "--quiet")
    if case == "worker with a wrong password":
        env = k.env(WHO.worker, WRONG_PASSWORD, NEWSSTREAM_WEB_PORT=str(free_port()))
        return newsstream({**env, "NEWSSTREAM_DATA_DIR": str(k.dir / "refused-worker")}, "worker")
    if case == "untrusted CA":
        env = k.env(WHO.subscriber, NEWSSTREAM_SSL_CAFILE=str(k.other_ca))
        return newsstream(env, "tail", TOPICS.enriched)
    assert case == "anonymous writes news.raw"
    return newsstream(k.env(None), "replay", str(SEEDS), "--quiet")


REFUSALS = {
    "subscriber writes news.raw": (
        "does not allow user 'subscriber' to write to topic sec.news.raw"
    ),
    "producer reads news.enriched": "does not let user 'producer' read topic 'sec.news.enriched'",
    "wrong password": "refused the SCRAM-SHA-512 login of user 'producer'",
    # a worker waits for an unreachable broker as long as it takes, never for a refusal
    "worker with a wrong password": "refused the SCRAM-SHA-512 login of user 'worker'",
    "untrusted CA": "is not trusted by NEWSSTREAM_SSL_CAFILE",
    "anonymous writes news.raw": "does not allow this client to write to topic sec.news.raw",
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_refused_with_one_sentence(secure_kafka: SecureKafka, case: str) -> None:
    done = _refusal(secure_kafka, case)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == ExitCode.USAGE, done.stderr
    assert len(lines) == 1 and lines[0].startswith("newsstream "), done.stderr
    assert REFUSALS[case] in lines[0]
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert_no_secret(done.stderr)


def test_no_secret_in_the_broker_files(secure_kafka: SecureKafka) -> None:
    """The broker's log (every login above went through it), its properties and the
    cluster layout hold no password: SCRAM keeps salted hashes in the metadata."""
    files = [p for p in (secure_kafka.dir / "kafka").rglob("*") if p.is_file()]
    texts = [
        p.read_text(errors="replace") for p in files if p.suffix in (".log", ".properties", ".json")
    ]
    assert any("kafka.authorizer.logger" in t for t in texts)  # the refusals were logged
    for text in texts:
        assert_no_secret(text)

"""docker-compose.yml, the Dockerfile and the docker/ helpers, checked without a Docker
engine: the cluster is a consistent three-node KRaft quorum, the worker scales, every
NEWSSTREAM_* variable is a real setting, and the helper scripts do what the services
rely on (the topics job against a fake admin client, the health check against a local
HTTP server)."""

from __future__ import annotations

import asyncio
import base64
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import ModuleType
from typing import Any

import pytest

from streams.local.broker import free_port
from streams.local.kafka import kafka_version
from streams.settings import Settings
from streams.topics import Topics
from tests.paths import ROOT

yaml = pytest.importorskip("yaml", reason="PyYAML is needed to read docker-compose.yml")

COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
BROKERS = ("kafka-1", "kafka-2", "kafka-3")

_VAR = re.compile(r"\$\{(\w+)(?:(:?[-?])([^}]*))?\}")


def resolve(value: Any) -> str:
    """A compose value with every ``${VAR:-default}`` replaced by its default, i.e. what
    the file means when no variable is set."""
    text = str(value)
    return _VAR.sub(lambda m: m.group(3) or "", text.replace("$$", "\0")).replace("\0", "$")


def env_of(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {str(k): resolve(v) for k, v in env.items()}


def settings_from(env: dict[str, str]) -> Settings:
    return Settings.model_validate(
        {k.removeprefix("NEWSSTREAM_").lower(): v for k, v in env.items() if _ours(k)}
    )


def _ours(name: str) -> bool:
    return name.startswith("NEWSSTREAM_")


def load_script(name: str) -> ModuleType:
    path = ROOT / "docker" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"docker_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    doc = yaml.safe_load(COMPOSE.read_text())
    assert isinstance(doc, dict)
    return doc


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return dict(compose["services"])


# --- the Kafka cluster ------------------------------------------------------------------


def test_three_kraft_nodes(services: dict[str, dict[str, Any]]) -> None:
    kafkas = sorted(name for name, svc in services.items() if "kafka" in str(svc.get("image")))
    assert kafkas == list(BROKERS)
    node_ids = set()
    for name in BROKERS:
        svc = services[name]
        image = str(svc["image"])
        # the release the suite runs on (NEWSSTREAM_TEST_BROKER=kafka), pinned in pom.xml
        assert image == f"apache/kafka:{kafka_version()}", image
        env = env_of(svc)
        assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
        node_ids.add(env["KAFKA_NODE_ID"])
    assert len(node_ids) == 3


def test_same_cluster_id(services: dict[str, dict[str, Any]]) -> None:
    ids = {env_of(services[name])["CLUSTER_ID"] for name in BROKERS}
    assert len(ids) == 1
    (cluster_id,) = ids
    # Kafka wants a base64url-encoded 16-byte UUID (kafka-storage.sh random-uuid)
    assert len(base64.urlsafe_b64decode(cluster_id + "==")) == 16


def _listeners(value: str) -> dict[str, tuple[str, int]]:
    out = {}
    for item in value.split(","):
        name, _, hostport = item.partition("://")
        host, _, port = hostport.rpartition(":")
        out[name] = (host, int(port))
    return out


def test_quorum_voters_match_the_nodes(services: dict[str, dict[str, Any]]) -> None:
    voters = {env_of(services[name])["KAFKA_CONTROLLER_QUORUM_VOTERS"] for name in BROKERS}
    assert len(voters) == 1, "every node must list the same voters"
    parsed: dict[str, tuple[str, int]] = {}
    for voter in voters.pop().split(","):
        node_id, _, hostport = voter.partition("@")
        vhost, _, vport = hostport.rpartition(":")
        parsed[node_id] = (vhost, int(vport))
    for name in BROKERS:
        svc = services[name]
        env = env_of(svc)
        host, port = parsed[env["KAFKA_NODE_ID"]]
        assert host in (name, svc.get("hostname")), (name, host)
        controller = env["KAFKA_CONTROLLER_LISTENER_NAMES"]
        assert _listeners(env["KAFKA_LISTENERS"])[controller][1] == port
    assert len(parsed) == 3


def test_listeners_are_consistent(services: dict[str, dict[str, Any]]) -> None:
    for name in BROKERS:
        env = env_of(services[name])
        protocol_map = dict(
            p.split(":") for p in env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(",")
        )
        listeners = _listeners(env["KAFKA_LISTENERS"])
        advertised = _listeners(env["KAFKA_ADVERTISED_LISTENERS"])
        assert set(listeners) <= set(protocol_map)
        assert set(advertised) <= set(listeners)
        assert env["KAFKA_CONTROLLER_LISTENER_NAMES"] not in advertised
        inter = env["KAFKA_INTER_BROKER_LISTENER_NAME"]
        assert advertised[inter] == (name, 9092), "clients in the network use kafka-N:9092"
        assert listeners[inter][1] == 9092


def test_host_ports_match_advertised_external_listeners(
    services: dict[str, dict[str, Any]],
) -> None:
    for name in BROKERS:
        svc = services[name]
        env = env_of(svc)
        advertised = _listeners(env["KAFKA_ADVERTISED_LISTENERS"])
        listeners = _listeners(env["KAFKA_LISTENERS"])
        for port_spec in svc.get("ports", []):
            host_port, container_port = str(port_spec).split(":")[-2:]
            external = [n for n, (_, p) in advertised.items() if p == int(host_port)]
            assert external, f"{name}: host port {host_port} is not advertised"
            assert listeners[external[0]][1] == int(container_port)


def test_replication_and_min_isr(services: dict[str, dict[str, Any]]) -> None:
    for name in BROKERS:
        env = env_of(services[name])
        assert env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == "3"
        assert env["KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR"] == "3"
        assert env["KAFKA_TRANSACTION_STATE_LOG_MIN_ISR"] == "2"
        assert env["KAFKA_DEFAULT_REPLICATION_FACTOR"] == "3"
        assert env["KAFKA_MIN_INSYNC_REPLICAS"] == "2"
        # the worker's producer may send requests this large (defaults, the environment aside)
        assert int(env["KAFKA_MESSAGE_MAX_BYTES"]) >= Settings.model_construct().max_request_bytes


def test_each_broker_keeps_its_own_data(
    compose: dict[str, Any], services: dict[str, dict[str, Any]]
) -> None:
    seen = set()
    for name in BROKERS:
        env = env_of(services[name])
        (volume,) = services[name]["volumes"]
        source, _, target = str(volume).partition(":")
        assert target == env["KAFKA_LOG_DIRS"]
        assert source in compose["volumes"]
        seen.add(source)
    assert len(seen) == 3


def test_broker_healthchecks(services: dict[str, dict[str, Any]]) -> None:
    for name in BROKERS:
        hc = services[name]["healthcheck"]
        test = " ".join(hc["test"]) if isinstance(hc["test"], list) else hc["test"]
        assert "/opt/kafka/bin/kafka-broker-api-versions.sh" in test
        assert "--bootstrap-server localhost:9092" in test
        assert not hc.get("disable")


# --- the newsstream services -------------------------------------------------------------


def test_worker_scales(services: dict[str, dict[str, Any]]) -> None:
    worker = services["worker"]
    assert "container_name" not in worker
    assert "hostname" not in worker
    assert not worker.get("ports"), "a fixed host port breaks --scale worker=N"
    assert "build" in worker
    assert worker.get("command") in (None, ["worker"], "worker")


def test_worker_healthcheck_hits_health(
    services: dict[str, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NEWSSTREAM_WEB_PORT", raising=False)
    hc = services["worker"]["healthcheck"]
    assert not hc.get("disable")
    test = hc["test"]
    assert test[0] == "CMD"
    scripts = [a for a in test if a.startswith("/app/docker/")]
    assert scripts == ["/app/docker/healthcheck.py"]
    hc_module = load_script("healthcheck")
    assert hc_module.health_url() == "http://127.0.0.1:6066/health/"
    assert env_of(services["worker"]).get("NEWSSTREAM_WEB_PORT", "6066") == "6066"


def _depends(svc: dict[str, Any]) -> dict[str, str]:
    deps = svc.get("depends_on") or {}
    assert isinstance(deps, dict), "use the long form of depends_on, with conditions"
    return {name: spec["condition"] for name, spec in deps.items()}


def test_start_order(services: dict[str, dict[str, Any]]) -> None:
    healthy = dict.fromkeys(BROKERS, "service_healthy")
    assert _depends(services["topics"]) == healthy
    for name in ("worker", "replay"):
        assert _depends(services[name]) == {
            **healthy,
            "topics": "service_completed_successfully",
        }


def test_worker_env(services: dict[str, dict[str, Any]]) -> None:
    env = env_of(services["worker"])
    s = settings_from(env)
    assert s.bootstrap_servers == [f"{b}:9092" for b in BROKERS]
    assert s.producer_acks == "all"
    assert s.replication_factor == 3
    assert s.partitions >= 6
    assert s.store_url == "rocksdb://"
    assert s.web_host == "0.0.0.0"


def test_every_newsstream_variable_is_a_setting(compose: dict[str, Any]) -> None:
    fields = set(Settings.model_fields)
    names: set[str] = set()
    for svc in compose["services"].values():
        names |= {k for k in env_of(svc) if _ours(k)}
    # also ${NEWSSTREAM_...} interpolations anywhere in the file
    names |= {m.group(1) for m in _VAR.finditer(COMPOSE.read_text()) if _ours(m.group(1))}
    unknown = sorted(n for n in names if n.removeprefix("NEWSSTREAM_").lower() not in fields)
    assert not unknown, f"not fields of streams.settings.Settings: {unknown}"
    assert "NEWSSTREAM_BROKER_URL" in names


@pytest.mark.parametrize("name", ["topics", "worker", "replay"])
def test_every_service_env_validates(
    services: dict[str, dict[str, Any]], name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The service's NEWSSTREAM_* variables, read from the environment as the container reads
    them, give Settings holding exactly the values compose sets (no name ignored, no value
    coerced into something else)."""
    env = {k: v for k, v in env_of(services[name]).items() if _ours(k)}
    assert "NEWSSTREAM_BROKER_URL" in env, name
    for var in [k for k in os.environ if _ours(k)]:
        monkeypatch.delenv(var)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    s = Settings()
    for var, value in env.items():
        assert str(getattr(s, var.removeprefix("NEWSSTREAM_").lower())) == value, (name, var)


def test_jobs_agree_with_the_worker(services: dict[str, dict[str, Any]]) -> None:
    """Topics are made with the partitions/replication the worker's tables expect."""
    worker = settings_from(env_of(services["worker"]))
    for name in ("topics", "replay"):
        job = settings_from(env_of(services[name]))
        for field in ("broker_url", "topic_prefix", "partitions", "replication_factor"):
            assert getattr(job, field) == getattr(worker, field), (name, field)


def test_topics_job(services: dict[str, dict[str, Any]]) -> None:
    topics = services["topics"]
    assert topics["entrypoint"] == ["python", "/app/docker/create_topics.py"]
    assert topics.get("restart") == "no"
    assert "profiles" not in topics


def test_replay_job(services: dict[str, dict[str, Any]]) -> None:
    replay = services["replay"]
    assert "replay" in replay["profiles"]
    assert replay["command"] == ["replay", "/app/seeds/000_1ea569509353b790.txt"]
    assert (ROOT / "seeds" / "000_1ea569509353b790.txt").is_file()


def test_one_image_for_all_newsstream_services(services: dict[str, dict[str, Any]]) -> None:
    images = {services[n]["image"] for n in ("topics", "worker", "replay")}
    assert len(images) == 1
    for n in ("topics", "worker", "replay"):
        assert services[n]["build"]["dockerfile"] == "Dockerfile"


def test_helper_scripts_exist(services: dict[str, dict[str, Any]]) -> None:
    text = COMPOSE.read_text()
    for ref in set(re.findall(r"/app/docker/([\w.-]+)", text)):
        assert (ROOT / "docker" / ref).is_file(), ref


# --- Dockerfile ----------------------------------------------------------------------------


def _instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            out.append((keyword.upper(), rest.strip()))
    return out


def test_dockerfile() -> None:
    assert DOCKERFILE.is_file()
    ins = _instructions()
    froms = [rest for kw, rest in ins if kw == "FROM"]
    assert froms and all(f.split()[0] == "python:3.11-slim" for f in froms)
    assert json.loads(next(rest for kw, rest in ins if kw == "ENTRYPOINT")) == ["newsstream"]
    assert json.loads(next(rest for kw, rest in ins if kw == "CMD")) == ["worker"]
    users = [rest for kw, rest in ins if kw == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert any(kw == "RUN" and "pip install ." in rest for kw, rest in ins)
    copies = " ".join(rest for kw, rest in ins if kw == "COPY")
    assert "./seeds" in copies and "./docker/" in copies


def test_dockerignore_keeps_what_the_build_copies() -> None:
    lines = DOCKERIGNORE.read_text().splitlines()
    patterns = [ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")]
    assert patterns[0] == "*", "allow-list"
    allowed = {p.lstrip("!").rstrip("/") for p in patterns if p.startswith("!")}
    for kw, rest in _instructions():
        if kw != "COPY" or rest.startswith("--from"):
            continue
        for src in rest.split()[:-1]:
            top = src.split("/")[0].replace("*", "")
            assert top in allowed, f"COPY {src} but .dockerignore leaves it out"


# --- docker/healthcheck.py -------------------------------------------------------------


class _Health(BaseHTTPRequestHandler):
    answer: tuple[int, bytes] = (200, b'{"status": "ok", "app": "newsstream"}')

    def do_GET(self) -> None:
        code, body = self.answer if self.path == "/health/" else (404, b"{}")
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def health_server() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _run_healthcheck(port: int) -> int:
    env = {"NEWSSTREAM_WEB_PORT": str(port), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run(
        [sys.executable, str(ROOT / "docker" / "healthcheck.py")],
        env=env,
        capture_output=True,
        timeout=30,
        check=False,
    )
    return proc.returncode


@pytest.mark.parametrize(
    ("answer", "rc"),
    [
        ((200, b'{"status": "ok", "app": "newsstream"}'), 0),
        ((503, b'{"status": "starting"}'), 1),
        ((200, b'{"status": "degraded"}'), 1),
        ((200, b"<html>"), 1),
    ],
)
def test_healthcheck_script(
    health_server: ThreadingHTTPServer,
    monkeypatch: pytest.MonkeyPatch,
    answer: tuple[int, bytes],
    rc: int,
) -> None:
    monkeypatch.setattr(_Health, "answer", answer)
    assert _run_healthcheck(health_server.server_address[1]) == rc


def test_healthcheck_script_nothing_listening() -> None:
    assert _run_healthcheck(free_port()) == 1


# --- docker/create_topics.py -----------------------------------------------------------


class FakeCluster:
    """What a 3-broker cluster answers to the admin calls ensure_topics and the check make."""

    def __init__(self, refuse_first: int = 0) -> None:
        self.topics: dict[str, tuple[int, int, dict[str, str]]] = {}
        self.refuse_first = refuse_first  # CreateTopics calls answered with an error
        self.create_calls = 0

    def client(self, **_kwargs: Any) -> Any:
        cluster = self

        class Admin:
            async def start(self) -> None: ...

            async def close(self) -> None: ...

            async def list_topics(self) -> list[str]:
                return list(cluster.topics)

            async def create_topics(self, new_topics: list[Any]) -> None:
                cluster.create_calls += 1
                if cluster.create_calls <= cluster.refuse_first:
                    return  # aiokafka returns per-topic errors instead of raising
                for t in new_topics:
                    cluster.topics[t.name] = (
                        t.num_partitions,
                        t.replication_factor,
                        dict(t.topic_configs),
                    )

            async def describe_topics(self, names: list[str]) -> list[dict[str, Any]]:
                out = []
                for name in names:
                    if name not in cluster.topics:
                        out.append({"topic": name, "error_code": 3, "partitions": []})
                        continue
                    n, rf, _ = cluster.topics[name]
                    parts = [{"partition": i, "replicas": list(range(rf))} for i in range(n)]
                    out.append({"topic": name, "error_code": 0, "partitions": parts})
                return out

        return Admin()


@pytest.fixture
def create_topics() -> ModuleType:
    return load_script("create_topics")


def _patch(monkeypatch: pytest.MonkeyPatch, module: ModuleType, cluster: FakeCluster) -> None:
    import streams.kafka.admin

    monkeypatch.setattr(streams.kafka.admin, "AIOKafkaAdminClient", cluster.client)
    monkeypatch.setattr(module, "AIOKafkaAdminClient", cluster.client)


def test_topics_job_creates_what_the_compose_file_asks(
    services: dict[str, dict[str, Any]],
    create_topics: ModuleType,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    s = settings_from(env_of(services["topics"]))
    cluster = FakeCluster()
    _patch(monkeypatch, create_topics, cluster)
    assert asyncio.run(create_topics.run(s, attempts=1)) == []
    t = Topics(s.topic_prefix)
    expected = {t.raw, t.enriched, t.deadletter, t.unclassified, t.country_deltas}
    expected |= set(t.all_category_topics())
    assert set(cluster.topics) == expected
    assert len(expected) == 5 + 17
    for name, (partitions, rf, configs) in cluster.topics.items():
        assert partitions == s.partitions >= 6, name
        assert rf == 3, name
        assert configs["min.insync.replicas"] == "2", name


def test_topics_job_retries_until_topics_exist(
    create_topics: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = Settings(partitions=6, replication_factor=3)
    cluster = FakeCluster(refuse_first=2)
    _patch(monkeypatch, create_topics, cluster)
    assert asyncio.run(create_topics.run(s, attempts=5, pause_s=0)) == []
    assert cluster.create_calls == 3


def test_topics_job_fails_when_creation_keeps_failing(
    create_topics: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = Settings(partitions=6, replication_factor=3)
    cluster = FakeCluster(refuse_first=99)
    _patch(monkeypatch, create_topics, cluster)
    problems = asyncio.run(create_topics.run(s, attempts=3, pause_s=0))
    assert cluster.create_calls == 3
    assert any(Topics().raw in p for p in problems)  # missing, or creation refused


def test_topics_job_rejects_existing_topics_that_do_not_fit(
    create_topics: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    t = Topics()
    cluster = FakeCluster()
    for name in t.all():
        cluster.topics[name] = (4, 3, {})
    cluster.topics[t.enriched] = (4, 1, {})
    _patch(monkeypatch, create_topics, cluster)
    s = Settings(partitions=6, replication_factor=3)
    problems = asyncio.run(create_topics.run(s, attempts=5, pause_s=0))
    assert cluster.create_calls == 0, "nothing missing, nothing created"
    assert len(problems) == 3  # no retry either: waiting does not fix these
    assert any(p.startswith(f"{t.raw}: 4 partitions") for p in problems)
    assert any(p.startswith(f"{t.country_deltas}: 4 partitions") for p in problems)
    assert any(p.startswith(f"{t.enriched}: replication factor 1") for p in problems)


# --- docker compose itself ---------------------------------------------------------------


def _compose_cli() -> list[str] | None:
    docker = shutil.which("docker")
    if docker:
        probe = subprocess.run(
            [docker, "compose", "version"], capture_output=True, timeout=30, check=False
        )
        if probe.returncode == 0:
            return [docker, "compose"]
    standalone = shutil.which("docker-compose")
    if standalone:
        probe = subprocess.run(
            [standalone, "version"], capture_output=True, timeout=30, check=False
        )
        if probe.returncode == 0 and b"v2." in probe.stdout:
            return [standalone]
    return None


def test_docker_compose_config() -> None:
    cli = _compose_cli()
    if cli is None:
        pytest.skip("no Docker Compose v2 here (`docker compose version` failed)")
    proc = subprocess.run(
        [*cli, "-f", str(COMPOSE), "--profile", "replay", "config", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if proc.returncode != 0 and "daemon" in proc.stderr.lower():
        pytest.skip(f"docker compose config needs a daemon here: {proc.stderr.strip()}")
    assert proc.returncode == 0, proc.stderr

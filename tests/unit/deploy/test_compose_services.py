"""docker-compose.yml's newsstream services, read without a Docker engine: the worker
scales and is health-checked on /health/, the start order, the topics and replay jobs, one
image for all of them, the docker/ helpers they name; and `docker compose config` when a
Compose v2 CLI is at hand."""

from __future__ import annotations

import re
import shutil
import subprocess
from typing import Any

import pytest

from tests.paths import ROOT
from tests.unit.deploy.helpers import BROKERS, COMPOSE, env_of, load_script


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

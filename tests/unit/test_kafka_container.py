"""The NEWSSTREAM_TEST_BROKER=testcontainers path (tests/integration/kafka_container.py),
checked as far as it goes without Docker: the skip reasons, the KRaft container
configuration and its lifecycle. That the default session uses the embedded broker is checked
in tests/integration/test_testcontainers_path.py."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.integration import kafka_container as kc
from tests.paths import ROOT


def _testcontainers_installed() -> bool:
    try:
        import testcontainers  # noqa: F401
    except ImportError:
        return False
    return True


needs_testcontainers = pytest.mark.skipif(
    not _testcontainers_installed(),
    reason=f"testcontainers[kafka] is not installed ({kc.INSTALL_HINT})",
)


def test_module_imports_without_docker() -> None:
    """The suite imports this module in every session: docker-py and testcontainers are
    loaded only when NEWSSTREAM_TEST_BROKER=testcontainers asks for a container."""
    code = (
        "import sys\n"
        "import tests.integration.kafka_container\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('docker', 'testcontainers')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_skips_with_install_hint_without_testcontainers(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("testcontainers.community.kafka", "testcontainers.kafka"):
        monkeypatch.setitem(sys.modules, name, None)  # makes `import name` fail
    with pytest.raises(pytest.skip.Exception) as info, kc.kafka_container():
        pass
    assert kc.INSTALL_HINT in str(info.value)
    assert "NEWSSTREAM_TEST_BROKER=testcontainers" in str(info.value)


@needs_testcontainers
def test_skips_with_docker_reason_on_this_machine() -> None:
    if kc.docker_unreachable_reason() is None:
        pytest.skip("a Docker engine is reachable here, so kafka_container() would start Kafka")
    with pytest.raises(pytest.skip.Exception, match="Docker") as info, kc.kafka_container():
        pass
    assert "NEWSSTREAM_TEST_BROKER=testcontainers needs one" in str(info.value)


@needs_testcontainers
def test_skip_names_the_endpoint(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    endpoint = f"unix://{tmp_path}/no-docker.sock"
    monkeypatch.setattr(kc, "docker_endpoint", lambda: endpoint)
    made: list[Any] = []
    monkeypatch.setattr(kc, "make_container", lambda *a, **k: made.append(a))
    with pytest.raises(pytest.skip.Exception) as info, kc.kafka_container():
        pass
    msg = str(info.value)
    assert f"Docker engine not reachable at {endpoint}" in msg
    assert "NEWSSTREAM_TEST_BROKER=testcontainers needs one" in msg
    assert made == []  # no container is even constructed


@needs_testcontainers
def test_container_is_single_node_kraft() -> None:
    # a pinned API version keeps docker-py from asking the (absent) engine for one
    container = kc.make_container(docker_client_kw={"version": "1.44"})
    container.configure()
    env = container.env
    assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"].startswith("1@")
    assert env["CLUSTER_ID"]
    assert "KAFKA_ZOOKEEPER_CONNECT" not in env
    for key, value in kc.BROKER_ENV.items():
        assert env[key] == value


class FakeContainer:
    instances: list[FakeContainer] = []  # noqa: RUF012

    def __init__(self, image: str, fail_start: bool = False) -> None:
        self.image = image
        self.fail_start = fail_start
        self.env: dict[str, str] = {}
        self.kraft = False
        self.started_with: int | None = None
        self.stopped = False
        FakeContainer.instances.append(self)

    def with_kraft(self) -> FakeContainer:
        self.kraft = True
        return self

    def with_env(self, key: str, value: str) -> FakeContainer:
        self.env[key] = value
        return self

    def start(self, timeout: int = 30) -> FakeContainer:
        self.started_with = timeout
        if self.fail_start:
            raise RuntimeError("broker did not come up")
        return self

    def get_bootstrap_server(self) -> str:
        return "localhost:32768"

    def stop(self) -> None:
        self.stopped = True


def test_lifecycle_with_a_reachable_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    FakeContainer.instances.clear()
    monkeypatch.setattr(kc, "kafka_container_class", lambda: FakeContainer)
    monkeypatch.setattr(kc, "docker_unreachable_reason", lambda: None)
    monkeypatch.setenv(kc.IMAGE_ENV, "confluentinc/cp-kafka:7.7.1")
    with kc.kafka_container(start_timeout_s=77) as bootstrap:
        assert bootstrap == "localhost:32768"
        (c,) = FakeContainer.instances
        assert c.image == "confluentinc/cp-kafka:7.7.1"
        assert c.kraft and c.started_with == 77 and not c.stopped
    assert c.stopped


def test_failed_start_still_removes_the_container(monkeypatch: pytest.MonkeyPatch) -> None:
    FakeContainer.instances.clear()

    def failing(image: str) -> FakeContainer:
        return FakeContainer(image, fail_start=True)

    monkeypatch.setattr(kc, "kafka_container_class", lambda: failing)
    monkeypatch.setattr(kc, "docker_unreachable_reason", lambda: None)
    monkeypatch.delenv(kc.IMAGE_ENV, raising=False)
    with pytest.raises(RuntimeError), kc.kafka_container():
        pass
    (c,) = FakeContainer.instances
    assert c.image == kc.DEFAULT_IMAGE
    assert c.stopped

"""What the deploy tests share: where docker-compose.yml, the Dockerfile and .dockerignore
are, the three brokers, a service's environment as the file means it with no variable set,
Settings from it, and a docker/ helper script loaded as a module."""

from __future__ import annotations

import importlib.util
import re
from types import ModuleType
from typing import Any

from streams.settings import Settings
from tests.paths import ROOT

COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
BROKERS = ("kafka-1", "kafka-2", "kafka-3")

VAR = re.compile(r"\$\{(\w+)(?:(:?[-?])([^}]*))?\}")


def resolve(value: Any) -> str:
    """A compose value with every ``${VAR:-default}`` replaced by its default, i.e. what
    the file means when no variable is set."""
    text = str(value)
    return VAR.sub(lambda m: m.group(3) or "", text.replace("$$", "\0")).replace("\0", "$")


def env_of(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {str(k): resolve(v) for k, v in env.items()}


def settings_from(env: dict[str, str]) -> Settings:
    return Settings.model_validate(
        {k.removeprefix("NEWSSTREAM_").lower(): v for k, v in env.items() if ours(k)}
    )


def ours(name: str) -> bool:
    return name.startswith("NEWSSTREAM_")


def load_script(name: str) -> ModuleType:
    path = ROOT / "docker" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"docker_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

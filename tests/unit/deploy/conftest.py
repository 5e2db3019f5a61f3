"""The deploy tests' fixtures: docker-compose.yml parsed once per module, and its services.
PyYAML (a dev dependency) reads it; without it the tests that need the file are skipped."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.deploy.helpers import COMPOSE


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    yaml = pytest.importorskip("yaml", reason="PyYAML is needed to read docker-compose.yml")
    doc = yaml.safe_load(COMPOSE.read_text())
    assert isinstance(doc, dict)
    return doc


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return dict(compose["services"])

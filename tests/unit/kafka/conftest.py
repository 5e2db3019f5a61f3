"""Fixtures for the streams/kafka unit tests."""

from __future__ import annotations

import os

import pytest


@pytest.fixture
def no_newsstream_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings from explicit values only: the test process's NEWSSTREAM_* env is ignored."""
    for name in [k for k in os.environ if k.startswith("NEWSSTREAM_")]:
        monkeypatch.delenv(name)

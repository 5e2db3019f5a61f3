"""``GET /health/``: ok while every agent runs, 503 with the crashed agents otherwise."""

from __future__ import annotations

from streams.web.ops import health_report
from streams.worker.app import Health


def test_healthy_worker_answers_ok() -> None:
    assert health_report("app", Health()) == ({"status": "ok", "app": "app"}, 200)


def test_a_crashed_agent_makes_health_fail() -> None:
    health = Health()
    health.record("process", RuntimeError("broker said no"))
    body, status = health_report("app", health)
    assert status == 503
    assert body == {
        "status": "crashed",
        "app": "app",
        "crashed": {"process": "RuntimeError: broker said no"},
    }


def test_a_long_error_is_cut() -> None:
    health = Health()
    health.record("count", ValueError("x" * 1000))
    assert len(health.crashed["count"]) == 300

"""``GET /metrics`` (Prometheus) and ``GET /health/``, for operators and orchestrators."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from faust.web import Blueprint, Request, Response, View
from prometheus_client import generate_latest

from streams.telemetry import metrics
from streams.worker.app import Health


def health_report(app_id: str, health: Health) -> tuple[dict[str, Any], int]:
    """``GET /health/``: ok (200), or the crashed agents (503, so probes fail)."""
    if health.ok:
        return {"status": "ok", "app": app_id}, HTTPStatus.OK
    body = {"status": "crashed", "app": app_id, "crashed": dict(health.crashed)}
    return body, HTTPStatus.SERVICE_UNAVAILABLE


def blueprint(app_id: str, health: Health | None = None) -> Blueprint:
    """The operational views of the worker of app ``app_id``."""
    state = health if health is not None else Health()
    bp = Blueprint("ops")

    @bp.route("/metrics", name="metrics")
    class MetricsView(View):
        async def get(self, request: Request) -> Response:
            # aiohttp takes the charset separately; Prometheus reads text/plain as 0.0.4
            return self.bytes(generate_latest(metrics.registry), content_type="text/plain")

    @bp.route("/health/", name="health")
    class HealthView(View):
        async def get(self, request: Request) -> Response:
            body, status = health_report(app_id, state)
            return self.json(body, status=status)

    return bp

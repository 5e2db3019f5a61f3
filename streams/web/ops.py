"""``GET /metrics`` (Prometheus) and ``GET /health/``, for operators and orchestrators."""

from __future__ import annotations

from faust.web import Blueprint, Request, Response, View
from prometheus_client import generate_latest

from streams.telemetry import metrics


def blueprint(app_id: str) -> Blueprint:
    """The operational views of the worker of app ``app_id``."""
    bp = Blueprint("ops")

    @bp.route("/metrics", name="metrics")
    class MetricsView(View):
        async def get(self, request: Request) -> Response:
            # aiohttp takes the charset separately; Prometheus reads text/plain as 0.0.4
            return self.bytes(generate_latest(metrics.registry), content_type="text/plain")

    @bp.route("/health/", name="health")
    class HealthView(View):
        async def get(self, request: Request) -> Response:
            return self.json({"status": "ok", "app": app_id})

    return bp

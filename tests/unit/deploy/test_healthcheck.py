"""docker/healthcheck.py, the worker container's health check, against a local HTTP
server: exit status 0 only for a healthy newsstream answer on /health/."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from streams.local.broker import free_port
from tests.paths import ROOT


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

"""JSON log lines and the worker's logging config (streams/telemetry/logs.py)."""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

from streams.telemetry.logs import JsonFormatter, logging_config


def _record(exc_info: Any = None) -> logging.LogRecord:
    return logging.LogRecord("newsstream", logging.INFO, __file__, 1, "hello %s", ("x",), exc_info)


def test_json_log_lines() -> None:
    doc = json.loads(JsonFormatter().format(_record()))
    assert doc["msg"] == "hello x" and doc["level"] == "info" and doc["logger"] == "newsstream"
    assert doc["ts"].endswith("+00:00")
    assert "exc" not in doc


def test_json_log_line_carries_the_traceback() -> None:
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        line = JsonFormatter().format(_record(sys.exc_info()))
    assert "\n" not in line, "one JSON object per line"
    assert "RuntimeError: boom" in json.loads(line)["exc"]


def test_logging_config() -> None:
    assert logging_config("text", "info") is None
    config = logging_config("json", "info")
    assert config is not None
    assert config["root"]["level"] == "INFO"
    assert config["formatters"]["json"]["()"] == "streams.telemetry.logs.JsonFormatter"
    warn = logging_config("json", "warn")
    assert warn is not None and warn["root"]["level"] == "WARNING"

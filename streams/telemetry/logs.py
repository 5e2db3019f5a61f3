"""Structured logs: one JSON object per line when ``NEWSSTREAM_LOG_FORMAT=json``.

The pipeline logs events of interest (start, rebalance, recovery, dead-letter bursts,
errors), never one line per story at info level.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import orjson


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        doc: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if record.exc_info:
            doc["exc"] = self.formatException(record.exc_info)
        return orjson.dumps(doc, default=str).decode()


def logging_config(fmt: str, level: str) -> dict[str, Any] | None:
    """A dictConfig for Faust's worker, or None to keep Faust's own text format."""
    if fmt != "json":
        return None
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "streams.telemetry.logs.JsonFormatter"}},
        "handlers": {"out": {"class": "logging.StreamHandler", "formatter": "json"}},
        "root": {"handlers": ["out"], "level": level.upper() if level != "warn" else "WARNING"},
    }

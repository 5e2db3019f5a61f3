"""Raw bytes → validated `RawStory`, or a `Rejection` with a reason. Pure, no Kafka.

The worker consumes raw bytes (a model-typed topic would drop undecodable events before
our code saw them), so every failure mode of real input is decided here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from pydantic import ValidationError

from schemas.models import RawStory


@dataclass(frozen=True, slots=True)
class Rejection:
    """Why an event cannot be processed. ``reason`` is a stable short code."""

    reason: str
    error: str


@dataclass(frozen=True, slots=True)
class Limits:
    max_bytes: int = 1_000_000
    max_depth: int = 32


def _too_deep(obj: Any, max_depth: int) -> bool:
    stack: list[tuple[Any, int]] = [(obj, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > max_depth:
            return True
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values() if isinstance(v, dict | list))
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node if isinstance(v, dict | list))
    return False


def _describe(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        loc = ".".join(str(p) for p in err["loc"]) or "(root)"
        parts.append(f"{loc}: {err['msg']}")
    return "; ".join(parts)


def decode_story(
    value: bytes | None, limits: Limits = Limits(), now: datetime | None = None
) -> RawStory | Rejection:
    """Validate one event value. Never raises: every input gets a story or a rejection."""
    if value is None or len(value) == 0:
        return Rejection("empty", "empty message: no value bytes")
    if len(value) > limits.max_bytes:
        return Rejection(
            "oversized", f"message is {len(value)} bytes, over the {limits.max_bytes} limit"
        )
    try:
        value.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Rejection("not_utf8", f"value is not valid UTF-8 ({exc.reason} at byte {exc.start})")
    try:
        obj = orjson.loads(value)
    except orjson.JSONDecodeError as exc:
        msg = str(exc)
        if "recursion" in msg.lower() or "depth" in msg.lower():
            return Rejection("too_deep", f"JSON nesting is deeper than {limits.max_depth}")
        return Rejection("invalid_json", f"invalid JSON: {msg}")
    if not isinstance(obj, dict):
        return Rejection("wrong_shape", f"expected a JSON object, got {type(obj).__name__}")
    if _too_deep(obj, limits.max_depth):
        return Rejection("too_deep", f"JSON nesting is deeper than {limits.max_depth}")
    try:
        story = RawStory.model_validate(obj)
    except ValidationError as exc:
        fields = {str(e["loc"][0]) for e in exc.errors() if e["loc"]}
        body = obj.get("body")
        if "body" in fields and (not body or (isinstance(body, str) and not body.strip())):
            reason = "missing_body"
        elif any("NUL" in str(e.get("msg", "")) for e in exc.errors()):
            reason = "nul_bytes"
        elif {"published_at", "received_at"} & fields:
            reason = "bad_date"
        else:
            reason = "invalid_fields"
        return Rejection(reason, _describe(exc))
    story.received_at = now or datetime.now(UTC)
    return story

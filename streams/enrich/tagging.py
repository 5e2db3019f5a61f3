"""The ``newsstream tag`` contract: JSON Lines in (``{"id","text"}`` or
``{"id","headline","body"}``), one JSON line out per input line, in order: ``id``,
``language`` (ISO 639-1 or ``und``, detected from the text alone: a ``language`` field of
the input is not read, so ``newsstream eval`` can score it), ``entities``, ``countries``,
``categories``.

A bad line yields ``{"id": ..., "error": ...}`` instead of stopping the stream: one broken
record must not cost the rest of a batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import orjson

from schemas.models import story_text
from streams.enrich import enrich_details


class RecordError(ValueError):
    """A record that cannot be tagged; the message is shown to the user."""


def record_text(record: Any) -> str:
    """The text entity offsets point into: ``text``, else headline + blank line + body."""
    if not isinstance(record, dict):
        raise RecordError(f"record is a JSON {type(record).__name__}, expected an object")
    if "text" in record:
        text = record["text"]
        if not isinstance(text, str):
            raise RecordError("'text' must be a string")
        return text
    if "body" not in record:
        raise RecordError("record has neither 'text' nor 'body'")
    body, headline = record["body"], record.get("headline")
    if not isinstance(body, str):
        raise RecordError("'body' must be a string")
    if headline is not None and not isinstance(headline, str):
        raise RecordError("'headline' must be a string or null")
    return story_text(headline or None, body)


def tag_record_details(record: Any, tagger: str = "fast") -> tuple[dict[str, Any], set[int]]:
    """``tag_record`` plus the starts of entities whose country came from a demonym."""
    rid = record.get("id") if isinstance(record, dict) else None
    try:
        text = record_text(record)
        enr, demonyms = enrich_details(text, tagger)
    except RecordError as exc:
        return {"id": rid, "error": str(exc)}, set()
    except OSError as exc:  # a model file is missing or unreadable
        return {"id": rid, "error": f"tagger {tagger!r} is not available: {exc!r}"}, set()
    entities = []
    for sp in enr.entities:
        ent: dict[str, Any] = {"text": sp.text, "label": sp.label, "start": sp.start, "end": sp.end}
        if sp.country:
            ent["country"] = sp.country
        entities.append(ent)
    out = {
        "id": rid,
        "language": enr.language,
        "entities": entities,
        "countries": enr.countries,
        "categories": [{"slug": slug, "score": score} for slug, score in enr.categories],
    }
    return out, demonyms


def tag_record(record: dict[str, Any], tagger: str = "fast") -> dict[str, Any]:
    """One output record for one input record (an ``error`` record if it is unusable)."""
    return tag_record_details(record, tagger)[0]


def tag_lines(lines: Iterable[bytes | str], tagger: str = "fast") -> Iterator[bytes]:
    """One JSON line (with trailing newline) per non-blank input line, in input order."""
    for line in lines:
        if not line.strip():
            continue
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            out: dict[str, Any] = {"id": None, "error": f"invalid JSON: {exc}"}
        else:
            out = tag_record(record, tagger)
        yield orjson.dumps(out) + b"\n"

"""The ``newsstream tag`` contract: a filter from JSON Lines in (``{"id","text"}`` or
``{"id","headline","body"}``) to exactly one JSON line out per input line, in order: ``id``,
``language`` (ISO 639-1 or ``und``, detected from the text alone: a ``language`` field of
the input is not read, so ``newsstream eval`` can score it), ``entities``, ``countries``,
``categories``.

A line that cannot be tagged (blank, not JSON, not an object, no text) yields
``{"id": ..., "error": ...}`` in its place instead of stopping the stream: one broken
record must not cost the rest of a batch, and outputs still line up with inputs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import IO, Any

import orjson

from schemas.models import story_text
from streams.enrich import enrich_details

#: ``newsstream tag --help``: what a line must hold (plain text lines are errors).
TAG_HELP = (
    'Reads one JSON object per line on stdin, {"id", "headline", "body"} or {"id", "text"}, '
    "and writes one JSON line per input line: its language, entities, countries and "
    'categories, or {"id", "error"}. Example: echo \'{"id": "1", "headline": "Floods in '
    "Manila\"}' | newsstream tag"
)


class RecordError(ValueError):
    """A record that cannot be tagged; the message is shown to the user."""


def record_text(record: Any) -> str:
    """The text entity offsets point into: ``text``, else headline + blank line + body
    (the headline alone when the body is empty or absent)."""
    if not isinstance(record, dict):
        raise RecordError(f"record is a JSON {type(record).__name__}, expected an object")
    if "text" in record:
        text = record["text"]
        if not isinstance(text, str):
            raise RecordError("'text' must be a string")
        if not text.strip():
            raise RecordError("'text' is empty")
        return text
    body, headline = record.get("body"), record.get("headline")
    if body is not None and not isinstance(body, str):
        raise RecordError("'body' must be a string")
    if headline is not None and not isinstance(headline, str):
        raise RecordError("'headline' must be a string or null")
    if not (body or "").strip():
        if headline and headline.strip():
            return headline
        raise RecordError("record has neither 'text' nor 'body'")
    return story_text(headline or None, body or "")


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


def tag_line(line: bytes | str, tagger: str = "fast") -> dict[str, Any]:
    """The output record of one input line: the tags, or an ``error`` record."""
    if not line.strip():
        return {"id": None, "error": "blank line"}
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        return {"id": None, "error": f"invalid JSON: {exc}"}
    return tag_record(record, tagger)


def tag_lines(lines: Iterable[bytes | str], tagger: str = "fast") -> Iterator[bytes]:
    """One JSON line (with its trailing newline) per input line, blank ones included, in
    input order."""
    for line in lines:
        yield orjson.dumps(tag_line(line, tagger)) + b"\n"


#: How many error line numbers the summary names.
SHOWN_ERROR_LINES = 10


class TagSummary:
    """What a `tag_stream` run did, for the summary on stderr and the exit code."""

    def __init__(self) -> None:
        self.lines = 0
        self.errors = 0
        #: The numbers of the first `SHOWN_ERROR_LINES` lines that became error records.
        self.error_lines: list[int] = []

    def add(self, n: int, failed: bool) -> None:
        self.lines += 1
        if failed:
            self.errors += 1
            if len(self.error_lines) < SHOWN_ERROR_LINES:
                self.error_lines.append(n)

    def __str__(self) -> str:
        tagged = self.lines - self.errors
        text = f"tag: {_count(self.lines, 'line')}, {tagged} tagged, {_count(self.errors, 'error')}"
        if self.error_lines:
            more = ", ..." if self.errors > len(self.error_lines) else ""
            where = "line" if self.errors == 1 else "lines"
            text += f" ({where} {', '.join(map(str, self.error_lines))}{more})"
        return text


def _count(n: int, noun: str) -> str:
    """``1 line``, ``2 lines``, ``0 lines``: the summary is read by people."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def tag_stream(
    lines: Iterable[bytes],
    out: IO[bytes],
    tagger: str = "fast",
    summary: TagSummary | None = None,
) -> TagSummary:
    """``newsstream tag``: tag every line to ``out``, flushing each, and count errors
    (in ``summary`` if given, so that a caller stopped by Ctrl-C still has the counts).

    ``out`` gets exactly one line per input line, each flushed at once, so a reader at
    the other end of a pipe sees a result as soon as its line was tagged.
    """
    summary = summary if summary is not None else TagSummary()
    for n, line in enumerate(lines, 1):
        result = tag_line(line, tagger)
        summary.add(n, "error" in result)
        out.write(orjson.dumps(result) + b"\n")
        out.flush()
    return summary

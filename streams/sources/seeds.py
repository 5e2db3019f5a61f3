"""Reading stories from the seed text format and from JSON Lines.

Seed format: stories separated by lines holding only ``-``; a story's first line is a
headline when it does not end in sentence punctuation (``.``, ``!``, ``?``, optionally
followed by a closing quote); ``Also Read | …`` lines link to other stories and are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from streams.exitcodes import InputError
from streams.sources.files import read_json_lines, read_text

#: The seed file ``newsstream run`` and the benchmark use unless given another. The
#: repository's top-level ``seeds/`` folder is installed as the data package ``seeds``
#: (pyproject.toml), so a checkout, an editable install and a wheel all find it by import.
DEFAULT_SEED_NAME = "000_1ea569509353b790.txt"
_SENTENCE_END = re.compile(r"[.!?][\"'”’»)\]]*\s*$")
_ALSO_READ = re.compile(r"^\s*also\s+read\s*[|:]", re.IGNORECASE)
_SEPARATOR = re.compile(r"^\s*-\s*$")


def default_seed_file() -> Path:
    """Where the shipped seed file is on disk, wherever the package is installed."""
    return Path(str(resources.files("seeds").joinpath(DEFAULT_SEED_NAME)))


def is_headline(line: str) -> bool:
    """A block's first line is a headline unless it ends like a sentence."""
    return not _SENTENCE_END.search(line)


def parse_seed_text(text: str) -> list[dict[str, Any]]:
    """Split seed text into ``{"headline", "body"}`` dicts (headline may be None)."""
    stories: list[dict[str, Any]] = []
    block: list[str] = []

    def flush() -> None:
        lines = [ln.strip() for ln in block if ln.strip() and not _ALSO_READ.match(ln)]
        block.clear()
        if not lines:
            return
        headline = None
        if len(lines) > 1 and is_headline(lines[0]):
            headline = lines.pop(0)
        stories.append({"headline": headline, "body": "\n\n".join(lines)})

    for line in text.splitlines():
        if _SEPARATOR.match(line):
            flush()
        else:
            block.append(line)
    flush()
    return stories


def read_stories(path: str | Path) -> Iterator[dict[str, Any]]:
    """Stories from a seed text file or a JSON Lines file (``.jsonl``/``.ndjson``).

    JSON Lines records pass through as dicts (validation happens in the worker, so a bad
    record still reaches the dead-letter topic instead of vanishing here); a record with
    ``text`` but no ``body`` gets its text as body. A file that cannot be read, or a line
    that is not JSON, raises `InputError` naming the file (and the line).
    """
    p = Path(path)
    if p.suffix.lower() in {".jsonl", ".ndjson", ".json"}:
        for _, rec in read_json_lines(p):
            if isinstance(rec, dict) and "body" not in rec and "text" in rec:
                rec = {**rec, "body": rec["text"]}
            yield rec
    else:
        yield from parse_seed_text(read_text(p))


def load_stories(path: str | Path) -> list[dict[str, Any]]:
    """Every story of ``path`` (`read_stories`); an `InputError` when it holds none, so
    a wrong or empty file is reported instead of replaying nothing."""
    stories = list(read_stories(path))
    if not stories:
        raise InputError(f"{path} holds no stories")
    return stories

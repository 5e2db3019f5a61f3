"""Where stories come from before they reach Kafka: seed files and RSS/Atom feeds.

``seeds`` reads the seed text format and JSON Lines (`read_stories`, used by ``newsstream
replay``) and finds the shipped seed file (`default_seed_file`); ``files`` opens input
files with errors that name the file and line (`read_json_lines`); the ``feeds`` subpackage
reads, polls and publishes feeds (``newsstream ingest``). ``feeds`` is not imported here:
it imports the Kafka producer, which imports ``seeds``, so importing it from this package
would make that a cycle.
"""

from __future__ import annotations

from streams.sources.files import open_input, read_json_lines, read_text
from streams.sources.seeds import (
    DEFAULT_SEED_NAME,
    default_seed_file,
    is_headline,
    load_stories,
    parse_seed_text,
    read_stories,
)

__all__ = [
    "DEFAULT_SEED_NAME",
    "default_seed_file",
    "is_headline",
    "load_stories",
    "open_input",
    "parse_seed_text",
    "read_json_lines",
    "read_stories",
    "read_text",
]

"""Where stories come from before they reach Kafka: seed files and RSS/Atom feeds.

``seeds`` reads the seed text format and JSON Lines (`read_stories`, used by ``newsstream
replay``) and finds the shipped seed file (`default_seed_file`); the ``feeds`` subpackage
reads, polls and publishes feeds (``newsstream ingest``). ``feeds`` is not imported here:
it imports the Kafka producer, which imports ``seeds``, so importing it from this package
would make that a cycle.
"""

from __future__ import annotations

from streams.sources.seeds import (
    DEFAULT_SEED_NAME,
    default_seed_file,
    is_headline,
    parse_seed_text,
    read_stories,
)

__all__ = [
    "DEFAULT_SEED_NAME",
    "default_seed_file",
    "is_headline",
    "parse_seed_text",
    "read_stories",
]

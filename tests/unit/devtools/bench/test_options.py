"""The benchmark's flags: the CLI and scripts/bench build their parsers from them."""

from __future__ import annotations

import argparse
import subprocess
import sys

from streams.devtools.bench import add_arguments


def _parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(argv)


def test_defaults() -> None:
    a = _parse()
    assert (a.stories, a.runs, a.latency_seconds, a.rate, a.workers) == (50_000, 3, 25, 1000, 1)
    assert a.soak is None
    assert a.load_linger_ms is None  # resolved to the producers' linger when a run starts


def test_flags_parse_to_their_types() -> None:
    a = _parse("--stories", "200", "--latency-seconds", "2.5", "--load-linger-ms", "0")
    assert (a.stories, a.latency_seconds, a.load_linger_ms) == (200, 2.5, 0)
    assert _parse("--soak", "12").soak == 12.0


def test_importing_the_options_imports_no_kafka_client() -> None:
    code = (
        "import sys, streams.devtools.bench as b; b.add_arguments(__import__('argparse')"
        ".ArgumentParser()); print(sorted(m for m in sys.modules if m.startswith('aiokafka')"
        " or m in ('streams.kafka.producer', 'streams.devtools.bench.compare')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

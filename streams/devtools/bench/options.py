"""The benchmark's command-line options, apart from the benchmark so that the CLI can build
its parser (on every start) without importing what measures."""

from __future__ import annotations

import argparse

from streams.cli import COUNT, POSITIVE, number

# Every count is at least 1 and every rate or duration more than 0: a zero or negative
# value makes a run that measures nothing, or waits forever for stories never sent.


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the flags of `newsstream bench` / `scripts/bench` to ``parser``."""
    parser.add_argument("--stories", type=COUNT, default=50_000)
    parser.add_argument("--runs", type=COUNT, default=3)
    parser.add_argument("--latency-seconds", type=POSITIVE, default=25)
    parser.add_argument("--rate", type=POSITIVE, default=1000)
    parser.add_argument("--workers", type=COUNT, default=1)
    # None stands for the project's producers' linger (streams.kafka.producer), resolved
    # when the benchmark runs: importing the producer here would slow every CLI start.
    parser.add_argument(
        "--load-linger-ms",
        type=number(int, 0),
        default=None,
        help="linger of the latency load generator (0: one request per story)",
    )
    parser.add_argument("--soak", type=POSITIVE, metavar="SECONDS", help="memory over a long run")

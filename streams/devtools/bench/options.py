"""The benchmark's command-line options, apart from the benchmark so that the CLI can build
its parser (on every start) without importing what measures."""

from __future__ import annotations

import argparse
from typing import get_args

from streams.cli import COUNT, POSITIVE, number
from streams.exitcodes import InputError
from streams.settings import BrokerEngine

# from the settings' type, not streams.local.engine.ENGINES: importing streams.local would
# import the Kafka clients on every CLI start
_ENGINES: tuple[str, ...] = get_args(BrokerEngine)

#: ``--engine both``: every engine in engine, interleaved.
BOTH = "both"

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
    parser.add_argument(
        "--engine",
        choices=(*_ENGINES, BOTH),
        default="tansu",
        help="the broker under the run: tansu (embedded), kafka (Apache Kafka, KRaft), or "
        "both, run after each other in every round and printed side by side",
    )
    parser.add_argument(
        "--nodes",
        type=int,
        choices=(1, 3),
        default=1,
        help="Apache Kafka nodes (broker + controller); the embedded broker runs one",
    )


def engines(args: argparse.Namespace) -> list[str]:
    """The engines a run measures, in the order each round runs them; an
    :class:`InputError` (exit 2) when ``--nodes`` asks a cluster of the embedded broker."""
    chosen = list(_ENGINES) if args.engine == BOTH else [args.engine]
    if args.nodes != 1 and args.engine != "kafka":
        raise InputError(
            "--nodes 3 needs --engine kafka (the embedded broker runs one node; with "
            "--engine both the two would not be alike)"
        )
    return chosen

"""The benchmark behind `newsstream bench` and `scripts/bench`: the pipeline against two
limits measured in the same run, or a worker's memory over a long run (`--soak`); see
docs/performance.md.

Importing the package is cheap (it holds only the options): the CLI adds
:func:`add_arguments` to its parser and calls :func:`run`, which imports the measuring
modules (`compare`, `soak`, `limits`, `latency`, `clients`, `process`) when it runs;
`errors` turns a failed run into the command's one sentence.
"""

from __future__ import annotations

import argparse

from streams.devtools.bench.options import add_arguments

__all__ = ["add_arguments", "main", "run"]


def run(args: argparse.Namespace) -> int:
    """Run what the parsed ``args`` ask for; print the table, then the JSON summary line."""
    if args.soak:
        from streams.devtools.bench.soak import run_soak

        return run_soak(args)
    from streams.devtools.bench.compare import run_compare

    return run_compare(args)


def main(argv: list[str] | None = None) -> int:
    """`newsstream bench` with ``argv`` (default: ``sys.argv[1:]``): what `scripts/bench`
    calls, through the CLI so that a bad flag or a failed run ends as the command's does
    (one sentence on stderr and an exit code from `streams.exitcodes`)."""
    import sys

    from streams.cli import main as cli_main

    return cli_main(["bench", *(sys.argv[1:] if argv is None else argv)])

"""The benchmark behind `newsstream bench` and `scripts/bench`: the pipeline against two
limits measured in the same run, or a worker's memory over a long run (`--soak`); see
docs/performance.md.

Importing the package is cheap (it holds only the options): the CLI adds
:func:`add_arguments` to its parser and calls :func:`run`, which imports the measuring
modules (`compare`, `soak`, `limits`, `latency`, `clients`, `process`) when it runs.
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
    """Parse ``argv`` (default: ``sys.argv[1:]``) and run: what `scripts/bench` calls."""
    parser = argparse.ArgumentParser(prog="newsstream bench")
    add_arguments(parser)
    return run(parser.parse_args(argv))

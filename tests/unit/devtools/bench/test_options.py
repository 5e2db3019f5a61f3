"""The benchmark's flags: the CLI and scripts/bench build their parsers from them."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from streams.devtools.bench import add_arguments
from streams.devtools.bench.options import engines
from streams.exitcodes import ExitCode, InputError
from tests.paths import ROOT


def _parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(argv)


def test_defaults() -> None:
    a = _parse()
    assert (a.stories, a.runs, a.latency_seconds, a.rate, a.workers) == (50_000, 3, 25, 1000, 1)
    assert a.soak is None
    assert a.load_linger_ms is None  # resolved to the producers' linger when a run starts
    assert (a.engine, a.nodes) == ("tansu", 1)  # the embedded broker: no install needed


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


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--stories", "abc"], "argument --stories: 'abc' is not an integer"),
        (["--stories", "-5"], "argument --stories: -5 is out of range: give a value at least 1"),
        (["--runs", "0"], "argument --runs: 0 is out of range: give a value at least 1"),
        (["--workers", "0"], "argument --workers: 0 is out of range"),
        (["--rate", "-5"], "argument --rate: -5 is out of range: give a value more than 0"),
        (["--rate", "nan"], "argument --rate: 'nan' is not a number"),
        (["--latency-seconds", "0"], "argument --latency-seconds: 0 is out of range"),
        (["--soak", "-5"], "argument --soak: -5 is out of range"),
        (["--load-linger-ms", "-1"], "argument --load-linger-ms: -1 is out of range"),
        (["--engine", "redpanda"], "argument --engine: invalid choice: 'redpanda'"),
        (["--nodes", "2"], "argument --nodes: invalid choice: 2"),
        (["--nodes", "x"], "argument --nodes: invalid int value: 'x'"),
    ],
)
def test_a_value_that_measures_nothing_is_refused(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        _parse(*argv)
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


def test_scripts_bench_fails_like_every_command() -> None:
    """A bad flag to `scripts/bench` is one sentence and exit 2, as `newsstream bench`."""
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench"), "--rate", "-5"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == ExitCode.USAGE
    assert proc.stderr.splitlines() == [
        "newsstream bench: error: argument --rate: -5 is out of range: give a value more "
        "than 0 (see newsstream bench --help)"
    ]


@pytest.mark.parametrize(
    ("argv", "chosen"),
    [
        ([], ["tansu"]),
        (["--engine", "kafka"], ["kafka"]),
        (["--engine", "kafka", "--nodes", "3"], ["kafka"]),
        (["--engine", "both"], ["tansu", "kafka"]),
    ],
)
def test_engines_in_the_order_each_round_runs_them(argv: list[str], chosen: list[str]) -> None:
    assert engines(_parse(*argv)) == chosen


@pytest.mark.parametrize("engine", ["tansu", "both"])
def test_a_cluster_needs_kafka_alone(engine: str) -> None:
    with pytest.raises(InputError, match="--nodes 3 needs --engine kafka") as err:
        engines(_parse("--engine", engine, "--nodes", "3"))
    assert err.value.code == ExitCode.USAGE


def test_the_soak_takes_workers() -> None:
    args = _parse("--soak", "60", "--workers", "2")
    assert engines(args) == ["tansu"] and args.workers == 2

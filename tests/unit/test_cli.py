"""The `newsstream` parser: every command, eval and bench included, parses its flags in one
argparse tree and dispatches to its handler."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

import streams.cli
from streams.cli import build_parser, main
from streams.sources.seeds import default_seed_file

COMMANDS = ["broker", "worker", "replay", "tail", "tag", "eval", "bench", "redrive", "ingest"]


def parse(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(argv)


def test_commands_in_help_order(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        parse("--help")
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    listed = out[out.index("{") + 1 : out.index("}")].split(",")
    assert listed == [*COMMANDS, "run"]


def test_eval_flags_and_defaults() -> None:
    a = parse("eval", "--data", "x.jsonl")
    assert a.func is streams.cli.cmd_eval
    assert (a.data, a.task, a.tagger, a.json) == ("x.jsonl", None, "fast", False)
    a = parse("eval", "--data", "x.jsonl", "--task", "ner", "--tagger", "accurate", "--json")
    assert (a.task, a.tagger, a.json) == ("ner", "accurate", True)


@pytest.mark.parametrize(
    "argv", [["eval"], ["eval", "--data", "x", "--task", "sentiment"], ["bench", "--runs", "x"]]
)
def test_bad_flags_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        parse(*argv)
    assert exit_.value.code == 2
    assert f"newsstream {argv[0]}: error" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["eval", "bench"])
def test_subcommand_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        parse(command, "--help")
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: newsstream {command} [-h]")
    assert ("--data DATA" if command == "eval" else "--load-linger-ms") in out


def test_bench_flags_and_defaults() -> None:
    a = parse("bench")
    assert a.func is streams.cli.cmd_bench
    assert (a.stories, a.runs, a.latency_seconds, a.rate) == (50_000, 3, 25, 1000)
    assert (a.workers, a.soak) == (1, None)
    a = parse(
        "bench",
        *("--stories", "10", "--runs", "1", "--latency-seconds", "2", "--rate", "50"),
        *("--workers", "2", "--load-linger-ms", "0", "--soak", "12"),
    )
    assert (a.stories, a.runs, a.latency_seconds, a.rate) == (10, 1, 2.0, 50.0)
    assert (a.workers, a.load_linger_ms, a.soak) == (2, 0, 12.0)


def test_other_commands_keep_their_flags() -> None:
    r = parse("replay", "f.txt", "--rate", "5", "--loop", "2", "--fresh-ids", "--quiet")
    assert (r.path, r.rate, r.loop, r.fresh_ids, r.quiet, r.topic) == (
        "f.txt",
        5,
        2,
        True,
        True,
        None,
    )
    assert parse("broker").port == 9092 and parse("broker", "--port", "1").port == 1
    assert parse("tail", "t", "-f", "--max", "3").follow is True
    assert parse("tag", "--tagger", "accurate").tagger == "accurate"
    assert parse("redrive", "--reason", "bad_date", "--dry-run").dry_run is True
    assert parse("ingest", "a", "b", "--poll", "60").sources == ["a", "b"]
    assert parse("run").timeout == 180.0


def test_main_dispatches_eval_to_the_evaluation(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[argparse.Namespace] = []

    def fake_run(args: argparse.Namespace) -> int:
        seen.append(args)
        return 3

    monkeypatch.setattr("streams.enrich.evaluation.run", fake_run)
    assert main(["eval", "--data", "d.jsonl", "--json"]) == 3
    assert seen[0].data == "d.jsonl" and seen[0].json is True


@pytest.mark.parametrize("given", [None, "other.txt"])
def test_run_replays_the_shipped_seed_file_unless_given_one(
    monkeypatch: pytest.MonkeyPatch, given: str | None
) -> None:
    replayed: list[Path] = []

    def fake_run_demo(path: Path, timeout: float, engine: str) -> int:
        assert engine == "tansu"  # `make run` stays on the embedded broker
        replayed.append(path)
        return 0

    monkeypatch.setattr("streams.local.run.run_demo", fake_run_demo)
    assert main(["run"] if given is None else ["run", given]) == 0
    assert replayed == [default_seed_file() if given is None else Path(given)]


def test_broker_and_run_take_an_engine() -> None:
    parse = build_parser().parse_args
    args = parse(["broker", "--engine", "kafka", "--nodes", "3", "--data-dir", "d"])
    assert (args.engine, args.nodes, args.data_dir, args.port) == ("kafka", 3, "d", 9092)
    assert parse(["run", "--engine", "kafka"]).engine == "kafka"
    assert parse(["run"]).engine == parse(["broker"]).engine == "tansu"


def test_embedded_broker_refuses_kafka_only_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["broker", "--nodes", "3"]) == 2
    assert "--nodes and --data-dir need --engine kafka" in capsys.readouterr().err

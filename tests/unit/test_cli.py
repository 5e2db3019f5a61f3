"""The `newsstream` parser: every command, eval and bench included, parses its flags in one
argparse tree and dispatches to its handler; every failure is one sentence on stderr and an
exit code from streams/exitcodes.py."""

from __future__ import annotations

import argparse
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

import streams.cli
from streams.cli import build_parser, main
from streams.exitcodes import ExitCode
from streams.settings import get_settings
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


@pytest.mark.parametrize(
    ("command", "says"),
    [("eval", "--data DATA"), ("bench", "--load-linger-ms"), ("tag", "one JSON object per")],
)
def test_subcommand_help(command: str, says: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        parse(command, "--help")
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: newsstream {command} [-h]")
    assert says in " ".join(out.split())  # argparse wraps the description


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


def _one_sentence(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["replay", "{d}/nope.txt"], "newsstream replay: {d}/nope.txt: no such file"),
        (["replay", "{d}"], "newsstream replay: {d} is a directory; give a file"),
        (["eval", "--data", "{d}/nope.jsonl"], "newsstream eval: {d}/nope.jsonl: no such file"),
        (
            ["replay", "{d}/bad.jsonl"],
            "newsstream replay: {d}/bad.jsonl line 2 column 2: not valid JSON",
        ),
        (["run", "{d}/empty.txt"], "newsstream run: {d}/empty.txt holds no stories"),
        (["replay", "{d}/empty.txt"], "newsstream replay: {d}/empty.txt holds no stories"),
        (["eval", "--data", "{d}/empty.txt"], "newsstream eval: {d}/empty.txt holds no records"),
    ],
)
def test_bad_input_is_one_sentence_and_exit_2(
    argv: list[str], expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "bad.jsonl").write_text('{"id": "a", "body": "x"}\n{oops\n')
    (tmp_path / "empty.txt").write_text("\n")
    code = main([a.format(d=tmp_path) for a in argv])
    assert code == ExitCode.USAGE == 2
    assert _one_sentence(capsys.readouterr().err).startswith(expected.format(d=tmp_path))


def test_debug_adds_the_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["--debug", "replay", str(tmp_path)], ["replay", str(tmp_path), "--debug"]):
        assert main(argv) == ExitCode.USAGE
        err = capsys.readouterr().err
        assert "Traceback" in err and err.strip().endswith("is a directory; give a file")


def test_debug_from_the_log_level_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NEWSSTREAM_LOG_LEVEL", "debug")
    get_settings.cache_clear()
    try:
        assert main(["replay", str(tmp_path / "x.txt")]) == ExitCode.USAGE
    finally:
        get_settings.cache_clear()
    assert "Traceback" in capsys.readouterr().err


def test_a_bad_setting_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NEWSSTREAM_PARTITIONS", "many")
    get_settings.cache_clear()
    try:
        assert main(["replay", "x.txt"]) == ExitCode.USAGE
    finally:
        get_settings.cache_clear()
    line = _one_sentence(capsys.readouterr().err)
    assert line.startswith("newsstream replay: invalid configuration: NEWSSTREAM_PARTITIONS: ")
    assert "many" not in line  # values are never echoed (they may be secrets)


def test_a_bad_setting_in_settings_a_command_builds_itself_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`run` and `bench` build a worker's settings from its environment (``settings_for``):
    a bad value there is the user's input too, not a bug."""
    from streams.local.stack import settings_for

    def build(args: argparse.Namespace) -> int:
        settings_for("kafka://127.0.0.1:9", {"NEWSSTREAM_BATCH_BACKLOG": "0"})
        return 0

    monkeypatch.setattr("streams.enrich.evaluation.run", build)
    assert main(["eval", "--data", "d.jsonl"]) == ExitCode.USAGE
    line = _one_sentence(capsys.readouterr().err)
    assert line.startswith("newsstream eval: invalid configuration: NEWSSTREAM_BATCH_BACKLOG: ")


def test_an_unexpected_error_is_a_sentence_and_exit_70(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(args: argparse.Namespace) -> int:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr("streams.enrich.evaluation.run", broken)
    assert main(["eval", "--data", "d.jsonl"]) == ExitCode.INTERNAL == 70
    assert _one_sentence(capsys.readouterr().err) == (
        "newsstream eval: unexpected ZeroDivisionError: division by zero "
        "(a bug; --debug shows where)"
    )


def test_ctrl_c_exits_130(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(args: argparse.Namespace) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr("streams.enrich.evaluation.run", interrupted)
    assert main(["eval", "--data", "d.jsonl"]) == ExitCode.INTERRUPTED == 130


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["broker", "--port", "70000"], "70000 is out of range: give a value from 1 to 65535"),
        (["replay", "f", "--rate", "0"], "0 is out of range: give a value more than 0"),
        (["replay", "f", "--loop", "x"], "'x' is not an integer"),
        (["replay", "f", "--rate", "-5"], "-5 is out of range: give a value more than 0"),
        (["replay", "f", "--speed", "nan"], "'nan' is not a number"),
        (["run", "--timeout", "inf"], "'inf' is not a number"),
        (["bench", "--stories", "abc"], "'abc' is not an integer"),
        (["bench", "--rate", "-5"], "-5 is out of range: give a value more than 0"),
        (["tail", "t", "--max", "0"], "0 is out of range: give a value at least 1"),
        (["ingest", "f", "--poll", "-1"], "-1 is out of range: give a value at least 0"),
    ],
)
def test_out_of_range_flags_are_usage_errors(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        parse(*argv)
    assert exit_.value.code == ExitCode.USAGE
    err = capsys.readouterr().err
    assert message in err and "usage:" not in err  # one sentence, not the usage text


def test_ingest_state_dir_flag(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    seen: list[Path | None] = []

    def fake(s: object, sources: list[str], poll: float | None, state_dir: Path | None) -> int:
        seen.append(state_dir)
        return 4

    monkeypatch.setattr("streams.sources.feeds.publish.main_ingest", fake)
    assert main(["ingest", "a.xml", "--state-dir", str(tmp_path)]) == 4
    assert main(["ingest", "a.xml"]) == 4
    assert seen == [tmp_path, None]


def test_tag_is_a_filter_with_a_summary_and_exit_1_on_errors(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = (
        b'{"id": "a", "text": "Putin met Kim in Pyongyang."}\n\n{"id": "b", "headline": "Paris"}\n'
    )
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(lines)))
    out = io.BytesIO()
    monkeypatch.setattr("sys.stdout", io.TextIOWrapper(out))
    assert main(["tag"]) == ExitCode.FAILED
    records = [json.loads(line) for line in out.getvalue().decode().splitlines()]
    assert [r["id"] for r in records] == ["a", None, "b"] and "error" in records[1]
    assert capsys.readouterr().err.strip() == "tag: 3 lines, 2 tagged, 1 error (line 2)"


def test_broker_and_run_take_an_engine() -> None:
    parse = build_parser().parse_args
    args = parse(["broker", "--engine", "kafka", "--nodes", "3", "--data-dir", "d"])
    assert (args.engine, args.nodes, args.data_dir, args.port) == ("kafka", 3, "d", 9092)
    assert parse(["run", "--engine", "kafka"]).engine == "kafka"
    assert parse(["run"]).engine == parse(["broker"]).engine == "tansu"


def test_embedded_broker_refuses_kafka_only_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["broker", "--nodes", "3"]) == ExitCode.USAGE
    assert "--nodes and --data-dir need --engine kafka" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["replay", "f", "--bogus"], ["tag", "extra"]])
def test_an_unknown_flag_names_its_command(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == ExitCode.USAGE
    assert _one_sentence(capsys.readouterr().err) == (
        f"newsstream {argv[0]}: error: unrecognized arguments: {argv[-1]} "
        f"(see newsstream {argv[0]} --help)"
    )


def test_a_misspelt_setting_is_named_with_the_one_meant() -> None:
    env = {
        "NEWSSTREAM_BROKER": "localhost:1",
        "newsstream_loglevel": "debug",
        "NEWSSTREAM_BROKER_URL": "kafka://h:1",  # a setting
        "NEWSSTREAM_TEST_BROKER": "kafka",  # the tests' own: nothing close
        "BROKER": "x",
    }
    assert streams.cli.misspelt_settings(env) == [
        "NEWSSTREAM_BROKER is not a setting and is ignored; did you mean NEWSSTREAM_BROKER_URL?",
        "newsstream_loglevel is not a setting and is ignored; did you mean NEWSSTREAM_LOG_LEVEL?",
    ]


def test_the_warning_comes_before_the_command_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NEWSSTREAM_BROKER", "localhost:1")
    assert main(["replay", str(tmp_path)]) == ExitCode.USAGE
    assert capsys.readouterr().err.splitlines() == [
        "newsstream replay: NEWSSTREAM_BROKER is not a setting and is ignored; "
        "did you mean NEWSSTREAM_BROKER_URL?",
        f"newsstream replay: {tmp_path} is a directory; give a file",
    ]


def test_tag_stopped_by_ctrl_c_still_prints_its_summary(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def lines() -> Iterator[bytes]:
        yield b'{"id": "a", "text": "Paris."}\n'
        raise KeyboardInterrupt

    monkeypatch.setattr("sys.stdin", argparse.Namespace(buffer=lines(), isatty=lambda: False))
    monkeypatch.setattr("sys.stdout", io.TextIOWrapper(io.BytesIO()))
    assert main(["tag"]) == ExitCode.INTERRUPTED
    assert capsys.readouterr().err.strip() == "tag: 1 line, 1 tagged, 0 errors"

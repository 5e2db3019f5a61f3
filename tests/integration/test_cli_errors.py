"""What a newcomer's wrong inputs print: one sentence on stderr, no traceback, and the exit
code the README documents, from real ``python -m streams.cli`` processes.

The broker cases use the session's broker (an unknown topic) or a port nothing listens
on (an unreachable broker); the slow ones (six attempts with backoff) run side by side.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from streams.exitcodes import ExitCode
from streams.local.broker import free_port
from tests.integration.harness import Pipeline
from tests.paths import SEEDS


def newsstream(
    *args: str, env: dict[str, str] | None = None, stdin: bytes = b""
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "streams.cli", *args],
        env={**os.environ, **(env or {})},
        input=stdin,
        capture_output=True,
        timeout=300,
    )


def sentence(proc: subprocess.CompletedProcess[bytes]) -> str:
    """The one line a failure prints."""
    err = proc.stderr.decode()
    assert "Traceback" not in err, err
    lines = err.splitlines()
    assert len(lines) == 1, err
    return lines[0]


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "bad.jsonl").write_text('{"id": "a", "body": "fine"}\n{"id": "b", oops}\n')
    (tmp_path / "invalid.jsonl").write_text("nope\n\n[1]\n")
    return tmp_path


@pytest.mark.parametrize(
    ("argv", "code", "expected"),
    [
        (["replay", "{d}/missing.txt"], 2, "newsstream replay: {d}/missing.txt: no such file"),
        (["replay", "{d}"], 2, "newsstream replay: {d} is a directory; give a file"),
        (["replay", "{d}/bad.jsonl"], 2, "newsstream replay: {d}/bad.jsonl line 2 column 13: "),
        (["eval", "--data", "{d}/missing.jsonl"], 2, "newsstream eval: {d}/missing.jsonl: "),
        (["eval", "--data", "{d}/bad.jsonl"], 2, "newsstream eval: {d}/bad.jsonl line 2 "),
        (["run", "{d}/missing.txt"], 2, "newsstream run: {d}/missing.txt: no such file"),
        (["replay", "x", "--rate", "fast"], 2, "newsstream replay: error: argument --rate: "),
        (["broker", "--port", "0"], 2, "newsstream broker: error: argument --port: 0 is out"),
        (["bogus"], 2, "newsstream: error: argument command: invalid choice: 'bogus'"),
        (["tail"], 2, "newsstream tail: error: the following arguments are required: topic"),
    ],
)
def test_wrong_inputs(files: Path, argv: list[str], code: int, expected: str) -> None:
    unreachable = {"NEWSSTREAM_BROKER_URL": f"kafka://127.0.0.1:{free_port()}"}
    proc = newsstream(*(a.format(d=files) for a in argv), env=unreachable)
    assert proc.returncode == code
    assert sentence(proc).startswith(expected.format(d=files))


def test_an_unreachable_broker_is_exit_3_for_every_client_command(files: Path) -> None:
    where = f"127.0.0.1:{free_port()}"
    env = {**os.environ, "NEWSSTREAM_BROKER_URL": f"kafka://{where}"}
    commands = {
        "replay": ["replay", str(SEEDS)],
        "ingest": ["ingest", str(files / "feed.xml")],
        "tail": ["tail", "news.raw"],
        "redrive": ["redrive"],
    }
    procs = {
        name: subprocess.Popen(
            [sys.executable, "-m", "streams.cli", *argv],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for name, argv in commands.items()
    }
    for name, p in procs.items():
        out, err = p.communicate(timeout=300)
        done = subprocess.CompletedProcess(p.args, p.returncode, out, err)
        assert p.returncode == ExitCode.BROKER_UNREACHABLE, (name, err)
        line = sentence(done)
        assert line.startswith(f"newsstream {name}: could not reach the Kafka broker at {where}")
        assert line.endswith(
            "start one with `newsstream broker` or point NEWSSTREAM_BROKER_URL at a running one"
        )


@pytest.mark.parametrize("command", ["tail", "replay"])
def test_a_topic_that_does_not_exist(pipeline: Pipeline, command: str) -> None:
    env = {"NEWSSTREAM_BROKER_URL": pipeline.kafka_url}
    typo = pipeline.topics.raw + "x"
    args = [typo] if command == "tail" else [str(SEEDS), "--topic", typo, "--quiet"]
    proc = newsstream(command, *args, env=env)
    assert proc.returncode == ExitCode.USAGE
    line = sentence(proc)
    assert line.startswith(f"newsstream {command}: no topic '{typo}' on the broker")
    assert line.endswith(f"did you mean {pipeline.topics.raw}?")
    # and the broker did not create it on the way
    proc = newsstream("tail", typo, env=env)
    assert sentence(proc).startswith(f"newsstream tail: no topic '{typo}' on the broker")


def test_a_taken_web_port_stops_the_worker_at_once(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {"NEWSSTREAM_WEB_PORT": str(port), "NEWSSTREAM_DATA_DIR": str(tmp_path)}
        proc = newsstream("worker", env=env)
    assert proc.returncode == ExitCode.PORT_IN_USE
    assert sentence(proc).startswith(f"newsstream worker: the web port 127.0.0.1:{port} is in use")


def test_tag_output_is_json_lines_one_per_input_line() -> None:
    lines = [
        b'{"id": "a", "text": "Putin met Kim in Pyongyang."}',
        b"",
        b'{"id": "b", "headline": "Strikes in Paris", "body": ""}',
        b"not json",
        b'{"id": "c", "body": "Markets in Japan rose."}',
    ]
    proc = newsstream("tag", stdin=b"\n".join(lines) + b"\n")
    out = proc.stdout.decode().split("\n")
    assert out[-1] == ""  # the output ends with a newline, and has no blank line
    records = [json.loads(line) for line in out[:-1]]
    assert [r["id"] for r in records] == ["a", None, "b", None, "c"]
    assert ["error" in r for r in records] == [False, True, False, True, False]
    assert records[2]["countries"] == ["FR"]
    assert proc.returncode == ExitCode.FAILED
    assert proc.stderr.decode().strip() == "tag: 5 lines, 3 tagged, 2 errors (lines 2, 4)"

    good = newsstream("tag", stdin=lines[0] + b"\n")
    assert good.returncode == ExitCode.OK and len(good.stdout.splitlines()) == 1

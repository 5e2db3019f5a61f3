"""The summary of the comparison runs, with the runs themselves faked (no broker here;
tests/integration/test_bench.py runs the real thing on a tiny input)."""

from __future__ import annotations

import argparse
import json
from typing import Any

import pytest

from streams.devtools.bench import add_arguments, compare
from streams.kafka.producer import PRODUCER_LINGER_MS


def _fake_run(
    n: int, latency_s: float, rate: float, workers: int, linger_ms: int, *, engine: str = "tansu"
) -> dict:
    lat = {"p50": 10.0, "p90": 20.0, "p99": 30.0, "n": 5, "p50_early": 9.0, "p50_late": 11.0}
    return {
        "limit_a": 4000.0,
        "limit_b": 2000.0,
        "pipeline": 1000.0 * workers,
        "pipeline_cpu_cores": {"workers": 1.0, "broker": 0.5, "bench": 0.25},
        "latency_ms": lat,
        "limit_b_latency_ms": {**lat, "p50": 5.0},
        "worker_rss_mb": 200.0,
        "broker_rss_mb": 50.0 if engine == "tansu" else 400.0,
    }


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    calls: list[tuple[Any, ...]] = []

    def run_once(n: int, lat: float, rate: float, workers: int, linger: int, **kw: Any) -> dict:
        calls.append((n, lat, rate, workers, linger, kw["engine"], kw["nodes"]))
        return _fake_run(n, lat, rate, workers, linger, engine=kw["engine"])

    monkeypatch.setattr(compare, "run_once", run_once)
    monkeypatch.setattr(compare, "enrich_rate", lambda stories, tagger: 100.0)
    return calls


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[list[str], dict]:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    assert compare.run_compare(parser.parse_args(argv)) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    return lines, json.loads(lines[-1])


def test_options_reach_every_run_and_the_summary(
    runs: list[tuple[Any, ...]], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ("--stories", "200", "--runs", "2", "--latency-seconds", "3", "--rate", "50")
    lines, out = _run(capsys, *argv, "--workers", "2", "--load-linger-ms", "7")
    assert runs == [(200, 3.0, 50.0, 2, 7, "tansu", 1)] * 2
    assert (out["stories"], out["runs"], out["workers"], out["load_linger_ms"]) == (200, 2, 2, 7)
    assert any(line.startswith("latency p50/p90/p99 @ 50/s (linger 7)") for line in lines)
    assert any(line.startswith("pipeline, 2 worker(s)") for line in lines)


def test_linger_defaults_to_the_producers_linger(
    runs: list[tuple[Any, ...]], capsys: pytest.CaptureFixture[str]
) -> None:
    _, out = _run(capsys, "--runs", "1")
    assert runs[0][4] == PRODUCER_LINGER_MS
    assert out["load_linger_ms"] == PRODUCER_LINGER_MS


def test_summary_keys_and_ratios(
    runs: list[tuple[Any, ...]], capsys: pytest.CaptureFixture[str]
) -> None:
    lines, out = _run(capsys, "--runs", "1")
    assert list(out) == [
        "stories",
        "runs",
        "workers",
        "load_linger_ms",
        "limit_a_events_per_s",
        "limit_b_stories_per_s",
        "story_words",
        "enrich_fast_per_s",
        "enrich_accurate_per_s",
        "pipeline_stories_per_s",
        "latency_ms",
        "limit_b_latency_ms",
        "pipeline_cpu_cores",
        "worker_peak_rss_mb",
        "broker_peak_rss_mb",
        "bench_peak_rss_mb",
        "pipeline_vs_limit_a",
        "pipeline_vs_limit_b",
        "engine",
        "nodes",
    ]
    assert (out["engine"], out["nodes"]) == ("tansu", 1)
    assert (out["pipeline_vs_limit_a"], out["pipeline_vs_limit_b"]) == (0.25, 0.5)
    assert set(out["latency_ms"]) == {"p50", "p90", "p99", "p50_early", "p50_late"}
    assert out["limit_b_latency_ms"] == {"p50": 5.0, "p90": 20.0, "p99": 30.0}
    assert out["pipeline_cpu_cores"] == {"workers": 1.0, "broker": 0.5, "bench": 0.25}
    assert len(lines) == 15  # the engine's header, 13 table rows, then the JSON line
    assert lines[0] == f"{'broker':<42}{'tansu (embedded)':>20}"
    assert lines[-2] == f"{'broker peak RSS':<42}{'50 MB':>20}"


def test_both_engines_interleave_and_print_side_by_side(
    runs: list[tuple[Any, ...]], capsys: pytest.CaptureFixture[str]
) -> None:
    lines, out = _run(capsys, "--runs", "2", "--engine", "both")
    # every round runs each engine once, so the machine's load falls on both alike
    assert [r[-2] for r in runs] == ["tansu", "kafka", "tansu", "kafka"]
    assert list(out) == ["engines"]
    assert [(o["engine"], o["broker_peak_rss_mb"]) for o in out["engines"].values()] == [
        ("tansu", 50.0),
        ("kafka", 400.0),
    ]
    assert lines[0] == f"{'broker':<42}{'tansu (embedded)':>20}{'kafka, 1 node':>20}"
    assert lines[-2] == f"{'broker peak RSS':<42}{'50 MB':>20}{'400 MB':>20}"


def test_a_kafka_cluster_reaches_every_run(
    runs: list[tuple[Any, ...]], capsys: pytest.CaptureFixture[str]
) -> None:
    lines, out = _run(capsys, "--runs", "1", "--engine", "kafka", "--nodes", "3")
    assert runs == [(50_000, 25.0, 1000.0, 1, PRODUCER_LINGER_MS, "kafka", 3)]
    assert (out["engine"], out["nodes"]) == ("kafka", 3)
    assert lines[0] == f"{'broker':<42}{'kafka, 3 nodes':>20}"

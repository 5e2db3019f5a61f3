"""The benchmark runs end to end on a tiny input and prints well-formed output (no timing
assertions here: figures belong in docs/performance.md)."""

import json
import subprocess
import sys

import pytest

from tests.integration.conftest import broker_under_test
from tests.paths import ROOT

pytestmark = pytest.mark.integration


def test_bench_tiny_run_prints_table_and_json() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "bench"),
            "--stories",
            "200",
            "--runs",
            "1",
            "--latency-seconds",
            "3",
            "--rate",
            "50",
            "--load-linger-ms",
            "7",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.strip().splitlines()
    result = json.loads(lines[-1])
    for key in (
        "limit_a_events_per_s",
        "limit_b_stories_per_s",
        "pipeline_stories_per_s",
        "pipeline_vs_limit_a",
        "pipeline_vs_limit_b",
        "worker_peak_rss_mb",
        "enrich_fast_per_s",
        "story_words",
    ):
        assert result[key] > 0, key
    lat = result["latency_ms"]
    assert set(lat) == {"p50", "p90", "p99", "p50_early", "p50_late"}
    assert 0 < lat["p50"] <= lat["p90"] <= lat["p99"]
    assert lat["p50_early"] > 0 and lat["p50_late"] > 0
    assert result["load_linger_ms"] == 7  # the flag reaches the run and its record
    assert any(line.startswith("latency p50/p90/p99 @ 50/s (linger 7)") for line in lines)
    assert any(line.startswith("pipeline / limit (b)") for line in lines)
    assert any(line.startswith("latency p50, first → last quarter") for line in lines)


def test_bench_soak_tiny_run_samples_memory() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench"), "--soak", "12", "--rate", "20"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["offered"] == result["arrived"] == 240
    assert result["samples"] and all(len(s) == 4 and s[1] > 0 for s in result["samples"])


@pytest.mark.skipif(
    broker_under_test() != "kafka", reason="runs with NEWSSTREAM_TEST_BROKER=kafka (Java, Maven)"
)
def test_bench_both_engines_side_by_side() -> None:
    """`--engine both` runs the embedded broker and Apache Kafka in one run, a column each."""
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "bench"),
            *("--engine", "both", "--stories", "200", "--runs", "1"),
            *("--latency-seconds", "3", "--rate", "50"),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.strip().splitlines()
    assert lines[0].split() == ["broker", "tansu", "(embedded)", "kafka,", "1", "node"]
    engines = json.loads(lines[-1])["engines"]
    assert [(e["engine"], e["nodes"]) for e in engines.values()] == [("tansu", 1), ("kafka", 1)]
    for out in engines.values():
        assert out["pipeline_stories_per_s"] > 0 and out["broker_peak_rss_mb"] > 0
        assert 0 < out["latency_ms"]["p50"] <= out["latency_ms"]["p99"]

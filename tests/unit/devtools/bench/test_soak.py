"""The soak's summary: the engine it runs on, the memory slopes and the latency quarters,
with the load faked (tests/integration/test_bench.py runs the real thing)."""

from __future__ import annotations

import argparse
import json
from typing import Any

import pytest

from streams.devtools.bench import add_arguments, soak
from streams.exitcodes import InputError


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(["--soak", "120", *argv])


@pytest.fixture
def soaks(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []

    def fake(seconds: float, rate: float, **kw: Any) -> dict[str, Any]:
        calls.append({"seconds": seconds, "rate": rate, **kw})
        # worker +1 MB, broker +3 MB every 10 s after the first minute
        rows = [(t, 200.0 + max(0, t - 60) / 10, 300.0 + 3 * max(0, t - 60) / 10, 7) for t in
                range(10, 130, 10)]  # fmt: skip
        lat = {"p50": 20.0, "p90": 30.0, "p99": 40.0, "n": 9, "p50_early": 18.0, "p50_late": 22.0}
        return {
            "offered": 10,
            "arrived": 10,
            "samples": rows,
            "latency_ms": lat,
            "worker_growth_mb_per_min_after_60s": soak._slope(rows, 1),
            "broker_growth_mb_per_min_after_60s": soak._slope(rows, 2),
        }

    monkeypatch.setattr(soak, "soak", fake)
    return calls


def test_the_engine_reaches_the_soak_and_its_summary(
    soaks: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    assert soak.run_soak(_args("--engine", "kafka", "--rate", "1000")) == 0
    assert soaks == [
        {"seconds": 120.0, "rate": 1000.0, "engine": "kafka", "nodes": 1, "workers": 1}
    ]
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].split()[-2:] == ["in", "flight"] and lines[1].split() == [
        "10",
        "200",
        "300",
        "7",
    ]
    assert "growth after 60 s: worker 6.0 MB/min, broker 18.0 MB/min" in lines[-3]
    assert lines[-2] == "latency p50, first → last quarter: 18 → 22 ms"
    assert json.loads(lines[-1])["latency_ms"]["p50_late"] == 22.0


def test_several_workers_reach_the_soak_and_its_header(
    soaks: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    assert soak.run_soak(_args("--engine", "kafka", "--workers", "2")) == 0
    assert soaks[0]["workers"] == 2
    out = capsys.readouterr().out
    assert "workers RSS MB" in out and "growth after 60 s: workers 6.0 MB/min" in out


def test_the_soak_runs_one_engine(soaks: list[dict[str, Any]]) -> None:
    with pytest.raises(InputError, match="--soak runs one engine"):
        soak.run_soak(_args("--engine", "both"))
    assert soaks == []


def test_slope_starts_after_the_first_minute() -> None:
    rows = [(30.0, 999.0, 0.0), (60.0, 100.0, 0.0), (120.0, 110.0, 0.0)]
    assert soak._slope(rows, 1) == pytest.approx(10.0)  # the warm-up sample is left out
    assert soak._slope(rows[:2], 1) is None  # one sample after a minute: no slope

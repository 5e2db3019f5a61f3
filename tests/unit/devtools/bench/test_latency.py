"""The latency summary: warm-up dropped, quantiles, and the early/late p50."""

from __future__ import annotations

import math

from streams.devtools.bench.latency import summarise


def test_drops_the_first_fifth_and_takes_quantiles_of_the_rest() -> None:
    lat = [1000.0] * 20 + [float(ms) for ms in range(1, 81)]  # warm-up first, then 1..80 ms
    got = summarise(lat)
    assert got["n"] == 80
    assert (got["p50"], got["p90"], got["p99"]) == (41, 73, 80)
    assert got["p50_early"] == 10.5  # median of 1..20
    assert got["p50_late"] == 70.5  # median of 61..80


def test_no_arrivals_give_nan_not_an_error() -> None:
    got = summarise([])
    assert got["n"] == 0
    assert all(math.isnan(got[k]) for k in ("p50", "p90", "p99", "p50_early", "p50_late"))

"""The worker's Prometheus metrics: stories are counted per detected language."""

from __future__ import annotations

from prometheus_client import generate_latest

from streams.telemetry import metrics


def test_stories_per_language_counter() -> None:
    before = metrics.stories_by_language.labels("bn")._value.get()
    metrics.stories_by_language.labels("bn").inc(2)
    text = generate_latest(metrics.registry).decode()
    assert "# TYPE newsstream_stories_by_language_total counter" in text
    assert f'newsstream_stories_by_language_total{{language="bn"}} {before + 2}' in text

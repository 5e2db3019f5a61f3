"""Stories in several languages through the real pipeline: the detected language on
``news.enriched``, ``GET /countries/?language=xx`` and the per-language counter of
``/metrics``."""

from __future__ import annotations

import json
import time
from collections import Counter

import orjson
import pytest

from streams.local.worker_process import WorkerProcess
from tests.integration.harness import Pipeline
from tests.integration.helpers import expected_counts, produce, read, wait_counts

pytestmark = pytest.mark.integration

STORIES = [
    {
        "id": "de-1",
        "headline": "Scholz trifft Macron in Paris",
        "body": "Bundeskanzler Olaf Scholz ist am Montag in Paris mit dem französischen "
        "Präsidenten zusammengekommen. Die beiden sprachen über die Ukraine und Russland.",
        "language": "en",  # a channel-wide tag that is wrong: the text wins
    },
    {
        "id": "pt-1",
        "headline": "Lula se reúne com Biden em Washington",
        "body": "O presidente do Brasil discutiu com o presidente dos Estados Unidos a "
        "proteção da Amazônia e a cooperação comercial entre os dois países.",
    },
    {
        "id": "en-1",
        "headline": "Rescue teams search rubble after earthquake in Peru",
        "body": "A strong earthquake struck southern Peru on Monday, destroying hundreds of "
        "homes, officials in Lima said.",
    },
    {"id": "short", "body": "Путин", "language": "ru-RU"},  # too short: the declared tag
]


def wait_json(worker: WorkerProcess, path: str, expected: dict, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    got: dict = {}
    while time.monotonic() < deadline:
        got = json.loads(worker.get(path))
        if all(got.get(k) == v for k, v in expected.items()):
            break
        time.sleep(0.5)
    return got


def test_languages_detected_counted_and_filtered(pipeline: Pipeline) -> None:
    worker = pipeline.start_worker()
    s, t = pipeline.settings, pipeline.topics
    produce(s, t.raw, [(st["id"].encode(), orjson.dumps(st)) for st in STORIES])
    out = read(s, [t.enriched], until=lambda rs: len(rs) >= len(STORIES))
    records = {orjson.loads(r.value)["id"]: orjson.loads(r.value) for r in out}
    languages = {sid: rec["language"] for sid, rec in records.items()}
    assert languages == {"de-1": "de", "pt-1": "pt", "en-1": "en", "short": "ru"}
    # the category model reads English only: the others abstain (best score far below 0.5)
    for sid in ("de-1", "pt-1"):
        assert records[sid]["categories"][0]["score"] < 0.3, records[sid]["categories"]

    expected = expected_counts([r.value for r in out])
    assert wait_counts(worker, expected) == expected, worker.tail_log()
    per_language: dict[str, Counter[str]] = {}
    for rec in records.values():
        per_language.setdefault(rec["language"], Counter()).update(rec["countries"])
    for lang, counts in per_language.items():
        got = wait_json(worker, f"/countries/?language={lang}", {"counts": dict(counts)})
        assert got["counts"] == dict(counts) and got["language"] == lang
    assert json.loads(worker.get("/countries/?language=ja"))["counts"] == {}
    assert worker.get_status("/countries/?language=german") == 400
    assert "language" not in json.loads(worker.get("/countries/"))  # unfiltered: as before

    metrics = worker.get("/metrics").decode()
    for lang in ("de", "pt", "en", "ru"):
        assert f'newsstream_stories_by_language_total{{language="{lang}"}} 1.0' in metrics

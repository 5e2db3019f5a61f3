"""A crashed agent is never a silent zombie: an exception escaping the ``process`` agent
(injected here into the worker's own batch function) shows on ``/health/`` and ends the
worker with exit code 1; a new worker resumes from the last commit and nothing is lost."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import orjson
import pytest

from streams.devtools.synth import synthetic_stories
from streams.local.broker import free_port
from streams.local.worker_process import WorkerProcess
from tests.integration.harness import Pipeline
from tests.integration.helpers import expected_counts, produce, read, wait_counts
from tests.paths import SEEDS

pytestmark = pytest.mark.integration

POISON = b"poison-story"
#: The worker command with one fault: a batch holding the story keyed POISON raises.
FAULTY_WORKER = f"""
import sys
import streams.pipeline.batch as batch

real = batch.process_batch

def process_batch(messages, *args, **kwargs):
    if any(m.key == {POISON!r} for m in messages):
        raise RuntimeError("injected fault")
    return real(messages, *args, **kwargs)

batch.process_batch = process_batch
from streams.cli import main
sys.exit(main(["worker"]))
"""


def _start_faulty_worker(pipeline: Pipeline) -> WorkerProcess:
    port = free_port()
    log = pipeline.work / "faulty.log"
    env = {
        **os.environ,
        **pipeline.env,
        "NEWSSTREAM_BROKER_URL": pipeline.kafka_url,
        "NEWSSTREAM_WEB_PORT": str(port),
        "NEWSSTREAM_DATA_DIR": str(pipeline.work / "faulty-data"),
    }
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", FAULTY_WORKER],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    worker = WorkerProcess(proc, port, log)
    pipeline.workers.append(worker)  # the pipeline stops it whatever happens
    worker.wait_ready()
    return worker


def _health(worker: WorkerProcess) -> tuple[int, dict] | None:
    try:
        with urllib.request.urlopen(f"{worker.url}/health/", timeout=1) as r:
            return int(r.status), json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return int(exc.code), json.loads(exc.read())
    except OSError:
        return None


def _events(stories: list[dict]) -> list[tuple[bytes, bytes]]:
    return [(s["id"].encode(), orjson.dumps(s)) for s in stories]


def test_crashed_agent_reports_and_exits_then_nothing_is_lost(pipeline: Pipeline) -> None:
    s, t = pipeline.settings, pipeline.topics
    faulty = _start_faulty_worker(pipeline)
    assert _health(faulty) == (200, {"status": "ok", "app": pipeline.env["NEWSSTREAM_APP_ID"]})
    before = list(synthetic_stories(SEEDS, 100, seed=61))
    produce(s, t.raw, _events(before))
    ids = {st["id"] for st in before}
    read(s, [t.enriched], until=lambda rs: ids <= {r.key.decode() for r in rs}, timeout=120)

    poison = {**next(iter(synthetic_stories(SEEDS, 1, seed=62))), "id": POISON.decode()}
    after = list(synthetic_stories(SEEDS, 100, seed=63))
    produce(s, t.raw, _events([poison, *after]))
    seen: list[tuple[int, dict]] = []
    deadline = time.monotonic() + 90
    while faulty.process.poll() is None and time.monotonic() < deadline:
        answer = _health(faulty)
        if answer is not None and answer[0] != 200:
            seen.append(answer)
        time.sleep(0.05)
    assert faulty.process.poll() == 1, faulty.tail_log()
    assert seen, "the crash never showed on /health/"
    status, body = seen[0]
    assert status == 503 and body["status"] == "crashed"
    assert body["crashed"] == {"process": "RuntimeError: injected fault"}
    assert "agent process crashed" in faulty.log_path.read_text(errors="replace")

    # a healthy worker resumes where the crashed one committed: every story, counted once
    worker = pipeline.start_worker()
    want = ids | {poison["id"]} | {st["id"] for st in after}
    out = read(s, [t.enriched], until=lambda rs: want <= {r.key.decode() for r in rs})
    assert want <= {r.key.decode() for r in out}
    expected = expected_counts([r.value for r in out])
    assert wait_counts(worker, expected, timeout=90) == expected, worker.tail_log()

"""The one module that reaches into Faust's and aiokafka's internals: its guard and helpers."""

from __future__ import annotations

import os
import subprocess
import sys
from types import SimpleNamespace

import pytest
from aiokafka.structs import TopicPartition
from faust.streams import _current_event

from streams.worker import faust_private
from streams.worker.faust_private import UnsupportedVersion, acting_for, check_versions
from tests.paths import ROOT


def test_the_installed_versions_are_the_ones_it_was_written_for() -> None:
    check_versions()  # the pinned versions: no error


@pytest.mark.parametrize(
    ("installed", "named"),
    [
        ({"faust-streaming": "0.16.0", "aiokafka": "0.14.0"}, "faust-streaming 0.16.0"),
        ({"faust-streaming": "0.15.3", "aiokafka": "0.13.0"}, "aiokafka 0.13.0"),
    ],
)
def test_another_version_is_refused_loudly(installed: dict[str, str], named: str) -> None:
    with pytest.raises(UnsupportedVersion, match=named):
        check_versions(installed)


def test_apply_checks_versions_before_patching(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(faust_private, "_applied", False)
    monkeypatch.setattr(faust_private.faust, "__version__", "0.17.1")
    with pytest.raises(UnsupportedVersion):
        faust_private.apply(20, probe_kwargs=None)
    assert faust_private._applied is False


class _Event:
    """Faust keeps a weak reference to the current event."""


def test_acting_for_routes_table_writes_to_the_given_event() -> None:
    event, before = _Event(), _current_event.get(None)
    with acting_for(event):
        current = _current_event.get()
        assert current is not None and current() is event
    assert _current_event.get(None) is before


def test_committed_offset_reads_the_consumer_bookkeeping() -> None:
    consumer = SimpleNamespace(_committed_offset={"tp": 41})
    assert faust_private.committed_offset(consumer, "tp") == 41
    assert faust_private.committed_offset(consumer, "other") is None


def test_worker_consumer_takes_fetch_settings_from_the_environment() -> None:
    """Faust hard-codes the fetch wait and leaves aiokafka's 1-byte fetch minimum; the
    worker's consumer must get both from the settings (docs/performance.md)."""
    code = (
        "import asyncio\n"
        "async def main():\n"
        "    from streams.settings import get_settings\n"
        "    from streams.worker import build_worker\n"
        "    app = build_worker(get_settings()).app\n"
        "    c = app.consumer._thread._create_worker_consumer(app.transport)\n"
        "    print(c._fetch_min_bytes, c._fetch_max_wait_ms)\n"
        "    await c.stop()\n"
        "asyncio.run(main())\n"
    )
    env = {
        **os.environ,
        "NEWSSTREAM_FETCH_MIN_BYTES": "12345",
        "NEWSSTREAM_FETCH_MAX_WAIT_MS": "37",
    }
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert out.stdout.split() == ["12345", "37"]


def test_producer_state_names_what_waits_and_what_the_sender_skips() -> None:
    tp = TopicPartition("news.enriched", 2)
    producer = SimpleNamespace(
        _sender=SimpleNamespace(
            _in_flight={1}, _muted_partitions={tp}, sender_task=SimpleNamespace(done=lambda: False)
        ),
        _message_accumulator=SimpleNamespace(
            _cluster=SimpleNamespace(leader_for_partition=lambda tp: 3),
            _batches={tp: ["batch"], TopicPartition("x", 0): []},
            _pending_batches={"batch"},
        ),
    )
    assert faust_private.producer_state(producer) == {
        "in_flight_nodes": [1],
        "muted": ["news.enriched:2"],
        "queued": {"news.enriched:2": {"batches": 1, "leader": 3}},
        "pending_batches": 1,
        "sender_done": False,
    }


def test_recovery_progress_reads_faust_recovery_of_the_active_changelogs() -> None:
    """Read from Faust's own ``Recovery`` (so a renamed attribute fails here, not in a
    stalled worker): nothing outside recovery; during it, each active changelog partition's
    last received offset (-1 for none) and the last offset recovery waits for."""
    import faust
    from faust.types import TP

    recovery = faust.App("recovery-progress-test").tables.recovery
    fresh, behind, done = (TP("app-counts-changelog", p) for p in range(3))
    recovery.active_offsets.update({fresh: -1, behind: 9, done: 27})
    recovery.active_highwaters.update({fresh: 28, behind: 24, done: 27})
    app = SimpleNamespace(tables=SimpleNamespace(recovery=recovery))
    assert faust_private.recovery_progress(app) == {}
    recovery.in_recovery = True
    assert faust_private.recovery_progress(app) == {
        fresh: (-1, 28),
        behind: (9, 24),
        done: (27, 27),
    }


def test_fetch_state_says_so_when_the_consumer_cannot_tell() -> None:
    tp = TopicPartition("app-counts-changelog", 2)
    assert faust_private.fetch_state(SimpleNamespace(), tp).startswith("no fetch state")

"""The one module that reaches into Faust's and aiokafka's internals: its guard and helpers."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from faust.streams import _current_event

from streams.worker import faust_private
from streams.worker.faust_private import UnsupportedVersion, acting_for, check_versions


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

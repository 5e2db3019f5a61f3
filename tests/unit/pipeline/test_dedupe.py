"""The bounded id horizon (streams/pipeline/dedupe.py) against a plain reference model."""

from __future__ import annotations

from collections import deque

from hypothesis import given, settings
from hypothesis import strategies as st

from streams.pipeline.dedupe import FingerprintSet, IdHorizon, fingerprint, pack, unpack


def test_fingerprint_is_stable_and_never_zero() -> None:
    assert fingerprint("a") == fingerprint("a") != fingerprint("b")
    assert all(fingerprint(str(i)) != 0 for i in range(1000))


def test_pack_round_trip() -> None:
    fps = [1, 2**64 - 1, fingerprint("x")]
    assert unpack(pack(fps)) == fps
    assert unpack(pack([])) == []


@settings(max_examples=300, deadline=None)
@given(
    capacity=st.integers(1, 12),
    # small values share home slots: long probe clusters, wrap-around, shifts on delete
    ops=st.lists(st.integers(1, 64) | st.integers(1, 2**64 - 1), max_size=200),
)
def test_fingerprint_set_matches_fifo_model(capacity: int, ops: list[int]) -> None:
    s = FingerprintSet(capacity)
    model: deque[int] = deque()
    for fp in ops:
        added = s.add(fp)
        assert added == (fp not in model)
        if added:
            model.append(fp)
            if len(model) > capacity:
                model.popleft()
        assert len(s) == len(model)
        for probe in set(ops):
            assert (probe in s) == (probe in model), (probe, list(model))


def test_memory_is_allocated_up_front() -> None:
    s = FingerprintSet(100_000)
    before = (len(s._slots), len(s._ring))
    for i in range(300_000):
        s.add(fingerprint(str(i)))
    assert (len(s._slots), len(s._ring)) == before
    assert len(s) == 100_000
    assert fingerprint("299999") in s and fingerprint("0") not in s


def test_horizon_expires_records_once_all_their_ids_are_gone() -> None:
    h = IdHorizon(4)
    assert h.add(0, "0@1", [1, 2]) == []
    assert h.add(1, "1@5", [3]) == []
    assert h.add(0, "0@3", [4]) == []
    assert h.add(0, "0@4", [5]) == []  # evicts 1: record 0@1 still holds 2
    assert h.add(1, "1@9", [6]) == [(0, "0@1")]  # evicts 2
    assert 1 not in h and 2 not in h and 6 in h
    assert h.add(1, "1@10", [7, 8]) == [(1, "1@5"), (0, "0@3")]
    h.clear()
    assert len(h) == 0 and 7 not in h

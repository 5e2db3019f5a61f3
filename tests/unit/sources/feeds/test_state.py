"""`FeedState`: the seen-set and validators survive a restart and stay bounded."""

from __future__ import annotations

from pathlib import Path

from streams.sources.feeds.state import FeedState, Validators


def test_state_survives_reopen_and_is_bounded(tmp_path: Path) -> None:
    with FeedState(tmp_path, max_ids_per_feed=3) as st_:
        for i in range(5):
            st_.mark_seen("f", f"id{i}")
        st_.mark_seen("other", "id0")
        st_.set_validators("f", Validators('"e1"', "Wed, 06 Mar 2024 09:00:00 GMT"))
        assert st_.prune("f") == 2
    with FeedState(tmp_path, max_ids_per_feed=3) as st_:
        assert [st_.is_seen("f", f"id{i}") for i in range(5)] == [False, False, True, True, True]
        assert st_.is_seen("other", "id0")  # bounded per feed
        assert st_.validators("f") == Validators('"e1"', "Wed, 06 Mar 2024 09:00:00 GMT")
        assert st_.validators("nope") == Validators()


def test_touch_keeps_listed_ids_from_being_pruned(tmp_path: Path) -> None:
    with FeedState(tmp_path, max_ids_per_feed=2) as st_:
        for i in range(3):
            st_.mark_seen("f", f"id{i}")
        st_.touch("f", ["id0"])  # the feed still lists id0
        st_.prune("f")
        assert [st_.is_seen("f", f"id{i}") for i in range(3)] == [True, False, True]

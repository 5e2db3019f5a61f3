"""Durable per-feed state for the feed reader: which stories were published, and the
HTTP validators (ETag, Last-Modified) of the last complete read.

It is one SQLite file, because SQLite gives atomic, crash-safe updates and indexed
look-ups without a compaction step (a JSON Lines log would need both), and it ships
with Python. The schema is described in ``docs/feeds.md``.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

#: Where the state lives unless the caller says otherwise (next to the Faust data dir).
DEFAULT_STATE_DIR = Path("newsstream-data/feeds")
#: How many story ids are remembered per feed. Far more than any feed lists at once,
#: so an id only falls out long after it left the feed.
DEFAULT_MAX_IDS_PER_FEED = 100_000
STATE_FILE = "feeds.sqlite3"
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS feeds (
    feed TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS seen (
    feed TEXT NOT NULL,
    story_id TEXT NOT NULL,
    first_seen REAL NOT NULL,
    last_seen REAL NOT NULL,
    PRIMARY KEY (feed, story_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS seen_by_age ON seen (feed, last_seen);
"""


@dataclass(frozen=True, slots=True)
class Validators:
    """HTTP cache validators of the last complete read of a feed."""

    etag: str | None = None
    last_modified: str | None = None


class FeedState:
    """The seen-set and validators of every feed, in ``<state_dir>/feeds.sqlite3``.

    Every write is committed at once, so a crash loses at most the mark of the story
    being published (which is then published again: downstream de-duplicates by id).
    Use it from one thread (the event loop's); SQLite serialises separate processes.
    """

    def __init__(
        self, state_dir: Path, *, max_ids_per_feed: int = DEFAULT_MAX_IDS_PER_FEED
    ) -> None:
        if max_ids_per_feed < 1:
            raise ValueError("max_ids_per_feed must be at least 1")
        state_dir.mkdir(parents=True, exist_ok=True)
        self.path = state_dir / STATE_FILE
        self.max_ids_per_feed = max_ids_per_feed
        self._last_tick = 0.0
        self._db = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
        # WAL + NORMAL: commits are cheap (no fsync each); an OS crash may forget the
        # last few marks, which errs towards re-publishing, never towards losing.
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        row = self._db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        if row is None:
            self._db.execute(
                "INSERT INTO meta (key, value) VALUES ('schema_version', ?)", (SCHEMA_VERSION,)
            )
        elif int(row[0]) != SCHEMA_VERSION:
            raise RuntimeError(f"{self.path}: schema version {row[0]}, expected {SCHEMA_VERSION}")

    def _tick(self) -> float:
        """Wall time, but strictly increasing, so pruning order never depends on ties."""
        self._last_tick = max(time.time(), self._last_tick + 1e-6)
        return self._last_tick

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> FeedState:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- validators ------------------------------------------------------------------
    def validators(self, feed: str) -> Validators:
        row = self._db.execute(
            "SELECT etag, last_modified FROM feeds WHERE feed = ?", (feed,)
        ).fetchone()
        return Validators(*row) if row else Validators()

    def set_validators(self, feed: str, validators: Validators) -> None:
        self._db.execute(
            "INSERT INTO feeds (feed, etag, last_modified, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (feed) DO UPDATE SET etag = excluded.etag, "
            "last_modified = excluded.last_modified, updated_at = excluded.updated_at",
            (feed, validators.etag, validators.last_modified, time.time()),
        )

    # --- seen-set --------------------------------------------------------------------
    def is_seen(self, feed: str, story_id: str) -> bool:
        row = self._db.execute(
            "SELECT 1 FROM seen WHERE feed = ? AND story_id = ?", (feed, story_id)
        ).fetchone()
        return row is not None

    def mark_seen(self, feed: str, story_id: str) -> None:
        """Record a published story (call only after the publish succeeded)."""
        now = self._tick()
        self._db.execute(
            "INSERT INTO seen (feed, story_id, first_seen, last_seen) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (feed, story_id) DO UPDATE SET last_seen = excluded.last_seen",
            (feed, story_id, now, now),
        )

    def touch(self, feed: str, story_ids: list[str]) -> None:
        """Refresh ids the feed still lists, so pruning drops the ones it stopped listing."""
        if not story_ids:
            return
        now = self._tick()
        self._db.execute("BEGIN")
        try:
            self._db.executemany(
                "UPDATE seen SET last_seen = ? WHERE feed = ? AND story_id = ?",
                [(now, feed, sid) for sid in story_ids],
            )
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def seen_count(self, feed: str) -> int:
        row = self._db.execute("SELECT count(*) FROM seen WHERE feed = ?", (feed,)).fetchone()
        return int(row[0])

    def prune(self, feed: str) -> int:
        """Forget all but the ``max_ids_per_feed`` most recently seen ids of ``feed``."""
        if self.seen_count(feed) <= self.max_ids_per_feed:
            return 0
        cur = self._db.execute(
            "DELETE FROM seen WHERE feed = ? AND story_id NOT IN ("
            " SELECT story_id FROM seen WHERE feed = ? ORDER BY last_seen DESC LIMIT ?)",
            (feed, feed, self.max_ids_per_feed),
        )
        return cur.rowcount

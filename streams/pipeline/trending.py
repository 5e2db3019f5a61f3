"""Trend scores from windowed counts. Pure functions over table rows.

A row is a count row (``streams.pipeline.counting``) whose third field is
``{window_start: count}``, with windows of ``base`` seconds (the configured tumbling window).
A query may ask for a coarser window (a multiple of ``base``); counts are summed into it.

Score of a key = (count in the current window + 1) / (mean count over the previous windows
+ 1). "Current" is the newest window that holds any event (event time, so an archive
replay reproduces the same windows); the previous windows are those from the oldest window
kept up to the current one, empty ones included. The +1 on both sides guards small numbers:
a first mention scores 2, not infinity, and one story more than usual is not a spike.

Stories without a publication date are in no window (``NO_WINDOW`` in
``streams.pipeline.counting``): counted in the totals, never in the trends, since the time
they were received says when a feed was read, not when the news happened.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_WINDOW = re.compile(r"^\s*(\d+)\s*([smhd]?)\s*$")


def parse_window(text: str, base: int) -> int:
    """'1h', '90m', '1d' or seconds → seconds; must be a positive multiple of ``base``."""
    m = _WINDOW.match(text)
    if not m:
        raise ValueError(f"window {text!r}: use a number with s, m, h or d, e.g. 1h")
    size = int(m.group(1)) * _UNITS[m.group(2) or "s"]
    if size <= 0 or size % base:
        raise ValueError(f"window {text!r} must be a positive multiple of {base} seconds")
    return size


def trending(
    rows: Mapping[str, Any], *, size: int, base: int, limit: int, category_prefix: str = "#"
) -> dict[str, Any]:
    """The keys rising in the current window of ``size`` seconds, countries and categories
    apart, best score first (see the module doc)."""
    buckets: dict[str, dict[int, int]] = {}
    for key, row in rows.items():
        per: dict[int, int] = {}
        for start, n in (row[2] if len(row) > 2 else {}).items():
            b = int(start) // size * size
            per[b] = per.get(b, 0) + int(n)
        if per:
            buckets[key] = per
    if not buckets:
        return {"window": f"{size}s", "window_start": None, "countries": [], "categories": []}
    current = max(b for per in buckets.values() for b in per)
    oldest = min(b for per in buckets.values() for b in per)
    n_prev = (current - oldest) // size
    scored: dict[str, list[dict[str, Any]]] = {"countries": [], "categories": []}
    for key, per in buckets.items():
        now_n = per.get(current, 0)
        if now_n == 0:
            continue
        prev = sum(n for b, n in per.items() if b < current)
        mean_prev = prev / n_prev if n_prev else 0.0
        entry = {
            "key": key.removeprefix(category_prefix),
            "count": now_n,
            "mean_previous": round(mean_prev, 3),
            "score": round((now_n + 1) / (mean_prev + 1), 3),
        }
        scored["categories" if key.startswith(category_prefix) else "countries"].append(entry)
    for entries in scored.values():
        entries.sort(key=lambda e: (-e["score"], -e["count"], e["key"]))
        del entries[limit:]
    return {
        "window": f"{size}s",
        "window_start": datetime.fromtimestamp(current, UTC).isoformat(),
        "previous_windows": n_prev,
        **scored,
    }

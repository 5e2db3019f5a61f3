"""The dashboard's server side and the contract between its page and the worker's views."""

from __future__ import annotations

import re

import orjson

from streams.web.dashboard import (
    STATIC_DIR,
    country_names,
    parse_limit,
    sse_frame,
    static_file,
)
from streams.web.stats import merge_stats

JS = (STATIC_DIR / "dashboard.js").read_text(encoding="utf-8")
HTML = (STATIC_DIR / "index.html").read_text(encoding="utf-8")


def test_static_files_are_only_the_assets_directly_in_static() -> None:
    assert static_file("dashboard.js") == STATIC_DIR / "dashboard.js"
    for bad in ("../dashboard.py", "dashboard.py", ".hidden", "nope.css", "a/b.js", ""):
        assert static_file(bad) is None, bad


def test_parse_limit_clamps_and_falls_back() -> None:
    assert parse_limit(None, 20, 50) == 20
    assert parse_limit("7", 20, 50) == 7
    assert parse_limit("500", 20, 50) == 50
    assert parse_limit("-3", 20, 50) == 1
    assert parse_limit("many", 20, 50) == 20


def test_sse_frame_names_known_events_only() -> None:
    frame = sse_frame({"type": "story", "data": {"id": "a\nb"}})
    head, data, end = frame.split(b"\n", 2)
    assert head == b"event: story" and end == b"\n"
    assert orjson.loads(data.removeprefix(b"data: ")) == {"id": "a\nb"}
    assert sse_frame({"type": "<script>", "data": 1}).startswith(b"event: message\n")


def test_country_names_are_short() -> None:
    names = country_names()
    assert names["RU"] == "Russia" and names["US"] == "United States"


def test_the_header_is_one_template_filled_from_one_list() -> None:
    """index.html holds one KPI cell (a template); dashboard.js lists every cell once."""
    assert HTML.count('class="kpi"') == 1 and '<template id="kpi-template">' in HTML
    ids = re.findall(r'\{ id: "([a-z-]+)", label:', JS)
    assert len(ids) == len(set(ids)) >= 6
    assert "total-stories" not in ids  # what one page received is not a total


def test_every_header_count_is_a_field_of_stats() -> None:
    """The cells that read /stats/ name fields it answers (the numbers the server holds)."""
    fields = set(re.findall(r'stat: "([a-z_]+)"', JS))
    assert {"processed", "dead_lettered", "duplicates"} <= fields
    assert fields <= set(merge_stats([]))


def test_the_snapshot_mode_opens_no_stream_and_says_when_it_is_ready() -> None:
    """?static=1 returns before connect() and the timers, then marks body[data-ready]."""
    start = JS[JS.index("function start()") :]
    assert start.index("if (SNAPSHOT)") < start.index("connect();")
    assert start.index("return;") < start.index("setInterval(")
    snapshot = JS[JS.index("async function snapshot()") : JS.index("function start()")]
    assert 'dataset.ready = "true"' in snapshot and "EventSource" not in snapshot

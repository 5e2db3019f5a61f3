"""The live dashboard in a real browser: open the page on an idle worker, replay the seeds,
and watch the country bars, the story list and the entity highlights fill in without a
reload; the header shows the workers' counts (``/stats/``), not what the page received;
``/?static=1`` renders a complete snapshot that a screenshot with a time budget can take.
Needs Chromium (``/usr/bin/chromium``) and the ``playwright`` Python package; the
Playwright browser downloads are not used."""

from __future__ import annotations

import asyncio
import json
import shutil
import struct
import subprocess
import urllib.error
import urllib.request
import zlib
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import orjson
import pytest

from streams.kafka.producer import replay
from tests.integration.harness import Pipeline
from tests.integration.helpers import expected_counts, produce, read, wait_counts
from tests.paths import SEED_STORIES, SEEDS

pytestmark = pytest.mark.integration

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT = {"width": 1400, "height": 1000}
#: A story whose headline has characters outside the BMP (two UTF-16 units each) before
#: its entities: the page must convert code-point offsets, or the highlights shift.
ASTRAL_STORY = {
    "id": "dashboard-astral-1",
    "headline": "🚀🛰 Rocket lifts off in Japan",
    "body": "Engineers cheered 🎉🎉 in Tokyo as the rocket built for Japan lifted off.",
}
#: The only dated story: the seeds and the astral story have no date, so they are counted
#: but stay out of the trends.
DATED_STORY = {
    "id": "dashboard-dated-1",
    "headline": "Floods in Kenya",
    "body": "Heavy rain in Nairobi, Kenya, displaced thousands of families on Monday.",
    "source": "wire",
}
#: The stories the worker publishes; one bad event and one repeat are not among them.
STORIES = SEED_STORIES + 2
T = TypeVar("T")


def _chromium() -> str:
    path = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else shutil.which("chromium")
    if not path:
        pytest.skip("Chromium not installed (apt-get install -y chromium)")
    return path


def _in_thread(fn: Callable[[], T]) -> T:
    """Run ``fn`` (which may call asyncio.run) off the thread that drives Playwright."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(fn).result()


def _get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read()


def _expected_marks(story: dict[str, Any]) -> list[list[Any]]:
    """The entity spans the page should highlight: sorted, overlaps dropped (as the page)."""
    out: list[list[Any]] = []
    cursor = 0
    for e in sorted(story["entities"], key=lambda e: (e["start"], -e["end"])):
        if e["start"] >= cursor and e["end"] > e["start"]:
            out.append([e["start"], e["end"], e["label"], e["text"]])
            cursor = e["end"]
    return out


def _check_assets(url: str) -> None:
    """The server side of the page: assets, content types, no way out of static/."""
    status, ctype, _ = _get(f"{url}/")
    assert status == 200 and ctype.startswith("text/html"), (status, ctype)
    status, ctype, _ = _get(f"{url}/static/dashboard.js")
    assert status == 200 and ctype.startswith("text/javascript"), (status, ctype)
    for bad in ("..%2Fdashboard.py", "..%2F..%2Fapp.py", ".hidden", "nope.css", "dashboard.py"):
        assert _get(f"{url}/static/{bad}")[0] == 404, bad


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def _png_pixels(data: bytes) -> list[bytes]:
    """The RGB(A) pixels of an 8-bit, non-interlaced PNG (what Chromium writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(data):
        size, kind = struct.unpack(">I4s", data[pos : pos + 8])
        chunk, pos = data[pos + 8 : pos + 8 + size], pos + 12 + size
        if kind == b"IHDR":
            width, height, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", chunk)
            assert depth == 8 and ctype in (2, 6) and not interlace, (depth, ctype)
        elif kind == b"IDAT":
            idat += chunk
    bpp = 3 if ctype == 2 else 4
    raw, stride = zlib.decompress(idat), width * bpp
    prev, pixels = bytearray(stride), []
    for y in range(height):
        kind, line = (
            raw[y * (stride + 1)],
            bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)]),
        )
        for i in range(stride):
            a, b = (line[i - bpp] if i >= bpp else 0), prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            add = (0, a, b, (a + b) // 2, _paeth(a, b, c))[kind]
            line[i] = (line[i] + add) & 255
        pixels.extend(bytes(line[i : i + 3]) for i in range(0, stride, bpp))
        prev = line
    return pixels


def _ink(png: bytes) -> float:
    """Share of pixels in neither of the two commonest colours (page and panel background):
    text, bars, highlights. A page without data is mostly background."""
    pixels = _png_pixels(png)
    background = sum(n for _, n in Counter(pixels).most_common(2))
    return 1 - background / len(pixels)


def _publish(pipeline: Pipeline) -> dict[str, dict[str, Any]]:
    """Replay the seeds, then the astral story, the dated one, a bad event and a repeat;
    the enriched stories by id once the worker published them all."""
    s, t = pipeline.settings, pipeline.topics
    report = asyncio.run(replay(SEEDS, s, topic=t.raw, show_progress=False))
    assert report.sent == SEED_STORIES and not report.error
    dated = {**DATED_STORY, "published_at": (datetime.now(UTC) - timedelta(minutes=5)).isoformat()}
    astral = orjson.dumps(ASTRAL_STORY)
    produce(s, t.raw, [(b"astral", astral), (b"dated", orjson.dumps(dated)), (b"bad", b"{oops")])
    produce(s, t.raw, [(b"astral", astral)])  # the same story again: a duplicate
    out = read(s, [t.enriched], until=lambda rs: len(rs) >= STORIES)
    return {orjson.loads(r.value)["id"]: orjson.loads(r.value) for r in out}


def _snapshot(browser: Any, url: str, path: Path) -> tuple[Any, bytes]:
    """Open ``/?static=1`` until the network is idle (a live page never is), check it opened
    no event stream, and take a full-page screenshot; the page stays open for checks."""
    page = browser.new_page(viewport=VIEWPORT)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{url}/?static=1", wait_until="networkidle", timeout=30_000)
    page.wait_for_selector('body[data-ready="true"]', timeout=10_000)
    assert page.locator("#status").get_attribute("data-state") == "static"
    assert not [r for r in requests if "/events/" in r], requests
    png = page.screenshot(path=str(path), full_page=True)
    return page, png


def _check_header(page: Any, worker: Any) -> None:
    """The header holds the workers' counts, as /stats/ serves them."""
    stats = json.loads(worker.get("/stats/"))
    assert (stats["processed"], stats["dead_lettered"], stats["duplicates"]) == (STORIES, 1, 1)
    assert stats["complete"] is True and stats["dead_letter_reasons"] == {"invalid_json": 1}
    for cell, key in (
        ("total-processed", "processed"),
        ("total-dead-lettered", "dead_lettered"),
        ("total-duplicates", "duplicates"),
        ("total-near-duplicates", "near_duplicates"),
    ):
        page.wait_for_selector(f'#{cell}[data-count="{stats[key]}"]', timeout=20_000)
        assert page.locator(f"#{cell}").text_content() == f"{stats[key]:,}"
    labels = page.eval_on_selector_all("#kpis dt", "dts => dts.map(d => d.textContent)")
    assert labels[:4] == ["Processed", "Dead-lettered", "Duplicates", "Near-duplicates"]


def _check_trending(page: Any, worker: Any, dated: dict[str, Any]) -> None:
    """Only the dated story trends: the undated seeds (all about the US) do not."""
    served = json.loads(worker.get("/trending/?window=1h&limit=10"))
    keys = {e["key"] for e in served["countries"]}
    assert keys == set(dated["countries"]) and "US" not in keys, served
    page.wait_for_selector("#trending-countries li", timeout=30_000)
    shown = page.eval_on_selector_all(
        "#trending-countries li", "lis => lis.map(li => li.dataset.trendingCountry)"
    )
    assert set(shown) == keys


def _check_bars(page: Any, expected: dict[str, int]) -> None:
    """The country bars reach the served counts, in rank order, without a reload."""
    ranked = sorted(expected.items(), key=lambda kv: (-kv[1], kv[0]))[:20]
    for cc, n in ranked:
        page.wait_for_selector(
            f'#country-chart g.bar[data-country="{cc}"][data-count="{n}"]',
            state="attached",
            timeout=20_000,
        )
    bars = page.eval_on_selector_all(
        "#country-chart g.bar", "gs => gs.map(g => [g.dataset.country, +g.dataset.count])"
    )
    assert bars == [list(kv) for kv in ranked]
    us_label = page.locator('#country-chart g.bar[data-country="US"] text.label')
    assert "United States" in (us_label.text_content() or "")
    mentions = page.locator("#total-mentions").get_attribute("data-count")
    assert mentions == str(sum(expected.values()))


def _check_stories(page: Any, stories: dict[str, dict[str, Any]]) -> None:
    """Every story arrived, entities highlighted in place; the category list adds up."""
    page.wait_for_function(
        f"document.querySelectorAll('#latest-stories li.story').length == {STORIES}"
    )
    shown = page.eval_on_selector_all(
        "#latest-stories li.story",
        """lis => lis.map(li => [li.dataset.storyId,
            [...li.querySelectorAll('mark.ent')].map(m =>
                [+m.dataset.start, +m.dataset.end, m.dataset.label, m.textContent])])""",
    )
    assert {sid for sid, _ in shown} == set(stories)
    for sid, marks in shown:
        assert marks == _expected_marks(stories[sid]), sid
    assert sum(len(m) for _, m in shown) > 0, "no entity was highlighted"
    astral = page.locator(f'li.story[data-story-id="{ASTRAL_STORY["id"]}"]')
    assert astral.locator("mark.ent").count() > 0, "astral story has no highlights"
    assert astral.get_attribute("data-entity-mismatches") is None
    cats = page.eval_on_selector_all(
        "#category-list li", "lis => lis.map(li => [li.dataset.category, +li.dataset.count])"
    )
    want: Counter[str] = Counter(
        st["categories"][0]["slug"] for st in stories.values() if st["categories"]
    )
    assert dict(cats) == dict(want)


def _budget_screenshot(chromium: str, url: str, path: Path) -> bytes:
    """What the issue tried: a command-line screenshot with a virtual time budget. It ends
    only once the page is idle, so it must finish on the snapshot page."""
    subprocess.run(
        [
            chromium,
            *CHROMIUM_ARGS,
            "--hide-scrollbars",
            f"--window-size={VIEWPORT['width']},{VIEWPORT['height']}",
            f"--screenshot={path}",
            "--virtual-time-budget=10000",
            f"{url}/?static=1",
        ],
        check=True,
        timeout=120,
        capture_output=True,
    )
    return path.read_bytes()


def test_dashboard_updates_live_while_seeds_replay(pipeline: Pipeline, tmp_path: Path) -> None:
    chromium = _chromium()
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    worker = pipeline.start_worker()
    _check_assets(worker.url)

    errors: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
            page.on(
                "console",
                lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None,
            )
            page.goto(f"{worker.url}/", wait_until="domcontentloaded")
            page.wait_for_selector('#status[data-state="live"]', timeout=20_000)
            assert page.locator("#total-processed").get_attribute("data-count") == "0"
            assert page.locator("#country-chart g.bar").count() == 0
            empty_page, empty_png = _snapshot(browser, worker.url, tmp_path / "empty.png")
            empty_page.close()

            # now the news arrives, with the page open
            stories = _in_thread(lambda: _publish(pipeline))
            assert len(stories) == STORIES, worker.tail_log()
            expected = expected_counts([orjson.dumps(st) for st in stories.values()])
            assert wait_counts(worker, expected) == expected, worker.tail_log()
            assert expected.get("US") == SEED_STORIES
            assert json.loads(worker.get("/countries/"))["complete"] is True
            _check_bars(page, expected)
            _check_stories(page, stories)
            _check_header(page, worker)
            _check_trending(page, worker, stories[DATED_STORY["id"]])

            # the snapshot: the same data, complete, with nothing left open
            shot, png = _snapshot(browser, worker.url, tmp_path / "dashboard.png")
            _check_header(shot, worker)
            _check_bars(shot, expected)
            _check_stories(shot, stories)
            ink, empty_ink = _ink(png), _ink(empty_png)
            print(
                f"dashboard screenshot: {tmp_path / 'dashboard.png'} (ink {ink:.3f}, "
                f"without data {empty_ink:.3f})"
            )
            assert ink > 0.1 and ink > 1.5 * empty_ink, (ink, empty_ink)
        finally:
            browser.close()

    budget_png = _budget_screenshot(chromium, worker.url, tmp_path / "budget.png")
    assert _ink(budget_png) > 1.5 * empty_ink, "the time-budget screenshot shows no data"
    # /latest/ honours its limit; the page raised no script errors
    latest = json.loads(worker.get("/latest/?limit=2"))["stories"]
    assert len(latest) == 2
    assert not errors, errors

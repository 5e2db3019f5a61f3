"""The live dashboard in a real browser: open the page on an idle worker, replay the seeds,
and watch the country bars, the story list and the entity highlights fill in without a
reload. Needs Chromium (``/usr/bin/chromium``) and the ``playwright`` Python package; the
Playwright browser downloads are not used."""

from __future__ import annotations

import asyncio
import json
import shutil
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
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
#: A story whose headline has characters outside the BMP (two UTF-16 units each) before
#: its entities: the page must convert code-point offsets, or the highlights shift.
ASTRAL_STORY = {
    "id": "dashboard-astral-1",
    "headline": "🚀🛰 Rocket lifts off in Japan",
    "body": "Engineers cheered 🎉🎉 in Tokyo as the rocket built for Japan lifted off.",
}
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


def test_dashboard_updates_live_while_seeds_replay(pipeline: Pipeline, tmp_path: Path) -> None:
    chromium = _chromium()
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

    worker = pipeline.start_worker()
    s, t = pipeline.settings, pipeline.topics

    # the server side of the page: assets, content types, no way out of static/
    status, ctype, _ = _get(f"{worker.url}/")
    assert status == 200 and ctype.startswith("text/html"), (status, ctype)
    status, ctype, _ = _get(f"{worker.url}/static/dashboard.js")
    assert status == 200 and ctype.startswith("text/javascript"), (status, ctype)
    for bad in ("..%2Fdashboard.py", "..%2F..%2Fapp.py", ".hidden", "nope.css", "dashboard.py"):
        assert _get(f"{worker.url}/static/{bad}")[0] == 404, bad

    errors: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
            page.on(
                "console",
                lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None,
            )
            page.goto(f"{worker.url}/", wait_until="domcontentloaded")
            page.wait_for_selector('#status[data-state="live"]', timeout=20_000)
            assert page.locator("#total-stories").get_attribute("data-count") == "0"
            assert page.locator("#country-chart g.bar").count() == 0

            # now the news arrives, with the page open
            report = _in_thread(
                lambda: asyncio.run(replay(SEEDS, s, topic=t.raw, show_progress=False))
            )
            assert report.sent == SEED_STORIES and not report.error
            _in_thread(lambda: produce(s, t.raw, [(b"astral", orjson.dumps(ASTRAL_STORY))]))
            out = _in_thread(lambda: read(s, [t.enriched], until=lambda rs: len(rs) > SEED_STORIES))
            stories = {orjson.loads(r.value)["id"]: orjson.loads(r.value) for r in out}
            assert len(stories) == SEED_STORIES + 1, worker.tail_log()
            expected = expected_counts([r.value for r in out])
            assert wait_counts(worker, expected) == expected, worker.tail_log()
            served = json.loads(worker.get("/countries/"))
            assert served["complete"] is True

            # the country bars reach the served counts, without a reload
            assert expected.get("US") == SEED_STORIES
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
            total_mentions = sum(expected.values())
            assert page.locator("#total-mentions").get_attribute("data-count") == str(
                total_mentions
            )

            # the stories arrived over the event stream, entities highlighted in place
            page.wait_for_selector('#total-stories[data-count="7"]', timeout=20_000)
            assert page.locator("#latest-stories li.story").count() == 7
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

            # stories per category: the best category of every story
            cats = page.eval_on_selector_all(
                "#category-list li",
                "lis => lis.map(li => [li.dataset.category, +li.dataset.count])",
            )
            want_cats: dict[str, int] = {}
            for st in stories.values():
                if st["categories"]:
                    best = st["categories"][0]["slug"]
                    want_cats[best] = want_cats.get(best, 0) + 1
            assert dict(cats) == want_cats

            # trending renders when the worker serves it
            if _get(f"{worker.url}/trending/?window=1h&limit=10")[0] == 200:
                page.wait_for_selector("#trending-countries li", timeout=30_000)

            shot = tmp_path / "dashboard.png"
            page.screenshot(path=str(shot), full_page=True)
            print(f"dashboard screenshot: {shot}")
        finally:
            browser.close()

    # /latest/ honours its limit; the page raised no script errors
    latest = json.loads(worker.get("/latest/?limit=2"))["stories"]
    assert len(latest) == 2
    assert not errors, errors

"""The dashboard's language filter in a real browser: the languages of the stories received
are offered, and choosing one shows the country counts of that language only
(``GET /countries/?language=xx``). Needs Chromium and the ``playwright`` package."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest

from tests.integration.harness import Pipeline
from tests.integration.helpers import expected_counts, produce, read, wait_counts
from tests.integration.test_dashboard_browser import CHROMIUM_ARGS, _chromium, _in_thread
from tests.integration.test_languages import STORIES

pytestmark = pytest.mark.integration


def test_language_filter_shows_one_languages_counts(pipeline: Pipeline, tmp_path: Path) -> None:
    chromium = _chromium()
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    worker = pipeline.start_worker()
    s, t = pipeline.settings, pipeline.topics
    errors: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
            page.goto(f"{worker.url}/", wait_until="domcontentloaded")
            page.wait_for_selector('#status[data-state="live"]', timeout=20_000)

            items = [(st["id"].encode(), orjson.dumps(st)) for st in STORIES]
            _in_thread(lambda: produce(s, t.raw, items))
            out = _in_thread(lambda: read(s, [t.enriched], until=lambda rs: len(rs) >= 4))
            expected = expected_counts([r.value for r in out])
            assert wait_counts(worker, expected) == expected, worker.tail_log()
            german = json.loads(worker.get("/countries/?language=de"))["counts"]
            assert german and german != expected

            page.wait_for_selector('#language-filter option[value="de"]', state="attached")
            page.select_option("#language-filter", "de")
            for cc, n in german.items():
                page.wait_for_selector(
                    f'#country-chart g.bar[data-country="{cc}"][data-count="{n}"]',
                    state="attached",
                    timeout=20_000,
                )
            bars = page.eval_on_selector_all("#country-chart g.bar", "gs => gs.length")
            assert bars == len(german)
            assert "German" in (page.locator("#countries-note").text_content() or "")
            page.screenshot(path=str(tmp_path / "dashboard-de.png"), full_page=True)

            page.select_option("#language-filter", "")
            cc, n = max(expected.items(), key=lambda kv: kv[1])
            page.wait_for_selector(
                f'#country-chart g.bar[data-country="{cc}"][data-count="{n}"]',
                state="attached",
                timeout=20_000,
            )
            assert page.eval_on_selector_all("#country-chart g.bar", "gs => gs.length") == min(
                len(expected), 20
            )
        finally:
            browser.close()
    assert not errors, errors

"""The composition in ``streams.enrich``: every enrichment carries its language; a story in
a language the category model does not read gets no confident category (scores flattened,
order kept); the declared language only when the text cannot tell; feed terms weigh in."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from schemas.models import CATEGORY_SLUGS, story_text
from streams.enrich import (
    CATEGORY_LANGUAGES,
    UNREAD_LANGUAGE_WEIGHT,
    categories,
    enrich_details,
    enrich_story,
    enrich_text,
    unread_language_scores,
)

NEWS = Path(__file__).resolve().parent / "data" / "language_news.jsonl"
ROUTE_THRESHOLD = 0.5


def test_english_keeps_the_models_scores() -> None:
    text = "The central bank raised its main interest rate by half a point on Thursday."
    enr = enrich_text(text)
    assert enr.language == "en" and "en" in CATEGORY_LANGUAGES
    assert enr.categories == categories.classify(text, None)
    best, score = enr.categories[0]
    assert best == "economy-business-finance" and score > ROUTE_THRESHOLD


@pytest.mark.parametrize("tagger", ["fast", "accurate"])
def test_no_confident_category_for_a_language_the_model_does_not_read(tagger: str) -> None:
    rows = [orjson.loads(line) for line in NEWS.read_bytes().splitlines()]
    others = [r for r in rows if r["language"] not in CATEGORY_LANGUAGES]
    assert len(others) > 200
    for r in others[:: 1 if tagger == "fast" else 10]:
        enr = enrich_story(r["headline"], r["body"], tagger)
        assert enr.language == r["language"] or r["id"] == "id-04"  # id-04 reads as Malay
        assert sorted(s for s, _ in enr.categories) == sorted(CATEGORY_SLUGS)
        scores = [p for _, p in enr.categories]
        assert scores == sorted(scores, reverse=True)
        assert scores[0] < ROUTE_THRESHOLD - 0.2, r["id"]


def test_flattening_keeps_the_order_and_abstains() -> None:
    model = categories.classify("Putin met Kim in Pyongyang.", None)
    flat = unread_language_scores(model)
    assert [s for s, _ in flat] == [s for s, _ in model]
    assert flat[0][1] <= UNREAD_LANGUAGE_WEIGHT + (1 - UNREAD_LANGUAGE_WEIGHT) / len(flat)
    # The flattened best is under the model's abstain threshold: routed to unclassified.
    assert categories.abstains(flat)
    assert unread_language_scores([]) == []


def test_the_issue_examples_get_their_language_and_no_confident_category() -> None:
    zh = story_text("习近平会见俄罗斯总统普京", "双方就乌克兰局势和美国关税问题交换了意见。")
    pt = "O presidente do Brasil falou com jornalistas. A Alemanha e a França também."
    for text, lang in ((zh, "zh"), (pt, "pt")):
        enr = enrich_text(text)
        assert enr.language == lang and enr.categories[0][1] < ROUTE_THRESHOLD


def test_declared_language_only_when_the_text_cannot_tell() -> None:
    enr, _ = enrich_details("Путин", declared_language="ru-RU")
    assert enr.language == "ru"
    enr, _ = enrich_details("Die Zentralbank hat den Leitzins erhöht.", declared_language="en")
    assert enr.language == "de" and enr.categories[0][1] < ROUTE_THRESHOLD
    assert enrich_text("Путин").language == "und"


def test_feed_terms_classify_a_story_the_model_cannot_read() -> None:
    headline, body = "Збірна виграла чемпіонат", "Національна збірна з футболу виграла фінал."
    enr = enrich_story(headline, body, feed_terms=["Спорт"])
    assert enr.language == "uk"
    assert enr.categories[0][0] == "sport" and enr.categories[0][1] >= ROUTE_THRESHOLD
    assert enrich_story(headline, body, feed_terms=["Головне"]).categories[0][1] < 0.3


def test_the_detected_language_reaches_the_fast_tagger() -> None:
    # Too few German function words for the tagger's own guess: told "de", it knows every
    # noun is capitalised, so two capitalised nouns are no name.
    enr = enrich_text("Starker Schneefall hat in Polen und Tschechien Straßen blockiert.")
    assert enr.language == "de"
    assert not [sp for sp in enr.entities if sp.label in ("PER", "ORG")]
    assert {(sp.text, sp.country) for sp in enr.entities} == {("Polen", "PL"), ("Tschechien", "CZ")}

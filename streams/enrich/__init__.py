"""Enrichment without Kafka: a story's text in; its language (ISO 639-1), entities
(PER/ORG/LOC/MISC with offsets), the countries it concerns (ISO 3166-1 alpha-2) and its IPTC
categories out. ``tagger="fast"`` uses the rule and gazetteer tagger (``fast_tagger``),
``tagger="accurate"`` the CRF (``ner_crf``); country resolution (``countries``) is the same
code for both, so the two differ only in which spans give the gazetteer its context, and the
category classifier (``categories``) takes its geo features from the same pass. ``language``
identifies the language (CLD2); the category scores of a language the model does not read
are flattened so the story abstains rather than get a confident guess, and a feed's own
category terms (``feed_categories``) weigh in. ``tagging`` is the ``newsstream tag``
contract and ``evaluation`` measures all of it against annotated data.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from schemas.models import UNDETERMINED_LANGUAGE, story_text
from streams.enrich import categories, countries, fast_tagger, feed_categories, gazetteer
from streams.enrich.language import NEWS_LANGUAGES, story_language
from streams.enrich.language import detect as detect_language
from streams.enrich.types import Enrichment, Span

__all__ = [
    "CATEGORY_LANGUAGES",
    "NEWS_LANGUAGES",
    "TAGGERS",
    "UNDETERMINED_LANGUAGE",
    "UNREAD_LANGUAGE_WEIGHT",
    "Enrichment",
    "Span",
    "detect_language",
    "enrich_details",
    "enrich_story",
    "enrich_text",
    "non_overlapping",
    "read_by_category_model",
    "resolve_entities",
    "unread_language_scores",
]

TAGGERS = ("fast", "accurate")
#: The languages the category model reads: it was trained on English news only.
CATEGORY_LANGUAGES = frozenset({"en"})
#: For any other language (``und`` included: the model cannot be trusted on a text it may
#: not read), each score keeps this share of the model's probability and the rest is spread
#: evenly over the slugs. The order stays, so ``categories`` is still best first, but the
#: best score stays below 0.2 + 0.8/17 ≈ 0.25: under the routing threshold and any useful
#: abstain threshold, so the story goes to ``news.topic.unclassified`` instead of to a guess.
UNREAD_LANGUAGE_WEIGHT = 0.2


def non_overlapping(spans: list[Span]) -> list[Span]:
    """One consistent set sorted by start: of overlapping spans the longest (then first) wins."""
    out: list[Span] = []
    for sp in sorted(spans, key=lambda s: (s.start, s.start - s.end)):
        if sp.end <= sp.start:
            continue
        if out and sp.start < out[-1].end:
            if sp.end - sp.start > out[-1].end - out[-1].start:
                out[-1] = sp
            continue
        out.append(sp)
    return out


def _accurate_spans(text: str) -> list[Span]:
    from streams.enrich import ner_crf

    return [Span(s.text, s.label, s.start, s.end) for s in ner_crf.tag_entities(text)]


def resolve_entities(
    text: str, tagger: str = "fast", language: str | None = None
) -> tuple[list[Span], list[str], set[int]]:
    """Entity spans with their countries, the story's countries, and the starts of spans
    whose country came from a demonym: everything of the enrichment but the categories.

    ``language`` (ISO 639-1, as ``detect_language`` gives it) tells the fast tagger whether
    every noun is capitalised, and the gazetteer and country resolution which language's
    names and home towns to read. ``None`` or ``und``: each guesses from the text's words.
    A detected "en" is not passed on to the gazetteer: it would hide every localised name,
    and the gazetteer's own test (English function words) already reads English text as
    English, while CLD2 says English for a few short sentences of other languages.
    """
    if tagger not in TAGGERS:
        raise ValueError(f"unknown tagger {tagger!r}; expected one of {', '.join(TAGGERS)}")
    lang = None if language == UNDETERMINED_LANGUAGE else language
    names = None if lang == "en" else lang
    hits = gazetteer.find(text, names)
    spans = fast_tagger.tag(text, hits, lang) if tagger == "fast" else _accurate_spans(text)
    return countries.resolve(text, non_overlapping(spans), hits, names)


def read_by_category_model(language: str) -> bool:
    """Whether the category model reads stories in ``language``."""
    return language in CATEGORY_LANGUAGES


def unread_language_scores(scores: Sequence[tuple[str, float]]) -> list[tuple[str, float]]:
    """The model's scores flattened towards uniform (:data:`UNREAD_LANGUAGE_WEIGHT`), for a
    story in a language the model does not read; same order, the best under the abstain
    threshold."""
    if not scores:
        return []
    spread = (1.0 - UNREAD_LANGUAGE_WEIGHT) / len(scores)
    return [(slug, UNREAD_LANGUAGE_WEIGHT * score + spread) for slug, score in scores]


def enrich_details(
    text: str,
    tagger: str = "fast",
    *,
    declared_language: str | None = None,
    feed_terms: Iterable[str] | None = None,
) -> tuple[Enrichment, set[int]]:
    """The enrichment plus the starts of spans whose country came from a demonym.

    ``declared_language``: the producer's language tag, used only when the text cannot
    tell (``language.story_language``). ``feed_terms``: the item's own feed categories,
    mixed into the scores (``feed_categories.blend``).
    """
    language = story_language(text, declared_language)
    spans, codes, demonyms = resolve_entities(text, tagger, language)
    # The classifier's geo features come from this pass (no second gazetteer/tagger run).
    # The model was trained on fast-tagger features; the accurate path gives it its own
    # spans and countries (the ones it reports), so only the entity-derived flags can shift.
    geo = categories.geo_tokens(codes, spans, demonyms)
    scores = categories.classify(text, geo)
    if not read_by_category_model(language):
        scores = unread_language_scores(scores)
    if feed_terms:
        scores = feed_categories.blend(scores, feed_categories.slugs(feed_terms))
    return Enrichment(spans, codes, scores, language), demonyms


def enrich_text(text: str, tagger: str = "fast") -> Enrichment:
    """Language, entities (offsets into ``text``), countries (sorted ISO alpha-2) and
    categories."""
    return enrich_details(text, tagger)[0]


def enrich_story(
    headline: str | None,
    body: str,
    tagger: str = "fast",
    *,
    declared_language: str | None = None,
    feed_terms: Iterable[str] | None = None,
) -> Enrichment:
    """Like ``enrich_text`` on ``story_text(headline, body)``, which the offsets point into;
    ``declared_language`` and ``feed_terms`` as in :func:`enrich_details`."""
    text = story_text(headline, body)
    return enrich_details(text, tagger, declared_language=declared_language, feed_terms=feed_terms)[
        0
    ]

"""Word lists the entity taggers read: cue words, titles, stop words and names, from ``data/``.

Why one module: the fast tagger's rules and the CRF's features consult the same lists, and a
list defined once cannot drift between them. Each file holds one entry per line (``#``
starts a comment); entries for other languages than English sit in the same file under a
language comment, since a cue is a cue whatever language the story is in (docs/ner.md).
"""

from __future__ import annotations

from pathlib import Path

_DATA = Path(__file__).with_name("data")


def word_list(name: str) -> frozenset[str]:
    """A curated word list from ``data/<name>.txt`` (one entry per line, # comments)."""
    text = (_DATA / f"{name}.txt").read_text(encoding="utf-8")
    return frozenset(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))


#: Capitalised words that start a sentence or a headline but never a name.
STOPWORDS = word_list("stopwords")
#: Titles and roles written before a name; never part of a PER span (CoNLL convention).
TITLES = word_list("titles")
#: Words that make a capitalised name an organisation ("Acme Holdings Inc.").
ORG_CUES = word_list("org_cues")
#: Endings that make one capitalised word an organisation ("Außenministerium").
ORG_SUFFIXES = tuple(sorted(word_list("org_suffixes")))
#: Words that make a capitalised name an event, award or other MISC entity.
MISC_CUES = word_list("misc_cues")
#: Given names that are also place names ("Jordan Henderson" is a person).
FIRST_NAMES = word_list("first_names")
#: Given names in the languages the tagger reads (from Faker, scripts/derive_given_names).
GIVEN_NAMES = word_list("given_names")
#: Organisation names derived from CoNLL-2003 train (scripts/derive_org_names).
ORG_NAMES = word_list("org_names")
#: Derived organisation names that are also places: teams ("Leicestershire", "Lyon").
TEAM_PLACES = word_list("team_places")
#: Words that, after a place name, still make a place ("Taiwan Strait").
GEO_SUFFIXES = word_list("geo_suffixes")
#: Words that, first in a name, make it a place: a geographic feature ("Strait of Hormuz").
GEO_HEADS = word_list("geo_heads")
#: Words that, before a place name, still make a place ("Southern California").
GEO_PREFIXES = word_list("geo_prefixes")
#: Words naming a sport: a story that names one early is a sports story, where capitalised
#: words in result tables are mostly teams (ORG), which is otherwise the commonest confusion.
SPORT_WORDS = word_list("sport_words")
#: Frequent English function words that are not words of the other main news languages.
ENGLISH_FUNCTION_WORDS = word_list("english_function_words")

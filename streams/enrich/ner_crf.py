"""Statistical entity tagger for the `accurate` path: a linear-chain CRF (CRFsuite).

Why a CRF: it is small (a few MB), needs no GPU and tags tens of thousands of tokens per
second on one core, which keeps the stream processor's enrichment step cheap. Accuracy comes
from the features (``ner_features``, docs/ner.md): word form and shape in a +/-2 window, affixes,
a place gazetteer, cue lists, word clusters, first names seen in the training data, and
document-level evidence. The last matters on news: headlines are ALL CAPS and first words are
capitalised anyway, so each such word is "truecased" to the form the same document (or,
failing that, the training text) uses mid-sentence before its features are built.

The artifact (``models/ner-crf.crfsuite``, ``models/ner-crf-doc.crfsuite``,
``models/ner-lexicon.json.gz``) is made by
``scripts/train_ner``; it is loaded lazily, once per process (one tagger per thread, since a
CRFsuite tagger is not thread-safe).
"""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from streams.enrich.ner_features import Featurizer, Lexicon, stack_features
from streams.enrich.tokenize import Token
from streams.enrich.types import Span

MODEL_DIR = Path(__file__).resolve().parent / "models"
FIRST_NAME = "ner-crf.crfsuite"  # first pass: sentence + document-evidence features
SECOND_NAME = "ner-crf-doc.crfsuite"  # second pass: adds the first pass's document tags
LEXICON_NAME = "ner-lexicon.json.gz"
LABELS = ("PER", "ORG", "LOC", "MISC")


def spans_from_tags(text: str, tokens: Sequence[Token], tags: Sequence[str]) -> list[Span]:
    """BIO or BILOU tags over tokens -> character spans.

    An I-/L- continues the open span of its label; any other entity tag opens a new one (so
    a stray I- still yields a span), and an L-/U- closes the span it ends.
    """
    spans: list[Span] = []
    label = ""
    start = end = 0
    for (_, s, e), tag in zip(tokens, tags, strict=True):
        if label and tag[:2] in ("I-", "L-") and tag[2:] == label:
            end = e
        else:
            if label:
                spans.append(Span(text[start:end], label, start, end))
                label = ""
            if tag != "O":
                label, start, end = tag[2:], s, e
        if label and tag[:2] in ("L-", "U-"):
            spans.append(Span(text[start:end], label, start, end))
            label = ""
    if label:
        spans.append(Span(text[start:end], label, start, end))
    return spans


class _Model:
    """First-pass CRF + document-level second-pass CRF, sharing one featurizer."""

    def __init__(self, model_dir: Path = MODEL_DIR) -> None:
        with gzip.open(model_dir / LEXICON_NAME, "rt", encoding="utf-8") as fh:
            self.featurizer = Featurizer(Lexicon.from_json(json.load(fh)))
        self.paths = (str(model_dir / FIRST_NAME), str(model_dir / SECOND_NAME))
        self._local = threading.local()

    def taggers(self) -> tuple[Any, Any]:
        taggers = getattr(self._local, "taggers", None)
        if taggers is None:
            import pycrfsuite

            taggers = (pycrfsuite.Tagger(), pycrfsuite.Tagger())
            for tagger, path in zip(taggers, self.paths, strict=True):
                tagger.open(path)
            self._local.taggers = taggers
        return taggers

    def tag(self, text: str) -> list[Span]:
        if not text or text.isspace():
            return []
        sents, feats = self.featurizer.document(text)
        first, second = self.taggers()
        tags1 = [first.tag(x) for x in feats]
        spans: list[Span] = []
        for sent, x, extra in zip(sents, feats, stack_features(sents, tags1), strict=True):
            for f, e in zip(x, extra, strict=True):
                f.extend(e)  # feature lists are built per call, so extending in place is safe
            spans.extend(spans_from_tags(text, sent, second.tag(x)))
        return spans


_model: _Model | None = None
_lock = threading.Lock()


def _get_model() -> _Model:
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                _model = _Model()
    return _model


def tag_entities(text: str) -> list[Span]:
    """Named entities (PER/ORG/LOC/MISC) in raw ``text``, sorted, non-overlapping."""
    return _get_model().tag(text)


def tag_entities_batch(texts: Iterable[str]) -> list[list[Span]]:
    """``tag_entities`` over many texts (shares the loaded model and word cache)."""
    model = _get_model()
    return [model.tag(t) for t in texts]

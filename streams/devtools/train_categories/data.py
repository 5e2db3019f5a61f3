"""The labelled training stories of the category model: which dev file holds which
corpus, how AG and BBC desks map to IPTC slugs, and each story's per-slug target and sample
weight (corpus weights, class balance, the other taxonomies' weak negatives).

numpy only, so that this part can be imported and tested without the `train` extra.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from schemas.models import CATEGORY_SLUGS, story_text

SEED = 20240601

FILES = {  # corpus -> dev file
    "nyt": "iptc-nytcap-dev.jsonl",
    "huff": "iptc-huffpost-dev.jsonl",
    "ag": "agnews-dev.jsonl",
    "bbc": "bbc-dev.jsonl",
}
AG_GOLD = {
    "Sports": "sport",
    "Business": "economy-business-finance",
    "Sci/Tech": "science-technology",
}
BBC_GOLD = {
    "sport": "sport",
    "business": "economy-business-finance",
    "tech": "science-technology",
    "politics": "politics",
    "entertainment": "arts-culture-entertainment-media",
}
# Sample weight of a story per corpus: HuffPost is the smallest modern set and AG's desks
# differ most from the policy-coded NYT topics (cross-validated: docs/categories.md).
CORPUS_WEIGHT = {"nyt": 1.0, "huff": 2.0, "ag": 3.0, "bbc": 4.0}
# A story's weight also scales with (its slug's story count / the mean count) ** -CLASS_BALANCE,
# so the small slugs (labour, disaster, religion) are not drowned by politics.
CLASS_BALANCE = 0.5
# AG and BBC label stories with 4-5 desks: an AG/BBC story is evidence for its own slug and
# against the other desks, but says little about slugs its taxonomy lacks (a Business story
# may be about a strike): weight of those negative examples.
OTHER_TAXONOMY_WEIGHT = 0.3
SLUGS = list(CATEGORY_SLUGS)


@dataclass
class Corpus:
    """The labelled stories: text, corpus, original label, slug (None: AG World), alts."""

    texts: list[str] = field(default_factory=list)
    corpus: list[str] = field(default_factory=list)
    label: list[str] = field(default_factory=list)
    slug: list[str | None] = field(default_factory=list)
    alts: list[list[str]] = field(default_factory=list)

    def idx(self, name: str) -> np.ndarray:
        return np.array([i for i, c in enumerate(self.corpus) if c == name])


def load(data: Path) -> Corpus:
    out = Corpus()
    for name, fname in FILES.items():
        with (data / fname).open(encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                lab = rec["label"]
                gold = {"ag": AG_GOLD.get(lab), "bbc": BBC_GOLD.get(lab)}.get(name, lab)
                out.texts.append(story_text(rec.get("headline") or None, rec.get("body") or ""))
                out.corpus.append(name)
                out.label.append(lab)
                out.slug.append(gold)
                out.alts.append(list(rec.get("label_alt") or []))
    return out


def targets(c: Corpus) -> tuple[np.ndarray, np.ndarray]:
    """Per story and slug: target (0/1) and sample weight (0: no example for that slug)."""
    y = np.zeros((len(c.texts), len(SLUGS)))
    size = Counter(c.slug)
    mean = np.mean([n for slug, n in size.items() if slug])
    w = np.outer([CORPUS_WEIGHT[name] for name in c.corpus], np.ones(len(SLUGS)))
    desks = [SLUGS.index(s) for s in AG_GOLD.values()]
    taxonomy = {"ag": desks, "bbc": [SLUGS.index(s) for s in BBC_GOLD.values()]}
    for i, slug in enumerate(c.slug):
        if slug is None:  # AG World: not sport, business or tech; no evidence otherwise
            w[i, [k for k in range(len(SLUGS)) if k not in desks]] = 0.0
            continue
        y[i, SLUGS.index(slug)] = 1.0
        w[i] *= (size[slug] / mean) ** -CLASS_BALANCE
        if c.corpus[i] in taxonomy:
            other = [k for k in range(len(SLUGS)) if k not in taxonomy[c.corpus[i]]]
            w[i, other] *= OTHER_TAXONOMY_WEIGHT
    return y, w

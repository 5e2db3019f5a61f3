"""The source stories of the near-duplicate evaluation: dev stories as headline plus
paragraphs of sentences (so edits can work on structure), exact shingle Jaccard, and the
pass that drops near-identical sources so that the ground truth is clean."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from streams.pipeline.neardup import normalise

_SENT = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’]))\s+(?=[\"“‘(]?[A-Z0-9])")
_ENTITY = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]{2,}\b")


@dataclass
class Doc:
    """A story as headline + paragraphs of sentences, so edits can work on structure."""

    id: str
    label: str
    headline: str
    paras: list[list[str]]
    entities: frozenset[str] = field(default_factory=frozenset)

    def render(self) -> str:
        body = "\n\n".join(" ".join(p) for p in self.paras if p)
        return f"{self.headline}\n\n{body}" if self.headline else body

    def words(self) -> int:
        return sum(len(s.split()) for p in self.paras for s in p)


def _paragraphs(text: str) -> list[list[str]]:
    """Paragraphs of sentences; single-block texts are regrouped into 3-sentence paragraphs."""
    paras = [[s for s in _SENT.split(p.strip()) if s] for p in re.split(r"\n\s*\n", text)]
    paras = [p for p in paras if p]
    if len(paras) < 3:
        sents = [s for p in paras for s in p]
        paras = [sents[i : i + 3] for i in range(0, len(sents), 3)]
    return paras


def load_sources(folder: Path) -> list[Doc]:
    docs: list[Doc] = []
    with open(folder / "bbc-dev.jsonl", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            docs.append(Doc(r["id"], r["label"], r["headline"].strip(), _paragraphs(r["body"])))
    for name in ("geo-gwn-dev.jsonl", "geo-geovirus-dev.jsonl"):
        with open(folder / name, encoding="utf-8") as fh:
            for line in fh:
                r = json.loads(line)
                paras = _paragraphs(r["text"])
                head = (r.get("title") or "").strip()
                if not head and paras:  # GeoVirus has no title: use the first sentence
                    head = paras[0].pop(0)
                docs.append(Doc(r["id"], "geo", head, [p for p in paras if p]))
    for d in docs:
        text = " ".join(" ".join(p) for p in d.paras)
        d.entities = frozenset(_ENTITY.findall(text))
    return [d for d in docs if d.words() >= 40 and len(d.paras) >= 2]


def shingles(text: str, k: int) -> set[tuple[str, ...]]:
    w = normalise(text).split()
    k = min(k, len(w))
    return {tuple(w[i : i + k]) for i in range(len(w) - k + 1)} if w else set()


def jaccard(a: set[tuple[str, ...]], b: set[tuple[str, ...]]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def dedupe(docs: list[Doc], k: int = 5, limit: float = 0.3) -> tuple[list[Doc], int]:
    """Drop a source whose exact shingle Jaccard with an earlier kept source is >= limit."""
    inverted: dict[tuple[str, ...], list[int]] = defaultdict(list)
    sets: list[set[tuple[str, ...]]] = []
    kept: list[Doc] = []
    for d in docs:
        s = shingles(d.render(), k)
        hits = Counter(i for sh in s for i in inverted.get(sh, ()))
        if any(jaccard(s, sets[i]) >= limit for i, _ in hits.most_common(5)):
            continue
        for sh in s:
            inverted[sh].append(len(sets))
        sets.append(s)
        kept.append(d)
    return kept, len(docs) - len(kept)

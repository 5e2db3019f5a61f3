"""The evaluation stream: every kept source once, its edited variants (positives), the
"lede" stories that share another story's first sentences (negatives) and the same-topic
pairs (hard negatives), shuffled with a seed; and the split of its families into a tuning
half and a held-out half."""

from __future__ import annotations

import itertools
import random
import zlib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from streams.devtools.neardup_eval.edits import EDIT_FUNCS, EDITS, copy_doc
from streams.devtools.neardup_eval.sources import Doc, dedupe, load_sources


@dataclass
class Item:
    id: str
    family: str
    kind: str  # original | <edit> | combo | lede
    text: str
    source: str | None = None  # the outlet, in the boilerplate streams


@dataclass
class Stream:
    items: list[Item]
    positives: dict[str, list[tuple[str, str]]]  # kind -> (original id, variant id)
    same_topic: list[tuple[str, str]]  # hard negatives between originals
    lede_pairs: list[tuple[str, str]]  # (A, B') sharing A's lede
    dropped_dups: int


def build_stream(folder: Path, seed: int) -> Stream:
    rng = random.Random(seed)
    docs, dropped = dedupe(load_sources(folder))
    order = docs[:]
    rng.shuffle(order)
    n_lede = len(order) // 10 * 2  # 20% of sources, in pairs
    lede_src, main = order[:n_lede], order[n_lede:]
    items: list[Item] = []
    positives: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for d in main:
        items.append(Item(d.id, d.id, "original", d.render()))
        kind = rng.choice(EDITS)
        v = copy_doc(d)
        EDIT_FUNCS[kind](v, rng, main)
        items.append(Item(f"{d.id}~{kind}", d.id, kind, v.render()))
        positives[kind].append((d.id, f"{d.id}~{kind}"))
        if rng.random() < 0.5:
            v = copy_doc(d)
            for k in rng.sample(EDITS, rng.randint(2, 3)):
                EDIT_FUNCS[k](v, rng, main)
            items.append(Item(f"{d.id}~combo", d.id, "combo", v.render()))
            positives["combo"].append((d.id, f"{d.id}~combo"))
    lede_pairs = []
    for a, b in zip(lede_src[0::2], lede_src[1::2], strict=True):
        items.append(Item(a.id, a.id, "original", a.render()))
        rest = [s for p in b.paras[1:] for s in p]
        rest_words = sum(len(s.split()) for s in rest)
        frac = rng.uniform(0.2, 0.5)
        lede: list[str] = []
        for s in (s for p in a.paras for s in p):
            if sum(len(x.split()) for x in lede) >= frac / (1 - frac) * rest_words:
                break
            lede.append(s)
        text = f"{b.headline}\n\n{' '.join(lede)}\n\n{' '.join(rest)}"
        items.append(Item(f"{b.id}~lede", f"{b.id}~lede", "lede", text))
        lede_pairs.append((a.id, f"{b.id}~lede"))
    rng.shuffle(items)
    # same-topic hard negatives: same label, >= 3 shared capitalised names
    by_label: dict[str, list[Doc]] = defaultdict(list)
    for d in main:
        by_label[d.label].append(d)
    same_topic = [
        (x.id, y.id)
        for group in by_label.values()
        for x, y in itertools.combinations(group, 2)
        if len(x.entities & y.entities) >= 3
    ]
    return Stream(items, dict(positives), same_topic, lede_pairs, dropped)


def half(stream: Stream, which: int) -> Stream:
    """The families whose id hashes to ``which`` (0: tuning, 1: held out)."""

    def keep(family: str) -> bool:
        return zlib.crc32(family.encode()) % 2 == which

    fam = {it.id: it.family for it in stream.items}
    return Stream(
        [it for it in stream.items if keep(it.family)],
        {k: [p for p in v if keep(fam[p[0]])] for k, v in stream.positives.items()},
        [p for p in stream.same_topic if keep(fam[p[0]]) and keep(fam[p[1]])],
        [p for p in stream.lede_pairs if keep(fam[p[0]]) and keep(fam[p[1]])],
        stream.dropped_dups,
    )

"""Scoring one run of ``NearDupIndex`` over a stream: pair metrics (same ``cluster_id`` vs
"variants of the same source"), link metrics (each ``duplicate_of`` decision), recall per
edit kind, false matches among hard negatives and within one outlet, and how hard each edit
is (median exact shingle Jaccard)."""

from __future__ import annotations

import itertools
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from streams.devtools.neardup_eval.sources import jaccard, shingles
from streams.devtools.neardup_eval.stream import Stream
from streams.pipeline.neardup import NearDupIndex


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def pairs_of(groups: Iterable[list[str]]) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for g in groups:
        out.update(itertools.combinations(sorted(g), 2))
    return out


def run(stream: Stream, **params: float) -> dict[str, Any]:
    idx = NearDupIndex(**params)  # type: ignore[arg-type]
    t0 = time.perf_counter()
    results = {it.id: idx.check_and_add(it.id, it.text, it.source) for it in stream.items}
    elapsed = time.perf_counter() - t0
    family = {it.id: it.family for it in stream.items}
    clusters: dict[str, list[str]] = defaultdict(list)
    fams: dict[str, list[str]] = defaultdict(list)
    for it in stream.items:
        clusters[results[it.id].cluster_id].append(it.id)
        fams[it.family].append(it.id)
    pred, true = pairs_of(clusters.values()), pairs_of(fams.values())
    tp = len(pred & true)
    p, r, f = prf(tp, len(pred) - tp, len(true) - tp)
    # link level: each duplicate_of decision
    seen: set[str] = set()
    ltp = lfp = lfn = 0
    for it in stream.items:
        res = results[it.id]
        should = it.family in seen
        seen.add(it.family)
        if res.duplicate_of is not None:
            if family[res.duplicate_of] == it.family:
                ltp += 1
            else:
                lfp += 1
        if should and (res.duplicate_of is None or family[res.duplicate_of] != it.family):
            lfn += 1
    lp, lr, lf = prf(ltp, lfp, lfn)

    def together(a: str, b: str) -> bool:
        return results[a].cluster_id == results[b].cluster_id

    per_kind = {k: sum(together(a, b) for a, b in v) / len(v) for k, v in stream.positives.items()}
    return {
        "params": params,
        "pair": {"precision": p, "recall": r, "f1": f, "tp": tp, "fp": len(pred) - tp},
        "link": {"precision": lp, "recall": lr, "f1": lf},
        "recall_by_edit": per_kind,
        "same_topic_fp": sum(together(a, b) for a, b in stream.same_topic),
        "lede_fp": sum(together(a, b) for a, b in stream.lede_pairs),
        "outlet_fp": outlet_false_pairs(stream, results),
        "us_per_story": elapsed / len(stream.items) * 1e6,
        "bands_rows": [idx.bands, idx.rows],
    }


def outlet_false_pairs(stream: Stream, results: dict[str, Any]) -> int:
    """Pairs of different stories of one outlet put in one cluster (boilerplate matches)."""
    groups: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for it in stream.items:
        if it.source is not None:
            groups[(it.source, results[it.id].cluster_id)][it.family] += 1
    false = 0
    for fams in groups.values():
        n = sum(fams.values())
        false += (n * (n - 1) - sum(c * (c - 1) for c in fams.values())) // 2
    return false


def exact_jaccards(stream: Stream, k: int) -> dict[str, float]:
    """Median exact shingle Jaccard per edit kind: how hard each edit is at this shingle."""
    text = {it.id: it.text for it in stream.items}
    out = {}
    for kind, pairs in sorted(stream.positives.items()):
        out[kind] = statistics.median(
            jaccard(shingles(text[a], k), shingles(text[b], k)) for a, b in pairs
        )
    out["lede(neg)"] = statistics.median(
        jaccard(shingles(text[a], k), shingles(text[b], k)) for a, b in stream.lede_pairs
    )
    return out

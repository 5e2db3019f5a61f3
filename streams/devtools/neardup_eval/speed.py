"""Speed and size of ``NearDupIndex``: best-of-n throughput with per-call latency, the same
pipeline on datasketch (the `bench` extra; skipped when it is not installed), and the
memory a full index holds (tracemalloc)."""

from __future__ import annotations

import time
import tracemalloc
from typing import Any

import numpy as np

from streams.pipeline.neardup import NearDupIndex, lsh_params, normalise


def throughput(texts: list[str], repeat: int = 3, **params: float) -> dict[str, float]:
    """Best-of-`repeat` stories/s through a fresh index, plus per-call p50/p99 (µs)."""
    best = float("inf")
    lat: list[float] = []
    for _ in range(repeat):
        idx = NearDupIndex(**params)  # type: ignore[arg-type]
        calls = []
        t0 = time.perf_counter()
        for i, t in enumerate(texts):
            c0 = time.perf_counter()
            idx.check_and_add(str(i), t)
            calls.append(time.perf_counter() - c0)
        el = time.perf_counter() - t0
        if el < best:
            best, lat = el, calls
    lat.sort()
    return {
        "stories_per_s": len(texts) / best,
        "us_mean": best / len(texts) * 1e6,
        "us_p50": lat[len(lat) // 2] * 1e6,
        "us_p99": lat[int(len(lat) * 0.99)] * 1e6,
    }


def datasketch_throughput(texts: list[str], **params: float) -> dict[str, float] | None:
    """Same pipeline on datasketch 2.0 (MinHash.update_batch + MinHashLSH + jaccard verify)."""
    try:
        from datasketch import MinHash, MinHashLSH
    except ImportError:
        return None
    t, p, k = float(params["threshold"]), int(params["num_perm"]), int(params["shingle"])
    window = int(params.get("window", 50_000))
    template = MinHash(num_perm=p, seed=1)  # permutations drawn once, reused (fast path)
    lsh = MinHashLSH(threshold=t, num_perm=p, params=lsh_params(t, p))
    sigs: dict[str, MinHash] = {}
    fifo: list[str] = []
    t0 = time.perf_counter()
    for i, text in enumerate(texts):
        w = normalise(text).split()
        kk = min(k, len(w))
        m = MinHash(num_perm=p, permutations=template.permutations, scheme=template.scheme)
        m.update_batch([" ".join(w[j : j + kk]).encode() for j in range(len(w) - kk + 1)])
        cands = sorted((c for c in lsh.query(m)), key=lambda c: int(c))
        sims = [(m.jaccard(sigs[c]), -int(c)) for c in cands]
        _ = max((s for s in sims if s[0] >= t), default=None)
        key = str(i)
        if len(fifo) >= window:
            old = fifo.pop(0)
            lsh.remove(old)
            del sigs[old]
        lsh.insert(key, m, check_duplication=False)
        sigs[key] = m
        fifo.append(key)
    el = time.perf_counter() - t0
    return {"stories_per_s": len(texts) / el, "us_mean": el / len(texts) * 1e6}


def memory(
    window: int, extra: int, vocab: list[str], words: int, **params: float
) -> dict[str, Any]:
    """tracemalloc bytes held by a full index of synthetic unique `words`-word stories."""
    rng = np.random.default_rng(7)
    vocab_arr = np.array(vocab)
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    idx = NearDupIndex(window=window, **params)  # type: ignore[arg-type]
    empty = tracemalloc.get_traced_memory()[0] - base
    for i in range(window + extra):
        idx.check_and_add(f"story-{i:08d}", " ".join(rng.choice(vocab_arr, words)))
    full = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    return {
        "window": window,
        "stories_fed": window + extra,
        "len_after": len(idx),
        "bytes_empty": empty,
        "bytes_full": full,
        "bytes_per_story": full / window,
    }

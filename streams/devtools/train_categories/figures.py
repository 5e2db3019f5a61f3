"""The figures of a run: per-corpus accuracy and recall of a set of predictions,
calibration error, the abstain threshold and what it does on held-out stories, and their
printed table.

numpy only, so that this part can be imported and tested without the `train` extra.
"""

from __future__ import annotations

import numpy as np

from streams.devtools.train_categories.data import FILES, SLUGS, Corpus, targets
from streams.enrich.category_metrics import (
    ag_label,
    bbc_label,
    expected_calibration_error,
    topic_scores,
)


def corpus_figures(c: Corpus, pred: list[str]) -> dict[str, dict]:
    """Per corpus: strict/lenient accuracy, macro and per-slug recall, confused pairs."""
    out = {}
    for name in FILES:
        idx = c.idx(name)
        if name == "ag":
            out[name] = topic_scores([c.label[i] for i in idx], [ag_label(pred[i]) for i in idx])
        elif name == "bbc":
            out[name] = topic_scores([c.label[i] for i in idx], [bbc_label(pred[i]) for i in idx])
        else:
            gold = [c.label[i] for i in idx]
            out[name] = topic_scores(gold, [pred[i] for i in idx], [c.alts[i] for i in idx])
    iptc = np.concatenate([c.idx("nyt"), c.idx("huff")])
    out["iptc"] = topic_scores([c.label[i] for i in iptc], [pred[i] for i in iptc])
    return out


def choose_abstain(best: np.ndarray, correct: np.ndarray) -> float:
    """The threshold maximising (right - wrong) among the routed stories: below it the best
    slug is more often wrong than right on held-out data, so routing it would be a guess."""
    order = np.argsort(-best)
    gain = np.cumsum(np.where(correct[order], 1.0, -1.0))
    k = int(np.argmax(gain))
    return float(round((best[order][k] + best[order][min(k + 1, len(best) - 1)]) / 2, 3))


def calibration_figures(c: Corpus, probs: np.ndarray) -> dict[str, object]:
    """ECE of the best score (per corpus) and of every (story, slug) score (IPTC files),
    the abstain threshold and what it does on held-out stories."""
    y, _ = targets(c)
    best, top = probs.max(axis=1), probs.argmax(axis=1)
    ok = np.array([SLUGS[t] == s for t, s in zip(top, c.slug, strict=True)])
    iptc = np.concatenate([c.idx("nyt"), c.idx("huff")])
    out: dict[str, object] = {
        f"ece_best_{name}": round(expected_calibration_error(best[c.idx(name)], ok[c.idx(name)]), 4)
        for name in ("nyt", "huff", "bbc")
    }
    pairs = probs[iptc].ravel()
    out["ece_all_slugs_iptc"] = round(expected_calibration_error(pairs, y[iptc].ravel() > 0), 4)
    t = choose_abstain(best[iptc], ok[iptc])
    routed = best[iptc] >= t
    out |= {
        "abstain_threshold": t,
        "abstain_rate_iptc": round(1 - routed.mean(), 4),
        "accuracy_routed_iptc": round(ok[iptc][routed].mean(), 4),
        "accuracy_abstained_iptc": round(ok[iptc][~routed].mean(), 4) if (~routed).any() else None,
        "stories_with_two_slugs_over_0.5": int(((probs[iptc] > 0.5).sum(axis=1) > 1).sum()),
    }
    return out


def print_figures(title: str, fig: dict[str, dict]) -> None:
    print(f"\n{title}")
    for name in ("nyt", "huff", "ag", "bbc"):
        m = fig[name]
        extra = f" lenient {m['lenient_accuracy']:.4f}" if name in ("nyt", "huff") else ""
        strict, macro = m["strict_accuracy"], m["macro_recall"]
        print(f"  {name:<5} strict {strict:.4f}{extra} macro recall {macro:.4f}")
    print("  recall per slug (NYT-CAP + HuffPost held-out; n):")
    for slug, r in fig["iptc"]["recall"].items():
        print(f"    {slug:<34} {r['recall']:.4f}  ({r['n']})")
    pairs = ", ".join(f"{e['a']}<->{e['b']} {e['n']}" for e in fig["iptc"]["confused"][:6])
    print(f"  most confused: {pairs}")

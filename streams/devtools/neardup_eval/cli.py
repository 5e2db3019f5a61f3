"""Measure streams/pipeline/neardup.py on wire-style edits of real dev stories; print a
table + JSON.

Why a script: the threshold/num_perm/shingle defaults must be justified by figures anyone can
re-run. Sources are bbc-dev.jsonl (headline + body) and geo-*.jsonl (text) from the shared
eval-dev folder (read in place, never copied). Near-identical sources (the BBC corpus repeats
~60 articles) are dropped first so that ground truth is clean.

The stream (deterministic shuffle, --seed) holds:
  * every kept source once (an "original");
  * positives: one single-edit variant per source (trim tail / reorder paragraphs / new
    headline / word substitutions "said"->"says", numbers updated / dateline-byline prefix)
    and, for half of them, a variant with 2-3 of those edits combined;
  * negatives: all other pairs, notably same-label stories sharing entities ("same topic"),
    and "lede" stories: B' = A's first sentences (20-50% of B') + the rest of another story B.
Pair metrics: a pair is predicted positive when both stories get the same cluster_id; truth
is "variants of the same source". Link metrics score each `duplicate_of` decision instead.

Per-source boilerplate: the same stream given to 40 outlets, most adding their own footer or
header to every item, whole or cut to feed summaries, each half of the families with its
own boilerplate templates (tuning / held out); the table compares the boilerplate rule off
and on.

    scripts/eval_neardup                 # thresholds 0.5..0.9, throughput, memory, datasketch
    scripts/eval_neardup --grid          # also sweep num_perm x shingle (slower, ~1-2 min)
    scripts/eval_neardup --quick         # metrics only (no memory / datasketch timing)
    scripts/eval_neardup --boilerplate-grid  # only the boilerplate table, its settings swept
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from streams.devtools.eval_data import eval_data_dir
from streams.devtools.neardup_eval.boilerplate import BP_DEFAULT, boilerplate_report
from streams.devtools.neardup_eval.edits import EDITS
from streams.devtools.neardup_eval.scoring import exact_jaccards, run
from streams.devtools.neardup_eval.speed import datasketch_throughput, memory, throughput
from streams.devtools.neardup_eval.stream import Stream, build_stream
from streams.pipeline.neardup import NearDupIndex

THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9)


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--data", type=Path, default=eval_data_dir())
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--grid", action="store_true", help="sweep num_perm x shingle too")
    ap.add_argument("--quick", action="store_true", help="skip memory and datasketch runs")
    ap.add_argument("--mem-window", type=int, default=50_000)
    ap.add_argument(
        "--boilerplate-grid",
        action="store_true",
        help="only the per-source boilerplate table, sweeping its settings",
    )
    return ap


def _print_stream(stream: Stream, shingle: int) -> None:
    """What the stream holds and how hard each edit is at the default shingle."""
    kinds = Counter(it.kind for it in stream.items)
    print(
        f"stream: {len(stream.items)} stories ({dict(kinds)}); "
        f"{stream.dropped_dups} near-identical sources dropped; "
        f"{len(stream.same_topic)} same-topic hard-negative pairs; {len(stream.lede_pairs)} "
        f"shared-lede negative pairs"
    )
    print(
        f"median exact Jaccard (shingle={shingle}):",
        {k: round(v, 3) for k, v in exact_jaccards(stream, shingle).items()},
    )


def _print_thresholds(rows: list[dict[str, Any]]) -> None:
    """The table of one row per (num_perm, shingle, threshold) run."""
    edits = [*EDITS, "combo"]
    head = (
        f"{'perm':>4} {'sh':>2} {'thr':>4} {'b x r':>6} | {'pairP':>6} {'pairR':>6} {'pairF1':>6} "
        f"| {'linkP':>6} {'linkR':>6} | "
        + " ".join(f"{e[:6]:>6}" for e in edits)
        + f" | {'topFP':>5} {'ledeFP':>6} {'µs':>5}"
    )
    print("\n" + head + "\n" + "-" * len(head))
    for r in rows:
        pa, li, rk, pr = r["pair"], r["link"], r["recall_by_edit"], r["params"]
        print(
            f"{pr['num_perm']:>4} {pr['shingle']:>2} {pr['threshold']:>4} "
            f"{'x'.join(map(str, r['bands_rows'])):>6} | "
            f"{pa['precision']:6.3f} {pa['recall']:6.3f} "
            f"{pa['f1']:6.3f} | {li['precision']:6.3f} {li['recall']:6.3f} | "
            + " ".join(f"{rk.get(e, float('nan')):6.3f}" for e in edits)
            + f" | {r['same_topic_fp']:>5} {r['lede_fp']:>6} {r['us_per_story']:5.0f}"
        )


def _quality(
    args: argparse.Namespace, stream: Stream, defaults: NearDupIndex, dp: dict[str, int]
) -> dict[str, Any]:
    """Run the threshold sweep (and the grid), print its table and the boilerplate table;
    the JSON summary's quality part."""
    grid = [(dp["num_perm"], dp["shingle"])]
    if args.grid:
        grid = [(p, k) for p in (32, 64, 128) for k in (3, 4, 5, 7)]
    rows = [run(stream, threshold=t, num_perm=p, shingle=k) for p, k in grid for t in THRESHOLDS]
    _print_thresholds(rows)
    chosen = next(r for r in rows if r["params"] == {"threshold": defaults.threshold, **dp})
    best = max(rows, key=lambda r: r["pair"]["f1"])
    print(
        f"\ndefault {chosen['params']}: pair F1 {chosen['pair']['f1']:.3f}; "
        f"best F1 in this run {best['pair']['f1']:.3f} at {best['params']}"
    )
    return {
        "stories": len(stream.items),
        "default": chosen["params"],
        "default_pair": chosen["pair"],
        "default_link": chosen["link"],
        "default_recall_by_edit": chosen["recall_by_edit"],
        "by_threshold": {
            str(r["params"]["threshold"]): {k: round(v, 4) for k, v in r["pair"].items()}
            for r in rows
            if (r["params"]["num_perm"], r["params"]["shingle"]) == grid[0] or not args.grid
        },
        "best": {"params": best["params"], "f1": best["pair"]["f1"]},
        "boilerplate": boilerplate_report(stream, args.seed, defaults, [(0, 0), BP_DEFAULT]),
    }


def _throughputs(eval_texts: list[str], out: dict[str, Any]) -> list[str]:
    """Print the throughput on the eval stream and on its 150-word cuts (added to ``out``);
    the cuts, which the datasketch comparison reuses."""
    tp = throughput(eval_texts)
    mean_words = statistics.mean(len(t.split()) for t in eval_texts)
    print(
        f"\nthroughput on the eval stream (mean {mean_words:.0f} "
        f"words): {tp['stories_per_s']:.0f} stories/s, mean {tp['us_mean']:.0f} µs, "
        f"p50 {tp['us_p50']:.0f} µs, p99 {tp['us_p99']:.0f} µs"
    )
    short = [" ".join(t.split()[:150]) for t in eval_texts if len(t.split()) >= 150]
    tp150 = throughput(short)
    print(
        f"throughput on {len(short)} 150-word stories: {tp150['stories_per_s']:.0f} stories/s, "
        f"mean {tp150['us_mean']:.0f} µs, p50 {tp150['us_p50']:.0f} µs, "
        f"p99 {tp150['us_p99']:.0f} µs"
    )
    out["throughput_eval"] = tp
    out["throughput_150w"] = tp150
    return short


def _datasketch_and_memory(
    args: argparse.Namespace,
    eval_texts: list[str],
    short: list[str],
    threshold: float,
    dp: dict[str, int],
    out: dict[str, Any],
) -> None:
    """The slow part (skipped by --quick): datasketch on the same stories, and memory."""
    ds = datasketch_throughput(short[:1500], threshold=threshold, **dp)
    if ds is None:
        print("datasketch not installed: comparison skipped")
    else:
        ours = throughput(short[:1500], repeat=1)
        print(
            f"same 1500 150-word stories: datasketch 2.0 {ds['us_mean']:.0f} µs/story vs "
            f"NearDupIndex {ours['us_mean']:.0f} µs/story "
            f"({ds['us_mean'] / ours['us_mean']:.1f}x)"
        )
        out["datasketch_150w"] = {"datasketch_us": ds["us_mean"], "ours_us": ours["us_mean"]}
    vocab = sorted({w for t in eval_texts for w in t.split()})
    mem = memory(args.mem_window, 5_000, vocab, 150)
    print(
        f"memory: window {mem['window']}, fed {mem['stories_fed']}, len {mem['len_after']}: "
        f"{mem['bytes_full'] / 2**20:.1f} MiB = {mem['bytes_per_story']:.0f} bytes/story "
        f"(empty index {mem['bytes_empty'] / 2**20:.1f} MiB)"
    )
    out["memory"] = mem


def main(argv: list[str] | None = None) -> None:
    """`scripts/eval_neardup` with ``argv`` (default: ``sys.argv[1:]``): the tables, then
    the JSON summary line."""
    args = _parser().parse_args(argv)
    if not (args.data / "bbc-dev.jsonl").exists():
        sys.exit(f"eval data not found in {args.data} (set NEWSSTREAM_EVAL_DATA)")

    defaults = NearDupIndex(window=1)
    dp = {"num_perm": defaults.num_perm, "shingle": defaults.shingle}
    stream = build_stream(args.data, args.seed)
    if args.boilerplate_grid:
        grid = [(k, keep) for k in (2, 3, 4) for keep in (4, 8, 16) if k <= keep]
        boilerplate_report(stream, args.seed, defaults, [(0, 0), *grid])
        return
    _print_stream(stream, dp["shingle"])
    out = _quality(args, stream, defaults, dp)
    eval_texts = [it.text for it in stream.items]
    short = _throughputs(eval_texts, out)
    if not args.quick:
        _datasketch_and_memory(args, eval_texts, short, defaults.threshold, dp, out)
    print(json.dumps(out, separators=(",", ":"), default=float))

"""The near-duplicate evaluation behind `scripts/eval_neardup`: `streams/pipeline/neardup.py`
on wire-style edits of real dev stories, with figures anyone can re-run (docs/neardup.md).
By role: `sources` (dev stories, exact Jaccard, dedupe), `edits` (the wire-style edits),
`stream` (the labelled stream and its tuning / held-out halves), `scoring` (one run's
metrics), `boilerplate` (per-outlet boilerplate streams and their table), `speed`
(throughput, datasketch, memory) and `cli` (the flags, the tables and the JSON line).
"""

from __future__ import annotations

from streams.devtools.neardup_eval.cli import main

__all__ = ["main"]

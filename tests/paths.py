"""Where the tests find the repository's files and the shared dev data (one definition)."""

from __future__ import annotations

from pathlib import Path

from streams.devtools.eval_data import eval_data_dir

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds" / "000_1ea569509353b790.txt"
#: How many stories SEEDS holds (every one of them concerns the US).
SEED_STORIES = 6
#: The human-annotated dev data (../shared/data/eval-dev); NEWSSTREAM_EVAL_DATA overrides it.
EVAL_DATA = eval_data_dir()

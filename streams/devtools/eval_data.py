"""Where the development tools find the shared dev data (one definition for all of them).

The human-annotated dev files live beside the repository (``../shared/data/eval-dev``) and
are read in place, never copied; ``NEWSSTREAM_EVAL_DATA`` points the tools elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["ROOT", "eval_data_dir"]

#: The repository's root folder (this file is streams/devtools/eval_data.py).
ROOT = Path(__file__).resolve().parents[2]


def eval_data_dir() -> Path:
    """``NEWSSTREAM_EVAL_DATA`` if set, else ``../shared/data/eval-dev`` beside the repo."""
    env = os.environ.get("NEWSSTREAM_EVAL_DATA")
    return Path(env) if env else ROOT.parent / "shared/data/eval-dev"

"""IPTC top-level category classifier (implementation pending: categories helper).

INTERFACE: classify(text: str) -> list[tuple[str, float]]  # all 17 slugs? best first, scores in [0,1]
"""

from __future__ import annotations


def classify(text: str) -> list[tuple[str, float]]:
    raise NotImplementedError

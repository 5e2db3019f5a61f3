"""The pipeline's logic without Kafka or Faust, so the worker, the benchmark and the tests
run the same code: raw bytes to a story or a rejection (``decode``), the per-story work of
enrichment, near-duplicate marking and routing (``processing``, ``neardup``), the id
horizon that recognises re-published stories (``dedupe``), exactly-once count rows and
their delta events (``counting``) and trend scores over the counted windows (``trending``;
its ``trending`` function is not re-exported here, since the name would hide the module).
"""

from streams.pipeline.counting import (
    EMPTY_ROW,
    Entries,
    Row,
    apply_delta,
    delta_items,
    trim_windows,
)
from streams.pipeline.decode import Limits, Rejection, decode_story
from streams.pipeline.dedupe import FingerprintSet, IdHorizon, fingerprint, pack, unpack
from streams.pipeline.neardup import DupResult, NearDupIndex, lsh_params, normalise
from streams.pipeline.processing import PIPELINE_VERSION, Processed, enriched_record, process_story
from streams.pipeline.trending import parse_window

__all__ = [
    "EMPTY_ROW",
    "PIPELINE_VERSION",
    "DupResult",
    "Entries",
    "FingerprintSet",
    "IdHorizon",
    "Limits",
    "NearDupIndex",
    "Processed",
    "Rejection",
    "Row",
    "apply_delta",
    "decode_story",
    "delta_items",
    "enriched_record",
    "fingerprint",
    "lsh_params",
    "normalise",
    "pack",
    "parse_window",
    "process_story",
    "trim_windows",
    "unpack",
]

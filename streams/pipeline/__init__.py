"""The pipeline's logic without Kafka or Faust, so the worker, the benchmark and the tests
run the same code: one batch of the ``process`` agent and the state it carries (``batch``,
start here), raw bytes to a story or a rejection (``decode``), the per-story work of
enrichment, near-duplicate marking and routing (``processing``, ``neardup``, which leaves
out each source's ``boilerplate``), the id horizon that recognises re-published stories
(``dedupe``), exactly-once count rows and
their delta events (``counting``) and trend scores over the counted windows (``trending``;
its ``trending`` function is not re-exported here, since the name would hide the module).
"""

from streams.pipeline.batch import (
    BatchConfig,
    BatchResult,
    ProcessState,
    SourceEvent,
    process_batch,
)
from streams.pipeline.boilerplate import SourceBoilerplate
from streams.pipeline.counting import (
    CATEGORY_KEY_PREFIX,
    EMPTY_ROW,
    NO_WINDOW,
    Entries,
    Row,
    apply_delta,
    country_counts,
    delta_items,
    fold_deltas,
    trim_windows,
)
from streams.pipeline.decode import Limits, Rejection, decode_story
from streams.pipeline.dedupe import FingerprintSet, IdHorizon, fingerprint, pack, unpack
from streams.pipeline.neardup import DupResult, NearDupIndex, lsh_params, normalise
from streams.pipeline.processing import PIPELINE_VERSION, Processed, enriched_record, process_story
from streams.pipeline.trending import parse_window

__all__ = [
    "CATEGORY_KEY_PREFIX",
    "EMPTY_ROW",
    "NO_WINDOW",
    "PIPELINE_VERSION",
    "BatchConfig",
    "BatchResult",
    "DupResult",
    "Entries",
    "FingerprintSet",
    "IdHorizon",
    "Limits",
    "NearDupIndex",
    "ProcessState",
    "Processed",
    "Rejection",
    "Row",
    "SourceBoilerplate",
    "SourceEvent",
    "apply_delta",
    "country_counts",
    "decode_story",
    "delta_items",
    "enriched_record",
    "fingerprint",
    "fold_deltas",
    "lsh_params",
    "normalise",
    "pack",
    "parse_window",
    "process_batch",
    "process_story",
    "trim_windows",
    "unpack",
]

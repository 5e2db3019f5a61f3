"""What a process tells its operators, usable without Faust (so ``replay`` and ``ingest``
share it with the worker): Prometheus metrics (``metrics``), structured logs (``logs``),
terminal progress (``progress``) and the in-process live feed the dashboard streams
(``live``).
"""

from streams.telemetry.live import LiveFeed, feed
from streams.telemetry.logs import JsonFormatter, logging_config
from streams.telemetry.progress import Progress

__all__ = ["JsonFormatter", "LiveFeed", "Progress", "feed", "logging_config"]

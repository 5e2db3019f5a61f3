"""The Faust worker: the app, its two agents and everything that touches Faust's internals.

Read in this order:

* :mod:`~streams.worker.main`: builds the worker (:func:`build_worker`) and runs it with
  ``faust.Worker`` (:func:`run_worker`, what ``newsstream worker`` calls);
* :mod:`~streams.worker.app`: the App, its topics and tables, from the settings;
* :mod:`~streams.worker.process` and :mod:`~streams.worker.count`: one agent each, thin
  loops around the pure batch logic of streams/pipeline/;
* :mod:`~streams.worker.transactions`: the ``process`` agent under
  ``NEWSSTREAM_PROCESSING_GUARANTEE=exactly_once`` (Kafka transactions);
* :mod:`~streams.worker.state`: the ``process`` agent's state and its table recovery;
* :mod:`~streams.worker.batching`: adaptive batches that the agent acks itself;
* :mod:`~streams.worker.faust_private`: every use of faust-streaming's and aiokafka's
  private API, behind a version check; :mod:`~streams.worker.highwater`: the end-offset
  probe it installs for the embedded broker; :mod:`~streams.worker.diagnostics`: SIGUSR1
  dumps.

With streams/web/, the only package that imports Faust.
"""

from streams.worker.main import build_worker, run_worker

__all__ = ["build_worker", "run_worker"]

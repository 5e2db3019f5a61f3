"""newsstream: a streaming processor for news stories on Kafka, with Faust agents.

Where to start reading
    ``cli.py`` lists every command. The story's path: ``pipeline/batch.py`` (one batch of
    the ``process`` agent, pure), then ``enrich/`` (entities, countries, categories) and
    ``worker/`` (how Faust runs it), then ``web/`` (what it serves).

The packages, by role (the folder tree is the architecture)
    ``worker/``     the Faust app, its two agents, and every use of Faust's or aiokafka's
                    private API (``worker/faust_private/``, version-checked);
    ``web/``        the HTTP views as Faust Blueprints; with ``worker/``, the only code that
                    imports Faust;
    ``pipeline/``   per-story and per-batch logic with no Kafka: decode, process, dedupe,
                    near-duplicates, counting, trending;
    ``enrich/``     tagging, country resolution, categories, and their evaluation;
    ``kafka/``      plain aiokafka clients: settings, admin, replay producer, subscriber,
                    redrive;
    ``sources/``    where stories come from: seed files and RSS/Atom feeds;
    ``telemetry/``  metrics, logs, progress and the live feed, without Faust;
    ``local/``      the development runtime: embedded broker, worker processes, ``run``;
    ``devtools/``   the benchmark and synthetic data (not product: nothing imports it).

Beside them: ``settings.py`` (every ``NEWSSTREAM_*`` variable, read once), ``topics.py``
(topic names and the routing rule) and, outside this package, ``schemas/`` (the event
contracts).
"""

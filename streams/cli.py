"""The `newsstream` command: one entry point for every job."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from streams.settings import Settings

    _Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]


def _settings() -> Settings:
    from streams.settings import get_settings

    return get_settings()


def cmd_broker(args: argparse.Namespace) -> int:
    from streams.local.broker import BrokerError, start_broker

    if args.engine == "kafka":
        return _serve_kafka(args)
    if args.nodes != 1 or args.data_dir is not None:
        print(
            "error: --nodes and --data-dir need --engine kafka (the embedded broker "
            "runs one node, in memory)",
            file=sys.stderr,
        )
        return 2
    try:
        broker = start_broker(args.host, args.port)
    except BrokerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"embedded Tansu broker listening on {broker.bootstrap} (in memory; Ctrl-C stops it)")
    signal.signal(signal.SIGTERM, lambda *_: broker.stop())
    try:
        broker.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        broker.stop()
    return 0


def _serve_kafka(args: argparse.Namespace) -> int:
    from streams.local.broker import BrokerError
    from streams.local.engine import serve_kafka

    data_dir = Path(args.data_dir or Path(_settings().data_dir) / "kafka")
    try:
        return serve_kafka(args.host, args.port, args.nodes, data_dir)
    except BrokerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def cmd_worker(args: argparse.Namespace) -> int:
    s = _settings()
    from streams.kafka.admin import ensure_topics

    asyncio.run(ensure_topics(s))
    from streams.worker import run_worker

    return run_worker(s)


def cmd_replay(args: argparse.Namespace) -> int:
    from streams.kafka.producer import main_replay
    from streams.topics import Topics

    s = _settings()
    return main_replay(
        args.path,
        s,
        topic=args.topic or Topics(s.topic_prefix).raw,
        rate=args.rate,
        speed=args.speed,
        loop=args.loop,
        fresh_ids=args.fresh_ids,
        show_progress=not args.quiet,
    )


def cmd_tail(args: argparse.Namespace) -> int:
    from streams.kafka.subscriber import tail

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(tail(_settings(), args.topic, follow=args.follow, max_messages=args.max))
    return 0


def cmd_tag(args: argparse.Namespace) -> int:
    from streams.enrich.tagging import tag_lines

    out = sys.stdout.buffer
    for line in tag_lines(sys.stdin.buffer, args.tagger or _settings().tagger):
        out.write(line + b"\n")
    out.flush()
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from streams.enrich.evaluation import run

    return run(args)


def cmd_bench(args: argparse.Namespace) -> int:
    from streams.devtools.bench import run

    return run(args)


def cmd_redrive(args: argparse.Namespace) -> int:
    from streams.kafka.redrive import main_redrive

    return main_redrive(_settings(), args.reason, args.dry_run)


def cmd_ingest(args: argparse.Namespace) -> int:
    from streams.sources.feeds.publish import main_ingest

    return main_ingest(_settings(), args.sources, args.poll)


def cmd_run(args: argparse.Namespace) -> int:
    from streams.local.run import run_demo
    from streams.sources.seeds import default_seed_file

    path = Path(args.path) if args.path is not None else default_seed_file()
    return run_demo(path, timeout=args.timeout, engine=args.engine)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="newsstream", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    # in this order in `newsstream --help`
    _add_stream_commands(sub)
    _add_tool_commands(sub)
    _add_job_commands(sub)
    return p


def _add_stream_commands(sub: _Subparsers) -> None:
    b = sub.add_parser("broker", help="start the embedded Tansu broker (or Apache Kafka)")
    b.add_argument("--host", default="127.0.0.1")
    b.add_argument("--port", type=int, default=9092, help="client port (of the first node)")
    _add_engine_argument(b)
    b.add_argument("--nodes", type=int, default=1, help="Kafka nodes (broker + controller)")
    b.add_argument("--data-dir", help="Kafka's storage (default: NEWSSTREAM_DATA_DIR/kafka)")
    b.set_defaults(func=cmd_broker)

    w = sub.add_parser("worker", help="run a Faust worker (settings from NEWSSTREAM_*)")
    w.set_defaults(func=cmd_worker)

    r = sub.add_parser("replay", help="publish a seed text or JSON Lines file to news.raw")
    r.add_argument("path")
    r.add_argument("--rate", type=float, help="stories per second (default: as fast as possible)")
    r.add_argument("--speed", type=float, help="keep published_at spacing, X times faster")
    r.add_argument("--loop", type=int, default=1, help="send the file K times")
    r.add_argument("--fresh-ids", action="store_true", help="new ids on every pass")
    r.add_argument("--topic", help="target topic (default news.raw)")
    r.add_argument("--quiet", action="store_true")
    r.set_defaults(func=cmd_replay)

    t = sub.add_parser("tail", help="print a topic's events as JSON lines")
    t.add_argument("topic")
    t.add_argument("--follow", "-f", action="store_true", help="keep waiting for new events")
    t.add_argument("--max", type=int)
    t.set_defaults(func=cmd_tail)


def _add_tool_commands(sub: _Subparsers) -> None:
    # Option definitions only; what a command runs is imported when it runs.
    from streams.devtools.bench.options import add_arguments as add_bench_arguments
    from streams.enrich import TAGGERS
    from streams.enrich.evaluation import DESCRIPTION
    from streams.enrich.evaluation import add_arguments as add_eval_arguments

    g = sub.add_parser("tag", help="enrich JSON Lines from stdin (no Kafka)")
    g.add_argument("--tagger", choices=TAGGERS)
    g.set_defaults(func=cmd_tag)

    e = sub.add_parser(
        "eval", help="measure enrichment quality on annotated JSON Lines", description=DESCRIPTION
    )
    add_eval_arguments(e)
    e.set_defaults(func=cmd_eval)

    bn = sub.add_parser("bench", help="throughput/latency benchmark (see docs/performance.md)")
    add_bench_arguments(bn)
    bn.set_defaults(func=cmd_bench)


def _add_job_commands(sub: _Subparsers) -> None:
    rd = sub.add_parser("redrive", help="send dead letters back to news.raw")
    rd.add_argument("--reason", help="only letters with this reason (e.g. invalid_json)")
    rd.add_argument("--dry-run", action="store_true")
    rd.set_defaults(func=cmd_redrive)

    ig = sub.add_parser("ingest", help="publish RSS/Atom feed items (URLs or files)")
    ig.add_argument("sources", nargs="+")
    ig.add_argument("--poll", type=float, help="poll every SECONDS (conditional requests)")
    ig.set_defaults(func=cmd_ingest)

    d = sub.add_parser("run", help="the whole job on a local broker, then the counts")
    d.add_argument("path", nargs="?", help="story file (default: the shipped seed file)")
    d.add_argument("--timeout", type=float, default=180.0)
    _add_engine_argument(d)
    d.set_defaults(func=cmd_run)


def _add_engine_argument(p: argparse.ArgumentParser) -> None:
    from streams.local.engine import ENGINES

    p.add_argument(
        "--engine",
        choices=ENGINES,
        default="tansu",
        help="tansu: the embedded broker (in memory, no install); kafka: Apache Kafka "
        "(needs Java 17+, and Maven once to fetch it)",
    )


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())

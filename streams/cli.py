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

DEFAULT_SEEDS = Path(__file__).resolve().parent.parent / "seeds" / "000_1ea569509353b790.txt"


def _settings() -> Settings:
    from streams.settings import get_settings

    return get_settings()


def cmd_broker(args: argparse.Namespace) -> int:
    from streams.local.broker import BrokerError, start_broker

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


def cmd_eval(argv: list[str]) -> int:
    from streams.enrich.evaluation import main as eval_main

    return int(eval_main(argv) or 0)


def cmd_redrive(args: argparse.Namespace) -> int:
    from streams.kafka.redrive import main_redrive

    return main_redrive(_settings(), args.reason, args.dry_run)


def cmd_ingest(args: argparse.Namespace) -> int:
    from streams.sources.feeds.publish import main_ingest

    return main_ingest(_settings(), args.sources, args.poll)


def cmd_run(args: argparse.Namespace) -> int:
    from streams.local.run import run_demo

    return run_demo(Path(args.path), timeout=args.timeout)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="newsstream", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("broker", help="start the embedded Tansu broker")
    b.add_argument("--host", default="127.0.0.1")
    b.add_argument("--port", type=int, default=9092)
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

    g = sub.add_parser("tag", help="enrich JSON Lines from stdin (no Kafka)")
    g.add_argument("--tagger", choices=["fast", "accurate"])
    g.set_defaults(func=cmd_tag)

    sub.add_parser(
        "eval", help="measure enrichment quality on annotated JSON Lines", add_help=False
    )
    sub.add_parser(
        "bench", help="throughput/latency benchmark (see docs/performance.md)", add_help=False
    )

    rd = sub.add_parser("redrive", help="send dead letters back to news.raw")
    rd.add_argument("--reason", help="only letters with this reason (e.g. invalid_json)")
    rd.add_argument("--dry-run", action="store_true")
    rd.set_defaults(func=cmd_redrive)

    ig = sub.add_parser("ingest", help="publish RSS/Atom feed items (URLs or files)")
    ig.add_argument("sources", nargs="+")
    ig.add_argument("--poll", type=float, help="poll every SECONDS (conditional requests)")
    ig.set_defaults(func=cmd_ingest)

    d = sub.add_parser("run", help="the whole job on the embedded broker, then the counts")
    d.add_argument("path", nargs="?", default=str(DEFAULT_SEEDS))
    d.add_argument("--timeout", type=float, default=180.0)
    d.set_defaults(func=cmd_run)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    if argv and argv[0] == "eval":
        return cmd_eval(argv[1:])
    if argv and argv[0] == "bench":
        from streams.devtools.bench import main as bench_main

        return bench_main(argv[1:])
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())

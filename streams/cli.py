"""The `newsstream` command: one entry point for every job.

Every command fails the same way: one sentence on stderr and an exit code from
`streams.exitcodes` (the README's table); ``--debug`` or ``NEWSSTREAM_LOG_LEVEL=debug``
adds the traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import math
import os
import sys
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from streams.exitcodes import CommandError, ExitCode, InputError, Terminated, sigterm_raises

if TYPE_CHECKING:
    from streams.settings import Settings

    _Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]


def _settings() -> Settings:
    """The settings, or an `InputError` naming the bad ``NEWSSTREAM_*`` variable."""
    from pydantic import ValidationError

    from streams.settings import get_settings, setting_problems

    try:
        return get_settings()
    except ValidationError as exc:
        raise InputError(f"invalid configuration: {setting_problems(exc)}") from exc


def cmd_broker(args: argparse.Namespace) -> int:
    from streams.local.broker import start_broker

    if args.engine == "kafka":
        return _serve_kafka(args)
    if args.nodes != 1 or args.data_dir is not None:
        raise InputError(
            "--nodes and --data-dir need --engine kafka (the embedded broker runs one node, "
            "in memory)"
        )
    broker = start_broker(args.host, args.port)
    print(f"embedded Tansu broker listening on {broker.bootstrap} (in memory; Ctrl-C stops it)")
    try:
        code = broker.process.wait()
    except (KeyboardInterrupt, Terminated):
        return ExitCode.OK  # a service stopped on request
    finally:
        broker.stop()
    print(f"newsstream broker: the broker process exited with code {code}", file=sys.stderr)
    return ExitCode.FAILED


def _serve_kafka(args: argparse.Namespace) -> int:
    from streams.local.engine import serve_kafka

    data_dir = Path(args.data_dir or Path(_settings().data_dir) / "kafka")
    return serve_kafka(args.host, args.port, args.nodes, data_dir)


def cmd_worker(args: argparse.Namespace) -> int:
    s = _settings()
    if args.debug:
        s = s.model_copy(update={"log_level": "debug"})
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
    from streams.kafka.subscriber import main_tail

    return main_tail(_settings(), args.topic, follow=args.follow, max_messages=args.max)


def cmd_tag(args: argparse.Namespace) -> int:
    from streams.enrich.tagging import TagSummary, tag_stream

    tagger = args.tagger or _settings().tagger
    if sys.stdin.isatty():
        print("tag: reading JSON Lines from stdin (Ctrl-D ends)", file=sys.stderr)
    summary = TagSummary()
    try:
        tag_stream(sys.stdin.buffer, sys.stdout.buffer, tagger, summary)
    finally:  # also when Ctrl-C stops it: the lines written so far are counted
        print(summary, file=sys.stderr)
    return ExitCode.FAILED if summary.errors else ExitCode.OK


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

    state_dir = Path(args.state_dir) if args.state_dir else None
    return main_ingest(_settings(), args.sources, args.poll, state_dir=state_dir)


def cmd_run(args: argparse.Namespace) -> int:
    from streams.local.run import run_demo
    from streams.sources.seeds import default_seed_file

    _settings()  # a bad NEWSSTREAM_* variable is reported before anything starts
    path = Path(args.path) if args.path is not None else default_seed_file()
    return run_demo(path, timeout=args.timeout, engine=args.engine)


class _Parser(argparse.ArgumentParser):
    """A bad flag is one sentence, like every other error (``--help`` shows the usage)."""

    def error(self, message: str) -> NoReturn:
        self.exit(ExitCode.USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = _Parser(prog="newsstream", description=__doc__)
    p.add_argument("--debug", action="store_true", help=_DEBUG_HELP)
    sub = p.add_subparsers(dest="command", required=True)
    # in this order in `newsstream --help`
    _add_stream_commands(sub)
    _add_tool_commands(sub)
    _add_job_commands(sub)
    for command in sub.choices.values():  # also after the command: `newsstream tail --debug`
        command.add_argument("--debug", action="store_true", default=argparse.SUPPRESS)
        command.set_defaults(command_parser=command)
    return p


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The parsed ``argv``. An unknown flag is reported by its command's parser, so the
    sentence names the command and its ``--help`` (argparse names only ``newsstream``)."""
    args, unknown = build_parser().parse_known_args(argv)
    if unknown:
        args.command_parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    return args


_DEBUG_HELP = "show tracebacks and debug logs (as NEWSSTREAM_LOG_LEVEL=debug does)"


def number(
    kind: type[int] | type[float], low: float, high: float | None = None, *, above: bool = False
) -> Callable[[str], int | float]:
    """An argparse type: a ``kind`` of at least ``low`` (more than ``low`` if ``above``)
    and at most ``high``, with a sentence saying so otherwise. Public, so that the
    benchmark's options (`streams.devtools.bench.options`) check their numbers alike."""
    what = "an integer" if kind is int else "a number"

    def parse(text: str) -> int | float:
        try:
            value = kind(text)
            if not math.isfinite(value):  # float() takes "nan" and "inf"
                raise ValueError(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
        too_low = value <= low if above else value < low
        if too_low or (high is not None and value > high):
            bounds = f"{'more than' if above else 'at least'} {low:g}"
            if high is not None:
                bounds = f"from {low:g} to {high:g}"
            raise argparse.ArgumentTypeError(f"{text} is out of range: give a value {bounds}")
        return value

    parse.__name__ = kind.__name__
    return parse


_PORT = number(int, 1, 65535)
_SECONDS = number(float, 0)
#: A count of at least 1, and a rate or duration above 0 (the benchmark's flags use them).
COUNT = number(int, 1)
POSITIVE = number(float, 0, above=True)


def _add_stream_commands(sub: _Subparsers) -> None:
    b = sub.add_parser("broker", help="start the embedded Tansu broker (or Apache Kafka)")
    b.add_argument("--host", default="127.0.0.1")
    b.add_argument("--port", type=_PORT, default=9092, help="client port (of the first node)")
    _add_engine_argument(b)
    b.add_argument("--nodes", type=COUNT, default=1, help="Kafka nodes (broker + controller)")
    b.add_argument("--data-dir", help="Kafka's storage (default: NEWSSTREAM_DATA_DIR/kafka)")
    b.set_defaults(func=cmd_broker)

    w = sub.add_parser("worker", help="run a Faust worker (settings from NEWSSTREAM_*)")
    w.set_defaults(func=cmd_worker)

    r = sub.add_parser("replay", help="publish a seed text or JSON Lines file to news.raw")
    r.add_argument("path")
    r.add_argument(
        "--rate", type=POSITIVE, help="stories per second (default: as fast as possible)"
    )
    r.add_argument("--speed", type=POSITIVE, help="keep published_at spacing, X times faster")
    r.add_argument("--loop", type=COUNT, default=1, help="send the file K times")
    r.add_argument("--fresh-ids", action="store_true", help="new ids on every pass")
    r.add_argument("--topic", help="target topic (default news.raw)")
    r.add_argument("--quiet", action="store_true")
    r.set_defaults(func=cmd_replay)

    t = sub.add_parser("tail", help="print a topic's events as JSON lines")
    t.add_argument("topic")
    t.add_argument("--follow", "-f", action="store_true", help="keep waiting for new events")
    t.add_argument("--max", type=COUNT)
    t.set_defaults(func=cmd_tail)


def _add_tool_commands(sub: _Subparsers) -> None:
    # Option definitions only; what a command runs is imported when it runs.
    from streams.devtools.bench.options import add_arguments as add_bench_arguments
    from streams.enrich import TAGGERS
    from streams.enrich.evaluation import DESCRIPTION
    from streams.enrich.evaluation import add_arguments as add_eval_arguments
    from streams.enrich.tagging import TAG_HELP

    g = sub.add_parser("tag", help="enrich JSON Lines from stdin (no Kafka)", description=TAG_HELP)
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
    ig.add_argument("--poll", type=_SECONDS, help="poll every SECONDS (conditional requests)")
    ig.add_argument(
        "--state-dir",
        help="where the seen-set, validators and metrics live (default: NEWSSTREAM_DATA_DIR/feeds)",
    )
    ig.set_defaults(func=cmd_ingest)

    d = sub.add_parser("run", help="the whole job on a local broker, then the counts")
    d.add_argument("path", nargs="?", help="story file (default: the shipped seed file)")
    d.add_argument("--timeout", type=POSITIVE, default=180.0)
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
    """Run one command; every failure ends as one sentence on stderr and an exit code."""
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    args = parse_args(argv)
    debug = _debug_requested(args)
    if args.command != "worker":  # the worker's logging is Faust's
        _configure_logging(debug)
    for warning in misspelt_settings(os.environ):
        print(f"newsstream {args.command}: {warning}", file=sys.stderr)
    try:
        with sigterm_raises():
            return int(args.func(args))
    except CommandError as exc:
        return _fail(args.command, str(exc), exc.code, debug)
    except (KeyboardInterrupt, asyncio.CancelledError):  # Cancelled: a second Ctrl-C
        return ExitCode.INTERRUPTED
    except Terminated:
        return ExitCode.OK
    except BrokenPipeError:
        _discard_stdout()  # the reader left (`| head`): not an error of this command
        return ExitCode.OK
    except Exception as exc:
        from streams.settings import setting_problems

        if problems := setting_problems(exc):  # settings a command built from an environment
            return _fail(args.command, f"invalid configuration: {problems}", InputError.code, debug)
        what = f"unexpected {type(exc).__name__}: {exc}"
        return _fail(args.command, f"{what} (a bug; --debug shows where)", ExitCode.INTERNAL, debug)


def misspelt_settings(environ: Mapping[str, str]) -> list[str]:
    """A warning for each ``NEWSSTREAM_*`` variable that is not a setting but looks like
    one (``NEWSSTREAM_BROKER``): it is ignored, so the command would quietly use the
    default. Other unknown names stay silent: the tests have variables of their own."""
    from difflib import get_close_matches

    from streams.settings import Settings

    prefix, known = "NEWSSTREAM_", set(Settings.model_fields)
    warnings = []
    for var in sorted(environ):
        name = var[len(prefix) :].lower()
        if not var.upper().startswith(prefix) or name in known:
            continue
        close = get_close_matches(name, known, n=1, cutoff=0.6)
        if close:
            setting = prefix + close[0].upper()
            warnings.append(f"{var} is not a setting and is ignored; did you mean {setting}?")
    return warnings


def _debug_requested(args: argparse.Namespace) -> bool:
    if args.debug:
        return True
    try:
        return _settings().log_level.lower() == "debug"
    except InputError:  # reported by the command that needs the settings
        return False


def _configure_logging(debug: bool) -> None:
    """Warnings only, unless debugging. The Kafka client's own connection errors are
    hidden: the commands report an unreachable broker once, in their own words."""
    if debug:
        fmt = "%(asctime)s %(levelname)s %(name)s: %(message)s"
        logging.basicConfig(level=logging.DEBUG, format=fmt, stream=sys.stderr)
        return
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)


def _fail(command: str, message: str, code: int, debug: bool) -> int:
    if debug:
        traceback.print_exc()
    print(f"newsstream {command}: {message}", file=sys.stderr)
    return code


def _discard_stdout() -> None:
    """Point stdout at /dev/null, so flushing it at exit does not fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


if __name__ == "__main__":
    sys.exit(main())

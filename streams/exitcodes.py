"""How a ``newsstream`` command ends: its exit codes, the errors that carry one, and the
stop request that SIGINT and SIGTERM make.

The codes are defined here once; ``streams/cli.py`` turns a `CommandError` into one
sentence on stderr and its code, and the README's exit code table lists the same values.
Nothing here imports the rest of the package, so every layer can raise these errors.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading
from collections.abc import Iterator
from enum import IntEnum
from types import FrameType


class ExitCode(IntEnum):
    """The exit status of every command (README: "When something goes wrong")."""

    OK = 0
    #: The command finished, but part of the work failed: ``tag`` wrote error lines,
    #: some feeds or items could not be read, some stories were not acknowledged.
    FAILED = 1
    #: A bad flag, setting or input: a missing file, a directory, a bad line, an
    #: unknown topic. Nothing was done.
    USAGE = 2
    #: The Kafka broker could not be reached.
    BROKER_UNREACHABLE = 3
    #: ``ingest``: not one feed could be read.
    ALL_FAILED = 4
    #: A port the command must listen on is taken.
    PORT_IN_USE = 5
    #: A bug: an unexpected exception (``--debug`` shows its traceback).
    INTERNAL = 70
    #: Stopped by SIGINT (Ctrl-C) before a job finished: the shell's 128 + 2.
    INTERRUPTED = 130


class CommandError(Exception):
    """An error the user can act on: its message is the one sentence printed, ``code``
    the exit status."""

    code: ExitCode = ExitCode.FAILED

    def __init__(self, message: str, code: ExitCode | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code


class InputError(CommandError):
    """A file, line, flag, setting or name the command cannot use."""

    code = ExitCode.USAGE


class PortInUse(CommandError):
    """A port the command must listen on is taken by another process."""

    code = ExitCode.PORT_IN_USE


class Stopped(CommandError):
    """A signal stopped the command while it waited (for a broker, say): the message
    says what it was doing, the code is the stop's (`StopRequest.job_exit_code`)."""


class Terminated(BaseException):
    """Raised by SIGTERM in synchronous code, as Ctrl-C raises KeyboardInterrupt."""


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated


@contextlib.contextmanager
def sigterm_raises() -> Iterator[None]:
    """Within: SIGTERM raises `Terminated`, so a command stopped outside its event loop
    unwinds its ``finally`` blocks instead of dying mid-write. A no-op off the main
    thread, where Python cannot set signal handlers."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def job_exit_code(signum: int | None) -> ExitCode:
    """The exit code of a job cut short by ``signum``: 130 for SIGINT (the shell
    convention), 0 for SIGTERM (an orderly stop). A service stopped on request exits 0."""
    return ExitCode.INTERRUPTED if signum == signal.SIGINT else ExitCode.OK


def signal_name(signum: int | None) -> str:
    return signal.Signals(signum).name if signum is not None else "no signal"


class StopRequest:
    """Set by the first SIGINT or SIGTERM while `stop_on_signals` is active: the command
    finishes what was already sent (flushes, commits, prints its summary) and exits."""

    def __init__(self) -> None:
        self.signal: int | None = None
        self._event = asyncio.Event()

    @property
    def requested(self) -> bool:
        return self.signal is not None

    def set(self, signum: int) -> None:
        self.signal = signum
        self._event.set()

    @property
    def job_exit_code(self) -> ExitCode:
        return job_exit_code(self.signal)

    @property
    def name(self) -> str:
        return signal_name(self.signal)

    async def wait(self) -> None:
        await self._event.wait()

    async def sleep(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; True if a stop was requested (at once, or meanwhile)."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(max(0.0, seconds)):
                await self._event.wait()
        return self.requested


_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def stop_on_signals() -> Iterator[StopRequest]:
    """Within a running event loop: SIGINT and SIGTERM set the yielded `StopRequest`; a
    second signal cancels the current task (for a stop that itself hangs). A signal the
    process was started ignoring (SIGINT in a shell's background job) stays ignored.
    The previous handlers come back on exit."""
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    stop = StopRequest()
    previous = {sig: signal.getsignal(sig) for sig in _STOP_SIGNALS}
    handled = [sig for sig in _STOP_SIGNALS if previous[sig] != signal.SIG_IGN]

    def on_signal(signum: int) -> None:
        if stop.requested and task is not None:
            task.cancel()
        stop.set(signum)

    for sig in handled:
        loop.add_signal_handler(sig, on_signal, sig)
    try:
        yield stop
    finally:
        for sig in handled:
            loop.remove_signal_handler(sig)
            handler = previous[sig]
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)

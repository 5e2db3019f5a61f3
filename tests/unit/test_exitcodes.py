"""Exit codes, command errors and the stop request that SIGINT and SIGTERM make."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import time

import pytest

from streams.exitcodes import (
    CommandError,
    ExitCode,
    InputError,
    PortInUse,
    StopRequest,
    Terminated,
    job_exit_code,
    sigterm_raises,
    stop_on_signals,
)
from tests.paths import ROOT


def test_codes_are_distinct_and_errors_carry_theirs() -> None:
    assert len({int(c) for c in ExitCode}) == len(ExitCode)
    assert (ExitCode.USAGE, ExitCode.BROKER_UNREACHABLE, ExitCode.INTERRUPTED) == (2, 3, 130)
    assert InputError("x").code == ExitCode.USAGE
    assert PortInUse("x").code == ExitCode.PORT_IN_USE
    assert CommandError("x").code == ExitCode.FAILED
    assert CommandError("x", ExitCode.ALL_FAILED).code == ExitCode.ALL_FAILED


def test_the_readme_table_lists_every_code_and_no_other() -> None:
    """README, "When something goes wrong": one row per `ExitCode`, in order."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## When something goes wrong", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| (\d+) \| (.+) \|$", section, flags=re.MULTILINE)
    assert [int(code) for code, _ in rows] == sorted(int(c) for c in ExitCode)
    meaning = dict(rows)
    assert "broker could not be reached" in meaning[str(int(ExitCode.BROKER_UNREACHABLE))]
    assert "not one feed" in meaning[str(int(ExitCode.ALL_FAILED))]
    assert "Ctrl-C" in meaning[str(int(ExitCode.INTERRUPTED))]


def test_a_job_cut_short_by_sigint_exits_130_and_by_sigterm_0() -> None:
    assert job_exit_code(signal.SIGINT) == ExitCode.INTERRUPTED
    assert job_exit_code(signal.SIGTERM) == ExitCode.OK


def test_stop_on_signals_turns_sigterm_into_a_stop_request() -> None:
    async def run() -> tuple[bool, float, int | None]:
        with stop_on_signals() as stop:
            asyncio.get_running_loop().call_later(0.1, os.kill, os.getpid(), signal.SIGTERM)
            t0 = time.monotonic()
            stopped = await stop.sleep(30)
            return stopped, time.monotonic() - t0, stop.signal

    before = signal.getsignal(signal.SIGTERM)
    stopped, took, signum = asyncio.run(run())
    assert stopped and took < 5 and signum == signal.SIGTERM
    assert signal.getsignal(signal.SIGTERM) == before  # handler restored


def test_a_second_signal_cancels_the_task() -> None:
    async def run() -> None:
        with stop_on_signals():
            os.kill(os.getpid(), signal.SIGTERM)
            await asyncio.sleep(0.05)
            os.kill(os.getpid(), signal.SIGTERM)
            await asyncio.sleep(30)

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(run())


def test_stop_request_sleep_returns_false_when_not_stopped() -> None:
    async def run() -> bool:
        return await StopRequest().sleep(0.01)

    assert asyncio.run(run()) is False


def test_sigterm_raises_terminated_outside_an_event_loop() -> None:
    with pytest.raises(Terminated), sigterm_raises():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)  # interrupted at once

"""A failed benchmark run ends as one sentence naming its logs, not a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.devtools.bench.errors import run_failures
from streams.exitcodes import CommandError, ExitCode


@pytest.mark.parametrize(
    ("exc", "reason"),
    [
        (RuntimeError("worker exited early; log:\nTraceback ...\nBoom"), "worker exited early"),
        (TimeoutError("group newsstream not stable with 2 members"), "group newsstream not"),
        (TimeoutError(), "TimeoutError"),
    ],
)
def test_a_failed_run_is_a_command_error_naming_the_work_folder(
    exc: Exception, reason: str, tmp_path: Path
) -> None:
    with pytest.raises(CommandError) as err, run_failures(tmp_path):
        raise exc
    message = str(err.value)
    assert message.startswith(f"the run failed: {reason}")
    assert message.endswith(f"; its logs are in {tmp_path}")
    assert "\n" not in message and err.value.code == ExitCode.FAILED


def test_other_errors_pass_through(tmp_path: Path) -> None:
    with pytest.raises(KeyError), run_failures(tmp_path):
        raise KeyError("a bug stays a bug (exit 70)")

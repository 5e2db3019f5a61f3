"""`newsstream run`'s checks of the outputs against the counts (no broker: a fake worker)."""

from __future__ import annotations

import json

import orjson
import pytest

from streams.local.run import expected_counts, wait_counts


def _story(story_id: str, countries: list[str]) -> bytes:
    return orjson.dumps({"id": story_id, "countries": countries})


def test_expected_counts_counts_each_story_once_by_its_last_copy() -> None:
    values = [_story("a", ["US", "JP"]), _story("b", ["US"]), _story("a", ["TW"])]
    assert expected_counts(values) == {"US": 1, "TW": 1}


class FakeWorker:
    """Answers /countries/ from a list of answers (an OSError stands for no answer)."""

    def __init__(self, *answers: dict[str, int] | OSError) -> None:
        self.answers = list(answers)
        self.calls = 0

    def get(self, path: str, timeout: float = 5.0) -> bytes:
        assert path == "/countries/"
        answer = self.answers[min(self.calls, len(self.answers) - 1)]
        self.calls += 1
        if isinstance(answer, OSError):
            raise answer
        return json.dumps({"counts": answer}).encode()


def test_wait_counts_polls_past_errors_until_the_counts_match() -> None:
    worker = FakeWorker(OSError("refused"), {"US": 1}, {"US": 2})
    assert wait_counts(worker, {"US": 2}, timeout=5, poll=0) == {"US": 2}  # type: ignore[arg-type]
    assert worker.calls == 3


@pytest.mark.parametrize("last", [{"US": 1}, OSError("refused")])
def test_wait_counts_returns_the_last_answer_on_timeout(last: dict[str, int] | OSError) -> None:
    worker = FakeWorker(last)
    got = wait_counts(worker, {"US": 2}, timeout=0.05, poll=0.01)  # type: ignore[arg-type]
    assert got == ({} if isinstance(last, OSError) else last)
    assert worker.calls >= 2

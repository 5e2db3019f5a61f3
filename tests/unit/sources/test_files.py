"""Input files: one sentence naming the file (and line) for each way reading can fail."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from streams.exitcodes import ExitCode, InputError
from streams.sources.files import read_json_lines, read_text


def test_json_lines_with_their_numbers_skipping_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"a": 1}\n\n  \n[2]\n"x"')
    assert list(read_json_lines(path)) == [(1, {"a": 1}), (4, [2]), (5, "x")]


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda d: d / "nope.jsonl", "{p}: no such file"),
        (lambda d: d, "{p} is a directory; give a file"),
    ],
)
def test_missing_file_and_directory(
    tmp_path: Path, make: Callable[[Path], Path], expected: str
) -> None:
    path = make(tmp_path)
    with pytest.raises(InputError) as exc:
        list(read_json_lines(path))
    assert str(exc.value) == expected.format(p=path)
    assert exc.value.code == ExitCode.USAGE


def test_a_bad_line_names_the_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "a"}\n{"id": "b", oops}\n')
    with pytest.raises(InputError) as exc:
        list(read_json_lines(path))
    assert str(exc.value).startswith(f"{path} line 2 column 13: not valid JSON (")


def test_text_that_is_not_utf8_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "seed.txt"
    path.write_bytes(b"ok\nstill ok\nbad \xff byte\n")
    with pytest.raises(InputError, match=r"seed.txt line 3: not UTF-8 text"):
        read_text(path)
    path.write_bytes("Zürich\n".encode())
    assert read_text(path) == "Zürich\n"

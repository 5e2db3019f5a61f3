"""Opening the files the commands read (story files, labelled data), with errors a user
can act on: the file name, the line number for a bad line, and no traceback.

Every failure is an `InputError` (exit code 2), so ``replay``, ``run`` and ``eval`` word
a missing file, a directory or a bad JSON line the same way.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import orjson

from streams.exitcodes import InputError


def open_error(path: str | Path, exc: OSError) -> InputError:
    """One sentence for a file that cannot be opened."""
    if isinstance(exc, FileNotFoundError):
        return InputError(f"{path}: no such file")
    if isinstance(exc, IsADirectoryError):
        return InputError(f"{path} is a directory; give a file")
    if isinstance(exc, PermissionError):
        return InputError(f"{path}: permission denied")
    return InputError(f"cannot read {path}: {exc.strerror or exc}")


@contextlib.contextmanager
def open_input(path: str | Path) -> Iterator[IO[bytes]]:
    """``path`` opened for reading bytes; an `InputError` when it cannot be."""
    try:
        fh = Path(path).open("rb")  # noqa: SIM115 - closed by the with below
    except OSError as exc:
        raise open_error(path, exc) from exc
    with fh:
        yield fh


def read_text(path: str | Path) -> str:
    """The whole file as UTF-8 text; an `InputError` when it cannot be read or decoded."""
    with open_input(path) as fh:
        data = fh.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(f"{path} line {line}: not UTF-8 text") from exc


def read_json_lines(path: str | Path) -> Iterator[tuple[int, Any]]:
    """(line number, value) of every non-blank line of a JSON Lines file; a line that is
    not JSON raises `InputError` naming the file, line and column."""
    with open_input(path) as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                value = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise InputError(
                    f"{path} line {n} column {exc.colno}: not valid JSON ({exc.msg})"
                ) from exc
            yield n, value

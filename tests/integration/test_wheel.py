"""The project as a user (or the Docker image) installs it: a wheel in a fresh virtualenv
outside the repository, where `newsstream run` must find its seed file by itself."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import ROOT, SEED_STORIES, SEEDS

pytestmark = [pytest.mark.integration, pytest.mark.slow]

#: Not part of a source tree: caches, environments and earlier builds.
_NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", ".hypothesis", "build", "dist", "*.egg-info", "__pycache__", ".*_cache"
)


def _pip(python: Path, *args: str, cwd: Path, timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(python), "-m", "pip", "--disable-pip-version-check", *args],
        cwd=cwd,
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _clean_env() -> dict[str, str]:
    """The environment without PYTHONPATH, so nothing is imported from a checkout."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv holding the project's wheel and its dependencies; its bin/."""
    tmp = tmp_path_factory.mktemp("wheel")
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    # one small download tells whether the dependencies can be installed at all
    try:
        probe = _pip(
            python, "download", "--no-deps", "-d", str(tmp / "probe"), "six", cwd=tmp, timeout=90
        )
        unreachable = probe.stderr.strip()[-300:] if probe.returncode else ""
    except subprocess.TimeoutExpired:
        unreachable = "no answer within 90 s"
    if unreachable:
        pytest.skip(f"pip cannot reach the package index: {unreachable}")
    source = tmp / "source"  # a copy: building in the checkout would leave build/ behind
    shutil.copytree(ROOT, source, ignore=_NOT_SOURCE)
    built = _pip(
        python, "wheel", "--no-deps", "-w", str(tmp / "dist"), str(source), cwd=tmp, timeout=600
    )
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = (tmp / "dist").glob("newsstream-*.whl")
    done = _pip(python, "install", str(wheel), cwd=tmp, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    return venv / "bin"


def test_run_from_a_wheel_replays_the_shipped_seeds(installed: Path, tmp_path: Path) -> None:
    assert not (tmp_path / "seeds").exists()
    proc = subprocess.run(
        [str(installed / "newsstream"), "run"],
        cwd=tmp_path,
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=420,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert f"{SEED_STORIES} stories enriched, 0 dead-lettered" in proc.stdout
    assert "Stories per country (GET /countries/)" in proc.stdout
    replayed = next(line for line in proc.stderr.splitlines() if line.startswith("replayed "))
    shipped = Path(replayed.rsplit(" from ", 1)[1])
    assert shipped.is_relative_to(installed.parent), "the seed file must come from the venv"
    assert shipped.read_bytes() == SEEDS.read_bytes()


@pytest.mark.parametrize(("command", "flag"), [("eval", "--data"), ("bench", "--soak")])
def test_eval_and_bench_help_from_a_wheel(installed: Path, command: str, flag: str) -> None:
    proc = subprocess.run(
        [str(installed / "newsstream"), command, "--help"],
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"usage: newsstream {command}") and flag in proc.stdout

"""The pinned Kafka release and the clear errors when Java or Maven is missing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from streams.local.kafka import runtime


def test_the_pinned_version_comes_from_the_packaged_pom() -> None:
    assert runtime.pom_path().is_file()
    assert re.fullmatch(r"4\.\d+\.\d+", runtime.kafka_version())


def test_cache_is_outside_the_checkout(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    v = runtime.kafka_version()
    assert runtime.cache_dir() == tmp_path / "newsstream" / f"kafka-{v}"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert runtime.cache_dir().is_relative_to(Path.home() / ".cache")


@pytest.mark.parametrize(
    ("text", "major"),
    [
        ('openjdk version "17.0.15" 2025-04-15', 17),
        ('java version "1.8.0_401"', 8),
        ('openjdk version "21" 2023-09-19', 21),
        ("no version here", 0),
    ],
)
def test_java_version_parsing(text: str, major: int) -> None:
    assert runtime.parse_java_version(text) == major


def test_missing_java_says_what_and_how(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setattr(runtime.shutil, "which", lambda name: None)
    with pytest.raises(runtime.KafkaSetupError, match=r"needs Java 17\+ \(no `java` on PATH\)"):
        runtime.java_binary()


def test_old_java_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    java = tmp_path / "bin" / "java"
    java.parent.mkdir()
    java.write_text("#!/bin/sh\necho 'java version \"1.8.0_401\"' >&2\n")
    java.chmod(0o755)
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))
    with pytest.raises(runtime.KafkaSetupError, match="is Java 8: install a JDK 17"):
        runtime.java_binary()


def test_missing_maven_says_what_and_how(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(runtime.shutil, "which", lambda name: None)
    with pytest.raises(runtime.KafkaSetupError, match=r"needs Maven \(no `mvn` on PATH\)"):
        runtime.fetch(quiet=True)


def test_a_filled_cache_needs_no_maven(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(runtime.shutil, "which", lambda name: None)
    lib = runtime.cache_dir() / "lib"
    lib.mkdir(parents=True)
    (lib / "kafka_2.13-x.jar").write_bytes(b"")
    assert runtime.fetch() == lib
    assert runtime.classpath() == [lib / "kafka_2.13-x.jar"]

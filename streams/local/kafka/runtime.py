"""The Kafka release on this machine: Java to run it, and its jars, fetched once by Maven.

The pinned version is ``kafka.version`` in the packaged ``pom.xml``; its jars land in
``~/.cache/newsstream/kafka-<version>/lib`` (``$XDG_CACHE_HOME`` is honoured), outside any
checkout, so every clone and every virtualenv shares one copy. Missing tools are reported
in one sentence that says what is missing and how to get it (:class:`KafkaSetupError`).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from functools import cache
from importlib import resources
from pathlib import Path

from streams.local.broker import BrokerError

#: Kafka 4.x brokers need Java 17.
MIN_JAVA = 17
_POM_NS = {"m": "http://maven.apache.org/POM/4.0.0"}
_JDK_HINT = "install a JDK 17+ (Debian: apt-get install openjdk-17-jre-headless) or set JAVA_HOME"
_MAVEN_HINT = "install Maven (Debian: apt-get install maven)"


class KafkaSetupError(BrokerError):
    """Java or the Kafka jars are not available; the message says how to get them."""


def pom_path() -> Path:
    """The Maven descriptor shipped with the package (a real file in a wheel and a clone)."""
    return Path(str(resources.files("streams.local.kafka") / "pom.xml"))


@cache
def kafka_version() -> str:
    """The pinned Kafka release (``kafka.version`` in ``pom.xml``)."""
    node = ET.parse(pom_path()).getroot().find("m:properties/m:kafka.version", _POM_NS)
    if node is None or not node.text:
        raise KafkaSetupError(f"{pom_path()} has no kafka.version property")
    return node.text.strip()


def cache_dir(version: str | None = None) -> Path:
    """Where the jars of ``version`` (default: the pinned one) are kept."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "newsstream" / f"kafka-{version or kafka_version()}"


def java_binary() -> str:
    """``$JAVA_HOME/bin/java`` or ``java`` on PATH, checked to be Java 17 or newer."""
    home = os.environ.get("JAVA_HOME")
    java = str(Path(home) / "bin" / "java") if home else shutil.which("java")
    if not java or not os.access(java, os.X_OK):
        where = f"JAVA_HOME={home} has no bin/java" if home else "no `java` on PATH"
        raise KafkaSetupError(f"Apache Kafka needs Java {MIN_JAVA}+ ({where}): {_JDK_HINT}")
    major = java_major_version(java)
    if major < MIN_JAVA:
        raise KafkaSetupError(
            f"Apache Kafka needs Java {MIN_JAVA}+, {java} is Java {major}: {_JDK_HINT}"
        )
    return java


def java_major_version(java: str) -> int:
    """The major version ``java -version`` reports (``1.8`` counts as 8)."""
    out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30)
    return parse_java_version(out.stderr + out.stdout)


def parse_java_version(text: str) -> int:
    match = re.search(r'version "(\d+)(?:\.(\d+))?', text)
    if match is None:
        return 0
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def classpath(version: str | None = None) -> list[Path]:
    """The jars of the pinned release, fetched with Maven on first use."""
    lib = cache_dir(version) / "lib"
    jars = sorted(lib.glob("*.jar"))
    if jars:
        return jars
    fetch(version)
    return sorted(lib.glob("*.jar"))


def fetch(version: str | None = None, *, quiet: bool = False) -> Path:
    """Copy the release's runtime jars into the cache (once; concurrent calls wait for the
    first). Returns the ``lib`` folder."""
    version = version or kafka_version()
    target = cache_dir(version)
    lib = target / "lib"
    target.mkdir(parents=True, exist_ok=True)
    with _locked(target / ".lock"):
        if any(lib.glob("*.jar")):
            return lib
        mvn = shutil.which("mvn")
        if mvn is None:
            raise KafkaSetupError(
                f"Apache Kafka {version} is fetched once from Maven Central into {target}, "
                f"which needs Maven (no `mvn` on PATH): {_MAVEN_HINT}"
            )
        _copy_dependencies(mvn, version, target, quiet=quiet)
    return lib


def _copy_dependencies(mvn: str, version: str, target: Path, *, quiet: bool) -> None:
    if not quiet:
        print(
            f"fetching Apache Kafka {version} with Maven into {target} (once)",
            file=sys.stderr,
            flush=True,
        )
    staging = Path(tempfile.mkdtemp(prefix="lib-", dir=target))
    log = target / "fetch.log"
    pom = shutil.copy(pom_path(), target / "pom.xml")  # Maven may write beside its pom
    cmd = [
        mvn,
        "-B",
        "-q",
        "-f",
        str(pom),
        f"-Dkafka.version={version}",
        "dependency:copy-dependencies",
        f"-DoutputDirectory={staging}",
        "-DincludeScope=runtime",
    ]
    with open(log, "wb") as out:
        done = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, timeout=1800)
    if done.returncode != 0 or not any(staging.glob("kafka_2.13-*.jar")):
        shutil.rmtree(staging, ignore_errors=True)
        tail = log.read_text(errors="replace").strip().splitlines()[-3:]
        raise KafkaSetupError(
            f"Maven could not fetch Apache Kafka {version} (exit {done.returncode}; "
            f"full log {log}): {' / '.join(tail)}"
        )
    staging.rename(target / "lib")


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with open(path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)

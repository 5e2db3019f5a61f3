"""Starting and stopping a worker as a child process (demo runner, tests, benchmark)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

#: Seconds a worker may take to answer on /health/ (it loads its models first).
WORKER_READY_S = 60.0


@dataclass
class WorkerProcess:
    process: subprocess.Popen[bytes]
    web_port: int
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def get(self, path: str, timeout: float = 5.0) -> bytes:
        with urllib.request.urlopen(f"{self.url}{path}", timeout=timeout) as r:
            return bytes(r.read())

    def get_status(self, path: str, timeout: float = 5.0) -> int:
        """HTTP status of a GET, for tests of error answers."""
        try:
            with urllib.request.urlopen(f"{self.url}{path}", timeout=timeout) as r:
                return int(r.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)

    def wait_ready(self, timeout: float = WORKER_READY_S) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited early; log:\n{self.tail_log()}")
            try:
                self.get("/health/", timeout=1)
                return
            except OSError:
                time.sleep(0.2)
        raise TimeoutError(f"worker web server not up in {timeout}s; log:\n{self.tail_log()}")

    def tail_log(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no log)"

    def kill(self) -> None:
        """SIGKILL: no shutdown, no final commit (crash tests)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self, timeout: float = 30.0) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()


def start_worker(
    *,
    broker_url: str,
    web_port: int,
    data_dir: Path,
    log_path: Path,
    env: dict[str, str] | None = None,
) -> WorkerProcess:
    full_env = {
        **os.environ,
        "NEWSSTREAM_BROKER_URL": broker_url,
        "NEWSSTREAM_WEB_PORT": str(web_port),
        "NEWSSTREAM_DATA_DIR": str(data_dir),
        **(env or {}),
    }
    out = open(log_path, "ab")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "streams.cli", "worker"],
        env=full_env,
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return WorkerProcess(proc, web_port, log_path)

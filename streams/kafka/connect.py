"""Starting a plain aiokafka client: retries with backoff while the broker is unreachable,
then one `BrokerUnavailable` that names the address tried and what to start.

Every client of the commands (the story producer, ``tail``'s consumer, the topic admin)
starts through `start_client`, so "no broker" reads the same whichever command met it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from aiokafka.conn import create_conn
from aiokafka.errors import KafkaError

from streams.exitcodes import CommandError, ExitCode, Stopped, StopRequest
from streams.kafka.client import client_kwargs
from streams.kafka.security import AccessDenied, login_refused
from streams.settings import Settings

log = logging.getLogger(__name__)

#: One connection attempt gives up after this long (a silent address would otherwise
#: hold it for the client's request timeout, a minute).
ATTEMPT_TIMEOUT_S = 10.0


class _Client(Protocol):
    async def start(self) -> None: ...


_C = TypeVar("_C", bound=_Client)
#: Told of each failed attempt: (attempt number, seconds until the next, the error).
OnRetry = Callable[[int, float, BaseException], None]


class BrokerUnavailable(CommandError):
    """The broker did not answer; the message says where and what to do."""

    code = ExitCode.BROKER_UNREACHABLE


def broker_address(s: Settings) -> str:
    return ",".join(s.bootstrap_servers)


def start_hint() -> str:
    """What to do about a missing broker, in the words every message uses."""
    return "start one with `newsstream broker` or point NEWSSTREAM_BROKER_URL at a running one"


def unreachable(s: Settings, attempts: int, exc: BaseException | None) -> BrokerUnavailable:
    why = f" ({type(exc).__name__})" if exc is not None else ""
    tries = "attempt" if attempts == 1 else "attempts"
    return BrokerUnavailable(
        f"could not reach the Kafka broker at {broker_address(s)} after {attempts} "
        f"{tries}{why}; {start_hint()}"
    )


async def _close(client: object) -> None:
    closer: Callable[[], Awaitable[object]] | None = getattr(client, "stop", None) or getattr(
        client, "close", None
    )
    if closer is not None:
        try:
            await closer()
        except Exception:  # a client that never connected may fail to close: nothing to free
            log.debug("closing an unstarted client failed", exc_info=True)


async def refusal(s: Settings) -> AccessDenied | None:
    """Why a secured connection failed, when it is the credentials or the certificate:
    aiokafka reports both as "unable to bootstrap", the same as a broker that is down, so
    one direct connection to the first bootstrap server tells them apart."""
    if s.security_protocol == "PLAINTEXT":
        return None
    host, _, port = s.bootstrap_servers[0].rpartition(":")
    kw = client_kwargs(s)
    try:
        async with asyncio.timeout(ATTEMPT_TIMEOUT_S):
            conn = await create_conn(
                host,
                int(port),
                client_id=s.client_id,
                security_protocol=s.security_protocol,
                ssl_context=kw.get("ssl_context"),
                sasl_mechanism=kw.get("sasl_mechanism", "PLAIN"),
                sasl_plain_username=kw.get("sasl_plain_username"),
                sasl_plain_password=kw.get("sasl_plain_password"),
            )
    except Exception as exc:
        return login_refused(s, broker_address(s), exc)
    conn.close()
    return None


async def start_client(
    make: Callable[[], _C],
    s: Settings,
    *,
    attempts: int | None = 6,
    first_delay: float = 0.5,
    max_delay: float = 8.0,
    stop: StopRequest | None = None,
    on_retry: OnRetry | None = None,
) -> _C:
    """``make()`` a client and start it, retrying with exponential backoff while the
    broker cannot be reached; ``attempts=None`` retries until ``stop`` is requested.

    Raises `BrokerUnavailable` after the last attempt, `Stopped` when a signal stops
    the wait, and `AccessDenied` at once when the broker refuses the login or its TLS
    certificate is not trusted (no retry would help).
    """
    delay = first_delay
    attempt = 0
    last: BaseException | None = None
    while attempts is None or attempt < attempts:
        attempt += 1
        client = make()
        try:
            async with asyncio.timeout(ATTEMPT_TIMEOUT_S):
                await client.start()
            return client
        except (KafkaError, TimeoutError, OSError) as exc:
            last = exc
            await _close(client)
            denied = await refusal(s)
            if denied is not None:
                raise denied from None
        if attempts is not None and attempt >= attempts:
            break
        log.info("broker at %s unreachable (attempt %d): %r", broker_address(s), attempt, last)
        if on_retry is not None:
            on_retry(attempt, delay, last)
        if stop is not None and await stop.sleep(delay):
            raise Stopped(
                f"stopped by {stop.name} while waiting for the Kafka broker at {broker_address(s)}",
                stop.job_exit_code,
            )
        if stop is None:
            await asyncio.sleep(delay)
        delay = min(delay * 2, max_delay)
    raise unreachable(s, attempt, last)

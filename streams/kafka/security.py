"""Security helpers: TLS context loading with errors that name settings, never contents,
and the one sentence a command ends with when the broker refuses its credentials or its
ACLs refuse a request (:class:`AccessDenied`)."""

from __future__ import annotations

import ssl

from aiokafka.errors import (
    ClusterAuthorizationFailedError,
    GroupAuthorizationFailedError,
    SaslAuthenticationFailed,
    TopicAuthorizationFailedError,
    TransactionalIdAuthorizationFailed,
)
from aiokafka.helpers import create_ssl_context

from streams.exitcodes import InputError
from streams.settings import Settings

#: What aiokafka raises when the broker's authorizer refuses a request.
AUTHORIZATION_ERRORS = (
    TopicAuthorizationFailedError,
    GroupAuthorizationFailedError,
    ClusterAuthorizationFailedError,
    TransactionalIdAuthorizationFailed,
)


class SecurityConfigError(ValueError):
    """A security setting cannot be used. The message names the setting and the path only:
    never a password, a key or a file's contents."""


def load_ssl_context(s: Settings) -> ssl.SSLContext:
    """The client TLS context (server verification on, hostname checked) for ``s``.

    ``ssl`` errors are re-raised as :class:`SecurityConfigError` naming the setting: the CA
    file is loaded first, then the certificate chain, so the failing one is known.
    """
    try:
        ctx = create_ssl_context(cafile=s.ssl_cafile)
    except (ssl.SSLError, OSError) as exc:
        raise SecurityConfigError(
            f"NEWSSTREAM_SSL_CAFILE {s.ssl_cafile!s} is not a usable CA bundle "
            f"({type(exc).__name__}: {exc.strerror or exc.__class__.__name__})"
        ) from None
    if s.ssl_certfile:
        try:
            ctx.load_cert_chain(certfile=s.ssl_certfile, keyfile=s.ssl_keyfile)
        except (ssl.SSLError, OSError) as exc:
            raise SecurityConfigError(
                f"NEWSSTREAM_SSL_CERTFILE {s.ssl_certfile} / NEWSSTREAM_SSL_KEYFILE "
                f"{s.ssl_keyfile} are not a usable certificate and key "
                f"({type(exc).__name__}: {exc.strerror or exc.__class__.__name__})"
            ) from None
    ctx.check_hostname = True
    ctx.verify_mode = ssl.CERT_REQUIRED
    return ctx


class AccessDenied(InputError):
    """The broker refused the login, its certificate is not trusted, or its ACLs refuse
    the request: no retry helps, the settings must change (exit code 2). The message names
    the user and the settings, never a password."""


def _who(s: Settings) -> str:
    return f"user {s.sasl_username!r}" if s.sasl_username else "this client"


def login_refused(s: Settings, where: str, exc: BaseException) -> AccessDenied | None:
    """The sentence for a connection the broker will never accept with these settings
    (a SASL login refused, a TLS certificate not trusted), or None for any other error."""
    if isinstance(exc, SaslAuthenticationFailed):
        return AccessDenied(
            f"the Kafka broker at {where} refused the {s.sasl_mechanism} login of "
            f"{_who(s)}: check NEWSSTREAM_SASL_USERNAME and NEWSSTREAM_SASL_PASSWORD"
        )
    if isinstance(exc, ssl.SSLCertVerificationError):
        trust = f"NEWSSTREAM_SSL_CAFILE {s.ssl_cafile}" if s.ssl_cafile else "the system CAs"
        return AccessDenied(
            f"the TLS certificate of the Kafka broker at {where} is not trusted by {trust} "
            f"({exc.verify_message}): set NEWSSTREAM_SSL_CAFILE to the CA that signed it"
        )
    if isinstance(exc, ssl.SSLError):
        return AccessDenied(
            f"the TLS handshake with the Kafka broker at {where} failed ({exc.reason}): "
            "check NEWSSTREAM_SECURITY_PROTOCOL and the NEWSSTREAM_SSL_* files"
        )
    return None


def not_authorized(s: Settings, where: str, action: str) -> AccessDenied:
    """The sentence for a request the broker's ACLs refuse: ``action`` says what was
    refused ("write to topic news.raw")."""
    return AccessDenied(
        f"the Kafka broker at {where} does not allow {_who(s)} to {action} (its ACLs "
        "refuse it): use the credentials of a principal that may, see docs/security.md"
    )

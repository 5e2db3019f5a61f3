"""Security helpers: TLS context loading with errors that name settings, never contents."""

from __future__ import annotations

import ssl

from aiokafka.helpers import create_ssl_context

from streams.settings import Settings


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

"""The security settings and TLS loading (streams/kafka/security.py, and the validation in
streams/settings.py): newsstream refuses to start on a bad combination with a message that
names the setting, and never echoes a password or a file's contents.

See docs/security.md for the findings these tests pin down.
"""

from __future__ import annotations

import os
import ssl
from pathlib import Path
from typing import Any

import certifi
import pytest
from aiokafka.errors import SaslAuthenticationFailed
from pydantic import ValidationError

from streams.exitcodes import ExitCode
from streams.kafka.security import (
    AccessDenied,
    SecurityConfigError,
    load_ssl_context,
    login_refused,
    not_authorized,
)
from streams.settings import Settings
from streams.worker.app import faust_credentials
from tests.unit.kafka.conftest import SASL_PASSWORD

PASSWORD = "pw-Zq8v-UNIQUE-s3cr3t"  # searched for in every output below
SECRET_PEM = "-----BEGIN NOT-A-CERT-----\nSECRET-CONTENTS-42\n-----END NOT-A-CERT-----\n"


pytestmark = pytest.mark.usefixtures("no_newsstream_env")


def _error_text(kw: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as info:
        Settings(**kw)
    # str/repr hide the input (hide_input_in_errors); errors()/json() include it unless asked
    # not to, so code that logs them must pass include_input=False (docs/security.md)
    err = info.value
    text = f"{err}\n{err!r}\n{err.errors(include_input=False)!r}\n{err.json(include_input=False)}"
    assert PASSWORD not in text
    return text


# --- settings validation ----------------------------------------------------------------


def test_sasl_credentials_without_sasl_protocol() -> None:
    text = _error_text(
        {"sasl_mechanism": "SCRAM-SHA-512", "sasl_username": "u", "sasl_password": PASSWORD}
    )
    assert "NEWSSTREAM_SECURITY_PROTOCOL is PLAINTEXT" in text


def test_sasl_protocol_without_credentials() -> None:
    text = _error_text({"security_protocol": "SASL_PLAINTEXT", "sasl_password": PASSWORD})
    assert "SASL needs NEWSSTREAM_SASL_MECHANISM" in text


def test_unknown_sasl_mechanism() -> None:
    for mech in ("GSSAPI", "OAUTHBEARER", "scram-sha-512", "SCRAM-SHA-1"):
        text = _error_text(
            {
                "security_protocol": "SASL_PLAINTEXT",
                "sasl_mechanism": mech,
                "sasl_username": "u",
                "sasl_password": PASSWORD,
            }
        )
        assert "sasl_mechanism" in text and "SCRAM-SHA-512" in text


def test_missing_tls_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nope.pem"
    text = _error_text({"security_protocol": "SSL", "ssl_cafile": str(missing)})
    assert "NEWSSTREAM_SSL_CAFILE: no such file" in text and str(missing) in text
    key = tmp_path / "key.pem"
    key.write_text("PRIVATE-KEY-CONTENTS")
    text = _error_text(
        {
            "security_protocol": "SSL",
            "ssl_certfile": str(tmp_path / "cert-missing.pem"),
            "ssl_keyfile": str(key),
        }
    )
    assert "NEWSSTREAM_SSL_CERTFILE" in text and "PRIVATE-KEY-CONTENTS" not in text


def test_unreadable_tls_file(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads every file: os.access cannot fail")
    ca = tmp_path / "ca.pem"
    ca.write_text("x")
    ca.chmod(0)
    text = _error_text({"security_protocol": "SSL", "ssl_cafile": str(ca)})
    assert "NEWSSTREAM_SSL_CAFILE: file not readable" in text


def test_cert_without_key_and_key_without_cert(tmp_path: Path) -> None:
    f = tmp_path / "x.pem"
    f.write_text("x")
    assert "go together" in _error_text({"security_protocol": "SSL", "ssl_certfile": str(f)})
    assert "go together" in _error_text({"security_protocol": "SSL", "ssl_keyfile": str(f)})


def test_tls_files_without_tls_protocol(tmp_path: Path) -> None:
    f = tmp_path / "ca.pem"
    f.write_text("x")
    for proto in ("PLAINTEXT", "SASL_PLAINTEXT"):
        kw: dict[str, Any] = {"security_protocol": proto, "ssl_cafile": str(f)}
        if proto.startswith("SASL"):
            kw |= {"sasl_mechanism": "PLAIN", "sasl_username": "u", "sasl_password": PASSWORD}
        text = _error_text(kw)
        assert "NEWSSTREAM_SSL_CAFILE set but NEWSSTREAM_SECURITY_PROTOCOL" in text


def test_valid_security_settings_are_accepted() -> None:
    s = Settings(
        security_protocol="SASL_SSL",
        sasl_mechanism="SCRAM-SHA-256",
        sasl_username="alice",
        sasl_password=PASSWORD,
        ssl_cafile=certifi.where(),
    )
    assert s.sasl_password is not None and s.sasl_password.get_secret_value() == PASSWORD


def test_password_from_env_not_in_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSSTREAM_SASL_USERNAME", "alice")
    monkeypatch.setenv("NEWSSTREAM_SASL_PASSWORD", PASSWORD)
    monkeypatch.setenv("NEWSSTREAM_SASL_MECHANISM", "SCRAM-SHA-256")
    with pytest.raises(ValidationError) as info:
        Settings()
    assert "NEWSSTREAM_SECURITY_PROTOCOL is PLAINTEXT" in str(info.value)
    assert PASSWORD not in f"{info.value}{info.value!r}"


# --- redaction ---------------------------------------------------------------------------


def test_password_never_in_repr_dump_or_credentials() -> None:
    s = Settings(
        security_protocol="SASL_PLAINTEXT",
        sasl_mechanism="SCRAM-SHA-512",
        sasl_username="alice",
        sasl_password=PASSWORD,
    )
    creds = faust_credentials(s)
    for text in (
        repr(s),
        str(s),
        s.model_dump_json(),
        str(s.model_dump()),
        repr(creds),
        str(creds),
    ):
        assert PASSWORD not in text
    # ... while the worker's Faust client does get it
    assert creds.password == PASSWORD and creds.mechanism.value == "SCRAM-SHA-512"


# --- TLS context loading -----------------------------------------------------------------


def test_tls_context_verifies_the_server() -> None:
    ctx = load_ssl_context(Settings(security_protocol="SSL", ssl_cafile=certifi.where()))
    assert ctx.verify_mode == ssl.CERT_REQUIRED
    assert ctx.check_hostname
    assert ctx.cert_store_stats()["x509_ca"] > 0  # the CA file was loaded


def test_bad_ca_file_contents_never_echoed(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text(SECRET_PEM)
    with pytest.raises(SecurityConfigError) as info:
        load_ssl_context(Settings(security_protocol="SSL", ssl_cafile=str(ca)))
    assert "NEWSSTREAM_SSL_CAFILE" in str(info.value) and str(ca) in str(info.value)
    assert "SECRET-CONTENTS-42" not in f"{info.value} {info.value!r}"


def test_bad_key_file_contents_never_echoed(tmp_path: Path) -> None:
    bad_key = tmp_path / "bad-key.pem"
    bad_key.write_text(SECRET_PEM)
    s = Settings(
        security_protocol="SSL",
        ssl_cafile=certifi.where(),
        ssl_certfile=certifi.where(),  # a certificate, so the key is what fails
        ssl_keyfile=str(bad_key),
    )
    with pytest.raises(SecurityConfigError) as info:
        load_ssl_context(s)
    assert "NEWSSTREAM_SSL_KEYFILE" in str(info.value) and str(bad_key) in str(info.value)
    assert "SECRET-CONTENTS-42" not in f"{info.value} {info.value!r}"


# --- refusals: one sentence, exit code 2, no password -----------------------------------


def test_a_refused_login_names_the_user_and_settings_not_the_password(sasl: Settings) -> None:
    exc = SaslAuthenticationFailed("Authentication failed due to invalid credentials")
    denied = login_refused(sasl, "127.0.0.1:9094", exc)
    assert isinstance(denied, AccessDenied) and denied.code == ExitCode.USAGE
    text = str(denied)
    assert "refused the SCRAM-SHA-512 login of user 'alice'" in text
    assert "NEWSSTREAM_SASL_PASSWORD" in text and SASL_PASSWORD not in text


def test_an_untrusted_certificate_names_the_ca_file(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text(certifi.contents())
    s = Settings(security_protocol="SSL", ssl_cafile=str(ca))
    exc = ssl.SSLCertVerificationError(1, "certificate verify failed")
    exc.verify_message = "unable to get local issuer certificate"
    text = str(login_refused(s, "h:1", exc))
    assert f"not trusted by NEWSSTREAM_SSL_CAFILE {ca}" in text
    assert "unable to get local issuer certificate" in text


def test_other_connection_errors_are_not_refusals(sasl: Settings) -> None:
    assert login_refused(sasl, "h:1", ConnectionRefusedError()) is None


def test_an_acl_refusal_says_who_was_refused_what(sasl: Settings) -> None:
    text = str(not_authorized(sasl, "h:1", "write to topic news.raw"))
    assert "does not allow user 'alice' to write to topic news.raw" in text
    anonymous = str(not_authorized(Settings(), "h:1", "read topic x"))
    assert "does not allow this client to read topic x" in anonymous

"""Feed bytes to text: BOMs, declared XML and HTTP charsets, and undeclared legacy bytes.

Labels are often wrong, so the bytes are trusted over them (see `decode_document`). Named
``charset`` rather than ``decode`` so it is not mistaken for ``streams/pipeline/decode.py``,
which decodes raw Kafka events.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_XML_DECL_ENCODING = re.compile(
    rb"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""", re.IGNORECASE
)
_HTTP_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_document(data: bytes, headers: Mapping[str, str]) -> tuple[str, str | None]:
    """Bytes to text, trusting the bytes over the labels; returns (text, warning).

    Order: a BOM; else valid UTF-8 (multi-byte UTF-8 is practically never valid by
    accident, so it beats a wrong label); else the XML declaration's encoding, then the
    HTTP charset (the document knows itself better than a server default); else
    windows-1252, the usual undeclared legacy encoding, else latin-1 (never fails).
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(name, errors="replace"), None
    if data.startswith(b"<\x00?\x00"):
        return data.decode("utf-16-le", errors="replace"), None
    if data.startswith(b"\x00<\x00?"):
        return data.decode("utf-16-be", errors="replace"), None

    m = _XML_DECL_ENCODING.match(data[:1024])
    declared_xml = m.group(1).decode("ascii") if m else None
    hm = _HTTP_CHARSET.search(header_value(headers, "content-type") or "")
    declared_http = hm.group(1) if hm else None
    declared = declared_xml or declared_http
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = f"byte 0x{data[exc.start]:02X} at offset {exc.start}"
    else:
        if declared and not data.isascii() and _codec(declared) not in ("utf-8", "ascii"):
            return text, f"declared encoding {declared!r}, but the content is UTF-8; read as UTF-8"
        return text, None

    for label in (declared_xml, declared_http):
        codec = _codec(label)
        if not codec or codec in ("utf-8", "ascii") or codec.startswith(("utf-16", "utf-32")):
            continue
        # As browsers do (WHATWG), a latin-1 label means windows-1252: feeds labelled
        # ISO-8859-1 routinely contain its curly quotes and euro sign.
        for candidate in ("cp1252", codec) if codec == "iso8859-1" else (codec,):
            try:
                return data.decode(candidate), None
            except UnicodeDecodeError:
                continue
    try:
        text, used = data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        text, used = data.decode("latin-1"), "latin-1"
    if declared:
        why = f"declared encoding {declared!r}, but the content is not valid {declared} ({bad})"
    else:
        why = f"no encoding declared and the content is not UTF-8 ({bad})"
    return text, f"{why}; read as {used}"


def header_value(headers: Mapping[str, str], name: str) -> str | None:
    """The value of HTTP header ``name`` (lower case) in ``headers`` of any case."""
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None

"""Decoding feed bytes: BOMs, declared and undeclared encodings, labels that lie."""

from __future__ import annotations

from streams.sources.feeds.parse import parse_feed
from tests.unit.sources.feeds.conftest import (
    FEEDS,
    parse,
)


def test_undeclared_windows_1252() -> None:
    r = parse("undeclared_cp1252.xml")
    assert not r.errors
    (s,) = r.stories
    assert s.headline == "Crème brûlée wins “best dessert” – again"
    assert "costs €5" in s.body and r.title == "Café Chronicle"
    (w,) = r.warnings
    assert "no encoding declared" in w.reason and "windows-1252" in w.reason


def test_declared_utf8_but_latin1() -> None:
    r = parse("declared_utf8_is_latin1.xml")
    (s,) = r.stories
    assert s.headline == "El niño ganó el año"
    assert s.body == "Según la organización, el niño de Málaga ganó el premio del año."
    assert "declared encoding 'UTF-8'" in r.warnings[0].reason and not r.errors


def test_declared_latin1_but_utf8() -> None:
    r = parse("declared_latin1_is_utf8.xml")
    assert r.title == "Señal Diaria – Edición “UTF-8”"  # not "SeÃ±al"
    assert r.stories[0].headline == "El niño ganó el año"
    assert "content is UTF-8" in r.warnings[0].reason and not r.errors


def test_http_charset_is_used_when_the_document_declares_none() -> None:
    data = (FEEDS / "rss091.xml").read_bytes().replace(b' encoding="ISO-8859-1"', b"")
    data = data.replace(b"Old School News", "Ökonomie".encode("iso-8859-15"))
    r = parse_feed(data, location="x", headers={"Content-Type": "text/xml; charset=ISO-8859-15"})
    assert r.title == "Ökonomie" and not r.warnings


def test_utf16_with_bom() -> None:
    text = (
        (FEEDS / "atom10.xml").read_text("utf-8").replace('encoding="utf-8"', 'encoding="utf-16"')
    )
    r = parse_feed(text.encode("utf-16"), location="x")
    assert not r.errors and r.stories[0].headline == "Élection municipale : résultats"

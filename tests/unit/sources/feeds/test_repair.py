"""Repairing not-quite-XML, and reporting what stays broken: truncated, malformed, not a feed."""

from __future__ import annotations

import pytest

from streams.sources.feeds.parse import parse_feed
from tests.unit.sources.feeds.conftest import (
    FEEDS,
    parse,
)


def test_bom_and_blank_lines_before_the_declaration() -> None:
    r = parse("bom_whitespace.xml")
    assert (r.errors, r.warnings) == ([], [])
    assert [s.id for s in r.stories] == ["ws-1"]


@pytest.mark.parametrize("prefix", [b"\n", b"  \r\n\t", b"\xef\xbb\xbf", b"\xef\xbb\xbf\n \n"])
def test_any_leading_whitespace_or_bom(prefix: bytes) -> None:
    data = prefix + (FEEDS / "cdata.xml").read_bytes()
    r = parse_feed(data, location="x")
    assert not r.errors and [s.id for s in r.stories] == ["cdata-1"]


def test_truncated_feed_publishes_complete_items_and_reports() -> None:
    r = parse("truncated.xml")
    assert [s.id for s in r.stories] == ["trunc-1", "trunc-2"]
    (err,) = r.errors
    assert err.location == "truncated.xml" and err.item is None
    assert "truncated" in err.reason and "dropped 1 incomplete" in err.reason
    assert "Third story, cut off" in err.reason
    assert not r.complete


def test_truncated_between_items() -> None:
    text = (FEEDS / "rss20_html.xml").read_text("utf-8")
    cut = text[: text.index("</item>") + len("</item>")]
    r = parse_feed(cut.encode(), location="x")
    assert [s.id for s in r.stories] == ["courier-2024-0001"]
    assert "truncated" in r.errors[0].reason and "dropped" not in r.errors[0].reason


def test_html_page_is_not_a_feed() -> None:
    r = parse("not_a_feed.html", location="https://news.example/")
    assert r.stories == []
    (err,) = r.errors
    assert err.location == "https://news.example/"
    assert "not a feed" in err.reason and "HTML page" in err.reason
    assert "https://news.example/rss.xml" in err.reason  # the feed the page advertises


def test_other_xml_is_not_a_feed() -> None:
    r = parse_feed(b"<?xml version='1.0'?><config><a>1</a></config>", location="c.xml")
    assert r.stories == [] and "not a feed" in r.errors[0].reason
    assert "<config>" in r.errors[0].reason


def test_unescaped_ampersands_are_repaired() -> None:
    r = parse("unescaped_ampersand.xml")
    assert not r.errors
    assert [s.headline for s in r.stories] == [
        "AT&T and Procter & Gamble report earnings",
        "Second item after the bad ampersand",
    ]
    assert "escaped 3 bare '&'" in r.warnings[0].reason


def test_html_entities_undefined_in_xml_and_control_characters() -> None:
    data = (
        b"<rss version='2.0'><channel><title>T</title><item><guid>e1</guid>"
        b"<title>Caf&eacute;\x0b news</title><description>A&nbsp;B &copy; C</description>"
        b"</item></channel></rss>"
    )
    r = parse_feed(data, location="x")
    assert not r.errors
    (s,) = r.stories
    assert (s.headline, s.body) == ("Café news", "A B © C")


def test_mid_document_markup_error_keeps_items_and_reports() -> None:
    text = (FEEDS / "rss091.xml").read_text("latin-1")
    broken = text.replace("<title>Second story</title>", "<title>Second story</titel>")
    r = parse_feed(broken.encode("latin-1"), location="x")
    assert "not well-formed" in r.errors[0].reason
    assert r.stories[0].headline == "Ninety-one lives on"


def test_an_item_cut_off_in_its_title_is_named_untitled() -> None:
    r = parse_feed(b"<rss><channel><item><title>Half a hea", location="x")
    (err,) = r.errors
    assert err.reason.endswith("dropped 1 incomplete: (untitled)"), err.reason

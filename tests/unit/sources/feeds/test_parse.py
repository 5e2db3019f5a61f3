"""`parse_feed`: each format, the field mapping, dates, languages and ids."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.models import RawStory, story_id_for
from streams.sources.feeds.parse import normalise_language, parse_feed
from tests.unit.sources.feeds.conftest import (
    FEEDS,
    by_id,
    parse,
)


def test_rss20_html_bodies_are_plain_text() -> None:
    r = parse("rss20_html.xml")
    assert (r.format, r.title, r.errors, r.warnings) == (
        "rss20",
        "The Daily & Weekly Courier",
        [],
        [],
    )
    s = by_id(r)["courier-2024-0001"]
    # content:encoded is longer than the description, so it wins; scripts, styles and
    # noscript vanish; blocks become paragraphs, <br> a line break; entities decoded.
    assert s.body == (
        "The city council voted 7–2 on Tuesday to approve the new bridge, the mayor’s"
        " flagship project.\n\nWork starts in May & ends in 2026.\nCosts: €40m.\n\nPro: 7"
        "\n\nContra: 2"
    )
    assert s.headline == "Council approves new bridge – finally"
    assert s.url == "https://courier.example/news/bridge"
    assert s.source == "The Daily & Weekly Courier"
    assert s.received_at is None
    # A description longer than content:encoded wins.
    short = by_id(r)["https://courier.example/news/short"]
    assert short.body == "A longer description, which wins\n\nover the shorter content."
    # HTML escaped twice is unwrapped.
    assert by_id(r)["courier-2024-0003"].body == "Double escaped & still readable."


def test_pubdate_with_offset_is_converted_to_utc() -> None:
    s = by_id(parse("rss20_html.xml"))["courier-2024-0001"]
    # Tue, 05 Mar 2024 14:30:00 +0200
    assert s.published_at == datetime(2024, 3, 5, 12, 30, tzinfo=UTC)
    assert s.published_at.utcoffset().total_seconds() == 0  # type: ignore[union-attr]


def test_language_from_the_feed_in_bcp47_case() -> None:
    assert {s.language for s in parse("rss20_html.xml").stories} == {"en-US"}
    assert {s.language for s in parse("rss10_rdf.xml").stories} == {"de-DE"}
    assert {s.language for s in parse("atom10.xml").stories} == {"fr-FR"}
    # No language in the feed: unknown stays unknown (absent on the wire), not English.
    (story,) = parse("cdata.xml").stories
    assert story.language is None and "language" not in orjson.loads(story.to_bytes())


def test_an_items_own_language_wins_over_the_channels() -> None:
    doc = b"""<?xml version="1.0"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel xml:lang="en">
<title>Mixed</title><language>en-gb</language>
<item><title>A</title><description>Bonjour</description><dc:language>fr</dc:language>
<guid>a</guid></item>
<item xml:lang="de"><title>B</title><description>Hallo</description><guid>b</guid></item>
<item><title>C</title><description>Hello</description><guid>c</guid></item>
</channel></rss>"""
    stories = {s.id: s.language for s in parse_feed(doc, location="mixed.xml").stories}
    assert stories == {"a": "fr", "b": "de", "c": "en"}


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("en-us", "en-US"),
        ("EN", "en"),
        ("zh_hant_tw", "zh-Hant-TW"),
        ("pt-br", "pt-BR"),
        ("eng", "en"),
        ("English", "en"),
        ("es-419", "es-419"),
        ("not a language!", None),
        ("", None),
    ],
)
def test_normalise_language(tag: str, expected: str | None) -> None:
    assert normalise_language(tag) == expected


def test_rss091() -> None:
    r = parse("rss091.xml")
    assert r.format.startswith("rss091") and not r.errors
    assert [s.headline for s in r.stories] == ["Ninety-one lives on", "Second story"]
    # No guid in RSS 0.91: the link is the id.
    assert [s.id for s in r.stories] == [
        "http://oldschool.example/story/1",
        "http://oldschool.example/story/2",
    ]
    assert all(s.published_at is None and s.language == "en" for s in r.stories)


def test_rss10_rdf() -> None:
    r = parse("rss10_rdf.xml")
    assert (r.format, r.title, r.errors) == ("rss10", "RDF Gazette", [])
    (s,) = r.stories
    assert s.id == "https://rdf.example/artikel/1"  # rdf:about
    assert s.body == "Der Bundestag hat am Mittwoch über den Haushalt beraten."
    assert s.published_at == datetime(2024, 3, 6, 17, 15, tzinfo=UTC)  # dc:date +01:00


def test_atom10() -> None:
    r = parse("atom10.xml")
    assert (r.format, r.title, r.errors) == ("atom10", "Atom Observateur", [])
    first, second = r.stories
    assert first.id == "tag:atom.example,2024:election"
    assert first.headline == "Élection municipale : résultats"  # type="html" title
    # xhtml content beats the shorter summary
    assert (
        first.body == "Les résultats sont tombés dimanche soir.\n\nLa participation atteint 62 %."
    )
    # published (08:00+01:00) is preferred over updated
    assert first.published_at == datetime(2024, 3, 7, 7, 0, tzinfo=UTC)
    # only <updated>: that is the date; type="text" content is not parsed as HTML
    assert second.published_at == datetime(2024, 3, 7, 15, 30, tzinfo=UTC)
    assert second.body == "Plain text content where a < b and x <y stay literal."


def test_cdata_sections() -> None:
    r = parse("cdata.xml")
    assert r.title == "CDATA Times" and not r.errors and not r.warnings
    (s,) = r.stories
    assert s.headline == "Markets rally as rates <hold> & bonds slip"  # CDATA text is text
    assert s.url == "https://cdata.example/a?x=1&y=2"
    assert s.body == "Stocks rose 1.2% on Thursday & bonds fell.\n\nAnalysts said: “It’s a relief.”"


@pytest.mark.parametrize("name", sorted(p.name for p in FEEDS.iterdir()))
def test_every_prefix_of_every_fixture_is_handled(name: str) -> None:
    """Cut anywhere, a feed gives stories and/or errors, never an exception."""
    data = (FEEDS / name).read_bytes()
    for end in range(0, len(data), max(1, len(data) // 40)):
        r = parse_feed(data[:end], location=name)
        assert r.stories or r.errors or r.format
        assert all(s.body.strip() for s in r.stories)


def test_empty_file() -> None:
    r = parse("empty.xml")
    assert r.stories == [] and r.errors[0].reason == "empty document (0 bytes)"
    r = parse_feed(b" \n\t\n", location="blank.xml")
    assert r.errors[0].reason == "document contains only whitespace"


def test_missing_dates_guids_links_and_bodies() -> None:
    r = parse("missing_fields.xml", location="https://nofields.example/rss")
    stories = r.stories
    assert [s.headline for s in stories] == [
        "Has a link but no guid and no date",
        "No link, no guid, no date",
        "Headline only, the body is empty HTML",
        "Garbage and far-future dates",
        "A date far in the future",
    ]
    assert all(s.published_at is None for s in stories)
    # no feed title: the host of the feed URL is the source
    assert {s.source for s in stories} == {"nofields.example"}
    one, two, three = stories[:3]
    assert one.id == one.url == "https://nofields.example/story/1"  # no guid → link
    assert two.url is None and two.id == story_id_for(two.headline, two.body)  # → hash
    assert three.body == three.headline  # body empty after stripping → headline
    # an item with neither title nor text is reported, not dropped silently
    (err,) = r.errors
    assert err.item == "https://nofields.example/story/4" and "no text" in err.reason
    reasons = [w.reason for w in r.warnings]
    assert any("unreadable published date 'not a date at all'" in x for x in reasons)
    assert any("implausible published date" in x and "2199" in x for x in reasons)
    assert r.complete  # item errors do not make the document incomplete


def test_source_of_a_local_file_without_title_is_its_name() -> None:
    assert {s.source for s in parse("missing_fields.xml").stories} == {"missing_fields.xml"}


def test_hash_ids_are_stable_across_runs() -> None:
    first = [s.id for s in parse("missing_fields.xml").stories]
    again = [s.id for s in parse("missing_fields.xml").stories]
    assert first == again and first[1].startswith("h")
    # and they do not depend on where the feed came from
    assert parse("missing_fields.xml", location="http://elsewhere/").stories[1].id == first[1]


def test_guid_is_the_id() -> None:
    assert [s.id for s in parse("cdata.xml").stories] == ["cdata-1"]


def test_over_long_guid_gets_a_stable_short_id() -> None:
    guid = "x" * 600
    data = f"<rss version='2.0'><channel><item><guid>{guid}</guid><title>T</title>"
    data += "<description>B</description></item></channel></rss>"
    a = parse_feed(data.encode(), location="x").stories[0].id
    assert len(a) < 512 and a == parse_feed(data.encode(), location="y").stories[0].id


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=3000))
def test_parse_never_raises(data: bytes) -> None:
    r = parse_feed(data, location="fuzz")
    assert all(isinstance(s, RawStory) for s in r.stories)


def test_over_long_headline_and_link_are_shortened_or_dropped_not_rejected() -> None:
    title, link = "T" * 5000, "https://x.example/" + "a" * 9000
    data = f"<rss version='2.0'><channel><title>{'S' * 600}</title><item><guid>g</guid>"
    data += f"<title>{title}</title><link>{link}</link><description>B</description>"
    data += "</item></channel></rss>"
    r = parse_feed(data.encode(), location="x")
    (s,) = r.stories
    assert not r.errors
    assert s.headline == "T" * 4096 and s.url is None and s.source == "S" * 512


def test_an_items_category_terms_travel_with_its_story() -> None:
    feed = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item>'
        b"<title>Hospital strike</title><description>Nurses walked out.</description>"
        b"<category>Health</category><category>Gesundheit</category></item>"
        b"<item><title>No terms</title><description>Plain item.</description></item>"
        b"</channel></rss>"
    )
    first, second = parse_feed(feed, location="t.xml").stories
    assert first.feed_categories == ["Health", "Gesundheit"]
    assert second.feed_categories is None

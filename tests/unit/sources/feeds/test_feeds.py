"""Feed reader: messy real-world feeds, conditional polling, and the restart-safe seen-set.

Everything is local: fixtures in ``tests/feeds/`` and an HTTP server on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.models import RawStory, story_id_for
from streams.sources.feeds.fetch import fetch
from streams.sources.feeds.parse import FeedResult, normalise_language, parse_feed
from streams.sources.feeds.poll import PollOutcome, PollReport, poll_sources
from streams.sources.feeds.state import FeedState, Validators
from streams.sources.feeds.text import html_to_text

FEEDS = Path(__file__).parent / "data"


def parse(name: str, location: str | None = None) -> FeedResult:
    return parse_feed((FEEDS / name).read_bytes(), location=location or name)


def by_id(result: FeedResult) -> dict[str, RawStory]:
    return {s.id: s for s in result.stories}


# --- formats ---------------------------------------------------------------------------
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
    # No language in the feed: the contract's default.
    assert {s.language for s in parse("cdata.xml").stories} == {"en"}


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


# --- encodings ---------------------------------------------------------------------------
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


def test_bom_and_blank_lines_before_the_declaration() -> None:
    r = parse("bom_whitespace.xml")
    assert (r.errors, r.warnings) == ([], [])
    assert [s.id for s in r.stories] == ["ws-1"]


@pytest.mark.parametrize("prefix", [b"\n", b"  \r\n\t", b"\xef\xbb\xbf", b"\xef\xbb\xbf\n \n"])
def test_any_leading_whitespace_or_bom(prefix: bytes) -> None:
    data = prefix + (FEEDS / "cdata.xml").read_bytes()
    r = parse_feed(data, location="x")
    assert not r.errors and [s.id for s in r.stories] == ["cdata-1"]


def test_utf16_with_bom() -> None:
    text = (
        (FEEDS / "atom10.xml").read_text("utf-8").replace('encoding="utf-8"', 'encoding="utf-16"')
    )
    r = parse_feed(text.encode("utf-16"), location="x")
    assert not r.errors and r.stories[0].headline == "Élection municipale : résultats"


# --- broken documents --------------------------------------------------------------------
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


# --- missing fields and ids --------------------------------------------------------------
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


# --- HTML to text ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("<p>One</p><p>Two</p>", "One\n\nTwo"),
        ("<div>a<br>b<br/><br/>c</div>", "a\nb\n\nc"),
        ("x<script>var a = '<p>';</script>y<style>p{}</style>z", "xyz"),
        ("A&nbsp;&nbsp;B &#8217; &amp;amp; &eacute;", "A B ’ & é"),
        ("<ul><li>one</li><li>two</li></ul>", "one\n\ntwo"),
        ("<table><tr><td>a</td><td>b</td></tr></table>", "a b"),
        ("  lots \n\n of\t\tspace  ", "lots of space"),
        ("<h1>Title</h1>Text after", "Title\n\nText after"),
        ("caf\u00e9\u200b\u00ad!", "café!"),
        ("<p>unclosed <b>bold", "unclosed bold"),
    ],
)
def test_html_to_text(markup: str, text: str) -> None:
    assert html_to_text(markup) == text


def test_plain_text_keeps_angle_brackets_and_joins_soft_wraps() -> None:
    assert html_to_text("a < b\nand c > d\n\nnext", content_type="text/plain") == (
        "a < b and c > d\n\nnext"
    )


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=3000))
def test_parse_never_raises(data: bytes) -> None:
    r = parse_feed(data, location="fuzz")
    assert all(isinstance(s, RawStory) for s in r.stories)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=500))
def test_html_to_text_never_raises(markup: str) -> None:
    html_to_text(markup)


# --- the state store ---------------------------------------------------------------------
def test_state_survives_reopen_and_is_bounded(tmp_path: Path) -> None:
    with FeedState(tmp_path, max_ids_per_feed=3) as st_:
        for i in range(5):
            st_.mark_seen("f", f"id{i}")
        st_.mark_seen("other", "id0")
        st_.set_validators("f", Validators('"e1"', "Wed, 06 Mar 2024 09:00:00 GMT"))
        assert st_.prune("f") == 2
    with FeedState(tmp_path, max_ids_per_feed=3) as st_:
        assert [st_.is_seen("f", f"id{i}") for i in range(5)] == [False, False, True, True, True]
        assert st_.is_seen("other", "id0")  # bounded per feed
        assert st_.validators("f") == Validators('"e1"', "Wed, 06 Mar 2024 09:00:00 GMT")
        assert st_.validators("nope") == Validators()


def test_touch_keeps_listed_ids_from_being_pruned(tmp_path: Path) -> None:
    with FeedState(tmp_path, max_ids_per_feed=2) as st_:
        for i in range(3):
            st_.mark_seen("f", f"id{i}")
        st_.touch("f", ["id0"])  # the feed still lists id0
        st_.prune("f")
        assert [st_.is_seen("f", f"id{i}") for i in range(3)] == [True, False, True]


# --- a local HTTP server -----------------------------------------------------------------
def rss(items: list[int], title: str = "Local Feed") -> bytes:
    body = "".join(
        f"<item><title>Story {i}</title><link>http://127.0.0.1/s/{i}</link>"
        f"<guid isPermaLink='false'>local-{i}</guid>"
        f"<pubDate>Tue, 05 Mar 2024 1{i % 10}:00:00 +0200</pubDate>"
        f"<description>&lt;p&gt;Body of story {i}.&lt;/p&gt;</description></item>"
        for i in items
    )
    return (
        f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
        f"<title>{title}</title>{body}</channel></rss>"
    ).encode()


class FeedServer:
    """Serves a mutable feed with ETag/Last-Modified, and records every request."""

    def __init__(self) -> None:
        self.body = b""
        self.etag: str | None = None
        self.last_modified: str | None = None
        self.version = 0
        self.requests: list[tuple[str, dict[str, str], int]] = []
        self.release = threading.Event()
        self.lock = threading.Lock()

    def set(self, body: bytes, *, etag: bool = True, last_modified: bool = True) -> None:
        with self.lock:
            self.version += 1
            self.body = body
            self.etag = f'"v{self.version}"' if etag else None
            self.last_modified = formatdate(1_700_000_000 + self.version, usegmt=True)
            if not last_modified:
                self.last_modified = None

    def statuses(self, path: str = "/feed.xml") -> list[int]:
        return [status for p, _, status in self.requests if p == path]

    def headers(self, path: str = "/feed.xml") -> list[dict[str, str]]:
        return [h for p, h, _ in self.requests if p == path]


@pytest.fixture
def server() -> Iterator[tuple[FeedServer, str]]:
    feed = FeedServer()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def reply(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None):
            feed.requests.append(
                (self.path, {k.lower(): v for k, v in self.headers.items()}, status)
            )
            self.send_response(status)
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            if self.path == "/feed.xml":
                with feed.lock:
                    body, etag, lm = feed.body, feed.etag, feed.last_modified
                inm = self.headers.get("If-None-Match")
                ims = self.headers.get("If-Modified-Since")
                if (inm is not None and inm == etag) or (
                    inm is None and ims is not None and ims == lm
                ):
                    return self.reply(304)
                headers = {"Content-Type": "application/rss+xml"}
                if etag:
                    headers["ETag"] = etag
                if lm:
                    headers["Last-Modified"] = lm
                return self.reply(200, body, headers)
            if self.path == "/broken":
                return self.reply(500, b"oops", {"Content-Type": "text/plain"})
            if self.path == "/moved":
                return self.reply(301, b"", {"Location": "/feed.xml"})
            if self.path == "/page.html":
                page = (FEEDS / "not_a_feed.html").read_bytes()
                return self.reply(200, page, {"Content-Type": "text/html; charset=utf-8"})
            if self.path == "/slow":
                feed.release.wait(10)
                return self.reply(200, rss([1]))
            return self.reply(404, b"no")

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield feed, f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        feed.release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


class Collector:
    """An in-memory ``publish``."""

    def __init__(self, fail_on: set[str] | None = None) -> None:
        self.stories: list[RawStory] = []
        self.fail_on = fail_on or set()

    async def __call__(self, story: RawStory) -> None:
        if story.id in self.fail_on:
            raise ConnectionError("broker unavailable")
        self.stories.append(story)

    @property
    def ids(self) -> list[str]:
        return [s.id for s in self.stories]


def run_ingest(sources: list[str], publish: Collector, state_dir: Path, **kw: Any) -> PollReport:
    return asyncio.run(poll_sources(sources, publish, state_dir=state_dir, **kw))


# --- polling -----------------------------------------------------------------------------
def test_polling_conditional_requests_and_restart(
    server: tuple[FeedServer, str], tmp_path: Path
) -> None:
    feed, base = server
    url = f"{base}/feed.xml"
    feed.set(rss([1, 2]))
    pub = Collector()
    outcomes: list[PollOutcome] = []

    def progress(o: PollOutcome) -> None:
        outcomes.append(o)
        if o.poll == 2:  # a new story appears after the second poll
            feed.set(rss([1, 2, 3]))

    report = run_ingest([url], pub, tmp_path, poll=0, max_polls=4, on_progress=progress)
    assert report.ok and report.polls == 4
    assert pub.ids == ["local-1", "local-2", "local-3"]
    # poll 1: plain GET; poll 2: If-None-Match → 304; poll 3: changed → 200; poll 4: 304
    assert feed.statuses() == [200, 304, 200, 304]
    sent = feed.headers()
    assert "if-none-match" not in sent[0] and "if-modified-since" not in sent[0]
    assert sent[1]["if-none-match"] == '"v1"' and sent[1]["if-modified-since"]
    assert sent[3]["if-none-match"] == '"v2"'
    assert [(o.published, o.skipped_seen, o.not_modified) for o in outcomes] == [
        (2, 0, False),
        (0, 0, True),
        (1, 2, False),
        (0, 0, True),
    ]
    counts = report.feeds[url]
    assert (counts.published, counts.skipped_seen, counts.not_modified, counts.errors) == (
        3,
        2,
        2,
        0,
    )
    s3 = pub.stories[2]
    assert (s3.headline, s3.body, s3.source) == ("Story 3", "Body of story 3.", "Local Feed")
    assert s3.published_at == datetime(2024, 3, 5, 11, 0, tzinfo=UTC)

    # Restart with the same state dir: the validators survived, so the first poll is a 304.
    again = Collector()
    report = run_ingest([url], again, tmp_path)
    assert report.ok and again.ids == [] and feed.statuses()[-1] == 304

    # The server forgets its validators (same content, new ETag): 200, every story seen.
    feed.set(rss([1, 2, 3]))
    report = run_ingest([url], again, tmp_path)
    assert feed.statuses()[-1] == 200 and again.ids == []
    assert report.feeds[url].skipped_seen == 3

    # A new story after the restart is published exactly once.
    feed.set(rss([1, 2, 3, 4]))
    run_ingest([url], again, tmp_path, poll=0, max_polls=2)
    assert again.ids == ["local-4"]
    assert sorted(pub.ids + again.ids) == ["local-1", "local-2", "local-3", "local-4"]


def test_last_modified_without_etag(server: tuple[FeedServer, str], tmp_path: Path) -> None:
    feed, base = server
    feed.set(rss([1]), etag=False)
    pub = Collector()
    run_ingest([f"{base}/feed.xml"], pub, tmp_path, poll=0, max_polls=2)
    assert feed.statuses() == [200, 304] and pub.ids == ["local-1"]
    second = feed.headers()[1]
    assert "if-none-match" not in second
    assert second["if-modified-since"] == feed.last_modified


def test_failed_publish_is_retried_not_lost(server: tuple[FeedServer, str], tmp_path: Path) -> None:
    feed, base = server
    url = f"{base}/feed.xml"
    feed.set(rss([1, 2, 3]))
    flaky = Collector(fail_on={"local-2"})
    report = run_ingest([url], flaky, tmp_path)
    assert flaky.ids == ["local-1"] and not report.ok
    (err,) = report.errors
    assert err.item == "local-2" and "publish failed" in err.reason and err.location == url

    # Validators were not stored, so the next run gets the content again (not a 304)
    # and publishes what is missing, and only that.
    fixed = Collector()
    report = run_ingest([url], fixed, tmp_path)
    assert report.ok and fixed.ids == ["local-2", "local-3"]
    assert feed.statuses() == [200, 200]
    assert "if-none-match" not in feed.headers()[1]


def test_truncated_download_is_fetched_again(
    server: tuple[FeedServer, str], tmp_path: Path
) -> None:
    feed, base = server
    url = f"{base}/feed.xml"
    whole = rss([1, 2, 3])
    feed.set(whole[: whole.index(b"<item><title>Story 3") + 40])
    pub = Collector()
    report = run_ingest([url], pub, tmp_path)
    assert pub.ids == ["local-1", "local-2"] and not report.ok
    assert "truncated" in report.errors[0].reason
    feed.set(whole)
    report = run_ingest([url], pub, tmp_path)
    assert report.ok and pub.ids == ["local-1", "local-2", "local-3"]
    assert "if-none-match" not in feed.headers()[1]  # the truncated read stored no ETag


def test_http_errors_are_reported(server: tuple[FeedServer, str], tmp_path: Path) -> None:
    feed, base = server
    feed.set(rss([1]))
    good, broken, missing, page = (
        f"{base}{p}" for p in ("/feed.xml", "/broken", "/nope", "/page.html")
    )
    pub = Collector()
    report = run_ingest([good, broken, missing, page], pub, tmp_path)
    assert pub.ids == ["local-1"] and not report.ok
    reasons = {e.location: e.reason for e in report.errors}
    assert reasons[broken] == "HTTP 500 Internal Server Error"
    assert reasons[missing] == "HTTP 404 Not Found"
    assert "HTML page" in reasons[page]
    assert report.feeds[good].errors == 0 and report.feeds[broken].errors == 1


def test_timeout_is_reported(server: tuple[FeedServer, str], tmp_path: Path) -> None:
    _, base = server
    result = asyncio.run(fetch(f"{base}/slow", timeout=0.2))
    assert result.data is None and result.error is not None
    assert result.error.reason.startswith("timed out")


def test_connection_refused_is_reported(tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:  # a port that nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    pub = Collector()
    report = run_ingest([f"http://127.0.0.1:{port}/feed.xml"], pub, tmp_path)
    assert not report.ok and report.errors[0].reason.startswith("cannot connect")


def test_permanent_redirect_is_followed_with_a_warning(
    server: tuple[FeedServer, str], tmp_path: Path
) -> None:
    feed, base = server
    feed.set(rss([1]))
    pub = Collector()
    report = run_ingest([f"{base}/moved"], pub, tmp_path)
    assert report.ok and pub.ids == ["local-1"]
    assert "moved permanently" in report.warnings[0].reason


# --- local files -------------------------------------------------------------------------
def test_local_files_and_missing_paths(tmp_path: Path) -> None:
    good = str(FEEDS / "cdata.xml")
    missing = str(tmp_path / "nope.xml")
    pub = Collector()
    report = run_ingest([good, missing, "ftp://x/y"], pub, tmp_path / "state")
    assert pub.ids == ["cdata-1"] and not report.ok
    reasons = {e.location: e.reason for e in report.errors}
    assert reasons[missing].startswith("no such file")
    assert reasons["ftp://x/y"] == "unsupported scheme 'ftp'"
    # a second run publishes nothing new from the file
    report = run_ingest([good], pub, tmp_path / "state")
    assert report.ok and pub.ids == ["cdata-1"] and report.feeds[good].skipped_seen == 1


def test_duplicate_guid_within_a_feed_is_published_once(tmp_path: Path) -> None:
    path = tmp_path / "dup.xml"
    text = rss([1, 2]).replace(b"local-2", b"local-1")
    path.write_bytes(text)
    pub = Collector()
    report = run_ingest([str(path)], pub, tmp_path / "state")
    assert pub.ids == ["local-1"] and report.feeds[str(path)].skipped_seen == 1


def test_item_errors_make_the_report_not_ok(tmp_path: Path) -> None:
    pub = Collector()
    src = str(FEEDS / "missing_fields.xml")
    report = run_ingest([src], pub, tmp_path)
    assert len(pub.ids) == 5 and not report.ok
    assert report.errors[0].item == "https://nofields.example/story/4"
    assert report.feeds[src].warnings == 2

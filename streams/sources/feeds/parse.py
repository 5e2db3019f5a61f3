"""Read RSS 0.9x/1.0/2.0 and Atom feeds into `RawStory` events, without Kafka.

Real feeds are messy: wrong or missing encodings, bare ``&``, truncated downloads,
HTML pages served as feeds. The rule here is: whatever can be read is published, and
whatever cannot is reported as a `FeedError` naming the feed and the reason, never
dropped silently and never raised. ``docs/feeds.md`` lists each case and its handling.

Layers, each usable alone:

* `parse_feed` — bytes to stories, pure (no I/O);
* `fetch` — one conditional GET (or a local file read), errors as values;
* `ingest` — fetch + parse + publish-if-unseen for many sources, once or polling,
  with the seen-set and validators kept in `FeedState` across restarts.
"""

from __future__ import annotations

import asyncio
import codecs
import hashlib
import html.entities
import inspect
import io
import logging
import re
import time
import xml.sax
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
import httpx
from pydantic import ValidationError

from schemas.models import RawStory
from streams.sources.feeds.state import (
    DEFAULT_MAX_IDS_PER_FEED,
    DEFAULT_STATE_DIR,
    FeedState,
    Validators,
)

__all__ = [
    "DEFAULT_STATE_DIR",
    "FeedCounts",
    "FeedError",
    "FeedResult",
    "FeedState",
    "Fetched",
    "IngestReport",
    "PollOutcome",
    "fetch",
    "html_to_text",
    "ingest",
    "normalise_language",
    "parse_feed",
]

log = logging.getLogger(__name__)

USER_AGENT = "newsstream-feeds/0.1 (+https://github.com/newsstream)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
#: A feed larger than this is refused rather than read into memory.
MAX_FEED_BYTES = 20 * 1024 * 1024
#: The report keeps at most this many errors/warnings (the counts stay exact).
MAX_REPORTED = 1000

# RawStory limits, mirrored so that over-long values are shortened, not rejected.
_MAX_ID, _MAX_HEADLINE, _MAX_URL, _MAX_SOURCE = 512, 4096, 8192, 512
_EARLIEST = datetime(1800, 1, 1, tzinfo=UTC)
_FUTURE_SLACK = timedelta(days=2)


# --- results -----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class FeedError:
    """Something that could not be read or published. ``item`` names the story, if any."""

    location: str
    reason: str
    item: str | None = None

    def __str__(self) -> str:
        what = f" [{self.item}]" if self.item else ""
        return f"{self.location}{what}: {self.reason}"


@dataclass(slots=True)
class FeedResult:
    """What `parse_feed` made of one document.

    ``errors`` are losses (stories not published, a truncated or unreadable feed);
    ``warnings`` are repairs that lost nothing (wrong encoding, bare ``&``, bad date).
    """

    location: str
    title: str | None = None
    format: str = ""
    stories: list[RawStory] = field(default_factory=list)
    errors: list[FeedError] = field(default_factory=list)
    warnings: list[FeedError] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """True when the document was read whole (no feed-level error)."""
        return not any(e.item is None for e in self.errors)


# --- text --------------------------------------------------------------------------------
# fmt: off
_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li", "main",
    "menu", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "tfoot", "thead",
    "tr", "ul",
})
_CELL_TAGS = frozenset({"td", "th"})
#: Elements whose content is never story text.
_SKIP_TAGS = frozenset({
    "script", "style", "noscript", "template", "head", "title", "svg", "math", "iframe",
    "object", "embed", "select", "textarea", "button",
})
# fmt: on
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u00ad"))
#: Markup or entities that survive one pass mean the HTML was escaped twice.
_LEFTOVER_HTML = re.compile(
    r"</?(?:p|br|div|span|a|b|i|u|em|strong|img|ul|ol|li|h[1-6]|blockquote|table|tr|td|figure)"
    r"(?:\s[^<>]*)?/?>|&(?:nbsp|amp|quot|lt|gt|apos|#\d{2,7}|#x[0-9a-fA-F]{2,6});",
    re.IGNORECASE,
)


class _TextExtractor(HTMLParser):
    """HTML to text: block elements become paragraph breaks, ``<br>`` a line break."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif not self._skip:
            self._mark(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _SKIP_TAGS and not self._skip:
            self._mark(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif not self._skip:
            self._mark(tag)

    def _mark(self, tag: str) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")
        elif tag in _CELL_TAGS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(_WS.sub(" ", data))  # source newlines are not breaks


_WS = re.compile(r"\s+")


def _tidy(text: str, *, keep_lines: bool) -> str:
    """Collapse whitespace; blank lines separate paragraphs ("\\n\\n").

    With ``keep_lines`` single newlines (from ``<br>``) stay; without, they are soft
    wraps of plain text and become spaces.
    """
    text = text.translate(_INVISIBLE).replace("\r\n", "\n").replace("\r", "\n")
    paragraphs: list[str] = []
    lines: list[str] = []
    for raw in text.split("\n"):
        line = " ".join(raw.split())
        if line:
            lines.append(line)
        elif lines:
            paragraphs.append(("\n" if keep_lines else " ").join(lines))
            lines = []
    if lines:
        paragraphs.append(("\n" if keep_lines else " ").join(lines))
    return "\n\n".join(paragraphs)


def _strip_html(markup: str) -> str:
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    return _tidy("".join(parser.parts), keep_lines=True)


def html_to_text(markup: str, *, content_type: str = "text/html") -> str:
    """Plain text of a feed text construct (HTML, XHTML or plain), whitespace normalised.

    Scripts, styles and other non-text elements are dropped with their content, entities
    are decoded, and HTML that was escaped twice (common in RSS) is unwrapped once more.
    """
    if "html" not in content_type:
        # Plain text, unless it plainly carries markup (mislabelled or escaped twice).
        if _LEFTOVER_HTML.search(markup):
            return _strip_html(markup)
        return _tidy(markup, keep_lines=False)
    text = _strip_html(markup)
    if _LEFTOVER_HTML.search(text):
        text = _strip_html(text)
    return text


def _one_line(text: str) -> str:
    return " ".join(text.split())


# --- decoding ----------------------------------------------------------------------------
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


def _decode(data: bytes, headers: Mapping[str, str]) -> tuple[str, str | None]:
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
    hm = _HTTP_CHARSET.search(_header(headers, "content-type") or "")
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


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


# --- XML repair --------------------------------------------------------------------------
_PROTECTED = re.compile(
    r"(<!\[CDATA\[.*?\]\]>|<!--.*?-->|<\?.*?\?>|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)",
    re.DOTALL | re.IGNORECASE,
)
_AMP = re.compile(r"&(?!#[0-9]+;|#x[0-9A-Fa-f]+;|[A-Za-z_][\w.-]*;)")
_NAMED = re.compile(r"&([A-Za-z][A-Za-z0-9]*);")
_HTML5 = html.entities.html5
_XML_ENTITIES = frozenset({"amp", "lt", "gt", "quot", "apos"})
_BAD_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_DECL_ENC = re.compile(r"""^(<\?xml[^>]*?\bencoding\s*=\s*)(["'])[^"']*\2""")
_CLOSE_ITEM = re.compile(r"</(?:[A-Za-z_][\w.-]*:)?(?:item|entry)\s*>")
_CLOSE_ROOT = re.compile(r"</(?:[A-Za-z_][\w.-]*:)?(?:rss|feed|RDF|channel)\s*>")


def _repair(text: str) -> tuple[str, list[str]]:
    """Make common not-quite-XML parse strictly; returns (text, what was repaired).

    Outside CDATA, comments and the DOCTYPE: bare ``&`` becomes ``&amp;`` and HTML-only
    named entities (``&nbsp;``) become numeric references. Both are undefined in XML,
    and the lenient fallback parser mangles them ("AT&T" → "AT&T;").
    """
    notes: list[str] = []
    text = text.lstrip("\ufeff \t\r\n")
    text, n_ctrl = _BAD_XML_CHARS.subn("", text)
    if n_ctrl:
        notes.append(f"removed {n_ctrl} control character(s) not allowed in XML")
    text = _DECL_ENC.sub(r"\1\2utf-8\2", text, count=1)
    n_amp = n_ent = 0
    has_dtd_entities = "<!ENTITY" in text
    pieces = _PROTECTED.split(text)
    for i in range(0, len(pieces), 2):  # even indexes: outside protected sections
        piece, k = _AMP.subn("&amp;", pieces[i])
        n_amp += k

        def numeric(m: re.Match[str]) -> str:
            nonlocal n_ent, n_amp
            name = m.group(1)
            if name in _XML_ENTITIES or (has_dtd_entities and name not in _HTML5):
                return m.group(0)
            if f"{name};" not in _HTML5:  # "AT&T;": not an entity at all
                n_amp += 1
                return "&amp;" + m.group(0)[1:]
            n_ent += 1
            return "".join(f"&#{ord(c)};" for c in _HTML5[f"{name};"])

        pieces[i] = _NAMED.sub(numeric, piece)
    if n_amp:
        notes.append(f"escaped {n_amp} bare '&'")
    if n_ent:
        notes.append(f"replaced {n_ent} HTML entity reference(s) undefined in XML")
    return "".join(pieces), notes


def _outside_cdata(text: str) -> str:
    return _PROTECTED.sub("", text)


# --- parsing -----------------------------------------------------------------------------
class _PageInfo(HTMLParser):
    """Title and advertised feed links of an HTML page given as a feed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.feeds: list[str] = []
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "title":
            self._in_title = True
        elif (
            tag == "link"
            and "alternate" in a.get("rel", "").lower()
            and a.get("type", "").lower().endswith(("rss+xml", "atom+xml", "rdf+xml"))
            and a.get("href")
        ):
            self.feeds.append(a["href"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


_HTML_START = re.compile(r"^(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.I | re.DOTALL)
_ROOT = re.compile(r"<([A-Za-z_][\w:.-]*)")


def _not_a_feed_reason(text: str) -> str:
    if _HTML_START.match(text) or re.search(r"<(?:html|body)\b", text[:4096], re.I):
        page = _PageInfo()
        page.feed(text[:200_000])
        reason = "not a feed: the document is an HTML page"
        if page.title.strip():
            reason += f" titled {_one_line(page.title)[:120]!r}"
        if page.feeds:
            reason += f"; it advertises feed(s) at {', '.join(page.feeds[:3])}"
        return reason
    m = _ROOT.search(_outside_cdata(text))
    root = f"<{m.group(1)}>" if m else "no XML element"
    return f"not a feed: no RSS or Atom structure found (document starts with {root})"


def _host_or_name(location: str) -> str:
    parts = urlsplit(location)
    if parts.scheme in ("http", "https") and parts.hostname:
        return parts.hostname
    return Path(parts.path if parts.scheme == "file" else location).name or "unknown"


def _utc_from(struct: time.struct_time | None) -> datetime | None:
    """feedparser's parsed dates are UTC struct_times already."""
    if not struct:
        return None
    try:
        return datetime(*struct[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None


@lru_cache(maxsize=256)
def normalise_language(tag: str | None) -> str | None:
    """A BCP 47 tag in canonical case ("en-us" → "en-US", "zh_hant_tw" → "zh-Hant-TW").

    The full tag is kept (the region matters for spelling and dates); consumers that want
    the language only take the part before the first "-". Three-letter codes and English
    names ("eng", "English") map to the two-letter code. Anything else gives None.
    """
    if not tag:
        return None
    tag = tag.strip().replace("_", "-")
    if not re.fullmatch(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*", tag):
        return _language_by_name(tag)
    first, *rest = tag.split("-")
    first = first.lower()
    if len(first) == 3:
        first = _language_by_name(first) or first
    out = [first]
    for sub in rest:
        if len(sub) == 2 and sub.isalpha():
            out.append(sub.upper())
        elif len(sub) == 4 and sub.isalpha():
            out.append(sub.title())
        else:
            out.append(sub.lower())
    return "-".join(out)[:35]


def _language_by_name(name: str) -> str | None:
    import pycountry  # only for odd tags; already a dependency of the enricher

    try:
        lang = pycountry.languages.lookup(name)
    except LookupError:
        return None
    return getattr(lang, "alpha_2", None) or getattr(lang, "alpha_3", None)


def _texts(entry: Any) -> list[tuple[str, str | None]]:
    """Candidate body texts (content first, then summary) with their xml:lang."""
    details = list(entry.get("content") or [])
    if entry.get("summary_detail"):
        details.append(entry["summary_detail"])
    elif entry.get("summary"):
        details.append({"type": "text/html", "value": entry["summary"]})
    out = []
    for d in details:
        ctype = (d.get("type") or "text/html").lower()
        if "html" not in ctype and not ctype.startswith("text/"):
            continue  # base64 media and the like
        out.append((html_to_text(d.get("value") or "", content_type=ctype), d.get("language")))
    return out


def _date(entry: Any, location: str, label: str, warnings: list[FeedError]) -> datetime | None:
    tried: set[str] = set()
    for key in ("published", "updated", "created"):
        raw = dict.get(entry, key)  # plain dict access: no feedparser key aliasing
        if not raw or raw in tried:  # RSS pubDate fills both published and updated
            continue
        tried.add(raw)
        when = _utc_from(dict.get(entry, f"{key}_parsed"))
        if when is None:
            warnings.append(
                FeedError(location, f"unreadable {key} date {raw!r}; left empty", label)
            )
        elif not _EARLIEST <= when <= datetime.now(UTC) + _FUTURE_SLACK:
            warnings.append(
                FeedError(location, f"implausible {key} date {raw!r}; left empty", label)
            )
        else:
            return when
    return None


def _story_id(entry: Any, link: str | None) -> str:
    sid = _one_line(entry.get("id") or "") or (link or "")
    if len(sid) > _MAX_ID:  # keep it stable and within the contract's limit
        sid = "g" + hashlib.sha256(sid.encode()).hexdigest()[:31]
    return sid


def parse_feed(
    data: bytes, *, location: str, headers: Mapping[str, str] | None = None
) -> FeedResult:
    """Parse one RSS/Atom document into stories; never raises for bad input.

    ``location`` (URL or path) names the feed in errors, resolves relative links and
    is the fallback source; ``headers`` are the HTTP response headers, if any
    (charset and Content-Language are used).
    """
    headers = headers or {}
    result = FeedResult(location=location)
    if not data.strip():
        what = "empty document (0 bytes)" if not data else "document contains only whitespace"
        result.errors.append(FeedError(location, what))
        return result

    text, enc_warning = _decode(data, headers)
    if enc_warning:
        result.warnings.append(FeedError(location, enc_warning))
    text, repairs = _repair(text)
    if repairs:
        result.warnings.append(FeedError(location, "repaired XML: " + "; ".join(repairs)))
    if not text.strip():
        result.errors.append(FeedError(location, "document contains only whitespace"))
        return result

    fp_headers = {"content-type": "application/xml; charset=utf-8"}
    if urlsplit(location).scheme in ("http", "https"):
        fp_headers["content-location"] = location
    parsed = feedparser.parse(io.BytesIO(text.encode("utf-8")), response_headers=fp_headers)
    result.format = parsed.get("version") or ""
    if not result.format:
        result.errors.append(FeedError(location, _not_a_feed_reason(text)))
        return result

    feed = parsed.get("feed", {})
    detail = feed.get("title_detail") or {}
    title = html_to_text(feed.get("title") or "", content_type=detail.get("type") or "text/plain")
    result.title = _one_line(title)[:_MAX_SOURCE] or None
    source = result.title or _host_or_name(location)[:_MAX_SOURCE]
    feed_lang = feed.get("language") or _header(headers, "content-language")
    entries = list(parsed.get("entries", []))

    exc = parsed.get("bozo_exception")
    if parsed.get("bozo") and not isinstance(exc, xml.sax.SAXException):
        result.warnings.append(FeedError(location, f"feedparser: {exc}"))
    elif parsed.get("bozo"):
        entries, error = _malformed(text, entries, exc, location)
        result.errors.append(error)

    for n, entry in enumerate(entries, 1):
        _add_story(result, entry, n, source, feed_lang)
    return result


def _malformed(
    text: str, entries: list[Any], exc: Exception, location: str
) -> tuple[list[Any], FeedError]:
    """Decide what a not-well-formed document still yields (feedparser's lenient parse).

    Truncated (no closing root/channel tag): only items whose closing tag is present are
    kept — a half-received item would be published incomplete and then, its id being
    seen, never corrected. Otherwise (broken markup mid-document) every item the lenient
    parser found is kept. Both are errors: the feed is broken and someone should know.
    """
    msg = exc.getMessage() if isinstance(exc, xml.sax.SAXParseException) else str(exc)
    where = ""
    if isinstance(exc, xml.sax.SAXParseException):
        where = f" at line {exc.getLineNumber()}, column {exc.getColumnNumber()}"
    body = _outside_cdata(text)
    if _CLOSE_ROOT.search(body):
        reason = (
            f"feed is not well-formed XML ({msg}{where}); "
            f"read {len(entries)} item(s) with the lenient parser"
        )
        return entries, FeedError(location, reason)
    complete = min(len(entries), len(_CLOSE_ITEM.findall(body)))
    kept, dropped = entries[:complete], entries[complete:]
    reason = f"feed is truncated ({msg}{where}); read {complete} complete item(s)"
    if dropped:
        names = ", ".join(
            repr(_one_line(e.get("title") or e.get("id") or "?")[:60]) for e in dropped[:5]
        )
        reason += f", dropped {len(dropped)} incomplete: {names}"
    return kept, FeedError(location, reason)


def _add_story(result: FeedResult, entry: Any, n: int, source: str, feed_lang: str | None) -> None:
    location = result.location
    tdetail = entry.get("title_detail") or {}
    headline = _one_line(
        html_to_text(entry.get("title") or "", content_type=tdetail.get("type") or "text/plain")
    )[:_MAX_HEADLINE]
    link = entry.get("link") or None
    label = headline[:80] or link or entry.get("id") or f"item {n}"
    texts = _texts(entry)
    body = max((t for t, _ in texts), key=len, default="")
    if not body:
        if not headline:
            result.errors.append(
                FeedError(location, f"item {n} has no text: no title and an empty body", label)
            )
            return
        body = headline
    url = link if link and urlsplit(link).scheme in ("http", "https") else None
    if url and len(url) > _MAX_URL:
        url = None
    langs = [lang for _, lang in texts if lang] + [tdetail.get("language"), feed_lang]
    language = next((x for x in map(normalise_language, filter(None, langs)) if x), None)
    fields: dict[str, Any] = {
        "id": _story_id(entry, link),
        "headline": headline or None,
        "body": body,
        "url": url,
        "published_at": _date(entry, location, label, result.warnings),
        "source": source,
    }
    if language:
        fields["language"] = language
    try:
        result.stories.append(RawStory(**fields))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        result.errors.append(
            FeedError(location, f"item {n} is not a valid story: {problems}", label)
        )


# --- fetching ----------------------------------------------------------------------------
@dataclass(slots=True)
class Fetched:
    """The outcome of one `fetch`: data, 'not modified', or an error (never raised)."""

    location: str
    data: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    status: int | None = None
    not_modified: bool = False
    validators: Validators = field(default_factory=Validators)
    error: FeedError | None = None
    warnings: list[FeedError] = field(default_factory=list)


def _is_url(source: str) -> bool:
    return urlsplit(source).scheme.lower() in ("http", "https")


def state_key(source: str) -> str:
    """The key of a source in the state store: the URL, or the absolute file path."""
    if _is_url(source):
        return source
    parts = urlsplit(source)
    path = parts.path if parts.scheme == "file" else source
    return str(Path(path).expanduser().resolve())


async def fetch(
    source: str,
    state: FeedState | None = None,
    *,
    client: httpx.AsyncClient | None = None,
    timeout: float = 30.0,
    max_bytes: int = MAX_FEED_BYTES,
) -> Fetched:
    """Get a feed: a conditional HTTP GET (ETag → If-None-Match, Last-Modified →
    If-Modified-Since, from ``state``) or a local file read.

    A 304 gives ``not_modified``. Timeouts (``timeout`` bounds the whole request), HTTP
    and I/O errors come back as ``error``. The new validators are returned, not stored:
    the caller stores them once the content has been published, so a failed publish is
    retried on the next poll instead of being hidden behind a 304.
    """
    if not _is_url(source):
        scheme = urlsplit(source).scheme
        if scheme not in ("", "file") and len(scheme) > 1:  # len 1: a Windows drive letter
            return Fetched(source, error=FeedError(source, f"unsupported scheme {scheme!r}"))
        return await _read_file(source, max_bytes)
    if client is None:
        async with httpx.AsyncClient(follow_redirects=True) as own:
            return await fetch(source, state, client=own, timeout=timeout, max_bytes=max_bytes)

    request_headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT}
    old = state.validators(state_key(source)) if state else Validators()
    if old.etag:
        request_headers["If-None-Match"] = old.etag
    if old.last_modified:
        request_headers["If-Modified-Since"] = old.last_modified
    try:
        async with asyncio.timeout(timeout):
            return await _get(source, client, request_headers, timeout, max_bytes)
    except TimeoutError:
        return Fetched(source, error=FeedError(source, f"timed out after {timeout:g} s"))
    except httpx.HTTPError as exc:
        return Fetched(source, error=FeedError(source, _describe(exc)))
    except (httpx.InvalidURL, OSError, ValueError) as exc:
        return Fetched(source, error=FeedError(source, f"cannot fetch: {exc}"))


async def _get(
    url: str, client: httpx.AsyncClient, headers: dict[str, str], timeout: float, max_bytes: int
) -> Fetched:
    async with client.stream("GET", url, headers=headers, timeout=timeout) as resp:
        out = Fetched(url, status=resp.status_code, headers=dict(resp.headers))
        for hop in resp.history:
            if hop.status_code in (301, 308):
                out.warnings.append(
                    FeedError(url, f"moved permanently to {resp.url}; update the source")
                )
                break
        if resp.status_code == 304:
            out.not_modified = True
            return out
        if resp.status_code >= 400:
            out.error = FeedError(url, f"HTTP {resp.status_code} {resp.reason_phrase}".strip())
            return out
        chunks, size = [], 0
        async for chunk in resp.aiter_bytes():
            size += len(chunk)
            if size > max_bytes:
                out.error = FeedError(url, f"response larger than {max_bytes} bytes; not read")
                return out
            chunks.append(chunk)
        out.data = b"".join(chunks)
        out.validators = Validators(resp.headers.get("etag"), resp.headers.get("last-modified"))
        return out


def _describe(exc: httpx.HTTPError) -> str:
    kind = {
        httpx.TimeoutException: "timed out",
        httpx.ConnectError: "cannot connect",
        httpx.TooManyRedirects: "too many redirects",
        httpx.RemoteProtocolError: "broken HTTP response",
    }
    for cls, text in kind.items():
        if isinstance(exc, cls):
            return f"{text}: {exc}" if str(exc) else text
    return f"HTTP request failed: {type(exc).__name__}: {exc}"


async def _read_file(source: str, max_bytes: int) -> Fetched:
    path = Path(state_key(source))
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return Fetched(source, error=FeedError(source, f"file larger than {max_bytes} bytes"))
        data = await asyncio.to_thread(path.read_bytes)
    except FileNotFoundError:
        return Fetched(source, error=FeedError(source, f"no such file: {path}"))
    except IsADirectoryError:
        return Fetched(source, error=FeedError(source, f"is a directory: {path}"))
    except OSError as exc:
        return Fetched(source, error=FeedError(source, f"cannot read {path}: {exc.strerror}"))
    return Fetched(source, data=data)


# --- ingesting ---------------------------------------------------------------------------
@dataclass(slots=True)
class FeedCounts:
    """Totals for one source over all polls of an `ingest` call."""

    location: str
    polls: int = 0
    published: int = 0
    skipped_seen: int = 0
    not_modified: int = 0
    errors: int = 0
    warnings: int = 0


@dataclass(slots=True)
class PollOutcome:
    """What one poll of one source did; passed to ``on_progress``."""

    location: str
    poll: int
    published: int = 0
    skipped_seen: int = 0
    not_modified: bool = False
    errors: list[FeedError] = field(default_factory=list)
    warnings: list[FeedError] = field(default_factory=list)


@dataclass(slots=True)
class IngestReport:
    """Per-feed counts and the (most recent `MAX_REPORTED`) errors and warnings."""

    feeds: dict[str, FeedCounts] = field(default_factory=dict)
    errors: list[FeedError] = field(default_factory=list)
    warnings: list[FeedError] = field(default_factory=list)
    polls: int = 0

    @property
    def ok(self) -> bool:
        """False if any feed failed or any story could not be read or published."""
        return not any(c.errors for c in self.feeds.values())

    @property
    def published(self) -> int:
        return sum(c.published for c in self.feeds.values())

    def _add(self, outcome: PollOutcome) -> None:
        counts = self.feeds[outcome.location]
        counts.polls += 1
        counts.published += outcome.published
        counts.skipped_seen += outcome.skipped_seen
        counts.not_modified += outcome.not_modified
        counts.errors += len(outcome.errors)
        counts.warnings += len(outcome.warnings)
        self.errors = (self.errors + outcome.errors)[-MAX_REPORTED:]
        self.warnings = (self.warnings + outcome.warnings)[-MAX_REPORTED:]


Publish = Callable[[RawStory], Awaitable[None]]
OnProgress = Callable[[PollOutcome], Awaitable[None] | None]


async def ingest(
    sources: Sequence[str],
    publish: Publish,
    *,
    poll: float | None = None,
    state_dir: Path = DEFAULT_STATE_DIR,
    max_polls: int | None = None,
    on_progress: OnProgress | None = None,
    timeout: float = 30.0,
    concurrency: int = 8,
    max_ids_per_feed: int = DEFAULT_MAX_IDS_PER_FEED,
) -> IngestReport:
    """Publish the unseen stories of ``sources`` (URLs or paths), once or every ``poll`` s.

    A story is marked seen only after ``publish`` returned, so a crash or a failed
    publish re-publishes (downstream de-duplicates by id) rather than loses. Validators
    are stored only after a feed was read whole and all its new stories were published.
    Polling runs until cancelled or ``max_polls`` polls are done; cancellation propagates
    (everything published so far is already recorded).
    """
    if poll is not None and poll < 0:
        raise ValueError("poll must be >= 0")
    sources = list(dict.fromkeys(sources))
    report = IngestReport(feeds={s: FeedCounts(s) for s in sources})
    limit = asyncio.Semaphore(max(1, concurrency))
    loop = asyncio.get_running_loop()
    with FeedState(state_dir, max_ids_per_feed=max_ids_per_feed) as state:
        async with httpx.AsyncClient(follow_redirects=True, max_redirects=10) as client:
            while True:
                started = loop.time()
                report.polls += 1

                async def one(source: str, n: int = report.polls) -> None:
                    async with limit:
                        outcome = await _poll_one(source, n, publish, state, client, timeout)
                    report._add(outcome)
                    for err in outcome.errors:
                        log.warning("feed error: %s", err)
                    for warning in outcome.warnings:
                        log.info("feed warning: %s", warning)
                    if on_progress is not None:
                        res = on_progress(outcome)
                        if inspect.isawaitable(res):
                            await res

                await asyncio.gather(*(one(s) for s in sources))
                if poll is None or (max_polls is not None and report.polls >= max_polls):
                    return report
                await asyncio.sleep(max(0.0, poll - (loop.time() - started)))


async def _poll_one(
    source: str,
    n: int,
    publish: Publish,
    state: FeedState,
    client: httpx.AsyncClient,
    timeout: float,
) -> PollOutcome:
    out = PollOutcome(source, n)
    key = state_key(source)
    fetched = await fetch(source, state, client=client, timeout=timeout)
    out.warnings += fetched.warnings
    if fetched.error:
        out.errors.append(fetched.error)
        return out
    if fetched.not_modified or fetched.data is None:
        out.not_modified = True
        return out
    try:
        result = await asyncio.to_thread(
            parse_feed, fetched.data, location=source, headers=fetched.headers
        )
    except Exception as exc:  # a parser bug must not stop the other feeds or later polls
        log.exception("parsing %s failed", source)
        out.errors.append(FeedError(source, f"could not parse the feed: {exc!r}"))
        return out
    out.errors += result.errors
    out.warnings += result.warnings
    still_listed: list[str] = []
    for story in result.stories:
        if state.is_seen(key, story.id):
            out.skipped_seen += 1
            still_listed.append(story.id)
            continue
        try:
            await publish(story)
        except Exception as exc:
            out.errors.append(
                FeedError(source, f"publish failed, will retry next poll: {exc!r}", story.id)
            )
            break
        state.mark_seen(key, story.id)
        out.published += 1
    else:
        if result.complete:
            state.set_validators(key, fetched.validators)
    state.touch(key, still_listed)
    state.prune(key)
    return out

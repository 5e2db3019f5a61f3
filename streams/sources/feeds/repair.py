"""Decoded feed text to XML a strict parser accepts, and a verdict on what stays broken.

Real feeds carry bare ``&``, HTML-only entities and control characters that strict XML
rejects, and the lenient fallback parser mangles them, so they are repaired first. What
cannot be repaired (a truncated download, broken markup, an HTML page or other XML given
as a feed) is described here in words a feed's owner can act on.
"""

from __future__ import annotations

import html.entities
import re
import xml.sax
from html.parser import HTMLParser
from typing import Any

from streams.sources.feeds.text import one_line
from streams.sources.feeds.types import FeedError

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


def repair_xml(text: str) -> tuple[str, list[str]]:
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


def not_a_feed_reason(text: str) -> str:
    """Why a document with no RSS or Atom structure is not a feed, naming what it is.

    For an HTML page: its title and any feed it advertises, which is usually the URL
    the source list should have held.
    """
    if _HTML_START.match(text) or re.search(r"<(?:html|body)\b", text[:4096], re.I):
        page = _PageInfo()
        page.feed(text[:200_000])
        reason = "not a feed: the document is an HTML page"
        if page.title.strip():
            reason += f" titled {one_line(page.title)[:120]!r}"
        if page.feeds:
            reason += f"; it advertises feed(s) at {', '.join(page.feeds[:3])}"
        return reason
    m = _ROOT.search(_outside_cdata(text))
    root = f"<{m.group(1)}>" if m else "no XML element"
    return f"not a feed: no RSS or Atom structure found (document starts with {root})"


def salvage_malformed(
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
        labels = [e.get("title") or e.get("id") for e in dropped[:5]]
        # an item cut off inside its title has none yet: '?' read as a title named '?'
        names = ", ".join(repr(one_line(t)[:60]) if t else "(untitled)" for t in labels)
        reason += f", dropped {len(dropped)} incomplete: {names}"
    return kept, FeedError(location, reason)

"""Feed bytes to `RawStory` events: the parse layer, pure (no I/O).

`parse_feed` drives the layers below it (``charset`` → ``repair`` → feedparser) and maps
each feedparser entry to a story: headline, body (via ``text``), link, date, language
and id. Whatever cannot be read becomes a `FeedError` in the result, never an exception.
``docs/feeds.md`` has the field mapping and each messy case.
"""

from __future__ import annotations

import hashlib
import io
import re
import time
import xml.sax
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
from pydantic import ValidationError

from schemas.models import (
    MAX_HEADLINE_CHARS,
    MAX_ID_CHARS,
    MAX_SOURCE_CHARS,
    MAX_URL_CHARS,
    RawStory,
    is_plausible_date,
)
from streams.sources.feeds.categories import feed_terms
from streams.sources.feeds.charset import decode_document, header_value
from streams.sources.feeds.repair import not_a_feed_reason, repair_xml, salvage_malformed
from streams.sources.feeds.text import html_to_text, one_line
from streams.sources.feeds.types import FeedError

# RawStory's limits, so that over-long values are shortened here rather than rejected.
_MAX_ID, _MAX_HEADLINE, _MAX_URL, _MAX_SOURCE = (
    MAX_ID_CHARS,
    MAX_HEADLINE_CHARS,
    MAX_URL_CHARS,
    MAX_SOURCE_CHARS,
)


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


def _item_language(
    entry: Any, texts: list[tuple[str, str | None]], tdetail: Any, feed_lang: str | None
) -> str | None:
    """The item's own language wins: its ``dc:language``, then the ``xml:lang`` of its
    text (inherited from the channel when the item sets none), then the feed's
    ``<language>`` or Content-Language. None when nothing readable says: unknown is not
    English."""
    langs = [dict.get(entry, "language")] + [lang for _, lang in texts]
    langs += [tdetail.get("language"), feed_lang]
    return next((x for x in map(normalise_language, filter(None, langs)) if x), None)


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
        elif not is_plausible_date(when):
            warnings.append(
                FeedError(location, f"implausible {key} date {raw!r}; left empty", label)
            )
        else:
            return when
    return None


def _story_id(entry: Any, link: str | None) -> str:
    sid = one_line(entry.get("id") or "") or (link or "")
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

    text, enc_warning = decode_document(data, headers)
    if enc_warning:
        result.warnings.append(FeedError(location, enc_warning))
    text, repairs = repair_xml(text)
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
        result.errors.append(FeedError(location, not_a_feed_reason(text)))
        return result

    feed = parsed.get("feed", {})
    detail = feed.get("title_detail") or {}
    title = html_to_text(feed.get("title") or "", content_type=detail.get("type") or "text/plain")
    result.title = one_line(title)[:_MAX_SOURCE] or None
    source = result.title or _host_or_name(location)[:_MAX_SOURCE]
    feed_lang = feed.get("language") or header_value(headers, "content-language")
    entries = list(parsed.get("entries", []))

    exc = parsed.get("bozo_exception")
    if parsed.get("bozo") and not isinstance(exc, xml.sax.SAXException):
        result.warnings.append(FeedError(location, f"feedparser: {exc}"))
    elif parsed.get("bozo"):
        entries, error = salvage_malformed(text, entries, exc, location)
        result.errors.append(error)

    for n, entry in enumerate(entries, 1):
        _add_story(result, entry, n, source, feed_lang)
    return result


def _add_story(result: FeedResult, entry: Any, n: int, source: str, feed_lang: str | None) -> None:
    location = result.location
    tdetail = entry.get("title_detail") or {}
    headline = one_line(
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
    language = _item_language(entry, texts, tdetail, feed_lang)
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
    terms = feed_terms(entry.get("tags"))  # the item's own <category>/<dc:subject> terms
    if terms:
        fields["feed_categories"] = terms
    try:
        result.stories.append(RawStory(**fields))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        result.errors.append(
            FeedError(location, f"item {n} is not a valid story: {problems}", label)
        )

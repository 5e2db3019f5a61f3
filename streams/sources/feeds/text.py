"""Feed text constructs (HTML, XHTML or plain text) to plain story text.

Feed bodies are HTML fragments written for browsers, often escaped twice; stories must be
plain paragraphs. This is the cleaner both headlines and bodies go through.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

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


def one_line(text: str) -> str:
    """All whitespace, newlines included, collapsed to single spaces: for titles and names."""
    return " ".join(text.split())

"""`html_to_text`: feed HTML, XHTML and plain text to clean story text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.sources.feeds.text import html_to_text

#: Pieces of real feed markup, so the property test below also meets tags and entities.
# fmt: off
_FRAGMENTS = [
    "<p>", "</p>", "<br>", "<br/>", "<div>", "</div>", "<script>", "</script>", "<b>", "&amp;",
    "&lt;p&gt;", "&amp;lt;", "&nbsp;", "&#8217;", "&#x200b;", "\u00ad", "\r\n", "\t", "  ",
    "\n\n", "text", "a < b", "<td>", "</td>", "<!-- c -->", "&unknown;",
]
# fmt: on


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


_INVISIBLE = "\u200b\u2060\ufeff\u00ad"


@settings(max_examples=200, deadline=None)
@given(
    st.text(max_size=500) | st.lists(st.sampled_from(_FRAGMENTS)).map("".join),
    st.sampled_from(["text/html", "application/xhtml+xml", "text/plain"]),
)
def test_html_to_text_never_raises_and_always_gives_tidy_text(
    markup: str, content_type: str
) -> None:
    """Any input gives text in the shape stories rely on: paragraphs of single-spaced
    lines, nothing invisible, no stray whitespace at the ends."""
    text = html_to_text(markup, content_type=content_type)
    assert isinstance(text, str)
    assert text == text.strip()
    assert "  " not in text and "\n\n\n" not in text
    assert all(c in " \n" for c in text if c.isspace())
    assert all(line == line.strip() for line in text.split("\n"))
    assert not any(c in _INVISIBLE for c in text)

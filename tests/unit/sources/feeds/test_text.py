"""`html_to_text`: feed HTML, XHTML and plain text to clean story text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.sources.feeds.text import html_to_text


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
@given(st.text(max_size=500))
def test_html_to_text_never_raises(markup: str) -> None:
    html_to_text(markup)

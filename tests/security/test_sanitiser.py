"""The sanitiser's output for every vector of the hostile corpus is inert."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from dashboard.html import clean_html, html_to_text, text_to_html
from dashboard.simulator.hostile import VECTORS

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt",
    "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark",
    "ol", "p", "pre", "q", "s", "small", "span", "strike", "strong", "sub", "summary", "sup",
    "table", "tbody", "td", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
URL_ATTRIBUTES = {"href", "src"}


class Inspector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in {"style", "srcdoc", "formaction", "xlink:href"}:
                self.problems.append(f"attribute {name}")
            if name in URL_ATTRIBUTES and value:
                scheme = value.strip().split(":", 1)[0].lower() if ":" in value else ""
                if scheme not in {"", "http", "https", "mailto"}:
                    self.problems.append(f"{name}={value}")
            if tag == "img" and name == "src" and value and not value.startswith("https://"):
                self.problems.append(f"insecure image {value}")
            if tag == "a" and name == "rel":
                assert set(value.split()) >= {"noopener", "noreferrer", "nofollow"}


def test_the_corpus_is_large_enough():
    assert len(VECTORS) >= 100
    assert len(set(VECTORS)) == len(VECTORS)


@pytest.mark.parametrize("vector", VECTORS, ids=range(len(VECTORS)))
def test_every_vector_is_inert_after_sanitising(vector):
    inspector = Inspector()
    inspector.feed(clean_html(vector, base_url="https://support.example.com"))
    inspector.close()
    assert inspector.problems == []


@pytest.mark.parametrize("vector", VECTORS, ids=range(len(VECTORS)))
def test_agent_text_never_becomes_markup(vector):
    html = text_to_html(vector)
    inspector = Inspector()
    inspector.feed(html)
    assert {p for p in inspector.problems if not p.startswith("insecure")} == set()
    # Only our own <p>, <br> and <a> tags: everything the agent typed is text.
    assert html.count("<") == html.count("<p>") + html.count("</p>") + html.count("<br>") + (
        html.count("<a ") + html.count("</a>")
    )


def test_formatting_and_links_survive_with_safe_rel():
    html = clean_html('<p>Hi <strong>there</strong> <a href="https://kb.example.com/1">KB</a></p>')
    assert "<strong>there</strong>" in html
    assert 'href="https://kb.example.com/1"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_relative_links_point_at_the_site_not_the_dashboard():
    html = clean_html('<a href="/account">account</a>', base_url="https://shop.example.com")
    assert 'href="https://shop.example.com/account"' in html


def test_script_text_is_removed_with_the_tag():
    assert "alert" not in clean_html("<p>Hi</p><script>alert(1)</script><style>p{}</style>")


def test_excerpts_are_plain_text():
    assert html_to_text("<p>Hello &amp; <b>bye</b></p><script>x()</script>") == "Hello & bye"

"""Markdown -> the HTML a reply is sent as: each construct, what stays text, and what the
reply route (wp_kses_post, nothing decoded; REAL-API "Text escaping") makes of it."""

from __future__ import annotations

import html
import re

import pytest

from dashboard.formatting import html_to_markdown, markdown_to_html, message_html, render_markdown
from dashboard.simulator import wptext


def shown(sent: str) -> str:
    """The text a browser shows for stored HTML."""
    return html.unescape(re.sub(r"<[^>]+>", "", sent))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("**bold**", "<p><strong>bold</strong></p>"),
        ("__bold__", "<p><strong>bold</strong></p>"),
        ("*italic*", "<p><em>italic</em></p>"),
        ("_italic_", "<p><em>italic</em></p>"),
        ("`a <b> c`", "<p><code>a &lt;b&gt; c</code></p>"),
        ("- one\n- two", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"),
        ("1. one\n2. two", "<ol>\n<li>one</li>\n<li>two</li>\n</ol>"),
        ("3. three", '<ol start="3">\n<li>three</li>\n</ol>'),
        ("> quoted", "<blockquote>\n<p>quoted</p>\n</blockquote>"),
        ("```\nline 1\n  line 2\n```", "<pre><code>line 1\n  line 2\n</code></pre>"),
        ("one\ntwo", "<p>one<br>\ntwo</p>"),
        ("one\n\ntwo", "<p>one</p>\n<p>two</p>"),
    ],
)
def test_each_construct_becomes_the_tag_the_plugin_keeps(typed, expected):
    assert render_markdown(typed) == expected


def test_links_written_or_pasted_get_a_safe_rel():
    sent = markdown_to_html("[the docs](https://docs.example.com/a?b=1&c=2) or https://x.example")
    rel = 'rel="noopener noreferrer nofollow"'
    assert f'<a href="https://docs.example.com/a?b=1&#038;c=2" {rel}>the docs</a>' in sent
    assert f'<a href="https://x.example" {rel}>https://x.example</a>' in sent


@pytest.mark.parametrize(
    "link",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](data:text/html,<script>alert(1)</script>)",
        "[x](vbscript:msgbox(1))",
        "[x](/relative/path)",
        "<javascript:alert(1)>",
    ],
)
def test_links_other_than_http_https_and_mailto_are_dropped(link):
    assert "href" not in markdown_to_html(link)


@pytest.mark.parametrize(
    "typed",
    [
        "<b>bold</b>",
        "<img src=x onerror=alert(1)>",
        "<script>alert(2)</script>",
        '<a href="javascript:alert(1)">x</a>',
        "<!-- comment -->",
        "<div>\n<b>block html</b>\n</div>",
    ],
)
def test_raw_html_typed_by_the_agent_stays_text(typed):
    sent = markdown_to_html(typed)
    assert re.sub(r"</?p>|<br>", "", sent).count("<") == 0
    assert shown(sent).strip() == typed


@pytest.mark.parametrize(
    "typed",
    [
        "{{order}} and {order_number} and {}",
        r"C:\orders\new and \\server\share and \* not an escape",
        "&lt;b&gt; &amp; &#92; &copy;",
        "a < b & c > d \"q\" 'q'",
        "# not a heading, #1043 either",
        "    four spaces stay a paragraph",
    ],
)
def test_literal_braces_backslashes_and_entities_are_kept(typed):
    sent = markdown_to_html(typed)
    stored = wptext.agent_reply(sent)
    assert shown(stored).strip() == typed.strip()


def test_a_signature_is_rendered_on_its_own_below_the_message():
    sent = message_html("Open list:\n- one", "**Jordan**\nAcme support")
    # Rendered together, the signature would have become part of the last list item.
    assert sent == (
        "<p>Open list:</p>\n<ul>\n<li>one</li>\n</ul>\n"
        "<p><strong>Jordan</strong><br>\nAcme support</p>"
    )
    assert message_html("Hi", "") == "<p>Hi</p>"


SAMPLES = [
    'Hi **Zoë**, *thanks*!\nSee [the docs](https://docs.example.com/a_b?x=1&y=2 "Docs").',
    "- one\n- two `code`\n   - nested\n\n1. a\n2. b\n\n> quoted\n> more\n\n```\nC:\\x <b>\n```",
    "---\n\nmailto: ops@example.com, https://example.com/path_(1)",
    "a < b & c > d \"q\" 'q' &lt;b&gt;not bold&lt;/b&gt; <b>bold</b> C:\\temp &#92; &amp;",
]


@pytest.mark.parametrize("typed", SAMPLES)
def test_the_plugin_stores_what_is_sent_unchanged(typed):
    """wp_kses_post keeps every tag and attribute we send and decodes nothing (as recorded in
    seq_escaping_reply_3 / _5): what the customer sees is what the preview showed."""
    sent = markdown_to_html(typed)
    assert wptext.agent_reply(sent) == sent


@pytest.mark.parametrize("typed", SAMPLES)
def test_the_edit_form_gives_back_markdown_that_renders_the_same(typed):
    sent = markdown_to_html(typed)
    # What the thread shows: the stored text wrapped in paragraphs by the plugin's GET.
    again = html_to_markdown(wptext.autop(wptext.agent_reply(sent)))
    assert markdown_to_html(again) == sent


def test_plain_text_messages_come_back_as_their_text():
    stored = "<p>Hi Sofia,</p>\n<p>Line one<br>\nline two &#038; more C:&#092;x</p>\n"
    assert html_to_markdown(stored) == "Hi Sofia,\n\nLine one\nline two & more C:\\x"

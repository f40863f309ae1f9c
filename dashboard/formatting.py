"""An agent's Markdown -> the HTML a reply, note or edit is sent as, and back for editing.

Agents write plain text or a small Markdown: bold, italic, links, lists, quotes and code.
What they type must reach the customer as typed, so the Markdown is deliberately narrow:

- raw HTML is off: a typed ``<b>`` is text, never markup;
- backslash escapes and entity references are off: ``C:\\orders`` keeps its backslash and a
  typed ``&lt;`` stays those four characters (a Windows path is far more common in a support
  reply than the wish to escape an asterisk; code spans show Markdown characters literally);
- headings and indented code blocks are off: a line starting "# " or four spaces of
  indentation in a pasted e-mail stays what it was. Fenced code (```) is on.

The rendered HTML is sanitised with nh3 down to the tags WordPress's ``wp_kses_post`` keeps
for these constructs (http, https and mailto links only), then escaped for the plugin's
reply route the same way as :func:`dashboard.html.text_to_html`: the route stores the HTML
after ``wp_kses_post`` without decoding anything, but strips backslashes (``wp_unslash``)
and turns a typed ``&amp;#92;`` into a live entity unless the ``&`` is sent as ``&#038;``
(REAL-API "Text escaping", the ``seq_escaping_reply_*`` and ``seq_escaping_edit_*``
captures).
"""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser

import nh3
from markdown_it import MarkdownIt

# What the Markdown produces and the plugin keeps: everything else is dropped (its text kept).
TAGS = {
    "p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre", "hr",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener noreferrer nofollow"


@cache
def _markdown() -> MarkdownIt:
    options = {"html": False, "breaks": True, "linkify": True, "typographer": False}
    md = MarkdownIt("commonmark", options).enable("linkify")
    return md.disable(["entity", "escape", "heading", "lheading", "code"])


@cache
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=TAGS,
        clean_content_tags={"script", "style"},
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        # A relative link would point at whatever page shows the message: only whole URLs.
        url_relative="deny",
        link_rel=LINK_REL,
        strip_comments=True,
    )


def _for_the_reply_route(html: str) -> str:
    # nh3 writes every literal "&" as "&amp;"; "&#038;" survives wp_kses_post's entity
    # normalising where "&amp;#92;" would become a live "&#092;". Backslashes become an
    # entity, as wp_unslash would strip them.
    return html.replace("&amp;", "&#038;").replace("\\", "&#092;")


def render_markdown(text: str) -> str:
    """An agent's Markdown as sanitised HTML, before the reply route's escaping."""
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        return ""
    return _cleaner().clean(_markdown().render(text)).strip()


def markdown_to_html(text: str) -> str:
    """An agent's Markdown as the HTML a reply, note or edit is sent as."""
    return _for_the_reply_route(render_markdown(text))


def message_html(text: str, signature: str = "") -> str:
    """A message and, below it, a signature: each rendered on its own, so an unclosed list
    or code fence in the message never swallows the signature."""
    parts = [markdown_to_html(text), markdown_to_html(signature)]
    return "\n".join(part for part in parts if part)


class _MarkdownWriter(HTMLParser):
    """Stored message HTML -> the Markdown that renders it again (for the edit form)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.owed = 0  # line breaks owed before the next text
        self.quotes = 0
        self.lists: list[list[int]] = []  # [ordered, next number] per open list
        self.marker = ""  # a list item's marker, written before its first text
        self.pre = False
        self.links: list[tuple[str, str, int]] = []  # (href, title, where its text starts)

    def _break(self, count: int) -> None:
        if self.parts:
            self.owed = max(self.owed, count)

    def _write(self, text: str) -> None:
        if self.owed:
            prefix = "> " * self.quotes + "   " * len(self.lists)
            self.parts.append(("\n" + prefix.rstrip()) * (self.owed - 1) + "\n" + prefix)
            self.owed = 0
        elif not self.parts and self.quotes:
            self.parts.append("> " * self.quotes)
        if self.marker:
            # The marker replaces the indentation of its own list level.
            if self.parts and self.parts[-1].endswith("   "):
                self.parts[-1] = self.parts[-1][:-3]
            self.parts.append(self.marker)
            self.marker = ""
        self.parts.append(text)

    def _at_line_start(self) -> bool:
        return bool(self.owed) or not self.parts or self.parts[-1].endswith((" ", "\n"))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "table"):
            self._break(2)
        elif tag in ("br", "tr"):
            self.owed = min(self.owed + 1, 2) if self.parts else 0
        elif tag == "blockquote":
            self._break(2)
            self.quotes += 1
        elif tag in ("ul", "ol"):
            self._break(1 if self.lists else 2)
            start = dict(attrs).get("start") or "1"
            self.lists.append([tag == "ol", int(start) if start.isdigit() else 1])
        elif tag == "li":
            self._break(1)
            if self.lists:
                ordered, number = self.lists[-1]
                self.marker = f"{number}. " if ordered else "- "
                self.lists[-1][1] += 1
        elif tag == "hr":
            self._break(2)
            self._write("---")
            self._break(2)
        elif tag == "pre":
            self._break(2)
            self._write("```")
            self.owed = 1
            self.pre = True
        elif tag in ("strong", "b"):
            self._write("**")
        elif tag in ("em", "i"):
            self._write("*")
        elif tag == "code" and not self.pre:
            self._write("`")
        elif tag == "a":
            self._write("")
            found = dict(attrs)
            title = (found.get("title") or "").replace('"', "")
            self.links.append((found.get("href") or "", title, len(self.parts)))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol"):
            if tag in ("ul", "ol") and self.lists:
                self.lists.pop()
            self._break(1 if self.lists else 2)
        elif tag == "blockquote":
            self.quotes = max(self.quotes - 1, 0)
            self._break(2)
        elif tag == "li":
            self.marker = ""
            self._break(1)
        elif tag == "pre":
            self.pre = False
            if self.parts and not self.parts[-1].endswith("\n"):
                self.owed = max(self.owed, 1)
            self._write("```")
            self._break(2)
        elif tag in ("strong", "b"):
            self._write("**")
        elif tag in ("em", "i"):
            self._write("*")
        elif tag == "code" and not self.pre:
            self._write("`")
        elif tag == "a" and self.links:
            href, title, start = self.links.pop()
            label = "".join(self.parts[start:])
            if href and (title or href not in (label, f"mailto:{label}", f"http://{label}")):
                title = f' "{title}"' if title else ""
                self.parts[start:] = [f"[{label}]({href}{title})"]

    def handle_data(self, data: str) -> None:
        if self.pre:
            lines = data.split("\n")
            for number, line in enumerate(lines):
                if number:
                    self.owed = self.owed + 1
                if line:
                    self._write(line)
            return
        text = re.sub(r"\s+", " ", data)
        if self._at_line_start():
            text = text.lstrip()
        if text:
            self._write(text)

    def markdown(self) -> str:
        lines = "".join(self.parts).split("\n")
        text = "\n".join(line.rstrip() for line in lines)
        return re.sub(r"\n{3,}", "\n\n", text).strip()


def html_to_markdown(value: str) -> str:
    """A stored message as Markdown to edit: what :func:`markdown_to_html` sent, given back
    (plain-text messages come back as their text, paragraphs and line breaks kept)."""
    writer = _MarkdownWriter()
    writer.feed(value or "")
    writer.close()
    return writer.markdown()

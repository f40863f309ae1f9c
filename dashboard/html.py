"""Turning HTML from WordPress into something safe to show, and agents' text into HTML.

Nothing from the upstream is marked safe without passing through :func:`clean_html`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from functools import lru_cache
from urllib.parse import urlsplit

import nh3

# Formatting and structure only: no forms, media, frames, SVG or maps; <details> is kept so
# quoted history can stay collapsed.
TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt",
    "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark",
    "ol", "p", "pre", "q", "s", "small", "span", "strike", "strong", "sub", "summary", "sup",
    "table", "tbody", "td", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def _image_filter(base_url: str, remote_images: bool) -> Callable[[str, str, str], str | None]:
    """Keep an image's address only when loading it tells nobody new that the agent read the
    message: images on the WordPress site itself, or any https image once the agent asked."""
    own = urlsplit(base_url) if base_url else None

    def keep(tag: str, attribute: str, value: str) -> str | None:
        if tag != "img" or attribute != "src":
            return value
        if value.startswith("/") and not value.startswith("//"):
            # A path on the site itself (nh3 then puts the site's address in front).
            return value if own and own.scheme == "https" else None
        # Plain-http images would be mixed content; only https ones are ever shown.
        if not value.startswith("https://"):
            return None
        if remote_images:
            return value
        try:
            where = urlsplit(value)
            same = bool(own and own.scheme == "https" and where.netloc == own.netloc)
        except ValueError:
            same = False
        # A remote image (a tracking pixel, say) tells its sender who read the ticket and
        # when: it waits, like in a mail client, until the agent asks for it.
        return value if same else None

    return keep


# An image whose address was held back: nh3 keeps the tag (with its alt text), without src.
_HELD_IMAGE = re.compile(r"<img\b(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE)


def holds_remote_images(value: str, *, base_url: str) -> bool:
    """Whether a message has images held back that would load if the agent asked for them."""
    held = clean_html(value, base_url=base_url)
    return bool(_HELD_IMAGE.search(held)) and held != clean_html(
        value, base_url=base_url, remote_images=True
    )


@lru_cache(maxsize=64)
def _cleaner(base_url: str, remote_images: bool = False) -> nh3.Cleaner:
    options = {
        "tags": TAGS,
        "clean_content_tags": {"script", "style", "template", "noscript", "title", "textarea"},
        "attributes": ATTRIBUTES,
        "url_schemes": URL_SCHEMES,
        "link_rel": "noopener noreferrer nofollow",
        "attribute_filter": _image_filter(base_url, remote_images),
        "strip_comments": True,
    }
    if base_url:
        # Relative links in a message point at the WordPress site, never at the dashboard.
        options["url_relative"] = ("rewrite_with_base", base_url.rstrip("/") + "/")
    else:
        options["url_relative"] = "deny"
    return nh3.Cleaner(**options)


def clean_html(value: str, *, base_url: str = "", remote_images: bool = False) -> str:
    """Sanitise upstream HTML: formatting and links kept, everything active removed, and
    images from anywhere but the site itself held back unless ``remote_images``."""
    if not value:
        return ""
    return _cleaner(base_url, remote_images).clean(value)


_URL = re.compile(r"\bhttps?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]", re.IGNORECASE)


def _escape(text: str) -> str:
    # "&" becomes "&#038;", not "&amp;": wp_kses_post turns "&amp;#92;" into a live "&#092;",
    # so typed text that looks like an entity would lose its "&amp;". Backslashes become an
    # entity too, as WordPress strips them from posted text (wp_unslash).
    escaped = html.escape(text, quote=True).replace("&amp;", "&#038;")
    return escaped.replace("\\", "&#092;")


def _paragraphs(text: str, escape: Callable[[str], str]) -> str:
    text = text.replace("\r\n", "\n").strip()
    if not text:
        return ""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text):
        escaped = escape(block.strip())
        linked = _URL.sub(
            lambda m: f'<a href="{m.group(0)}" rel="noopener noreferrer nofollow">{m.group(0)}</a>',
            escaped,
        )
        paragraphs.append("<p>" + linked.replace("\n", "<br>\n") + "</p>")
    return "\n".join(paragraphs)


def text_to_html(text: str) -> str:
    """An agent's plain text -> paragraphs, line breaks and links; no raw HTML passes.

    For replies, notes, edits and bulk replies: the plugin stores these after wp_kses_post
    without decoding anything, so text escaped once is stored as sent and shows as typed.
    """
    return _paragraphs(text, _escape)


def text_to_ticket_html(text: str) -> str:
    """The same for a new ticket's first message, whose text is escaped twice.

    Ticket creation (POST /tickets, and the customer portal's) decodes entities once after
    sanitising (REAL-API "Text escaping"): text escaped once would be stored as live HTML, so
    ``<img src=x onerror=...>`` typed by an agent would become a real image tag. Escaped twice
    it is stored escaped once and shows as typed; the paragraph markup itself is sent as is.
    """
    return _paragraphs(text, lambda block: _escape(block).replace("&", "&#038;"))


# Tags that end a line or a block where they stand: stripped without a space, "Hello,</p><p>Thanks"
# would read "Hello,Thanks".
_BLOCK_TAG = re.compile(
    r"<\s*/?\s*(?:p|br|div|li|h[1-6]|blockquote|tr|td|th|ul|ol|pre|hr|table|dt|dd|details|summary)\b",
    re.IGNORECASE,
)


def html_to_text(value: str, *, limit: int = 0) -> str:
    """Plain text of upstream HTML, for excerpts and textareas (escaped again on output)."""
    # A space goes before each block tag (the tag itself is left for nh3 to remove), so the
    # text of one block never runs into the next.
    spaced = _BLOCK_TAG.sub(lambda m: " " + m.group(0), value or "")
    text = nh3.clean(spaced, tags=set(), clean_content_tags={"script", "style"})
    text = html.unescape(re.sub(r"\s+", " ", text)).strip()
    if limit and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text

"""The conversation as the thread page shows it: messages in order, upstream HTML sanitised,
long quoted history folded, and the checks a send needs (what arrived, what was posted)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from html.parser import HTMLParser
from typing import Any

import nh3
from django.utils.safestring import SafeString, mark_safe

from dashboard.fluent.models import Attachment, Person, Response, Thread
from dashboard.html import clean_html, holds_remote_images, html_to_text
from dashboard.sites.models import Site


@dataclass
class Message:
    """One entry of the conversation: the opening message, a reply, a note or an activity."""

    id: int | None  # None for the ticket's own opening message
    kind: str  # "customer", "agent", "note" or "activity"
    person: Person | None
    created_at: datetime | None
    updated_at: datetime | None = None
    body: SafeString = field(default_factory=lambda: mark_safe(""))
    quoted: SafeString = field(default_factory=lambda: mark_safe(""))
    attachments: list[Attachment] = field(default_factory=list)
    # Images from other hosts were held back; the page offers to load them.
    held_images: bool = False

    @property
    def dom_id(self) -> str:
        return f"message-{self.id}" if self.id else "message-opening"

    @property
    def editable(self) -> bool:
        return self.id is not None and self.kind in ("agent", "note")

    @property
    def edited(self) -> bool:
        return bool(
            self.updated_at
            and self.created_at
            and (self.updated_at - self.created_at).total_seconds() > 60
        )

    @property
    def author(self) -> str:
        return self.person.name if self.person else "Someone"


_QUOTE_OPENERS = re.compile(
    r"<(?:p|div)>\s*(?:On\b[^<]{0,300}\bwrote:|-{2,}\s*Original Message|From:[^<]{0,200}"
    r"(?:Sent|Date):|&gt;)",
    re.IGNORECASE,
)
_VOID = {"br", "hr", "img", "wbr", "col", "area", "input", "source"}
# Quoted text shorter than this stays in view: collapsing one line helps nobody.
QUOTE_MIN_CHARS = 160


class _TopLevelStarts(HTMLParser):
    """Offsets of the elements at the top level of an HTML fragment."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        self.depth = 0
        self.starts: list[tuple[int, str]] = []
        self._lines = [0]
        for line in text.splitlines(keepends=True):
            self._lines.append(self._lines[-1] + len(line))
        self.feed(text)
        self.close()

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._lines[line - 1] + column

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if self.depth == 0:
            self.starts.append((self._offset(), tag))
        if tag not in _VOID:
            self.depth += 1

    def handle_startendtag(self, tag: str, attrs: Any) -> None:
        if self.depth == 0:
            self.starts.append((self._offset(), tag))

    def handle_endtag(self, tag: str) -> None:
        if tag not in _VOID:
            self.depth = max(0, self.depth - 1)


def split_quoted(clean: str) -> tuple[str, str]:
    """Split sanitised HTML before the quoted history an email client appended, if it is long.

    The split is only ever made between top-level elements, and both halves are sanitised again
    afterwards, so the result is as safe as the input whatever the message contains.
    """
    for offset, tag in _TopLevelStarts(clean).starts:
        if offset == 0:
            continue
        if tag == "blockquote" or _QUOTE_OPENERS.match(clean, offset):
            body, quoted = clean[:offset], clean[offset:]
            if html_to_text(body) and len(html_to_text(quoted)) >= QUOTE_MIN_CHARS:
                return body, quoted
            return clean, ""
    return clean, ""


def render_content(
    content: str, base_url: str, *, remote_images: bool = False
) -> tuple[SafeString, SafeString]:
    """Upstream HTML -> (body, collapsed quote), both through nh3 and nothing else; images
    from other hosts only when the agent asked for them (``remote_images``)."""
    clean = partial(clean_html, base_url=base_url, remote_images=remote_images)
    body, quoted = split_quoted(clean(content))
    return (
        mark_safe(clean(body)),  # noqa: S308 (sanitised by nh3)
        mark_safe(clean(quoted)),  # noqa: S308 (sanitised by nh3)
    )


def conversation(
    thread: Thread, site: Site, *, images: frozenset[str] = frozenset()
) -> list[Message]:
    """The ticket's opening message and every response, oldest first. ``images`` names the
    messages (by ``dom_id``) whose remote images the agent asked to load."""
    ticket = thread.ticket
    opening = "message-opening"
    body, quoted = render_content(ticket.content, site.base_url, remote_images=opening in images)
    entries = [
        Message(
            id=None,
            kind="customer",
            person=ticket.customer,
            created_at=ticket.created_at,
            body=body,
            quoted=quoted,
            attachments=list(ticket.attachments),
            held_images=opening not in images
            and holds_remote_images(ticket.content, base_url=site.base_url),
        )
    ]
    for response in thread.conversation:
        if response.is_activity:
            kind = "activity"
        elif response.is_note:
            kind = "note"
        elif response.is_from_customer:
            kind = "customer"
        else:
            kind = "agent"
        key = f"message-{response.id}"
        body, quoted = render_content(response.content, site.base_url, remote_images=key in images)
        entries.append(
            Message(
                id=response.id,
                kind=kind,
                person=response.person,
                created_at=response.created_at,
                updated_at=response.updated_at,
                body=body,
                quoted=quoted,
                attachments=list(response.attachments),
                held_images=key not in images
                and holds_remote_images(response.content, base_url=site.base_url),
            )
        )
    return entries


def newest_id(thread: Thread) -> int:
    return max((r.id for r in thread.responses), default=0)


def arrived_since(thread: Thread, site: Site, last_seen: int) -> list[Message]:
    """Replies and notes by someone else that the agent has not seen yet."""
    return [
        message
        for message in conversation(thread, site)
        if message.id
        and message.id > last_seen
        and message.kind != "activity"
        and not (message.person and message.person.id == site.agent_person_id)
    ]


def find_posted(
    thread: Thread, site: Site, *, after: int, kind: str, content: str
) -> Response | None:
    """Our reply (sent as ``content``) in a freshly read thread, if a send that timed out did
    reach the site."""
    wanted = html_to_text(content)
    for response in thread.responses:
        if (
            response.id > after
            and response.person_id == site.agent_person_id
            and response.conversation_type == kind
            and html_to_text(response.content) == wanted
        ):
            return response
    return None


def html_to_plain(value: str) -> str:
    """A stored message as editable plain text: paragraphs and line breaks kept."""
    text = re.sub(r"(?i)<br\s*/?>", "\n", value or "")
    text = re.sub(r"(?i)</(p|div|li|blockquote|h[1-6]|pre|tr)>", "\n\n", text)
    text = html.unescape(nh3.clean(text, tags=set(), clean_content_tags={"script", "style"}))
    text = "\n".join(line.strip() for line in text.splitlines())
    return re.sub(r"\n{3,}", "\n\n", text).strip()

"""The text under a row's title: the ticket's latest message, the same before and after any
property change.

The plugin's list gives each ticket one ``preview_response``: its newest conversation row of
any kind. After an assignment, a status or a priority change that row is an activity line
("… assigned … in this ticket"), which is no message at all, and the list says nothing of the
message before it. So the latest real message (a reply, or an internal note, marked as one)
is remembered whenever a list or a thread shows it, and used while an activity line is the
newest row. A ticket never seen with a message falls back to its opening message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from django.core.cache import cache

from dashboard.fluent import trace as upstream_trace
from dashboard.html import html_to_text

if TYPE_CHECKING:
    from dashboard.fluent.models import Response, Thread

LIMIT = 140
# Long enough to cover a ticket's life in the inbox; a newer message replaces it at once.
REMEMBER_SECONDS = 30 * 24 * 3600


@dataclass(frozen=True)
class Preview:
    text: str
    is_note: bool = False


def _key(site_id: int, ticket_id: int) -> str:
    return f"row-preview:{site_id}:{ticket_id}"


def _of(response: Response) -> Preview:
    return Preview(html_to_text(response.content, limit=LIMIT), response.is_note)


def attach(rows: Iterable) -> None:
    """Give each row (``site``, ``ticket``, ``preview``) the preview it shows."""
    seen: dict[str, tuple[str, bool]] = {}
    unknown = {}
    for row in rows:
        newest = row.ticket.preview_response
        if newest is None:
            continue  # no conversation yet: the opening message is the latest
        key = _key(row.site.pk, row.ticket.id)
        if newest.is_activity:
            unknown[key] = row
        else:
            row.preview = _of(newest)
            seen[key] = (row.preview.text, row.preview.is_note)
    if not seen and not unknown:
        return
    # One read for both: what the activity rows fall back on, and what is already remembered,
    # so that a list read again (after expiry, or on another page) writes only what changed.
    known = cache.get_many([*seen, *unknown])
    changed = {key: value for key, value in seen.items() if known.get(key) != value}
    if changed:
        _after_answer(partial(cache.set_many, changed, REMEMBER_SECONDS))
    for key, row in unknown.items():
        if key in known:
            text, is_note = known[key]
            row.preview = Preview(text, is_note)


def remember_thread(site_id: int, thread: Thread) -> None:
    """A thread holds every message: remember its latest for the ticket's row."""
    messages = [r for r in thread.conversation if not r.is_activity]
    if messages:
        latest = _of(messages[-1])
        key = _key(site_id, thread.ticket.id)
        _after_answer(partial(cache.set, key, (latest.text, latest.is_note), REMEMBER_SECONDS))


def _after_answer(write: Callable[[], object]) -> None:
    """Rows read these only in later requests: written once the page has been sent."""
    if not upstream_trace.after_answer(write):
        write()

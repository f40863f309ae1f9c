"""Keeping "who is viewing" honest when an agent leaves a thread while its presence check is
still on its way.

The thread page asks the site who is viewing when it loads (and every 20 s); asking registers
the agent as viewing (GET /tickets/<id>/live_activity). Leaving sends DELETE. Both are sent by
the same page, but they reach us on different connections: a presence check sent before
leaving can reach the site after the DELETE and register the agent again, for a minute, on a
ticket they have left (fast j/k browsing does this every time). So each page view has an id
(made by the browser, sent with both); leaving marks that view as left, and:

- a presence check of a view already left asks nothing of the site;
- one under way when the agent leaves finishes before the DELETE is sent (a lock per agent and
  ticket, within this process), and one that finds the mark only after its call (another
  process) sends the DELETE itself.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache

# Long enough to outlast any presence check still on its way; the plugin forgets viewers
# after about a minute anyway.
LEFT_SECONDS = 120
_LOCKS = [threading.Lock() for _ in range(64)]


def view_id(raw: str | None) -> str:
    """The browser's id of one page view: short letters and digits, or "" when absent."""
    value = (raw or "")[:40]
    return value if value.isalnum() else ""


def _left_key(user_id: int, site_id: int, ticket_id: int, view: str) -> str:
    return f"presence-left:{user_id}:{site_id}:{ticket_id}:{view}"


def mark_left(user_id: int, site_id: int, ticket_id: int, view: str) -> None:
    if view:
        cache.set(_left_key(user_id, site_id, ticket_id, view), True, LEFT_SECONDS)


def has_left(user_id: int, site_id: int, ticket_id: int, view: str) -> bool:
    return bool(view) and bool(cache.get(_left_key(user_id, site_id, ticket_id, view)))


@contextmanager
def one_at_a_time(user_id: int, site_id: int, ticket_id: int) -> Iterator[None]:
    """A presence check and a leave of the same agent and ticket never overlap here."""
    lock = _LOCKS[hash((user_id, site_id, ticket_id)) % len(_LOCKS)]
    with lock:
        yield

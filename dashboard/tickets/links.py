"""Where a ticket lives: the one URL helper every screen links a thread with."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from dashboard.reversing import kept_reverse


def thread_url(
    site: Any, ticket_id: int, from_qs: str = "", anchor: str = "", **params: Any
) -> str:
    """The thread of a ticket on ``site`` (a connection, a team site or a slug: links name the
    site by its slug, the same for every agent); with ``from_qs`` (an inbox query string) it
    remembers the list it was opened from (for previous/next and Back), with ``anchor`` a
    message in it."""
    # Kept by the slug (the converter's own rule), not by the connection object.
    url = kept_reverse("tickets:thread", (getattr(site, "slug", site), ticket_id))
    query = {key: value for key, value in {"from": from_qs, **params}.items() if value}
    if query:
        url += "?" + urlencode(query)
    return url + (f"#{anchor}" if anchor else "")

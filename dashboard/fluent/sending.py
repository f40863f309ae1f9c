"""The moment a request has been sent to a site, told to whoever is waiting for it.

``parallel.run_parallel`` lets the request thread do its own work (``meanwhile``) once every
call of a round waits for its site; the connection (``address``) says when that is. A module of
its own, so the transport and the pool need not import each other.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

# In a pooled call: what to tell when its first request has been sent.
on_sending: ContextVar[Callable[[], None] | None] = ContextVar("on_sending", default=None)


def note_sending() -> None:
    """Called by the connection once a request has been sent, as it starts waiting."""
    callback = on_sending.get()
    if callback is not None:
        callback()

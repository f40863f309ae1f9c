"""Where a pooled call stands in its round: the moment its request has been sent (told to
whoever waits for it), and whether other calls of the round are still out.

``parallel.run_parallel`` lets the request thread do its own work (``meanwhile``) once every
call of a round waits for its site; the connection (``address``) says when that is. The cache
(``cache``) stores an answer at once while other calls are still out, hidden behind their wait,
and after the page has been sent otherwise. A module of its own, so that the transport, the
cache and the pool need not import each other.
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


# In a pooled call: how many calls of its round have not finished yet, itself included.
round_left: ContextVar[Callable[[], int] | None] = ContextVar("round_left", default=None)


def others_in_flight() -> bool:
    """Whether other calls of this call's round are still waiting for their sites."""
    left = round_left.get()
    return left is not None and left() > 1

"""Where a pooled call stands in its round: the moment its request has been sent (told to
whoever waits for it), the moment its answer arrives, and where the round's other calls are.

``parallel.run_parallel`` lets the request thread do its own work (``meanwhile``) once every
call of a round waits for its site; the connection (``address``) says when that is. The cache
(``cache``) stores an answer at once only while that is free: other calls still wait for their
sites and none of them is busy reading an answer of its own (the page waits for those, and
Python runs one thread at a time); otherwise after the page has been sent. A module of its
own, so that the transport, the cache and the pool need not import each other.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Protocol

# In a pooled call: what to tell when its first request has been sent.
on_sending: ContextVar[Callable[[], None] | None] = ContextVar("on_sending", default=None)


def note_sending() -> None:
    """Called by the connection once a request has been sent, as it starts waiting."""
    callback = on_sending.get()
    if callback is not None:
        callback()


# In a pooled call: what to tell when its answer has started to arrive.
on_answered: ContextVar[Callable[[], None] | None] = ContextVar("on_answered", default=None)


def note_answered() -> None:
    """Called by the connection once a site's answer has started to arrive."""
    callback = on_answered.get()
    if callback is not None:
        callback()


class Round(Protocol):
    def unfinished(self) -> int:
        """Calls of the round not finished yet, this one included."""

    def reading(self) -> int:
        """Calls of the round whose answer has arrived and that have not finished."""


# In a pooled call: the round it belongs to.
current_round: ContextVar[Round | None] = ContextVar("current_round", default=None)


def writing_now_is_free() -> bool:
    """Whether this call (its answer in hand) may do extra work now without delaying the page:
    other calls of the round still wait for their sites, and no other is reading an answer."""
    state = current_round.get()
    if state is None:
        return False
    waiting = state.unfinished() - state.reading()
    return waiting > 0 and state.reading() <= 1

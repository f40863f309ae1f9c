"""Per-request record of upstream calls: counts, cache hits, time, and stale answers served.

The middleware opens a trace for each request; the client records into it from any thread
(parallel reads run their calls in a copy of the request's context). The totals become the
``Server-Timing`` header and the stale notices shown on the page.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from dashboard.fluent.errors import UpstreamError

logger = logging.getLogger(__name__)


@dataclass
class StaleNotice:
    site_key: str
    site_label: str
    fetched_at: datetime | None
    reason: str


@dataclass(frozen=True)
class Write:
    """One write sent to a site in this request, and what became of it (the audit trail's
    outcome is read from these, so it is the site's answer, not the page's status)."""

    credential_key: str
    error_kind: str = ""  # empty when the site took the write
    maybe_applied: bool = False  # no answer came back: the site may have applied it
    upload: bool = False  # a file staged for a message, not a change of its own


@dataclass
class Trace:
    calls: int = 0  # requests that went to a site
    hits: int = 0  # answers served from the cache
    failures: int = 0
    upstream_seconds: float = 0.0  # summed over calls, parallel or not
    # How long the request thread spent in rounds of calls to sites (wall time: answers read
    # and work done meanwhile included): the rest of the request is the dashboard's own work.
    waited_seconds: float = 0.0
    stale: dict[str, StaleNotice] = field(default_factory=dict)
    # When the first answer this request used stops being fresh (None: nothing read, or an
    # answer that is never cached, such as who is viewing a ticket).
    fresh_until: datetime | None = None
    uncacheable: bool = False
    # The user asked for fresh data (a page's Refresh control): every read skips the cache.
    refresh: bool = False
    # When the page stops waiting for sites (``time.monotonic()``; None: no deadline). Reads
    # past it are answered from the last good copy, and the site is named as late.
    deadline: float | None = None
    # Credentials (their keys) a site accepted in this request (a real answer, not a copy),
    # and those it refused (401).
    accepted: set[str] = field(default_factory=set)
    refused: set[str] = field(default_factory=set)
    # Every write sent to a site, in order, with its outcome.
    writes: list[Write] = field(default_factory=list)
    # Work that only has to be done before the next request, not before this answer (cache
    # writes): done once the answer has been sent. None: done at once (outside a request, or
    # once the answer has left).
    deferred: list[Callable[[], object]] | None = None
    # Generation numbers read in this request ({(site key, scope): n}), so the page cache's key
    # and the reads behind it look them up once; a write of this request updates them.
    generations: dict[tuple[str, str], int] = field(default_factory=dict)
    # Cache entries written after the answer ({(cache, key): entry}), readable meanwhile.
    pending_writes: dict[tuple[int, str], Any] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)


_current: ContextVar[Trace | None] = ContextVar("upstream_trace", default=None)


@contextmanager
def collect(
    *, refresh: bool = False, deadline: float | None = None, defer: bool = False
) -> Iterator[Trace]:
    """Record the upstream calls made inside the block (one request), which waits for sites
    at most ``deadline`` seconds (``UPSTREAM_PAGE_DEADLINE`` by default). With ``defer``, work
    handed to :func:`after_answer` waits until :func:`run_deferred` (the caller runs it once
    the answer has been sent)."""
    trace = Trace(refresh=refresh, deferred=[] if defer else None)
    trace.deadline = time.monotonic() + (page_deadline() if deadline is None else deadline)
    token = _current.set(trace)
    try:
        yield trace
    finally:
        # A thread serves many requests: the next one must not inherit this trace.
        _current.reset(token)


def current() -> Trace | None:
    return _current.get()


def after_answer(work: Callable[[], object]) -> bool:
    """Do ``work`` once this request's answer has been sent, when the request allows it (True),
    else not at all here (False: the caller does it now). For writes to caches that only the
    next request reads: the agent should not wait for them."""
    trace = _current.get()
    if trace is None:
        return False
    with trace.lock:
        if trace.deferred is None:
            return False
        trace.deferred.append(work)
    return True


def run_deferred(trace: Trace) -> None:
    """Do the work the request deferred, in order; from now on nothing more is deferred."""
    while True:
        with trace.lock:
            if not trace.deferred:
                trace.deferred = None
                return
            work = trace.deferred.pop(0)
        try:
            work()
        except Exception:  # A cache write that fails costs a later miss, never the answer.
            logger.exception("Deferred work failed after the answer was sent")


def page_deadline() -> float:
    from django.conf import settings

    return float(settings.UPSTREAM_PAGE_DEADLINE)


def remaining() -> float | None:
    """Seconds this request may still wait for a site (None: no deadline, not in a request)."""
    trace = _current.get()
    if trace is None or trace.deadline is None:
        return None
    return trace.deadline - time.monotonic()


def restart_deadline() -> None:
    """After a write the page re-reads what changed: that gets a full deadline of its own."""
    trace = _current.get()
    if trace is not None and trace.deadline is not None:
        trace.deadline = time.monotonic() + page_deadline()


def record(site_key: str, seconds: float, *, hit: bool, failed: bool = False) -> None:
    trace = _current.get()
    if trace is None:
        return
    with trace.lock:
        if hit:
            trace.hits += 1
        else:
            trace.calls += 1
            trace.upstream_seconds += seconds
        if failed:
            trace.failures += 1


def waited(seconds: float, trace: Trace | None = None) -> None:
    """The request thread waited ``seconds`` for calls to sites (see ``parallel``); ``trace``
    is the request's (the current one if not given)."""
    trace = trace or _current.get()
    if trace is not None:
        with trace.lock:
            trace.waited_seconds += seconds


def stale(site_key: str, label: str, fetched_at: datetime | None, error: UpstreamError) -> None:
    trace = _current.get()
    if trace is None:
        return
    with trace.lock:
        known = trace.stale.get(site_key)
        # Keep the oldest time: the page is only as fresh as its oldest part.
        if known is None or (fetched_at and known.fetched_at and fetched_at < known.fetched_at):
            trace.stale[site_key] = StaleNotice(site_key, label, fetched_at, error.message)


def freshness(expires: datetime | None) -> None:
    """Note how long an answer used by this request stays fresh (None: never cached)."""
    trace = _current.get()
    if trace is None:
        return
    with trace.lock:
        if expires is None:
            trace.uncacheable = True
        elif trace.fresh_until is None or expires < trace.fresh_until:
            trace.fresh_until = expires


def accepted(key: str) -> None:
    """The site answered this credential with something other than a refusal."""
    trace = _current.get()
    if trace is None:
        return
    with trace.lock:
        trace.accepted.add(key)


def refused(key: str) -> None:
    """The site refused this credential (401)."""
    trace = _current.get()
    if trace is None:
        return
    with trace.lock:
        trace.refused.add(key)


def wrote(key: str, error: UpstreamError | None = None, *, upload: bool = False) -> None:
    """A write went out with this credential; ``error`` is what became of it, if it failed."""
    trace = _current.get()
    if trace is None:
        return
    entry = Write(
        credential_key=key,
        error_kind=error.kind if error else "",
        maybe_applied=bool(error and error.maybe_applied),
        upload=upload,
    )
    with trace.lock:
        trace.writes.append(entry)


def fail() -> None:
    """An answer could not be used: the page showing its absence must not be kept."""
    trace = _current.get()
    if trace is None:
        return
    with trace.lock:
        trace.failures += 1

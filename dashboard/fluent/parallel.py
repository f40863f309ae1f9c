"""Run independent upstream calls concurrently, so a page waits for the slowest, not the sum.

One bounded pool serves the whole process; calls run in a copy of the caller's context so they
record into the request's trace. Workers only do HTTP and parsing: credentials are decrypted and
the ORM is touched in the request thread, before the calls are submitted.

While the calls are out, the request thread is free: a view names the work it will need
anyway (its own database reads, say) with ``meanwhile``, and the first ``run_parallel`` does it
then, in the request thread, instead of after the slowest site has answered. It starts once
every call has written its request and waits for the answer (the connection says so with
``note_sending``), so that it never holds up a request still being prepared or sent.
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.conf import settings

from dashboard.fluent import trace
from dashboard.fluent.errors import UpstreamError
from dashboard.fluent.sending import current_round, on_answered, on_sending

T = TypeVar("T")

_pool: ThreadPoolExecutor | None = None
# Work waiting for the request thread's next idle moment (see ``meanwhile``).
_waiting_work: contextvars.ContextVar[list[Callable[[], object]] | None] = contextvars.ContextVar(
    "waiting_work", default=None
)
_pool_lock = threading.Lock()
# Set while a round is timed: only the request thread's outermost round is the request's waiting
# (see ``_timed``). The pool's threads run in a copy of the context taken inside that round.
_timing: contextvars.ContextVar[bool] = contextvars.ContextVar("timing_round", default=False)


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(
                max_workers=settings.UPSTREAM_MAX_WORKERS, thread_name_prefix="upstream"
            )
    return _pool


@dataclass
class Outcome(Generic[T]):
    """A call's value, or the upstream error that stopped it."""

    value: T | None = None
    error: UpstreamError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def run_parallel(calls: dict[Any, Callable[[], T]]) -> dict[Any, Outcome[T]]:
    """Run each call once, concurrently; return their outcomes under the same keys.

    Upstream errors are captured per call so one failing site never hides the others; any other
    exception is a bug and propagates.
    """
    if len(calls) == 1:
        ((key, call),) = calls.items()
        # A single call runs in this thread, unless there is waiting work to overlap with it.
        if not _waiting_work.get():
            with _timed():
                return {key: _capture(call)}
    pool = _executor()
    # A busy pool may queue some calls behind others; the work waits for the first few only.
    gate = _Gate(min(len(calls), settings.UPSTREAM_MAX_WORKERS))
    left = _Round(len(calls))
    # The round's wall time, the work done meanwhile included (it hides in the wait).
    with _timed():
        futures = {
            key: pool.submit(contextvars.copy_context().run, _pooled, call, gate, left)
            for key, call in calls.items()
        }
        try:
            if _waiting_work.get():
                gate.wait()
                _do_waiting_work()
        finally:
            outcomes = {key: future.result() for key, future in futures.items()}
    return outcomes


@contextmanager
def meanwhile(*work: Callable[[], object]) -> Iterator[None]:
    """Do ``work`` while the block's first upstream calls are in flight, or at the end of the
    block if it made none. Work must be needed anyway: it is done exactly once either way."""
    token = _waiting_work.set(list(work))
    try:
        yield
        _do_waiting_work()
    finally:
        _waiting_work.reset(token)


def _do_waiting_work() -> None:
    pending = _waiting_work.get()
    while pending:
        pending.pop(0)()


class _Gate:
    """Opens once ``expected`` calls have each sent their first request (or finished)."""

    def __init__(self, expected: int) -> None:
        self._remaining = expected
        self._opened = threading.Condition()

    def arrive(self) -> None:
        with self._opened:
            self._remaining -= 1
            if self._remaining <= 0:
                self._opened.notify_all()

    def wait(self) -> None:
        with self._opened:
            self._opened.wait_for(lambda: self._remaining <= 0)


class _Round:
    """How many calls of a round have not finished, and how many of those have an answer."""

    def __init__(self, count: int) -> None:
        self._count = count
        self._reading = 0
        self._lock = threading.Lock()

    def unfinished(self) -> int:
        return self._count

    def reading(self) -> int:
        return self._reading

    def answered(self) -> None:
        with self._lock:
            self._reading += 1

    def done(self, answered: bool) -> None:
        with self._lock:
            self._count -= 1
            if answered:
                self._reading -= 1


def _pooled(call: Callable[[], T], gate: _Gate, state: _Round) -> Outcome[T]:
    # The waiting work belongs to the request thread (it may use the ORM), never to a worker.
    _waiting_work.set(None)
    current_round.set(state)
    arrived = answered = False

    def sending() -> None:
        nonlocal arrived
        if not arrived:
            arrived = True
            gate.arrive()

    def answering() -> None:
        nonlocal answered
        if not answered:
            answered = True
            state.answered()

    on_sending.set(sending)
    on_answered.set(answering)
    try:
        return _capture(call)
    finally:
        state.done(answered)
        # A call answered from the cache, or failing before it sent anything, counts too.
        sending()


@contextmanager
def _timed() -> Iterator[None]:
    """Tell the request's trace how long the request thread spent on a round of calls, if the
    round went to a site: answers from the cache are the request's own work, and so is a round
    inside another (a pool thread's, or one nested in the request thread): its time is already
    part of the outer round's."""
    current = None if _timing.get() else trace.current()
    if current is None:
        yield
        return
    token = _timing.set(True)
    calls, started = current.calls, time.perf_counter()
    try:
        yield
    finally:
        _timing.reset(token)
        if current.calls > calls:
            trace.waited(time.perf_counter() - started, current)


def _capture(call: Callable[[], T]) -> Outcome[T]:
    try:
        return Outcome(value=call())
    except UpstreamError as error:
        return Outcome(error=error)

"""Run independent upstream calls concurrently, so a page waits for the slowest, not the sum.

One bounded pool serves the whole process; calls run in a copy of the caller's context so they
record into the request's trace. Workers only do HTTP and parsing: credentials are decrypted and
the ORM is touched in the request thread, before the calls are submitted.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.conf import settings

from dashboard.fluent.errors import UpstreamError

T = TypeVar("T")

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


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
        return {key: _capture(call)}
    pool = _executor()
    futures = {
        key: pool.submit(contextvars.copy_context().run, _capture, call)
        for key, call in calls.items()
    }
    return {key: future.result() for key, future in futures.items()}


def _capture(call: Callable[[], T]) -> Outcome[T]:
    try:
        return Outcome(value=call())
    except UpstreamError as error:
        return Outcome(error=error)

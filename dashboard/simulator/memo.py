"""Answers a large simulated site keeps until its next write, as a database answers from its
indexes: without them a 50,000-ticket site would spend tens of milliseconds scanning its rows
on every filtered list or count, and a benchmark would measure the simulator, not the client.

Only sites of ``INDEXED_FROM`` tickets or more remember: tests change the rows of small sites
directly (without ``SiteState.touch``) and must see the change at once. Every route that
writes bumps ``Store.version``, which empties the memo.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from .state import SiteState

T = TypeVar("T")

INDEXED_FROM = 5000
# A bound on what one site keeps between writes (distinct filters, searches, windows).
MAX_ENTRIES = 512
_VERSION = "__version__"


def remembered(site: SiteState, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, kept by ``key`` until the site's next write when the site is large."""
    store = site.store
    if len(store.tickets) < INDEXED_FROM:
        return compute()
    memo = site.memo
    if memo.get(_VERSION) != store.version:
        memo.clear()
        memo[_VERSION] = store.version
    if key in memo:
        return memo[key]
    value = compute()
    if len(memo) > MAX_ENTRIES:
        memo.clear()
        memo[_VERSION] = store.version
    memo[key] = value
    return value


def frozen(value: object) -> Hashable:
    """A query's parsed value (dicts and lists of strings) as a hashable key."""
    if isinstance(value, dict):
        return tuple(sorted((str(k), frozen(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(frozen(v) for v in value)
    return str(value)

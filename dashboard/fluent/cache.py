"""The upstream answer cache: a requests-cache backend per credential, and per-site generations."""

# Caching rules, all here (``FluentClient.get`` applies them):
#
# - Each credential has its own cache (a SQLite file, or a Redis namespace), so one user's cached
#   answers can never be served to another, whatever the URL.
# - Freshness is set per kind of data (``settings.UPSTREAM_CACHE_TTL``), not from WordPress's
#   headers, which forbid all caching for authenticated REST calls.
# - Writes bump a per-site, per-scope generation number that is part of every cache key, so a
#   write by one user invalidates what every other user of that site has cached.
# - When a site is down, slow past the timeout or answers 5xx, the last cached answer (however
#   old, up to ``UPSTREAM_STALE_MAX_AGE``) is returned and marked stale.

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from hashlib import blake2b
from pathlib import Path
from typing import Any

import requests
import requests_cache
from django.conf import settings
from django.core.cache import cache as django_cache
from requests.structures import CaseInsensitiveDict
from requests_cache.cache_keys import create_key, redact_response
from requests_cache.models import CachedResponse

from dashboard.fluent import trace
from dashboard.fluent.sending import writing_now_is_free

logger = logging.getLogger(__name__)

# Kinds of data -> the scope whose generation a write bumps. Reports count tickets, so a ticket
# write makes them stale too.
SCOPES = {
    "ticket_list": "tickets",
    "ticket": "tickets",
    "report": "tickets",
    "customer": "customers",
    "reference": "reference",
    "contact": "crm",
    "identity": "identity",
    "live": "live",
}


def _generation_key(site_key: str, scope: str) -> str:
    return f"fluent:gen:{site_key}:{scope}"


def generations(site_key: str, scopes: list[str]) -> dict[str, int]:
    found = generations_of([(site_key, scopes)])
    return {scope: found[(site_key, scope)] for scope in scopes}


def generations_of(sites: list[tuple[str, list[str]]]) -> dict[tuple[str, str], int]:
    """Generations of several sites' scopes in one cache round trip, each read once per request
    (the page cache's key reads them all before the page's own reads need them)."""
    wanted = [(key, scope) for key, scopes in sites for scope in scopes]
    current = trace.current()
    known = current.generations if current is not None else {}
    missing = {pair: _generation_key(*pair) for pair in wanted if pair not in known}
    if missing:
        found = django_cache.get_many(list(missing.values()))
        read = {pair: int(found.get(cache_key, 0)) for pair, cache_key in missing.items()}
        if current is not None:
            with current.lock:
                current.generations.update(read)
        known = {**known, **read}
    return {pair: known[pair] for pair in wanted}


def bump_generation(site_key: str, *scopes: str) -> None:
    """Invalidate every user's cached answers of these scopes for one site."""
    current = trace.current()
    for scope in scopes:
        key = _generation_key(site_key, scope)
        # A time-based value rather than a counter: it survives a cache flush without ever
        # going back to a number that old entries were stored under.
        value = time.time_ns()
        django_cache.set(key, value, timeout=None)
        if current is not None:
            with current.lock:
                current.generations[(site_key, scope)] = value


_redis_pool = None
_redis_lock = threading.Lock()


def _redis_connection():
    global _redis_pool
    import redis

    with _redis_lock:
        if _redis_pool is None:
            _redis_pool = redis.ConnectionPool.from_url(settings.REDIS_URL)
    return redis.Redis(connection_pool=_redis_pool)


def _cache_path(key: str) -> Path:
    folder = Path(settings.UPSTREAM_CACHE_PATH).with_suffix("")
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{key}.sqlite"


def _write(work: Callable[[], object]) -> bool:
    """Store now while that is free (other reads of the round still wait for their sites and
    none is reading its answer: the write hides behind their wait), else once the request's
    answer has been sent; True if deferred."""
    if not writing_now_is_free() and trace.after_answer(work):
        return True
    work()
    return False


class _WritesAfterAnswer:
    """A backend whose writes wait until the request's answer has been sent, unless writing
    now is free.

    Storing an answer (serialising it, writing SQLite or Redis), and its last good copy, took a
    few milliseconds of every cold page after the site had answered, while the agent waited.
    The next request is the first that needs the entry, so the last answer of a round is
    written once the page has left (``trace.after_answer``); until then the request reads it
    from memory, and so never asks a site twice for one answer. An answer that comes while
    others are still awaited, and no other is being read, is written at once: that costs the
    page nothing, and a fan-out of dozens of reads spread over time (queue figures) leaves
    no pile of writes behind the page. Answers that arrive together (an agency's thirty sites
    at once) are read first and written after: one process runs one thread at a time, and
    every write then would hold up an answer the page is waiting for. Outside a request
    everything is written at once.
    """

    def save_response(self, response, cache_key=None, expires=None):
        cache_key = cache_key or self.create_key(response.request)
        self.save_entry(self.entry_for(response, expires), cache_key)

    def entry_for(self, response, expires) -> CachedResponse:
        """What the base class stores (no redirect aliases: no redirect is ever followed),
        built once per answer: its last good copy (``keep_last_good``) is the same entry."""
        built = getattr(response, "_dashboard_entry", None)
        if built is not None and built[0] == expires:
            return built[1]
        entry = CachedResponse.from_response(response, expires=expires)
        entry = _redacted(entry, self._settings.ignored_parameters)
        response._dashboard_entry = (expires, entry)
        return entry

    def save_entry(
        self, entry: CachedResponse, cache_key: str, *, on_error: Callable[[], None] | None = None
    ) -> None:
        """Store ``entry`` now or after the answer (see ``_write``). What waits holds the entry
        only, never the answer it came from (whose parsed JSON is many times its size)."""

        def write() -> None:
            try:
                self.responses[cache_key] = entry
            except Exception:
                if on_error is None:
                    raise
                on_error()

        current = trace.current()
        if _write(write) and current is not None:
            with current.lock:
                current.pending_writes[(id(self), cache_key)] = entry

    def get_response(self, key, default=None):
        current = trace.current()
        if current is not None and current.pending_writes:
            with current.lock:
                entry = current.pending_writes.get((id(self), key))
            if entry is not None:
                return entry
        return super().get_response(key, default)


def _redacted(entry: CachedResponse, ignored: Any) -> CachedResponse:
    """``redact_response``'s result without re-parsing every URL: our URLs never carry a
    credential, so only a header can hold one (the Authorization header, always). A URL that
    does name an ignored parameter goes through requests-cache's own redaction."""
    ignored = tuple(ignored or ())
    url = entry.url.lower()
    if any(name.lower() in url for name in ignored):
        return redact_response(entry, ignored)
    # Copies: the entry shares its header objects with the request that was sent.
    entry.headers = CaseInsensitiveDict(entry.headers)
    entry.request.headers = CaseInsensitiveDict(entry.request.headers)
    for headers in (entry.headers, entry.request.headers):
        for name in ignored:
            if name in headers:
                headers[name] = "REDACTED"
    return entry


class _RedisCache(_WritesAfterAnswer, requests_cache.RedisCache):
    pass


class _SQLiteCache(_WritesAfterAnswer, requests_cache.SQLiteCache):
    pass


def backend(key: str) -> requests_cache.BaseCache:
    if settings.REDIS_URL:
        return _RedisCache(
            namespace=f"dashboard-upstream:{key}",
            connection=_redis_connection(),
            # Keep entries past their freshness so a down site can still show them (stale).
            ttl_offset=settings.UPSTREAM_STALE_MAX_AGE,
        )
    return _SQLiteCache(_cache_path(key), wal=True, busy_timeout=10_000)


def answer_key(request: Any, **settings_: Any) -> str:
    """An answer's cache key: the method, the URL as sent and the generation header.

    requests-cache's own key parses, sorts and re-quotes the URL on every read, a fifth of what
    a cache hit cost. Our URLs are built one way only (each call gives its parameters in one
    order), so the URL as sent is already the same for the same question; a different order
    could only cost a miss, never another answer. The generation header is what a write bumps.
    """
    if not isinstance(request, requests.PreparedRequest):
        return create_key(request, **settings_)
    return _key_text(request.method, request.url, request.headers.get("X-Cache-Generation", ""))


def _key_text(method: str | None, url: str | None, generation: str) -> str:
    return blake2b(f"{method}|{url}|{generation}".encode(), digest_size=16).hexdigest()


def cached_session(key: str) -> requests_cache.CachedSession:
    """A session over the credential's own backend, caching only what the client asks it to."""
    return requests_cache.CachedSession(
        backend=backend(key),
        expire_after=0,
        allowable_methods=("GET",),
        allowable_codes=(200,),
        # WordPress marks authenticated REST answers no-store; freshness is ours to decide.
        cache_control=False,
        # The generation header makes a write by anyone invalidate everyone's copy. The
        # Authorization header stays out of the key (and is stored redacted); isolation comes
        # from each credential having its own backend.
        match_headers=["X-Cache-Generation"],
        key_fn=answer_key,
        stale_if_error=False,
        # Only answers that parse are kept: a truncated or HTML reply must never replace the
        # good copy a down site would be shown from.
        filter_fn=keep_in_cache,
    )


def clear(key: str) -> None:
    """Delete everything cached for a credential, sessions or not."""
    if settings.REDIS_URL:
        requests_cache.RedisCache(
            namespace=f"dashboard-upstream:{key}", connection=_redis_connection()
        ).clear()
    else:
        for path in _cache_path(key).parent.glob(f"{key}.sqlite*"):
            path.unlink(missing_ok=True)


def keep_last_good(
    session: requests_cache.CachedSession,
    response: requests.Response,
    expires: datetime | None,
    *,
    label: str,
) -> None:
    """Keep a copy of a fresh answer under a key no write changes.

    Fresh reads go through the generation in the key, so they never see an answer older
    than the last write; but the copy an outage falls back on must survive writes, or one
    internal note would leave every page of the site with nothing to show while it is down.
    """

    def failed() -> None:  # The fallback copy is a convenience; the answer itself is fine.
        logger.exception("Could not keep the last good answer for %s", label)

    try:
        entry = session.cache.entry_for(response, expires)
        key = _last_good_key_of(response.request)
    except Exception:
        failed()
        return
    # Only a later request falls back on it: usually kept once this one's answer has been sent.
    session.cache.save_entry(entry, key, on_error=failed)


def _last_good_key(session, url: str, params: Any, headers: dict[str, str]) -> str:
    scope = headers["X-Cache-Generation"].rsplit("-", 1)[0]
    return _cache_key(session, url, params, {**headers, "X-Cache-Generation": f"{scope}-last"})


def _last_good_key_of(sent: requests.PreparedRequest) -> str:
    """``_last_good_key`` of a request already prepared and sent, without preparing it again."""
    scope = sent.headers["X-Cache-Generation"].rsplit("-", 1)[0]
    return _key_text(sent.method, sent.url, f"{scope}-last")


def _cache_key(session, url: str, params: Any, headers: dict[str, str]) -> str:
    request = requests.Request("GET", url, params=params, headers=headers)
    return session.cache.create_key(session.prepare_request(request))


def cached_response(
    session: requests_cache.CachedSession,
    url: str,
    params: Any,
    headers: dict[str, str],
    *,
    label: str,
) -> requests_cache.CachedResponse | None:
    """The last good answer first (it survives writes), then the copy stored under the current
    generation, for entries kept before last-good copies existed."""
    for key in (
        _last_good_key(session, url, params, headers),
        _cache_key(session, url, params, headers),
    ):
        try:
            found = session.cache.get_response(key)
        except Exception:  # A corrupt cache entry is a miss, not a failure.
            logger.exception("Unreadable cache entry for %s", label)
            found = None
        if found is not None:
            return found
    return None


class UnreadableAnswer(Exception):
    def __init__(self, response: requests.Response) -> None:
        super().__init__("unreadable answer")
        self.response = response


def keep_in_cache(response: requests.Response) -> bool:
    """Refuse to store a 200 that does not parse, without losing the good copy.

    Answering False here would make requests-cache delete the copy it already holds, the one a
    misbehaving site should be shown from; raising stops the write and leaves that copy alone.
    """
    fresh = not isinstance(response, requests_cache.CachedResponse)
    if response.status_code == 200 and fresh and not parses_as_json(response):
        raise UnreadableAnswer(response)
    return True


def parses_as_json(response: requests.Response) -> bool:
    """Parse a JSON body once and keep the result on the response for whoever reads it next."""
    if hasattr(response, "_dashboard_json"):
        return True
    if "json" not in response.headers.get("Content-Type", ""):
        return False
    try:
        response._dashboard_json = response.json()
    except ValueError:
        return False
    return True

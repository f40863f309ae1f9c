"""One cached HTTP session per stored credential, and the only place that maps upstream answers
to the error taxonomy.

Plain Python: no views, no request objects, no ORM. Views hand a :class:`Credential` (decrypted
in the request thread) to :func:`client_for` and call the typed selectors and services in
``support.py`` and ``crm.py``, which use :meth:`FluentClient.get` and :meth:`FluentClient.send`.

Caching rules, all here:

- Each credential has its own cache (a SQLite file, or a Redis namespace), so one user's cached
  answers can never be served to another, whatever the URL.
- Freshness is set per kind of data (``settings.UPSTREAM_CACHE_TTL``), not from WordPress's
  headers, which forbid all caching for authenticated REST calls.
- Writes bump a per-site, per-scope generation number that is part of every cache key, so a
  write by one user invalidates what every other user of that site has cached.
- When a site is down, slow past the timeout or answers 5xx, the last cached answer (however
  old, up to ``UPSTREAM_STALE_MAX_AGE``) is returned and marked stale.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
import requests_cache
from django.conf import settings
from django.core.cache import cache as django_cache
from urllib3.exceptions import MaxRetryError, NewConnectionError, ReadTimeoutError
from urllib3.util.retry import Retry

from dashboard.fluent import errors, trace
from dashboard.fluent.address import AddressRefused, GuardedAdapter, guard
from dashboard.fluent.parallel import note_sending

logger = logging.getLogger(__name__)

SUPPORT = "/wp-json/fluent-support/v2"
CRM = "/wp-json/fluent-crm/v2"

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

USER_AGENT = "SupportDashboard/0.1"
# Below this many seconds left of a page's deadline, a read is not worth starting.
MIN_WAIT = 0.05


@dataclass(frozen=True)
class Credential:
    """What a session needs to talk to one site as one WordPress user. Never logged."""

    key: str  # stable and unique per stored credential, e.g. "site-12"
    base_url: str  # normalised, no trailing slash
    username: str
    app_password: str = field(repr=False)
    label: str = ""
    timezone: str = "UTC"

    @property
    def site_key(self) -> str:
        """Identifies the WordPress site itself, shared by every user who connects it."""
        return site_key(self.base_url)


def site_key(base_url: str) -> str:
    parts = urlsplit(base_url)
    return f"{parts.hostname}:{parts.port or ''}{parts.path.rstrip('/')}"


@dataclass
class Answer:
    """A parsed JSON answer and where it came from."""

    data: Any
    from_cache: bool = False
    stale: bool = False
    fetched_at: datetime | None = None


def _generation_key(site_key: str, scope: str) -> str:
    return f"fluent:gen:{site_key}:{scope}"


def generations(site_key: str, scopes: list[str]) -> dict[str, int]:
    keys = {scope: _generation_key(site_key, scope) for scope in scopes}
    found = django_cache.get_many(list(keys.values()))
    return {scope: int(found.get(key, 0)) for scope, key in keys.items()}


def generations_of(sites: list[tuple[str, list[str]]]) -> dict[tuple[str, str], int]:
    """Generations of several sites' scopes in one cache round trip."""
    keys = {(key, scope): _generation_key(key, scope) for key, scopes in sites for scope in scopes}
    found = django_cache.get_many(list(keys.values()))
    return {pair: int(found.get(cache_key, 0)) for pair, cache_key in keys.items()}


def bump_generation(site_key: str, *scopes: str) -> None:
    """Invalidate every user's cached answers of these scopes for one site."""
    for scope in scopes:
        key = _generation_key(site_key, scope)
        # A time-based value rather than a counter: it survives a cache flush without ever
        # going back to a number that old entries were stored under.
        django_cache.set(key, time.time_ns(), timeout=None)


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


def _backend(key: str) -> requests_cache.BaseCache:
    if settings.REDIS_URL:
        return requests_cache.RedisCache(
            namespace=f"dashboard-upstream:{key}",
            connection=_redis_connection(),
            # Keep entries past their freshness so a down site can still show them (stale).
            ttl_offset=settings.UPSTREAM_STALE_MAX_AGE,
        )
    return requests_cache.SQLiteCache(_cache_path(key), wal=True, busy_timeout=10_000)


def build_session(credential: Credential) -> requests_cache.CachedSession:
    """The one place a session is made: base URL, Basic auth, timeouts, cache policy, retries."""
    session = requests_cache.CachedSession(
        backend=_backend(credential.key),
        expire_after=0,
        allowable_methods=("GET",),
        allowable_codes=(200,),
        # WordPress marks authenticated REST answers no-store; freshness is ours to decide.
        cache_control=False,
        # The generation header makes a write by anyone invalidate everyone's copy. The
        # Authorization header stays out of the key (and is stored redacted); isolation comes
        # from each credential having its own backend.
        match_headers=["X-Cache-Generation"],
        stale_if_error=False,
        # Only answers that parse are kept: a truncated or HTML reply must never replace the
        # good copy a down site would be shown from.
        filter_fn=_keep_in_cache,
    )
    session.auth = (credential.username, credential.app_password)
    session.headers["User-Agent"] = USER_AGENT
    session.headers["Accept"] = "application/json"
    # Idempotent GETs get one retry on a connection error; writes are never retried, so a
    # reply can never be posted twice by us.
    retry = _ConnectionRetry(
        total=1,
        connect=1,
        read=1,
        status=0,
        other=0,
        allowed_methods=frozenset({"GET"}),
        raise_on_status=False,
        respect_retry_after_header=False,
    )
    size = max(settings.UPSTREAM_MAX_WORKERS, 10)
    adapter = _Adapter(max_retries=retry, pool_connections=4, pool_maxsize=size)
    # Every request is checked against the SSRF guard and connects to the address checked;
    # no redirect is followed.
    guard(session, adapter)
    # Credentials must never follow a redirect to another host; we follow none at all.
    session.max_redirects = 0
    return session


class _Adapter(GuardedAdapter):
    def send(self, request, *args, **kwargs):
        # The request thread waits for this before it does its own work (parallel.meanwhile).
        note_sending()
        return super().send(request, *args, **kwargs)


class _ConnectionRetry(Retry):
    """Retry a GET once when the connection fails or is reset, but not when the site is merely
    slow: a second wait of the full read timeout would only double the agent's wait."""

    def increment(
        self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None
    ):
        if isinstance(error, ReadTimeoutError):
            raise error
        left = trace.remaining()
        if error is not None and left is not None and left < MIN_WAIT:
            # A second try would outlast the page's deadline.
            raise MaxRetryError(_pool, url, error) from error
        return super().increment(method, url, response, error, _pool, _stacktrace)


_sessions: dict[tuple[str, str, str, str], requests_cache.CachedSession] = {}
_sessions_lock = threading.Lock()


def client_for(credential: Credential) -> FluentClient:
    """A client whose session (and connection pool) is reused across requests."""
    identity = (credential.key, credential.base_url, credential.username, credential.app_password)
    with _sessions_lock:
        session = _sessions.get(identity)
        if session is None:
            # A changed password or URL replaces the credential's old session.
            for old in [k for k in _sessions if k[0] == credential.key]:
                _sessions.pop(old).close()
            session = _sessions[identity] = build_session(credential)
    return FluentClient(credential, session)


def forget_credential(key: str) -> None:
    """Drop a removed credential's session and everything cached for it."""
    with _sessions_lock:
        sessions = [_sessions.pop(k) for k in [k for k in _sessions if k[0] == key]]
    for session in sessions:
        session.cache.clear()
        session.close()
    if settings.REDIS_URL:
        requests_cache.RedisCache(
            namespace=f"dashboard-upstream:{key}", connection=_redis_connection()
        ).clear()
    else:
        for path in _cache_path(key).parent.glob(f"{key}.sqlite*"):
            path.unlink(missing_ok=True)


class FluentClient:
    def __init__(self, credential: Credential, session: requests_cache.CachedSession) -> None:
        self.credential = credential
        self.session = session

    @property
    def label(self) -> str:
        return self.credential.label or self.credential.base_url

    def url(self, path: str) -> str:
        return f"{self.credential.base_url}{path}"

    @property
    def timeout(self) -> tuple[float, float]:
        return (settings.UPSTREAM_CONNECT_TIMEOUT, settings.UPSTREAM_READ_TIMEOUT)

    def get(
        self,
        path: str,
        *,
        kind: str,
        params: dict[str, Any] | list[tuple[str, Any]] | None = None,
        refresh: bool = False,
        remember_not_found: bool = False,
    ) -> Answer:
        """GET a JSON answer, from the cache while fresh, stale from the cache if the site fails.

        With ``remember_not_found``, a "no such object" answer is kept as long as a found one
        would be (a lookup by email that finds nobody is as much an answer as one that does).
        """
        current = trace.current()
        refresh = refresh or bool(current and current.refresh)
        ttl = settings.UPSTREAM_CACHE_TTL[kind]
        scope = SCOPES[kind]
        generation = generations(self.credential.site_key, [scope])[scope]
        headers = {"X-Cache-Generation": f"{scope}-{generation}"}
        if remember_not_found and ttl > 0:
            miss_key = self._miss_key(path, params, headers)
            if not refresh and django_cache.get(miss_key):
                trace.record(self.credential.key, 0.0, hit=True)
                raise errors.NotFoundError(
                    "That does not exist on the site.", site_label=self.label
                )
            try:
                return self._get(path, params, headers, ttl, refresh)
            except errors.NotFoundError as error:
                if not isinstance(error, errors.RouteMissingError):
                    django_cache.set(miss_key, True, ttl)
                raise
        return self._get(path, params, headers, ttl, refresh)

    def _miss_key(self, path, params, headers) -> str:
        request = requests.Request("GET", self.url(path), params=params, headers=headers)
        prepared = self.session.prepare_request(request)
        digest = hashlib.sha256(f"{prepared.url}|{headers}".encode()).hexdigest()
        return f"fluent:miss:{self.credential.key}:{digest}"

    def _get(self, path, params, headers, ttl: int, refresh: bool) -> Answer:
        started = time.perf_counter()
        timeout, capped = self._read_timeout()
        if timeout is None:
            # The page has waited as long as it may: the last good copy, or the site is late.
            trace.record(self.credential.key, 0.0, hit=False, failed=True)
            return self._stale_or_raise(path, params, headers, self._late())
        try:
            response = self.session.get(
                self.url(path),
                params=params,
                headers=headers,
                timeout=timeout,
                expire_after=ttl if ttl > 0 else requests_cache.DO_NOT_CACHE,
                force_refresh=refresh,
                allow_redirects=False,
            )
        except _UnreadableAnswer as exc:
            trace.record(self.credential.key, time.perf_counter() - started, hit=False, failed=True)
            return self._stale_or_raise(path, params, headers, self._bad_reply(exc.response))
        except requests.RequestException as exc:
            late = capped and isinstance(exc, requests.Timeout)
            error = self._late() if late else self._transport_error(exc)
            trace.record(self.credential.key, time.perf_counter() - started, hit=False, failed=True)
            return self._stale_or_raise(path, params, headers, error)
        hit = bool(getattr(response, "from_cache", False))
        trace.record(self.credential.key, time.perf_counter() - started, hit=hit)
        if not hit and response.status_code < 400:
            trace.accepted(self.credential.key)
        if response.status_code >= 500:
            return self._stale_or_raise(path, params, headers, self._status_error(response))
        try:
            data = self._json_or_raise(response)
        except errors.UpstreamError:
            trace.fail()
            raise
        expires = getattr(response, "expires", None) if ttl > 0 else None
        if ttl > 0 and not hit and response.status_code == 200:
            self._keep_last_good(path, params, headers, response, expires)
        trace.freshness(_aware(expires))
        created = getattr(response, "created_at", None)
        return Answer(
            data=data,
            from_cache=hit,
            fetched_at=created.replace(tzinfo=UTC) if created and not created.tzinfo else created,
        )

    def _read_timeout(self) -> tuple[tuple[float, float] | None, bool]:
        """The timeouts for a read, shortened to what is left of the page's deadline (None
        once it has passed), and whether the deadline shortened them."""
        connect, read = self.timeout
        left = trace.remaining()
        if left is None or left >= max(connect, read):
            return (connect, read), False
        if left < MIN_WAIT:
            return None, True
        return (min(connect, left), min(read, left)), True

    def _late(self) -> errors.UnavailableError:
        return errors.UnavailableError(
            f"The site did not answer within the page's {trace.page_deadline():g} s deadline.",
            site_label=self.label,
        )

    def send(
        self,
        method: str,
        path: str,
        *,
        data: dict[str, Any] | None = None,
        invalidates: tuple[str, ...] = (),
    ) -> Any:
        """Send a write once (never retried), invalidate the scopes it changes, return JSON."""
        started = time.perf_counter()
        try:
            with self.session.cache_disabled():
                response = self.session.request(
                    method,
                    self.url(path),
                    json=data,
                    timeout=self.timeout,
                    allow_redirects=False,
                )
        except _UnreadableAnswer as exc:
            response = exc.response
        except requests.RequestException as exc:
            trace.record(self.credential.key, time.perf_counter() - started, hit=False, failed=True)
            trace.restart_deadline()
            error = self._transport_error(exc)
            if _may_have_reached_the_site(exc):
                # The request left for the site and no answer came back: it may have been
                # applied. Say so, and make the next read fresh rather than trust a copy.
                raise self._maybe_applied(error, invalidates) from None
            raise error from None
        trace.record(self.credential.key, time.perf_counter() - started, hit=False)
        if response.status_code < 400:
            trace.accepted(self.credential.key)
        # Writes wait their full timeout (their answer matters); the reads that follow get a
        # page deadline of their own.
        trace.restart_deadline()
        if response.status_code < 500 and invalidates:
            # Even a refused write may have changed something (the plugin's PUT /customers
            # saves and then answers 423), so re-read after any answer.
            bump_generation(self.credential.site_key, *invalidates)
        if response.status_code < 300 and not _parses_as_json(response):
            # The site took the write and something (a security or cache plugin, a proxy)
            # answered with a web page: as with a timeout, it may well have been applied.
            raise self._maybe_applied(self._bad_reply(response), invalidates)
        return self._json_or_raise(response)

    def _maybe_applied(
        self, error: errors.UpstreamError, invalidates: tuple[str, ...]
    ) -> errors.UpstreamError:
        error.maybe_applied = True
        error.message = (
            f"{error.message} The change may have been applied: check before trying again."
        )
        bump_generation(self.credential.site_key, *invalidates)
        return error

    # Error mapping: the one place status codes and transport failures become our kinds.

    def _transport_error(self, exc: requests.RequestException) -> errors.UpstreamError:
        if isinstance(exc, AddressRefused):
            message = exc.message
        elif isinstance(exc, requests.exceptions.SSLError):
            message = "The site's TLS certificate could not be verified."
        elif isinstance(exc, requests.ConnectTimeout):
            message = "The site did not accept a connection in time."
        elif isinstance(exc, requests.Timeout):
            message = f"The site did not answer within {settings.UPSTREAM_READ_TIMEOUT:g} s."
        elif isinstance(exc, requests.TooManyRedirects):
            message = "The site answered with a redirect; check its address."
        elif isinstance(exc, requests.ConnectionError):
            message = "The site could not be reached."
        else:
            message = "The request to the site failed."
        return errors.UnavailableError(message, site_label=self.label)

    def _stale_or_raise(self, path, params, headers, error: errors.UpstreamError) -> Answer:
        cached = self._cached_response(path, params, headers)
        if cached is None:
            raise error
        trace.stale(self.credential.key, self.label, cached.created_at, error)
        created = cached.created_at
        return Answer(
            data=self._json_or_raise(cached),
            from_cache=True,
            stale=True,
            fetched_at=created.replace(tzinfo=UTC) if created and not created.tzinfo else created,
        )

    def _keep_last_good(self, path, params, headers, response, expires) -> None:
        """Keep a copy of a fresh answer under a key no write changes.

        Fresh reads go through the generation in the key, so they never see an answer older
        than the last write; but the copy an outage falls back on must survive writes, or one
        internal note would leave every page of the site with nothing to show while it is down.
        """
        try:
            self.session.cache.save_response(
                response, cache_key=self._last_good_key(path, params, headers), expires=expires
            )
        except Exception:  # The fallback copy is a convenience; the answer itself is fine.
            logger.exception("Could not keep the last good answer for %s", self.label)

    def _last_good_key(self, path, params, headers) -> str:
        scope = headers["X-Cache-Generation"].rsplit("-", 1)[0]
        return self._cache_key(path, params, {**headers, "X-Cache-Generation": f"{scope}-last"})

    def _cache_key(self, path, params, headers) -> str:
        request = requests.Request("GET", self.url(path), params=params, headers=headers)
        return self.session.cache.create_key(self.session.prepare_request(request))

    def _cached_response(self, path, params, headers):
        # The last good answer first (it survives writes), then the copy stored under the
        # current generation, for entries kept before last-good copies existed.
        for key in (
            self._last_good_key(path, params, headers),
            self._cache_key(path, params, headers),
        ):
            try:
                found = self.session.cache.get_response(key)
            except Exception:  # A corrupt cache entry is a miss, not a failure.
                logger.exception("Unreadable cache entry for %s", self.label)
                found = None
            if found is not None:
                return found
        return None

    def _status_error(self, response: requests.Response) -> errors.UpstreamError:
        status = response.status_code
        body = _body(response)
        label = self.label
        if status == 401:
            trace.refused(self.credential.key)
            return errors.AuthError(
                "WordPress refused the stored username or Application Password "
                "(it may have been revoked).",
                site_label=label,
                status=status,
            )
        if status == 403:
            return errors.ForbiddenError(
                "This WordPress user is not allowed to do that.", site_label=label, status=status
            )
        if status == 404:
            if isinstance(body, dict) and body.get("code") == "rest_no_route":
                return errors.RouteMissingError(
                    "The site has no such route; is the plugin active?",
                    site_label=label,
                    status=status,
                )
            return errors.NotFoundError(_not_found_text(body), site_label=label, status=status)
        if 300 <= status < 400:
            return errors.BadReplyError(
                "The site answered with a redirect; check its address.",
                site_label=label,
                status=status,
            )
        if status >= 500:
            return errors.UnavailableError(
                f"The site answered with a server error ({status}).",
                site_label=label,
                status=status,
            )
        # 4xx from the plugin's own handlers: 422 with a bare string, field errors, or a
        # {"message": ...} object (and 423 from its customer-update bug).
        if isinstance(body, str):
            if body.startswith("No query results for model"):
                return errors.NotFoundError(_not_found_text(body), site_label=label, status=status)
            if "permission" in body.lower():
                return errors.ForbiddenError(body, site_label=label, status=status)
            if "SQL:" in body or "Unknown column" in body:
                return errors.InvalidInputError(
                    "The site refused the change.", site_label=label, status=status
                )
            return errors.InvalidInputError(body, site_label=label, status=status)
        if isinstance(body, dict):
            message = body.get("message")
            if isinstance(message, str) and (
                "not found" in message.lower() or message.startswith("No query results")
            ):
                return errors.NotFoundError(
                    _not_found_text(message), site_label=label, status=status
                )
            field_errors = _field_errors(body.get("errors", body))
            if field_errors:
                return errors.InvalidInputError(
                    "The site refused some fields.",
                    site_label=label,
                    status=status,
                    field_errors=field_errors,
                )
            if isinstance(message, str) and "SQL" not in message:
                return errors.InvalidInputError(message, site_label=label, status=status)
        return errors.InvalidInputError(
            f"The site refused the request ({status}).", site_label=label, status=status
        )

    def _json_or_raise(self, response: requests.Response) -> Any:
        if response.status_code >= 300:
            raise self._status_error(response)
        if _parses_as_json(response):
            return response._dashboard_json
        raise self._bad_reply(response)

    def _bad_reply(self, response: requests.Response) -> errors.BadReplyError:
        return errors.BadReplyError(
            "The site did not answer with JSON (a security plugin, cache or proxy may be "
            "in the way).",
            site_label=self.label,
            status=response.status_code,
        )


def _may_have_reached_the_site(exc: requests.RequestException) -> bool:
    """A write that timed out or lost its connection after sending may have been applied;
    one that never connected (refused, unresolvable, connect timeout) was not."""
    if isinstance(exc, AddressRefused | requests.ConnectTimeout | requests.exceptions.SSLError):
        return False
    if isinstance(exc, requests.Timeout):
        return True
    if isinstance(exc, requests.ConnectionError):
        reason = exc.args[0] if exc.args else None
        if isinstance(reason, MaxRetryError):
            reason = reason.reason
        return not isinstance(reason, NewConnectionError)
    return False


class _UnreadableAnswer(Exception):
    def __init__(self, response: requests.Response) -> None:
        super().__init__("unreadable answer")
        self.response = response


def _aware(moment: datetime | None) -> datetime | None:
    # requests-cache keeps naive UTC datetimes.
    return moment.replace(tzinfo=UTC) if moment and not moment.tzinfo else moment


def _keep_in_cache(response: requests.Response) -> bool:
    """Refuse to store a 200 that does not parse, without losing the good copy.

    Answering False here would make requests-cache delete the copy it already holds, the one a
    misbehaving site should be shown from; raising stops the write and leaves that copy alone.
    """
    fresh = not isinstance(response, requests_cache.CachedResponse)
    if response.status_code == 200 and fresh and not _parses_as_json(response):
        raise _UnreadableAnswer(response)
    return True


def _parses_as_json(response: requests.Response) -> bool:
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


def _body(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _not_found_text(body: Any) -> str:
    text = body if isinstance(body, str) else ""
    for model, noun in (
        ("Ticket", "ticket"),
        ("Customer", "customer"),
        ("Conversation", "message"),
        ("Agent", "agent"),
        ("Person", "person"),
    ):
        if f"Models\\{model}]" in text:
            return f"That {noun} does not exist on the site (any more)."
    if "Subscriber" in text:
        return "No such contact in FluentCRM."
    return "That does not exist on the site (any more)."


def _field_errors(value: Any) -> dict[str, list[str]]:
    """Read the plugin's ``{"field": {"rule": "message"}}`` validation shape."""
    if not isinstance(value, dict):
        return {}
    found: dict[str, list[str]] = {}
    for name, rules in value.items():
        if isinstance(rules, dict) and rules and all(isinstance(m, str) for m in rules.values()):
            # "ticket.title" -> "title": our forms use the last part of a dotted key.
            found[str(name).rsplit(".", 1)[-1]] = list(rules.values())
        elif isinstance(rules, list) and rules and all(isinstance(m, str) for m in rules):
            found[str(name).rsplit(".", 1)[-1]] = rules
    return found

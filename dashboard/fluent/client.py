"""One HTTP session per stored credential, and the client the selectors and services call.

Views hand a :class:`Credential` (decrypted in the request thread) to :func:`client_for` and call
the typed calls in ``tickets.py``, ``customers.py``, ``reference.py``, ``reports.py`` and
``crm.py``; what is cached and for how long is ``cache.py``'s, what a failure means ``errors.py``'s.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

import requests
import requests_cache
from django.conf import settings
from django.core.cache import cache as django_cache
from urllib3.exceptions import MaxRetryError, ReadTimeoutError
from urllib3.util.retry import Retry

from dashboard.fluent import cache, errors, trace
from dashboard.fluent.address import GuardedAdapter, guard
from dashboard.fluent.parsing import parse, site_zone

M = TypeVar("M")

SUPPORT = "/wp-json/fluent-support/v2"
CRM = "/wp-json/fluent-crm/v2"

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


def build_session(credential: Credential) -> requests_cache.CachedSession:
    """The one place a session is made: base URL, Basic auth, timeouts, cache policy, retries."""
    session = cache.cached_session(credential.key)
    session.auth = (credential.username, credential.app_password)
    session.headers["User-Agent"] = USER_AGENT
    session.headers["Accept"] = "application/json"
    # requests reads the environment's proxy settings and CA bundle on every request (two scans
    # of the whole environment, a quarter of what a cache hit cost). A process's environment
    # does not change: they are read once, here, for this site's address.
    session.proxies = requests.utils.get_environ_proxies(credential.base_url)
    session.verify = (
        os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
    )
    session.trust_env = False
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
    adapter = GuardedAdapter(max_retries=retry, pool_connections=4, pool_maxsize=size)
    # Every request is checked against the SSRF guard and connects to the address checked;
    # no redirect is followed.
    guard(session, adapter)
    # Credentials must never follow a redirect to another host; we follow none at all.
    session.max_redirects = 0
    return session


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
    cache.clear(key)


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

    def parse(self, model: type[M], data: Any) -> M:
        """Read an answer into ``model`` in this site's time zone; a misfit is a bad reply."""
        return parse(model, data, zone=site_zone(self.credential.timezone), label=self.label)

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
        scope = cache.SCOPES[kind]
        generation = cache.generations(self.credential.site_key, [scope])[scope]
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
        except cache.UnreadableAnswer as exc:
            trace.record(self.credential.key, time.perf_counter() - started, hit=False, failed=True)
            return self._stale_or_raise(
                path, params, headers, errors.bad_reply(exc.response, site_label=self.label)
            )
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
            cache.keep_last_good(self.session, response, expires, label=self.label)
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
        form: dict[str, str] | None = None,
        files: dict[str, tuple[str, bytes, str]] | None = None,
    ) -> Any:
        """Send a write once (never retried), invalidate the scopes it changes, return JSON.
        ``data`` goes as JSON; ``form`` and ``files`` as multipart (an upload). The trace notes
        the write and its outcome."""
        try:
            answer = self._send(
                method, path, data=data, invalidates=invalidates, form=form, files=files
            )
        except errors.UpstreamError as error:
            trace.wrote(self.credential.key, error, upload=bool(files))
            raise
        trace.wrote(self.credential.key, upload=bool(files))
        return answer

    def _send(self, method: str, path: str, *, data, invalidates, form, files) -> Any:
        started = time.perf_counter()
        body: dict[str, Any] = {"data": form, "files": files} if files else {"json": data}
        try:
            # Only GETs are ever cached (allowable_methods): a write goes straight to the site.
            # Not session.cache_disabled(): that switch is the session's, shared by every thread,
            # so reads running beside a write would skip the cache and go to the site too.
            response = self.session.request(
                method,
                self.url(path),
                **body,
                timeout=self.timeout,
                allow_redirects=False,
            )
        except cache.UnreadableAnswer as exc:
            response = exc.response
        except requests.RequestException as exc:
            trace.record(self.credential.key, time.perf_counter() - started, hit=False, failed=True)
            trace.restart_deadline()
            error = self._transport_error(exc)
            if errors.may_have_reached_the_site(exc):
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
            cache.bump_generation(self.credential.site_key, *invalidates)
        if response.status_code < 300 and not cache.parses_as_json(response):
            # The site took the write and something (a security or cache plugin, a proxy)
            # answered with a web page: as with a timeout, it may well have been applied.
            raise self._maybe_applied(
                errors.bad_reply(response, site_label=self.label), invalidates
            )
        return self._json_or_raise(response)

    def _transport_error(self, exc: requests.RequestException) -> errors.UpstreamError:
        return errors.from_transport(
            exc, site_label=self.label, read_timeout=settings.UPSTREAM_READ_TIMEOUT
        )

    def _maybe_applied(
        self, error: errors.UpstreamError, invalidates: tuple[str, ...]
    ) -> errors.UpstreamError:
        error.maybe_applied = True
        error.message = (
            f"{error.message} The change may have been applied: check before trying again."
        )
        cache.bump_generation(self.credential.site_key, *invalidates)
        return error

    def _stale_or_raise(self, path, params, headers, error: errors.UpstreamError) -> Answer:
        cached = cache.cached_response(
            self.session, self.url(path), params, headers, label=self.label
        )
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

    def _status_error(self, response: requests.Response) -> errors.UpstreamError:
        if response.status_code == 401:
            trace.refused(self.credential.key)
        return errors.from_status(response, site_label=self.label)

    def _json_or_raise(self, response: requests.Response) -> Any:
        if response.status_code >= 300:
            raise self._status_error(response)
        if cache.parses_as_json(response):
            return response._dashboard_json
        raise errors.bad_reply(response, site_label=self.label)


def _aware(moment: datetime | None) -> datetime | None:
    # requests-cache keeps naive UTC datetimes.
    return moment.replace(tzinfo=UTC) if moment and not moment.tzinfo else moment

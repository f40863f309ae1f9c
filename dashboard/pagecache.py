"""Rendered pages kept while everything they were made from is still fresh.

A warm page should not wait for the sites (their answers are cached), and it should not pay for
rendering the same HTML again either. The key holds everything the HTML depends on: the user,
their CSRF secret (forms carry a token), time zone, the exact URL and htmx headers, each of the
user's sites (credential and state) with the generation numbers that writes bump, and the
minute (relative times such as "35 min" change with it). The entry lives only as long as the
first upstream answer it used stays fresh, so it can never outlive the data it shows; pages
with stale data, failures or one-time messages are never stored.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial, wraps

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from dashboard.fluent import trace as upstream_trace
from dashboard.fluent.cache import generations_of
from dashboard.fluent.client import site_key
from dashboard.user_generation import user_generation
from dashboard.usersites import user_site, user_sites

MAX_SECONDS = 60
_TOKEN_MARK = "__one_time_token_{}__"  # noqa: S105 (a placeholder, not a secret)


def one_time_token(request: HttpRequest) -> str:
    """A fresh random token for a form that may be sent once (the composer's). A page kept in
    the cache carries a placeholder instead, and every response gets tokens of its own, so two
    tabs never share one."""
    token = secrets.token_urlsafe(24)
    request.__dict__.setdefault("_one_time_tokens", []).append(token)
    return token


def _with_fresh_tokens(html: bytes) -> bytes:
    index = 0
    while (mark := _TOKEN_MARK.format(index).encode()) in html:
        html = html.replace(mark, secrets.token_urlsafe(24).encode())
        index += 1
    return html


def _as_template(request: HttpRequest, html: bytes) -> bytes:
    for index, token in enumerate(request.__dict__.get("_one_time_tokens", [])):
        html = html.replace(token.encode(), _TOKEN_MARK.format(index).encode())
    return html


def _key(request: HttpRequest, scopes: tuple[str, ...], only: str | None = None) -> str:
    parts = [
        str(request.user.pk),
        str(user_generation(request.user.pk)),
        request.META.get("CSRF_COOKIE", ""),
        request.COOKIES.get("tz", ""),
        request.get_full_path(),
        request.headers.get("HX-Request", ""),
        request.headers.get("HX-Target", ""),
        str(int(time.time() // 60)),
    ]
    sites = user_sites(request)
    # A page that shows one site's data depends on that site's generations alone.
    shown = sites
    if only:
        try:
            shown = [user_site(request, only)]
        except Http404:
            shown = sites
    # One cache round trip for the generations, and no credential decrypted: the site's
    # address is all a generation key needs.
    gens = generations_of([(site_key(site.base_url), list(scopes)) for site in shown])
    for site in sites:
        key = site_key(site.base_url)
        parts.append(
            f"{site.pk}:{site.cache_token}:{site.needs_reconnect}:{site.agent_person_id}:"
            + ",".join(f"{scope}={gens.get((key, scope), '')}" for scope in scopes)
        )
    return "page:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


def _has_messages(request: HttpRequest) -> bool:
    return bool(getattr(request, "session", None) and request.session.get("_messages"))


def cached_page(*scopes: str, site_of: Callable[..., str | None] | None = None) -> Callable:
    """Serve a GET view's 200 HTML from the cache while its upstream data stays fresh.
    ``site_of`` (called with the view's arguments) names the one site whose data the page
    shows, if it shows one site's only."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method != "GET" or request.GET.get("refresh") or _has_messages(request):
                return view(request, *args, **kwargs)
            only = site_of(request, *args, **kwargs) if site_of else None
            key = _key(request, scopes, str(only) if only else None)
            html = cache.get(key)
            if html is not None:
                response = HttpResponse(_with_fresh_tokens(html))
                response["X-Page-Cache"] = "hit"
                patch_vary_headers(response, ["HX-Request", "HX-Target"])
                return response
            response = view(request, *args, **kwargs)
            trace = getattr(request, "upstream_trace", None)
            if (
                response.status_code == 200
                and not response.streaming
                and trace is not None
                and trace.fresh_until is not None
                and not trace.uncacheable
                and not trace.stale
                and not trace.failures
                and not _has_messages(request)
            ):
                seconds = (trace.fresh_until - datetime.now(UTC)).total_seconds()
                if seconds >= 1:
                    html = _as_template(request, response.content)
                    keep = partial(cache.set, key, html, min(int(seconds), MAX_SECONDS))
                    # Only the next request reads it: written once this answer has left.
                    if not upstream_trace.after_answer(keep):
                        keep()
            return response

        return wrapper

    return decorator

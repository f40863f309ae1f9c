"""Response headers that keep hostile upstream content inert, whatever slips past the sanitiser."""

from __future__ import annotations

import time
import zoneinfo
from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from dashboard.fluent import trace as upstream_trace
from dashboard.sites.services import settle_refusals
from dashboard.usersites import NotConnected, sites_read


class SecurityHeadersMiddleware:
    """The one header Django does not send itself. The Content-Security-Policy comes from
    settings.SECURE_CSP and Cross-Origin-Opener-Policy from Django's SecurityMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response


class UpstreamTimingMiddleware:
    """Open a trace of upstream calls for each request; at its end, mark the sites that refused
    their password in it (and clear those that accepted it again), once for the whole request,
    and report the trace in ``Server-Timing``: total time in the app, time spent waiting on
    sites, calls made and cache hits (with DEBUG on, or to staff users)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        # "?refresh=1" on any page reads fresh from the sites (its Refresh control).
        refresh = request.method == "GET" and request.GET.get("refresh") == "1"
        with upstream_trace.collect(refresh=refresh, defer=True) as trace:
            request.upstream_trace = trace
            response = self.get_response(request)
        # Cache writes wait until the answer has been sent: the WSGI server closes the response
        # once it has written it, and closing runs these (before the connection's next request).
        response._resource_closers.append(partial(upstream_trace.run_deferred, trace))
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and _may_settle(request, trace):
            settle_refusals(user, trace)
        # The figures say how the dashboard talks to its sites: for developers and staff only.
        if not (settings.DEBUG or (user is not None and user.is_staff)):
            return response
        total_ms = (time.perf_counter() - started) * 1000
        response.headers["Server-Timing"] = (
            f"app;dur={total_ms:.1f}, upstream;dur={trace.upstream_seconds * 1000:.1f}, "
            f"wait;dur={trace.waited_seconds * 1000:.1f}, "
            f'upstream-calls;desc="{trace.calls}", cache-hits;desc="{trace.hits}"'
        )
        return response


def _may_settle(request: HttpRequest, trace: upstream_trace.Trace) -> bool:
    """Whether the request met something to settle: a refusal, or an answer from a site marked
    refused. Most requests met neither, and need not read the user's sites again to know."""
    if trace.refused:
        return True
    if not trace.accepted:
        return False
    sites = sites_read(request)
    return sites is None or any(site.needs_reconnect for site in sites)


class UserTimezoneMiddleware:
    """Show times in the browser's zone: app.js stores it in the ``tz`` cookie."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = request.COOKIES.get("tz", "")
        try:
            zone = zoneinfo.ZoneInfo(name) if name and len(name) < 64 else None
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = None
        if zone:
            timezone.activate(zone)
        else:
            timezone.deactivate()
        return self.get_response(request)


class NotConnectedMiddleware:
    """A URL naming a team site the user has not connected (a link a teammate shared) answers
    with a prompt to connect it, which comes back to the same page, instead of a 404."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, NotConnected):
            return None
        # Only a page is worth coming back to; after a form it is the page the form was on.
        back = request.get_full_path() if request.method in ("GET", "HEAD") else ""
        htmx = getattr(request, "htmx", False)
        template = "sites/not_connected.html#prompt" if htmx else "sites/not_connected.html"
        context = {"team_site": exception.team_site, "next": back}
        return render(request, template, context, status=403)

"""Session hygiene for signed-in pages: an idle timeout, nothing kept in shared caches, and a
temporary password replaced before anything else."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django_htmx.http import HttpResponseClientRedirect

from dashboard.accounts.models import TemporaryPassword

LAST_SEEN = "_last_seen"
# Set at login for a user whose password an admin chose; cleared when they choose their own.
MUST_CHANGE_PASSWORD = "_must_change_password"  # noqa: S105 (a session key, not a secret)
# What such a user may still open.
BEFORE_PASSWORD_CHANGE = frozenset({"password_change", "logout", "login"})
# Writing the session on every request would cost a database write each time; a minute's
# precision is plenty for a timeout counted in minutes.
RESOLUTION_SECONDS = 60
# Requests the page makes by itself on a timer: they must not keep an unattended tab signed in.
PASSIVE_VIEWS = frozenset({"tickets:changes", "tickets:presence", "workflow:waiting_count"})


@receiver(user_logged_in)
def _start_idle_clock(sender, request: HttpRequest, user, **kwargs) -> None:
    # login() keeps the data of the session it upgrades: a fresh login starts a fresh clock.
    # Connected here because Django imports this module when it loads its middleware.
    request.session[LAST_SEEN] = int(time.time())
    # Asked once here rather than on every request: the session carries the answer.
    if TemporaryPassword.objects.filter(user=user).exists():
        request.session[MUST_CHANGE_PASSWORD] = True


class SessionSecurityMiddleware:
    """Log out after ``SESSION_IDLE_TIMEOUT`` seconds without a person's request (sliding), and
    mark every answer to a signed-in user ``private, no-store``.

    ``no-store`` keeps tickets and customers' details out of proxies and of the browser's disk
    cache (Back after logging out on a shared computer shows nothing). A view that chose a
    ``private`` policy itself (an attachment preview the browser may keep for five minutes)
    keeps it. Goes after AuthenticationMiddleware and before LoginRequiredMiddleware, which then
    sends a timed-out session to the login form.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.headers.get("HX-Request") == "true"
            and response.status_code == 302
            and response["Location"].startswith(resolve_url(settings.LOGIN_URL))
        ):
            # htmx would follow the redirect and swap the login form into a fragment of the
            # page; a session that ended (idle, or expired) takes the whole page there instead.
            return HttpResponseClientRedirect(response["Location"])
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in and "private" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "private, no-store"
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        timeout = settings.SESSION_IDLE_TIMEOUT
        if timeout <= 0 or not request.user.is_authenticated:
            return None
        now = int(time.time())
        last_seen = request.session.get(LAST_SEEN)
        if last_seen is not None and now - last_seen > timeout:
            logout(request)
            messages.info(request, "You were logged out after a while without activity.")
            return None
        match = request.resolver_match
        passive = match is not None and match.view_name in PASSIVE_VIEWS
        resolution = min(RESOLUTION_SECONDS, timeout // 10)
        if last_seen is None or (not passive and now - last_seen >= resolution):
            request.session[LAST_SEEN] = now
        return None


class TemporaryPasswordMiddleware:
    """A user who logged in with a temporary password sees only the password change form
    until they have chosen their own. Goes after the session, authentication and messages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if not request.session.get(MUST_CHANGE_PASSWORD) or not request.user.is_authenticated:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in BEFORE_PASSWORD_CHANGE:
            return None
        url = resolve_url("password_change")
        if request.headers.get("HX-Request") == "true":
            return HttpResponseClientRedirect(url)
        messages.info(
            request, "Choose your own password to go on: the one you were given is temporary."
        )
        return redirect(url)

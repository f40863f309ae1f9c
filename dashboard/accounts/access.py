"""Views refuse what a role does not allow with a page that says which role is needed and whom
to ask, never a bare 403; htmx requests get the same words as a small fragment."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from dashboard.accounts import roles

# People named on the page as the ones to ask; the rest are "or another admin".
ADMINS_SHOWN = 3


def forbidden(request: HttpRequest, perm: str | None = None) -> HttpResponse:
    """The refusal page (or fragment) for a user who lacks ``perm``. Shows nothing of what
    the refused page holds."""
    admins = list(roles.admins()[: ADMINS_SHOWN + 1])
    allowed = roles.roles_allowed(perm) if perm else []
    context = {
        "allowed": allowed,
        "who": _either(allowed),
        "action": roles.describe(perm) if perm else "open this page",
        "current": roles.role_of(request.user),
        "admins": admins[:ADMINS_SHOWN],
        "more_admins": len(admins) > ADMINS_SHOWN,
        "is_admin": request.user in admins,
    }
    htmx = getattr(request, "htmx", False)
    template = "403.html#denied" if htmx else "403.html"
    response = render(request, template, context, status=403)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _either(allowed: list[roles.Role]) -> str:
    """ "a Team lead or an Admin"."""
    names = [role.with_article for role in allowed]
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} or {names[-1]}"


def role_required(perm: str) -> Callable:
    """Let the view run only for users who hold ``perm`` (through their role, or as a
    superuser). Put it outermost, above any page cache, so a refusal is decided per request."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.user.has_perm(perm):
                return view(request, *args, **kwargs)
            return forbidden(request, perm)

        wrapped.required_permission = perm
        return wrapped

    return decorator


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler403: a PermissionDenied raised anywhere gets the same friendly page."""
    return forbidden(request)

"""How views answer a failure of a site: the one status per kind of error, and its page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dashboard.fluent.errors import UpstreamError
from dashboard.sites.models import Site

# What each kind of upstream failure answers. Only 4xx are swapped into the page by htmx (see
# base.html), so a site that is down or answers nonsense is a 424 (failed dependency), not a 5xx.
ERROR_STATUS = {"auth": 401, "forbidden": 403, "not_found": 404, "invalid": 422}


def error_status(error: UpstreamError) -> int:
    """The HTTP status a view answers with when a site failed it this way."""
    return ERROR_STATUS.get(error.kind, 424)


def upstream_error(
    request: HttpRequest,
    error: UpstreamError,
    *,
    site: Site | None = None,
    back_url: str = "",
) -> HttpResponse:
    """A page (or, for htmx, a fragment) that says what went wrong and what to do: Retry, and
    with ``back_url`` a way back to where the agent came from, so no error is a dead end."""
    context = {"error": error, "site": site, "back_url": back_url}
    template = "includes/upstream_error.html" if request.htmx else "upstream_error_page.html"
    return render(request, template, context, status=error_status(error))

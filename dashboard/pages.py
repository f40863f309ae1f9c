"""What views of every screen share: the user's sites and upstream failures as messages."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from dashboard.fluent.errors import UpstreamError
from dashboard.sites.models import Site
from dashboard.sites.services import note_failures


def user_sites(request: HttpRequest) -> list[Site]:
    """The signed-in user's sites, read once per request."""
    if not hasattr(request, "_user_sites"):
        request._user_sites = list(Site.objects.for_user(request.user))
    return request._user_sites


def user_site(request: HttpRequest, site_id: int | str) -> Site:
    """One of the user's own sites; anyone else's is a 404, never a 403 that confirms it."""
    try:
        wanted = int(site_id)
    except (TypeError, ValueError):
        raise Http404("No such site") from None
    for site in user_sites(request):
        if site.pk == wanted:
            return site
    raise Http404("No such site")


def record_errors(sites: list[Site], errors: list[UpstreamError | None]) -> None:
    """Remember refused credentials so every page can offer to reconnect."""
    note_failures(sites, errors)


def upstream_error(
    request: HttpRequest,
    error: UpstreamError,
    *,
    site: Site | None = None,
    status: int = 200,
    back_url: str = "",
) -> HttpResponse:
    """A page (or, for htmx, a fragment) that says what went wrong and what to do: Retry, and
    with ``back_url`` a way back to where the agent came from, so no error is a dead end."""
    if site is not None:
        record_errors([site], [error])
    context = {"error": error, "site": site, "back_url": back_url}
    template = "includes/upstream_error.html" if request.htmx else "upstream_error_page.html"
    return render(request, template, context, status=status)

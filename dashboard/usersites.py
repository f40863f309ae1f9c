"""The signed-in user's sites, read once per request: what every view starts from."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from dashboard.sites.models import Site


def user_sites(request: HttpRequest) -> list[Site]:
    """The signed-in user's sites, read once per request."""
    if not hasattr(request, "_user_sites"):
        request._user_sites = list(Site.objects.for_user(request.user))
    return request._user_sites


def sites_read(request: HttpRequest) -> list[Site] | None:
    """The user's sites if this request has read them already; None if it has not."""
    return getattr(request, "_user_sites", None)


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

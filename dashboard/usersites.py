"""The signed-in user's sites, read once per request: what every view starts from."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from dashboard.sites.models import Site, TeamSite


class NotConnected(Exception):
    """The URL names a team site this user has not connected: the page says so and offers to
    connect (see ``dashboard.middleware.NotConnectedMiddleware``), rather than a 404."""

    def __init__(self, team_site: TeamSite) -> None:
        super().__init__(team_site.label)
        self.team_site = team_site


def user_sites(request: HttpRequest) -> list[Site]:
    """The signed-in user's sites, read once per request."""
    if not hasattr(request, "_user_sites"):
        request._user_sites = list(Site.objects.for_user(request.user))
    return request._user_sites


def sites_read(request: HttpRequest) -> list[Site] | None:
    """The user's sites if this request has read them already; None if it has not."""
    return getattr(request, "_user_sites", None)


def user_site(request: HttpRequest, site_id: int | str) -> Site:
    """The user's connection to the site a URL names by slug (or, from older links, by the
    connection's own number). A team site they have not connected raises NotConnected; any
    other name is a 404, never a 403 that confirms it."""
    key = str(site_id)
    site = named_site(user_sites(request), key)
    if site is not None:
        return site
    if is_number(key):
        raise Http404("No such site")
    team_site = TeamSite.objects.filter(slug=key).first()
    if team_site is None:
        raise Http404("No such site")
    raise NotConnected(team_site)


def is_number(text: str) -> bool:
    """A connection's number as a URL may carry it: ASCII digits of a sane length (``"²"`` is a
    digit to ``str.isdigit`` but no number to ``int``)."""
    return text.isascii() and text.isdigit() and len(text) <= 18


def named_site(sites: list[Site], name: str | int | None) -> Site | None:
    """The one of ``sites`` that a URL, a query or a form names: by its slug, or (links from
    before sites were the team's, and form fields) by the connection's number."""
    key = str(name or "")
    for site in sites:
        if site.slug == key:
            return site
    if is_number(key):
        return next((site for site in sites if site.pk == int(key)), None)
    return None


def find_user_site(request: HttpRequest, site_id: int | str | None) -> Site | None:
    """The user's site a form or query names, or None (a value from a form is never an
    invitation to connect)."""
    if site_id in (None, ""):
        return None
    try:
        return user_site(request, site_id)
    except (Http404, NotConnected):
        return None

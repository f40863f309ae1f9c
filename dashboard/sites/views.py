"""The team's sites and each agent's own connection to them."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from dashboard.accounts.access import role_required
from dashboard.accounts.roles import MANAGE_SITES
from dashboard.audit import notes as audit
from dashboard.fluent.discovery import ConnectError
from dashboard.sites import services
from dashboard.sites.forms import ConnectionForm, SiteForm, TeamSiteForm
from dashboard.sites.models import TeamSite
from dashboard.usersites import user_site, user_sites


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _found(info) -> str:
    crm = "FluentCRM found" if info.has_crm else "no FluentCRM"
    role = "administrator" if "administrator" in info.permissions else "agent"
    return f"signed in as {info.display_name} ({role}), {crm}."


def _next_url(request: HttpRequest, default: str) -> str:
    """Where a connect form returns to: the page that asked for it (a shared link), if ours."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return default


def _listed(request: HttpRequest, team_site: TeamSite) -> str:
    return f"{reverse('sites:list')}#site-{team_site.slug}"


def site_list(request: HttpRequest) -> HttpResponse:
    sites = user_sites(request)
    connected = {site.team_site_id for site in sites}
    others = TeamSite.objects.exclude(pk__in=connected)
    return render(
        request,
        "sites/list.html",
        {
            "sites": sites,
            "others": others,
            "may_add": request.user.has_perm(MANAGE_SITES),
            "may_change": request.user.has_perm(MANAGE_SITES),
        },
    )


@sensitive_post_parameters("app_password")
def site_connect(request: HttpRequest) -> HttpResponse:
    """Connect by address: a new address becomes a team site (admins only), one the team has
    already joins it."""
    form = SiteForm(request.POST or None)
    may_add = request.user.has_perm(MANAGE_SITES)
    if request.method == "POST" and form.is_valid():
        try:
            site, info = services.site_connect(
                owner=request.user, may_add=may_add, **form.cleaned_data
            )
        except ConnectError as error:
            audit.note(request, problem=error.kind)
            form.add_connect_error(error)
        else:
            messages.success(request, f"Connected {site.label}: {_found(info)}")
            for note in info.notes:
                messages.info(request, note)
            return _redirect(request, _listed(request, site.team_site))
    template = "sites/connect.html#site-form" if request.htmx else "sites/connect.html"
    status = 422 if form.errors else 200
    context = {"form": form, "mode": "add", "may_add": may_add}
    return render(request, template, context, status=status)


@sensitive_post_parameters("app_password")
def site_join(request: HttpRequest, slug: str) -> HttpResponse:
    """Connect one's own WordPress user to a site of the team's (from the connect prompt of a
    shared link, or from the Sites page)."""
    team_site = get_object_or_404(TeamSite, slug=slug)
    mine = next((s for s in user_sites(request) if s.team_site_id == team_site.pk), None)
    if mine is not None:
        return redirect(_next_url(request, _listed(request, team_site)))
    form = ConnectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            site, info = services.site_connect(
                owner=request.user, base_url=team_site.base_url, may_add=False, **form.cleaned_data
            )
        except ConnectError as error:
            audit.note(request, problem=error.kind)
            form.add_connect_error(error)
        else:
            messages.success(request, f"Connected {site.label}: {_found(info)}")
            return _redirect(request, _next_url(request, _listed(request, team_site)))
    template = "sites/connect.html#site-form" if request.htmx else "sites/connect.html"
    status = 422 if form.errors else 200
    context = {
        "form": form,
        "mode": "join",
        "team_site": team_site,
        "next": _next_url(request, ""),
    }
    return render(request, template, context, status=status)


@sensitive_post_parameters("app_password")
def site_edit(request: HttpRequest, slug: str) -> HttpResponse:
    site = user_site(request, slug)
    form = ConnectionForm(request.POST or None, initial={"username": site.username}, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            info = services.site_update(site=site, **form.cleaned_data)
        except ConnectError as error:
            audit.note(request, problem=error.kind)
            form.add_connect_error(error)
        else:
            messages.success(request, f"Saved {site.label}: {_found(info)}")
            return _redirect(request, _listed(request, site.team_site))
    template = "sites/connect.html#site-form" if request.htmx else "sites/connect.html"
    status = 422 if form.errors else 200
    context = {"form": form, "mode": "edit", "site": site, "team_site": site.team_site}
    return render(request, template, context, status=status)


@require_POST
def site_verify(request: HttpRequest, slug: str) -> HttpResponse:
    site = user_site(request, slug)
    try:
        info = services.site_verify(site=site)
    except ConnectError as error:
        audit.note(request, problem=error.kind)
        messages.error(request, f"{site.label}: {error.message}")
    else:
        messages.success(request, f"{site.label} works: {_found(info)}")
    return _redirect(request, _listed(request, site.team_site))


def site_remove(request: HttpRequest, slug: str) -> HttpResponse:
    site = user_site(request, slug)
    if request.method == "POST":
        services.site_remove(site=site)
        messages.success(request, f"Removed your connection to {site.label} and its cached data.")
        return _redirect(request, reverse("sites:list"))
    return render(request, "sites/remove.html", {"site": site})


@role_required(MANAGE_SITES)
def team_site_settings(request: HttpRequest, slug: str) -> HttpResponse:
    """An admin renames a site or changes its colour, for everyone."""
    team_site = get_object_or_404(TeamSite, slug=slug)
    initial = {"label": team_site.label, "tone": team_site.tone}
    form = TeamSiteForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.team_site_update(team_site=team_site, **form.cleaned_data)
        messages.success(request, f"Saved {team_site.label} for the whole team.")
        return _redirect(request, _listed(request, team_site))
    status = 422 if form.errors else 200
    context = {"form": form, "team_site": team_site, "connections": team_site.connections.count()}
    return render(request, "sites/team_site.html", context, status=status)


@role_required(MANAGE_SITES)
def team_site_delete(request: HttpRequest, slug: str) -> HttpResponse:
    team_site = get_object_or_404(TeamSite, slug=slug)
    if request.method == "POST":
        count = services.team_site_remove(team_site=team_site)
        messages.success(
            request,
            f"Removed {team_site.label} from the team with {count} "
            f"connection{'s' if count != 1 else ''} and their cached data.",
        )
        return _redirect(request, reverse("sites:list"))
    context = {"team_site": team_site, "connections": team_site.connections.count()}
    return render(request, "sites/team_site_delete.html", context)

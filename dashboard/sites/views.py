from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from dashboard.fluent.discovery import ConnectError
from dashboard.sites import services
from dashboard.sites.forms import SiteForm
from dashboard.sites.models import Site


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _found(info) -> str:
    crm = "FluentCRM found" if info.has_crm else "no FluentCRM"
    role = "administrator" if "administrator" in info.permissions else "agent"
    return f"signed in as {info.display_name} ({role}), {crm}."


def site_list(request: HttpRequest) -> HttpResponse:
    sites = Site.objects.for_user(request.user)
    return render(request, "sites/list.html", {"sites": sites})


@sensitive_post_parameters("app_password")
def site_connect(request: HttpRequest) -> HttpResponse:
    form = SiteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            site, info = services.site_connect(owner=request.user, **form.cleaned_data)
        except ConnectError as error:
            form.add_connect_error(error)
        else:
            messages.success(request, f"Connected {site.label}: {_found(info)}")
            for note in info.notes:
                messages.info(request, note)
            return _redirect(request, f"{reverse('sites:list')}#site-{site.pk}")
    template = "sites/connect.html#site-form" if request.htmx else "sites/connect.html"
    status = 422 if form.errors else 200
    return render(request, template, {"form": form, "editing": False}, status=status)


@sensitive_post_parameters("app_password")
def site_edit(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_object_or_404(Site, pk=pk, owner=request.user)
    initial = {"label": site.label, "base_url": site.base_url, "username": site.username}
    form = SiteForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            info = services.site_update(site=site, **form.cleaned_data)
        except ConnectError as error:
            form.add_connect_error(error)
        else:
            messages.success(request, f"Saved {site.label}: {_found(info)}")
            return _redirect(request, f"{reverse('sites:list')}#site-{site.pk}")
    template = "sites/connect.html#site-form" if request.htmx else "sites/connect.html"
    status = 422 if form.errors else 200
    return render(request, template, {"form": form, "editing": True, "site": site}, status=status)


@require_POST
def site_verify(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_object_or_404(Site, pk=pk, owner=request.user)
    try:
        info = services.site_verify(site=site)
    except ConnectError as error:
        messages.error(request, f"{site.label}: {error.message}")
    else:
        messages.success(request, f"{site.label} works: {_found(info)}")
    return _redirect(request, f"{reverse('sites:list')}#site-{site.pk}")


def site_remove(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_object_or_404(Site, pk=pk, owner=request.user)
    if request.method == "POST":
        services.site_remove(site=site)
        messages.success(request, f"Removed {site.label} and its cached data.")
        return _redirect(request, reverse("sites:list"))
    return render(request, "sites/remove.html", {"site": site})

"""Customers directory, a customer's page, editing and deleting a customer."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from dashboard.customers import directory as listing
from dashboard.customers import lookup
from dashboard.customers.forms import STATUS_CHOICES, CustomerForm, DirectoryForm
from dashboard.fluent import customers as fluent_customers
from dashboard.fluent.errors import InvalidInputError, UpstreamError
from dashboard.fluent.models import Customer
from dashboard.sites.models import Site
from dashboard.sites.services import client_for
from dashboard.upstream_errors import error_status, upstream_error
from dashboard.usersites import user_site, user_sites

# Remembered per WordPress site once it answered that it has no customer delete route.
NO_DELETE_KEY = "customers:no-delete:{}"
NO_DELETE_SECONDS = 24 * 3600


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _customer_url(site: Site, customer_id: int) -> str:
    return reverse("customers:customer", args=[site, customer_id])


def _directory_url(query: listing.DirectoryQuery, **changes) -> str:
    params = query.params(**changes)
    return reverse("customers:directory") + (f"?{urlencode(params)}" if params else "")


def delete_unavailable(site: Site) -> bool:
    return bool(cache.get(NO_DELETE_KEY.format(site.base_url)))


@require_GET
@vary_on_headers("HX-Request")
def directory(request: HttpRequest) -> HttpResponse:
    sites = user_sites(request)
    form = DirectoryForm(request.GET, sites=sites)
    valid = form.is_valid()
    query = form.query()
    page = listing.load(sites, query) if sites else None
    for group in page.groups if page else []:
        group.url = _directory_url(query, site=group.site.slug, page=1)
    context = {
        "sites": sites,
        "query": query,
        "page": page,
        "prev_url": _directory_url(query, page=query.page - 1),
        "next_url": _directory_url(query, page=query.page + 1),
        "first_url": _directory_url(query, page=1),
        "form": form,
        "status_choices": STATUS_CHOICES,
        "site": next((s for s in sites if s.pk == query.site_id), None),
    }
    template = "customers/directory.html"
    if request.htmx and request.htmx.target == "results":
        template += "#results"
    # Parameters that are not valid are dropped (and said so), never sent to a site.
    return render(request, template, context, status=200 if valid else 400)


def _load(request: HttpRequest, site_id: int, customer_id: int) -> lookup.CustomerCard:
    site = user_site(request, site_id)
    return lookup.load_customer(site, customer_id=customer_id)


@require_GET
def customer(request: HttpRequest, site_id: int, customer_id: int) -> HttpResponse:
    card = _load(request, site_id, customer_id)
    if card.missing:
        raise Http404("No such customer")
    if not card.complete:
        return upstream_error(request, card.error, site=card.site)
    context = {"card": card, "site": card.site, "no_delete": delete_unavailable(card.site)}
    return render(request, "customers/customer.html", context)


def _save(form: CustomerForm, site: Site, current: Customer | None, error) -> UpstreamError | None:
    """Send the edit; on failure put the site's messages on the form, which keeps the input,
    and return the failure."""
    if current is None:
        form.add_error(None, f"{error.user_message} {error.advice}")
        return error
    try:
        fluent_customers.customer_update(client_for(site), customer=current, changes=form.changes())
    except InvalidInputError as failure:
        form.add_upstream_errors(failure)
        return failure
    except UpstreamError as failure:
        form.add_error(None, f"{failure.user_message} {failure.advice}")
        return failure
    return None


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def customer_edit(request: HttpRequest, site_id: int, customer_id: int) -> HttpResponse:
    site = user_site(request, site_id)
    current, read_error = None, None
    try:
        # Read fresh before a write: the plugin overwrites every field, so the base must be
        # what the site holds now, not a copy cached a minute ago.
        current = fluent_customers.customer_get(
            client_for(site), customer_id=customer_id, with_tickets=False, refresh=True
        ).customer
    except UpstreamError as error:
        if request.method != "POST":
            return upstream_error(request, error, site=site)
        read_error = error  # keep what the agent typed and say why it was not saved
    else:
        if current is None:
            raise Http404("No such customer")
    initial = {name: getattr(current, name, "") for name in CustomerForm.base_fields}
    form = CustomerForm(request.POST or None, initial=initial)
    failure = None
    if request.method == "POST" and form.is_valid():
        failure = _save(form, site, current, read_error)
        if failure is None:
            messages.success(request, f"Saved {form.cleaned_data['first_name']} on {site.label}.")
            return _redirect(request, _customer_url(site, customer_id))
    context = {"form": form, "site": site, "customer": current, "customer_id": customer_id}
    template = "customers/edit.html#form" if request.htmx else "customers/edit.html"
    status = error_status(failure) if failure else (422 if form.errors else 200)
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
def customer_delete(request: HttpRequest, site_id: int, customer_id: int) -> HttpResponse:
    card = _load(request, site_id, customer_id)
    if card.missing:
        raise Http404("No such customer")
    if not card.complete:
        return upstream_error(request, card.error, site=card.site)
    site, error = card.site, None
    if request.method == "POST" and not delete_unavailable(site):
        try:
            fluent_customers.customer_delete(client_for(site), customer_id=customer_id)
        except fluent_customers.CustomerDeleteUnavailable:
            cache.set(NO_DELETE_KEY.format(site.base_url), True, NO_DELETE_SECONDS)
        except UpstreamError as failure:
            error = failure
        else:
            messages.success(request, f"Deleted {card.customer.name} from {site.label}.")
            return _redirect(request, f"{reverse('customers:directory')}?site={site.pk}")
    context = {"card": card, "site": site, "error": error, "no_delete": delete_unavailable(site)}
    if error:
        status = error_status(error)
    else:
        status = 422 if request.method == "POST" and context["no_delete"] else 200
    return render(request, "customers/delete.html", context, status=status)

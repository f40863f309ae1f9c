"""A new ticket on behalf of a customer: an existing one (searched as you type) or a new one.

The form works without JavaScript: changing the site and finding a customer are submit buttons
that re-render the form with everything typed kept; htmx swaps only the affected part instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from dashboard.audit import notes as audit
from dashboard.customers.forms import NewTicketForm
from dashboard.fluent.customers import customer_get, customer_search
from dashboard.fluent.errors import InvalidInputError, NotFoundError, UpstreamError
from dashboard.fluent.models import Customer, CustomerSummary, Essentials, Ticket
from dashboard.fluent.parallel import run_parallel
from dashboard.fluent.reference import essentials_get
from dashboard.fluent.tickets import ticket_create
from dashboard.sites.models import Site
from dashboard.sites.services import client_for
from dashboard.tickets.links import thread_url
from dashboard.upstream_errors import error_status
from dashboard.usersites import named_site, user_site, user_sites

RESULTS_SHOWN = 8
# Who may read /customers (and so search customers) in Fluent Support.
CUSTOMERS_PERMISSION = "fst_sensitive_data"


@dataclass
class FormData:
    """What the form needs from the chosen site, read in one round trip."""

    essentials: Essentials | None = None
    essentials_error: UpstreamError | None = None
    picked: Customer | None = None
    results: list[CustomerSummary] | None = None  # None: nothing was searched
    search_error: UpstreamError | None = None


def load_form_data(
    site: Site, *, customer_id: int | None, search: str, essentials: bool = True
) -> FormData:
    client = client_for(site)
    calls: dict[str, Any] = {}
    if essentials:
        calls["essentials"] = partial(essentials_get, client)
    if customer_id:
        calls["picked"] = partial(customer_get, client, customer_id=customer_id, with_tickets=False)
    if search:
        calls["results"] = partial(customer_search, client, search=search, per_page=RESULTS_SHOWN)
    outcomes = run_parallel(calls)
    data = FormData()
    if "essentials" in outcomes:
        data.essentials = outcomes["essentials"].value
        data.essentials_error = outcomes["essentials"].error
    if "picked" in outcomes and outcomes["picked"].ok:
        data.picked = outcomes["picked"].value.customer
    if "results" in outcomes:
        data.search_error = outcomes["results"].error
        if outcomes["results"].ok:
            picked_id = data.picked.id if data.picked else None
            data.results = [c for c in outcomes["results"].value.items if c.id != picked_id]
    return data


def _number(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() and 0 < int(raw) < 2**31 else None


def _initial(site: Site, source: Any) -> dict[str, Any]:
    initial = {
        "priority": "normal",
        # A limited agent cannot search customers; a new customer (found by email) is the path.
        "customer_mode": "existing" if site.can(CUSTOMERS_PERMISSION) else "new",
    }
    initial.update({key: value for key, value in source.items() if key != "csrfmiddlewaretoken"})
    initial["site"] = site.pk
    return initial


def _create(form: NewTicketForm, site: Site) -> Ticket | UpstreamError | None:
    """The ticket the site created; else the form, which keeps the input, says why, and the
    site's failure is returned (None when the form named a customer the site does not have)."""
    try:
        return ticket_create(client_for(site), new=form.new_ticket())
    except InvalidInputError as error:
        form.add_upstream_errors(error)
        return error
    except NotFoundError:
        form.add_error("customer", f"That customer does not exist on {site.label}. Search again.")
        return None
    except UpstreamError as error:
        if error.maybe_applied:
            form.add_error(
                None,
                f"{error.user_message} The ticket may have been created anyway: look for it in "
                "the inbox before sending again.",
            )
        else:
            form.add_error(None, f"{error.user_message} {error.advice}")
        return error


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def new_ticket(request: HttpRequest) -> HttpResponse:
    sites = user_sites(request)
    if not sites:
        return render(request, "customers/new_ticket.html", {"sites": sites})
    source = request.POST if request.method == "POST" else request.GET
    site = named_site(sites, source.get("site")) or sites[0]
    # Only the "Create ticket" button sends the ticket. "Find" and "Use this site" (the paths
    # without JavaScript), and Enter pressed in a field, re-render the form for the chosen site
    # with the search results, keeping every field.
    creating = request.method == "POST" and request.POST.get("intent") == "create"
    search = "" if creating else source.get("customer_q", "").strip()[:100]
    data = load_form_data(site, customer_id=_number(source.get("customer")), search=search)
    form = NewTicketForm(
        request.POST if creating else None,
        initial=_initial(site, source),
        sites=sites,
        essentials=data.essentials,
    )
    created = _create(form, site) if creating and form.is_valid() else None
    if isinstance(created, Ticket):
        audit.note(request, object_id=created.id)
        messages.success(request, f"Created ticket #{created.id} on {site.label}.")
        url = thread_url(site, created.id)
        return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    context = {"sites": sites, "site": site, "form": form, "data": data, "search": search}
    target = request.htmx.target if request.htmx else None
    part = {"site-fields": "#site-fields", "ticket-form": "#form"}.get(target or "", "")
    if isinstance(created, UpstreamError):
        status = error_status(created)
    else:
        status = 422 if form.is_bound and form.errors else 200
    return render(request, f"customers/new_ticket.html{part}", context, status=status)


@require_GET
@vary_on_headers("HX-Request")
def customer_options(request: HttpRequest) -> HttpResponse:
    """Customers matching the typed text, as the picker's list (htmx), debounced as typed."""
    if not request.htmx:
        # Without JavaScript the search is the new-ticket page itself.
        query = urlencode({k: v for k, v in request.GET.items() if k in ("site", "customer_q")})
        return redirect(f"{reverse('customers:new_ticket')}?{query}")
    raw_site = request.GET.get("site", "")
    if not raw_site.isdigit():
        raise BadRequest("site must be one of your sites")
    site = user_site(request, raw_site)
    search = request.GET.get("customer_q", "").strip()[:100]
    data = load_form_data(site, customer_id=None, search=search, essentials=False)
    form = NewTicketForm(initial=_initial(site, {}), sites=user_sites(request), essentials=None)
    context = {"site": site, "data": data, "search": search, "form": form}
    return render(request, "customers/new_ticket.html#customer-results", context)

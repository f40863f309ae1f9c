"""The customer panel beside a thread, and the FluentCRM contact it loads after itself.

The thread page loads the panel lazily; the panel in turn loads the contact lazily, so neither
the conversation nor the customer ever waits for FluentCRM, which may sit on other, slower
sites. Both answer a fragment to htmx and a full page otherwise. Upstream failures are shown
inside the panel: it never turns into an error page.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from dashboard.customers import lookup
from dashboard.customers.forms import PanelForm
from dashboard.fluent import crm
from dashboard.fluent.errors import UpstreamError
from dashboard.sites.models import Site
from dashboard.usersites import user_site, user_sites

OTHER_TICKETS_SHOWN = 8


def _ticket_id(request: HttpRequest) -> int | None:
    return _panel_form(request)["ticket"]


def _panel_form(request: HttpRequest) -> dict[str, Any]:
    form = PanelForm(request.GET)
    if not form.is_valid():
        raise BadRequest("ticket must be a ticket number")
    return form.cleaned_data


@require_GET
@vary_on_headers("HX-Request")
def panel(request: HttpRequest, site_id: int, customer_id: int) -> HttpResponse:
    site = user_site(request, site_id)
    ticket_id = _ticket_id(request)
    card = lookup.load_customer(site, customer_id=customer_id, ticket_id=ticket_id)
    others = card.other_tickets(ticket_id)
    context = {
        "site": site,
        "card": card,
        "ticket_id": ticket_id,
        "other_tickets": others[:OTHER_TICKETS_SHOWN],
        "more_tickets": max(0, len(others) - OTHER_TICKETS_SHOWN),
    }
    template = "customers/panel.html#panel" if request.htmx else "customers/panel.html"
    return render(request, template, context)


def contact_context(
    request: HttpRequest,
    site: Site,
    customer_id: int,
    ticket_id: int | None,
    *,
    everywhere: bool = False,
) -> dict[str, Any]:
    """What the contact section shows; also rendered again after each CRM action. The
    user's other sites are searched only ``everywhere`` (when the agent asked)."""
    result = lookup.plan_contact(home=site, sites=user_sites(request))
    context = {"site": site, "customer_id": customer_id, "ticket_id": ticket_id, "result": result}
    if result.needs_email:
        try:
            email = lookup.customer_email(site, customer_id=customer_id, ticket_id=ticket_id)
        except UpstreamError as error:
            context["email_error"] = error
        else:
            lookup.find_contact(result, email, everywhere=everywhere)
    context["status_choices"] = list(crm.STATUS_LABELS.items())
    # Create contact is offered on the ticket's own site when it has FluentCRM, this user may
    # read it, and it answered that no contact has the customer's email.
    context["can_create"] = result.state == "no_match" and any(
        s.pk == site.pk for s in result.missing
    )
    return context


@require_GET
@vary_on_headers("HX-Request")
def contact(request: HttpRequest, site_id: int, customer_id: int) -> HttpResponse:
    site = user_site(request, site_id)
    asked = _panel_form(request)
    context = contact_context(
        request, site, customer_id, asked["ticket"], everywhere=asked["everywhere"]
    )
    template = "customers/contact.html#contact" if request.htmx else "customers/contact.html"
    return render(request, template, context)

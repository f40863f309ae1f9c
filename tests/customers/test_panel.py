"""The customer panel beside a thread: the Fluent Support customer, their other tickets, and the
fallback to what the ticket carries when /customers is refused or down."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import connect
from tests.customers.helpers import (
    OLIVIA,
    crm_calls,
    customer_by_email,
    forget_requests,
    ticket_of,
)

HTMX = {"HTTP_HX_REQUEST": "true"}


def panel_url(site, customer_id: int, ticket_id: int | None = None) -> str:
    url = reverse("customers:panel", args=[site.slug, customer_id])
    return f"{url}?ticket={ticket_id}" if ticket_id else url


def test_panel_shows_the_customer_and_their_other_tickets(agent_client, acme, sim):
    olivia = customer_by_email(sim.acme, OLIVIA)
    olivia.update(title="Office Manager", city="Melbourne", note="Prefers email contact.")
    ticket_ids = sim.acme.site.store.tickets_by_customer[olivia["id"]]
    current = ticket_ids[0]

    response = agent_client.get(panel_url(acme, olivia["id"], current), **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html  # the inner HTML of the thread's <section>
    assert f"{olivia['first_name']} {olivia['last_name']}" in html
    assert OLIVIA in html and "Office Manager" in html and "Melbourne" in html
    assert "Prefers email contact." in html
    for ticket_id in ticket_ids[1:]:
        title = sim.acme.site.tickets[ticket_id]["title"]
        assert reverse("tickets:thread", args=[acme.slug, ticket_id]) in html
        assert title in html
    assert reverse("tickets:thread", args=[acme.slug, current]) not in html
    assert f'<span class="cp-count">{len(ticket_ids) - 1}</span>' in html


def test_panel_never_waits_for_fluentcrm(agent_client, acme, academy, sim):
    """The panel answers from Fluent Support alone; the contact loads after it."""
    sim.acme.site.add_fault("timeout", route="/fluent-crm/*")
    sim.academy.site.add_fault("timeout", route="/fluent-crm/*")
    olivia = customer_by_email(sim.acme, OLIVIA)
    forget_requests(sim)

    response = agent_client.get(panel_url(acme, olivia["id"]), **HTMX)

    assert response.status_code == 200
    assert olivia["last_name"] in response.content.decode()
    assert crm_calls(sim.acme) == 0 and crm_calls(sim.academy) == 0
    contact_url = reverse("customers:contact", args=[acme.slug, olivia["id"]])
    assert f'hx-get="{contact_url}" hx-trigger="load"' in response.content.decode()


def test_full_page_panel_without_htmx(agent_client, acme, sim):
    olivia = customer_by_email(sim.acme, OLIVIA)
    response = agent_client.get(panel_url(acme, olivia["id"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html and olivia["last_name"] in html
    # Without JavaScript the contact is one link away.
    assert reverse("customers:contact", args=[acme.slug, olivia["id"]]) in html


def test_limited_agent_sees_what_the_ticket_carries_and_why_not_more(agent_client, user, sim):
    site = connect(user, sim.acme, username="maria")
    maria = sim.acme.site.users["maria"].person_id
    ticket = next(t for t in sim.acme.site.tickets.values() if t["agent_id"] in (None, maria))
    customer = sim.acme.site.customers[ticket["customer_id"]]
    forget_requests(sim)

    response = agent_client.get(panel_url(site, customer["id"], ticket["id"]), **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert customer["last_name"] in html and customer["email"] in html
    assert "need the Fluent Support permission" in html
    assert sim.acme.site.count("GET", "/fluent-support/v2/customers/*") == 1  # refused, 403


def test_a_ticket_of_someone_else_never_stands_in_for_the_customer(agent_client, user, sim):
    site = connect(user, sim.acme, username="maria")
    maria = sim.acme.site.users["maria"].person_id
    ticket = next(t for t in sim.acme.site.tickets.values() if t["agent_id"] in (None, maria))
    stranger = next(c for c in sim.acme.site.customers.values() if c["id"] != ticket["customer_id"])
    owner = sim.acme.site.customers[ticket["customer_id"]]

    html = agent_client.get(panel_url(site, stranger["id"], ticket["id"]), **HTMX).content.decode()

    assert owner["email"] not in html


def test_site_down_is_said_inside_the_panel(agent_client, acme, sim):
    sim.acme.site.add_fault("status_500")
    olivia = customer_by_email(sim.acme, OLIVIA)

    response = agent_client.get(panel_url(acme, olivia["id"], 1), **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Acme Store: The site answered with a server error (500)." in html
    assert "Retry" in html


def test_missing_customer_is_said_plainly(agent_client, acme, sim):
    response = agent_client.get(panel_url(acme, 99999), **HTMX)
    assert response.status_code == 200
    assert "no longer exists on Acme Store" in response.content.decode()


def test_panel_of_a_site_the_user_has_not_connected_reads_nothing(agent_client, other_user, sim):
    theirs = connect(other_user, sim.acme)
    forget_requests(sim)
    assert agent_client.get(panel_url(theirs, 5), **HTMX).status_code == 403
    assert sim.acme.site.count(route="/fluent-support/v2/customers/*") == 0


@pytest.mark.parametrize("ticket", ["abc", "-1", "0", "99999999999"])
def test_panel_refuses_a_ticket_that_is_not_a_number(agent_client, acme, sim, ticket):
    url = reverse("customers:panel", args=[acme.slug, 5]) + f"?ticket={ticket}"
    forget_requests(sim)
    assert agent_client.get(url, **HTMX).status_code == 400
    assert sim.acme.site.count() == 0


def test_other_tickets_show_their_status(agent_client, acme, sim):
    olivia = customer_by_email(sim.acme, OLIVIA)
    closed = ticket_of(sim.acme, olivia["id"], status="closed")
    html = agent_client.get(panel_url(acme, olivia["id"]), **HTMX).content.decode()
    assert f"#{closed['id']}</span>" in html and "pill-closed" in html

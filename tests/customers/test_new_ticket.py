"""A new ticket on behalf of a customer: existing or new, every field kept on failure."""

from __future__ import annotations

import re

from django.urls import reverse

from tests.conftest import connect
from tests.customers.helpers import OLIVIA, customer_by_email, forget_requests

URL = reverse("customers:new_ticket")
HTMX = {"HTTP_HX_REQUEST": "true"}


def ticket_data(site, **fields: str) -> dict[str, str]:
    return {
        "site": str(site.pk),
        "priority": "normal",
        "customer_mode": "existing",
        "title": "Printer widget shows offline",
        "content": "Since this morning the widget says <offline>.\n\nPlease help.",
        "intent": "create",
    } | fields


def created(sim_site, before: set[int]) -> dict:
    (new_id,) = set(sim_site.site.tickets) - before
    return sim_site.site.tickets[new_id]


def test_ticket_for_an_existing_customer_opens_the_new_thread(agent_client, acme, sim):
    olivia = customer_by_email(sim.acme, OLIVIA)
    before = set(sim.acme.site.tickets)

    data = ticket_data(acme, customer=str(olivia["id"]), priority="critical", mailbox="2")
    response = agent_client.post(URL, data | {"product": "1"})

    ticket = created(sim.acme, before)
    assert response.status_code == 302
    assert response["Location"] == reverse("tickets:thread", args=[acme.slug, ticket["id"]])
    assert ticket["customer_id"] == olivia["id"]
    assert ticket["priority"] == "critical"
    assert (ticket["mailbox_id"], ticket["product_id"]) == (2, 1)
    assert ticket["title"] == "Printer widget shows offline"
    # The agent's plain text arrives as escaped paragraphs, never as markup.
    assert ticket["content"].startswith("<p>Since this morning the widget says &lt;offline&gt;.")


def test_ticket_for_a_new_customer_creates_the_customer(agent_client, acme, sim):
    before_people = set(sim.acme.site.customers)
    before = set(sim.acme.site.tickets)

    response = agent_client.post(
        URL,
        ticket_data(
            acme,
            customer_mode="new",
            first_name="Quentin",
            last_name="Faraday",
            email="quentin.faraday@example.net",
            customer="5",  # left over from a search: the mode decides
        ),
        **HTMX,
    )

    ticket = created(sim.acme, before)
    (person_id,) = set(sim.acme.site.customers) - before_people
    person = sim.acme.site.customers[person_id]
    assert response["HX-Redirect"] == reverse("tickets:thread", args=[acme.slug, ticket["id"]])
    assert ticket["customer_id"] == person_id
    assert (person["first_name"], person["last_name"]) == ("Quentin", "Faraday")
    assert person["email"] == "quentin.faraday@example.net"


def test_new_customer_needs_first_name_and_email(agent_client, acme, sim):
    forget_requests(sim)

    response = agent_client.post(
        URL, ticket_data(acme, customer_mode="new", last_name="Faraday"), **HTMX
    )

    html = response.content.decode()
    assert response.status_code == 422
    assert "Enter the new customer&#x27;s email address." in html
    assert "Enter the new customer&#x27;s first name." in html
    assert 'value="Faraday"' in html and 'value="Printer widget shows offline"' in html
    assert sim.acme.site.count("POST") == 0


def test_existing_mode_needs_a_picked_customer(agent_client, acme, sim):
    response = agent_client.post(URL, ticket_data(acme), **HTMX)
    assert response.status_code == 422
    assert "Pick a customer from the search, or enter a new one." in response.content.decode()


def test_site_refusal_keeps_every_field_and_names_the_field(agent_client, acme, sim):
    before = set(sim.acme.site.tickets)

    response = agent_client.post(
        URL, ticket_data(acme, customer="99999", mailbox="3", priority="medium"), **HTMX
    )

    html = response.content.decode()
    assert response.status_code == 422
    assert "That customer does not exist on Acme Store. Search again." in html
    assert 'value="Printer widget shows offline"' in html
    assert "Please help." in html
    assert '<option value="3" selected>' in html and '<option value="medium" selected>' in html
    assert set(sim.acme.site.tickets) == before


def test_site_down_keeps_every_field(agent_client, acme, sim):
    olivia = customer_by_email(sim.acme, OLIVIA)
    sim.acme.site.add_fault("status_502", route="/fluent-support/v2/tickets", method="POST")

    response = agent_client.post(URL, ticket_data(acme, customer=str(olivia["id"])), **HTMX)

    html = response.content.decode()
    assert response.status_code == 424
    assert "Acme Store: The site answered with a server error (502)." in html
    assert 'value="Printer widget shows offline"' in html
    assert f'name="customer" value="{olivia["id"]}" checked' in html


def test_a_timed_out_create_warns_that_it_may_exist(agent_client, acme, sim):
    olivia = customer_by_email(sim.acme, OLIVIA)
    sim.acme.site.add_fault("timeout", route="/fluent-support/v2/tickets", method="POST")

    response = agent_client.post(URL, ticket_data(acme, customer=str(olivia["id"])), **HTMX)

    assert response.status_code == 424
    assert "may have been created anyway" in response.content.decode()


def test_mailbox_of_another_site_is_refused_here(agent_client, acme, sim):
    olivia = customer_by_email(sim.acme, OLIVIA)
    forget_requests(sim)
    response = agent_client.post(
        URL, ticket_data(acme, customer=str(olivia["id"]), mailbox="999"), **HTMX
    )
    assert response.status_code == 422
    assert sim.acme.site.count("POST") == 0


def test_customer_search_as_you_type_lists_matches(agent_client, acme, sim):
    matches = [c for c in sim.acme.site.customers.values() if "olivia" in c["email"]]

    response = agent_client.get(
        reverse("customers:customer_options"), {"site": acme.pk, "customer_q": "olivia"}, **HTMX
    )

    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    picked = sorted(int(n) for n in re.findall(r'name="customer" value="(\d+)"', html))
    assert picked == sorted(c["id"] for c in matches)


def test_customer_search_works_without_javascript(agent_client, acme, sim):
    response = agent_client.get(
        reverse("customers:customer_options"), {"site": acme.pk, "customer_q": "olivia"}
    )
    assert response.status_code == 302
    page = agent_client.get(response["Location"]).content.decode()
    assert f'name="customer" value="{customer_by_email(sim.acme, OLIVIA)["id"]}"' in page


def test_find_button_keeps_the_form_and_sends_nothing(agent_client, acme, sim):
    forget_requests(sim)

    response = agent_client.post(
        URL, ticket_data(acme, intent="find", customer_q="olivia", title="Typed subject")
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Typed subject"' in html
    assert f'name="customer" value="{customer_by_email(sim.acme, OLIVIA)["id"]}"' in html
    assert sim.acme.site.count("POST") == 0


def test_enter_without_the_create_button_sends_nothing(agent_client, acme, sim):
    olivia = customer_by_email(sim.acme, OLIVIA)
    forget_requests(sim)
    data = ticket_data(acme, customer=str(olivia["id"]))
    del data["intent"]
    assert agent_client.post(URL, data).status_code == 200
    assert sim.acme.site.count("POST") == 0


def test_changing_site_swaps_in_its_mailboxes(agent_client, acme, academy, sim):
    response = agent_client.get(
        URL, {"site": academy.pk}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="site-fields"
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="site-fields"')
    for mailbox in sim.academy.site.store.mailboxes.values():
        assert f">{mailbox['name']}</option>" in html
    assert 'id="customer-results"' in html and 'hx-swap-oob="true"' in html


def test_prefilled_from_the_customer_page(agent_client, acme, sim):
    olivia = customer_by_email(sim.acme, OLIVIA)
    html = agent_client.get(URL, {"site": acme.pk, "customer": olivia["id"]}).content.decode()
    assert f'name="customer" value="{olivia["id"]}" checked' in html
    assert f'<input type="hidden" name="site" value="{acme.pk}">' in html


def test_limited_agent_opens_a_ticket_for_a_customer_by_email(agent_client, user, sim):
    site = connect(user, sim.acme, username="maria")
    olivia = customer_by_email(sim.acme, OLIVIA)
    before = set(sim.acme.site.tickets)

    form = agent_client.get(URL).content.decode()
    assert 'value="new" id="id_customer_mode_1" required checked' in form

    response = agent_client.post(
        URL, ticket_data(site, customer_mode="new", first_name="Olivia", email=OLIVIA)
    )

    assert response.status_code == 302
    assert created(sim.acme, before)["customer_id"] == olivia["id"]


def test_no_sites_invites_to_connect_one(agent_client):
    assert "Connect a site first" in agent_client.get(URL).content.decode()

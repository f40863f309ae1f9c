"""A customer's page, editing the customer (validated here and by the site) and deleting one."""

from __future__ import annotations

import html

from django.urls import reverse

from tests.conftest import connect
from tests.customers.helpers import OLIVIA, customer_by_email, forget_requests

HTMX = {"HTTP_HX_REQUEST": "true"}


def form_data(customer: dict, **changes: str) -> dict[str, str]:
    fields = (
        "first_name", "last_name", "email", "title", "address_line_1", "address_line_2",
        "city", "state", "zip", "country", "note",
    )  # fmt: skip
    return {name: customer.get(name) or "" for name in fields} | changes


def test_customer_page_shows_details_tickets_and_loads_the_contact(agent_client, acme, sim):
    olivia = customer_by_email(sim.acme, OLIVIA)
    olivia.update(address_line_1="95 Station Ave", city="Melbourne", note="Prefers email.")
    ticket_ids = sim.acme.site.store.tickets_by_customer[olivia["id"]]

    response = agent_client.get(reverse("customers:customer", args=[acme.slug, olivia["id"]]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "95 Station Ave" in html and "Melbourne" in html and "Prefers email." in html
    for ticket_id in ticket_ids:
        assert reverse("tickets:thread", args=[acme.slug, ticket_id]) in html
    assert reverse("customers:contact", args=[acme.slug, olivia["id"]]) in html
    new_ticket = reverse("customers:new_ticket") + f"?site={acme.slug}&amp;customer={olivia['id']}"
    assert f'href="{new_ticket}" data-key="n"' in html


def test_unknown_customer_is_not_found(agent_client, acme, sim):
    assert (
        agent_client.get(reverse("customers:customer", args=[acme.slug, 99999])).status_code == 404
    )


def test_limited_agent_gets_a_message_not_a_crash(agent_client, user, sim):
    site = connect(user, sim.acme, username="maria")
    response = agent_client.get(reverse("customers:customer", args=[site.slug, 5]))
    assert response.status_code == 403
    assert "not allowed" in response.content.decode()


def test_edit_sends_the_whole_customer_and_keeps_what_it_does_not_change(agent_client, acme, sim):
    olivia = customer_by_email(sim.acme, OLIVIA)
    olivia.update(title="Office Manager", note="Prefers email.", country="AU")
    url = reverse("customers:edit", args=[acme.slug, olivia["id"]])

    response = agent_client.post(url, form_data(olivia, city="Sydney", last_name="Thornbury-Hale"))

    assert response.status_code == 302
    assert response["Location"] == reverse("customers:customer", args=[acme.slug, olivia["id"]])
    saved = sim.acme.site.customers[olivia["id"]]
    assert saved["city"] == "Sydney" and saved["last_name"] == "Thornbury-Hale"
    assert saved["title"] == "Office Manager" and saved["note"] == "Prefers email."
    assert saved["person_type"] == "customer"  # the plugin's bug would have blanked it
    page = agent_client.get(response["Location"]).content.decode()
    assert "Sydney" in page and "Saved Olivia on Acme Store." in page


def test_edit_keeps_a_blocked_customer_blocked(agent_client, acme, sim):
    olivia = customer_by_email(sim.acme, OLIVIA)
    sim.acme.site.store.persons[olivia["id"]]["status"] = "blocked"
    url = reverse("customers:edit", args=[acme.slug, olivia["id"]])
    form = {"first_name": "Olivia", "last_name": "T.", "email": olivia["email"]}

    agent_client.post(url, form)

    assert sim.acme.site.store.persons[olivia["id"]]["last_name"] == "T."
    assert sim.acme.site.store.persons[olivia["id"]]["status"] == "blocked"


def test_edit_requires_first_name_and_email_before_asking_the_site(agent_client, acme, sim):
    olivia = customer_by_email(sim.acme, OLIVIA)
    url = reverse("customers:edit", args=[acme.slug, olivia["id"]])
    forget_requests(sim)

    response = agent_client.post(
        url, form_data(olivia, first_name="", email="not-an-email", city="Typed city"), **HTMX
    )

    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_first_name_error"' in html and "This field is required." in html
    assert 'id="id_email_error"' in html and "Enter a valid email address." in html
    assert 'value="Typed city"' in html and 'value="not-an-email"' in html
    assert sim.acme.site.count("PUT") == 0
    assert sim.acme.site.customers[olivia["id"]]["email"] == OLIVIA


def test_edit_shows_the_sites_validation_on_its_field(agent_client, acme, sim):
    olivia = customer_by_email(sim.acme, OLIVIA)
    taken = next(c for c in sim.acme.site.customers.values() if c["id"] != olivia["id"])
    url = reverse("customers:edit", args=[acme.slug, olivia["id"]])

    response = agent_client.post(url, form_data(olivia, email=taken["email"], city="Kept"), **HTMX)

    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_email_error"' in html
    assert "Email address has been assigned to other customer" in html
    assert "Acme Store refused the change; see the highlighted fields." in html
    assert 'value="Kept"' in html and f'value="{taken["email"]}"' in html
    assert sim.acme.site.customers[olivia["id"]]["email"] == OLIVIA


def test_edit_through_htmx_redirects_the_page(agent_client, acme, sim):
    olivia = customer_by_email(sim.acme, OLIVIA)
    url = reverse("customers:edit", args=[acme.slug, olivia["id"]])
    response = agent_client.post(url, form_data(olivia, city="Perth"), **HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("customers:customer", args=[acme.slug, olivia["id"]])


def test_edit_keeps_the_input_when_the_site_is_down(agent_client, acme, sim):
    olivia = customer_by_email(sim.acme, OLIVIA)
    url = reverse("customers:edit", args=[acme.slug, olivia["id"]])
    sim.acme.site.add_fault("status_500")

    response = agent_client.post(url, form_data(olivia, city="Hobart"), **HTMX)

    html = response.content.decode()
    assert response.status_code == 424
    assert "Acme Store: The site answered with a server error (500)." in html
    assert 'value="Hobart"' in html


def test_delete_asks_first_and_names_what_goes_with_the_customer(agent_client, acme, sim):
    olivia = customer_by_email(sim.acme, OLIVIA)
    count = len(sim.acme.site.store.tickets_by_customer[olivia["id"]])
    forget_requests(sim)

    response = agent_client.get(reverse("customers:delete", args=[acme.slug, olivia["id"]]))

    html = response.content.decode()
    assert f"their {count} tickets" in html
    assert f"Delete customer and {count} tickets" in html
    assert sim.acme.site.count("DELETE") == 0


def test_delete_removes_the_customer_and_their_tickets(agent_client, acme, sim):
    olivia = customer_by_email(sim.acme, OLIVIA)
    tickets = list(sim.acme.site.store.tickets_by_customer[olivia["id"]])

    response = agent_client.post(reverse("customers:delete", args=[acme.slug, olivia["id"]]))

    assert response.status_code == 302
    assert olivia["id"] not in sim.acme.site.customers
    assert not any(ticket_id in sim.acme.site.tickets for ticket_id in tickets)


def test_delete_on_a_site_without_the_route_says_it_is_not_available(agent_client, acme, sim):
    olivia = customer_by_email(sim.acme, OLIVIA)
    url = reverse("customers:delete", args=[acme.slug, olivia["id"]])
    # An older plugin without the route answers rest_no_route.
    sim.acme.site.add_fault(
        "plugin_missing_404", route="/fluent-support/v2/customers/*", method="DELETE"
    )

    response = agent_client.post(url)

    assert response.status_code == 422
    assert "Deleting customers is not available on this site" in response.content.decode()
    assert olivia["id"] in sim.acme.site.customers
    assert sim.acme.site.count("DELETE", "/fluent-support/v2/customers/*") == 1
    # From then on the customer page says so instead of offering the button.
    page = agent_client.get(reverse("customers:customer", args=[acme.slug, olivia["id"]]))
    assert "Deleting customers is not available on this site." in page.content.decode()
    assert url not in page.content.decode()


def test_edit_of_a_postcode_changes_only_the_postcode(agent_client, acme, sim):
    """The plugin's PUT writes NULL into every column it is not sent: nothing the form does
    not show may be lost (seq_customer_partial), and the IPs cannot be sent (seq_customer_full)."""
    olivia = customer_by_email(sim.acme, OLIVIA)
    olivia.update(
        title="Office Manager", status="active", user_id=42, remote_uid="0", hash="abc123",
        address_line_1="12 Harbour Road", city="Bristol", zip="BS1 4DJ", country="GB",
        note="Prefers email.", avatar="https://example.com/olivia.png",
        ip_address="203.0.113.7", last_ip_address="198.51.100.23",
    )  # fmt: skip
    before = dict(olivia)
    url = reverse("customers:edit", args=[acme.slug, olivia["id"]])

    response = agent_client.post(url, form_data(olivia, zip="BS1 5AA"))

    assert response.status_code == 302
    saved = sim.acme.site.customers[olivia["id"]]
    changed = {k: (before[k], v) for k, v in saved.items() if v != before[k]}
    assert changed.pop("updated_at")
    # The IP addresses are the one loss the plugin forces on any edit; the page says so.
    assert changed == {
        "zip": ("BS1 4DJ", "BS1 5AA"),
        "ip_address": ("203.0.113.7", None),
        "last_ip_address": ("198.51.100.23", None),
    }


def test_edit_leaves_empty_fields_empty_rather_than_blank_strings(agent_client, acme, sim):
    olivia = customer_by_email(sim.acme, OLIVIA)
    olivia.update(title=None, address_line_2=None, state=None)
    url = reverse("customers:edit", args=[acme.slug, olivia["id"]])

    agent_client.post(url, form_data(olivia, city="Perth"))

    saved = sim.acme.site.customers[olivia["id"]]
    assert saved["city"] == "Perth"
    assert (saved["title"], saved["address_line_2"], saved["state"]) == (None, None, None)


def test_edit_form_says_that_the_site_clears_ip_addresses(agent_client, acme, sim):
    olivia = customer_by_email(sim.acme, OLIVIA)

    page = agent_client.get(reverse("customers:edit", args=[acme.slug, olivia["id"]]))

    note = page.content.decode().split('id="customer-ip-note">')[1].split("</p>")[0]
    assert "clears a customer's recorded IP addresses" in html.unescape(note)

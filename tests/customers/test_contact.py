"""The FluentCRM contact beside a thread: exact email only, the ticket's site first, the user's
other sites when the agent asks (or when the ticket's site cannot be asked), and plain words when
there is nothing to show."""

from __future__ import annotations

from django.urls import reverse

from tests.conftest import connect
from tests.customers.helpers import (
    OLIVIA,
    OLIVIA_PARTIAL,
    contact_id,
    crm_calls,
    customer_by_email,
    customer_without_contact,
    drop_contact,
    forget_requests,
)

HTMX = {"HTTP_HX_REQUEST": "true"}


def contact_html(
    client, site, customer_id: int, ticket_id: int | None = None, *, everywhere: bool = False
) -> str:
    url = reverse("customers:contact", args=[site.slug, customer_id])
    query = [f"ticket={ticket_id}"] if ticket_id else []
    if everywhere:
        query.append("everywhere=1")
    if query:
        url += "?" + "&".join(query)
    response = client.get(url, **HTMX)
    assert response.status_code == 200
    return response.content.decode()


def admin_link(sim_site, email: str) -> str:
    return f"/wp-admin/admin.php?page=fluentcrm-admin#/subscribers/{contact_id(sim_site, email)}"


def test_exact_email_match_is_the_contact_not_the_partial_one(agent_client, acme, sim):
    olivia = customer_by_email(sim.acme, OLIVIA)
    contact = sim.acme.site.contacts[contact_id(sim.acme, OLIVIA)]
    contact["tag_ids"] = [1]
    forget_requests(sim)

    html = contact_html(agent_client, acme, olivia["id"])

    assert 'data-crm-state="found"' in html
    assert sim.acme.base_url + admin_link(sim.acme, OLIVIA) in html
    assert OLIVIA_PARTIAL not in html
    assert admin_link(sim.acme, OLIVIA_PARTIAL) not in html
    assert sim.acme.site.store.crm_tags[1]["title"] in html
    for crm_list in contact["list_ids"]:
        assert sim.acme.site.store.crm_lists[crm_list]["title"] in html
    stats = contact["stats"]
    assert f'<dd class="num">{stats["emails"]}</dd>' in html
    assert f"{contact['status'].capitalize()}</span>" in html
    # Looked up directly by email, never through the list search that matches partially.
    assert sim.acme.site.count("GET", "/fluent-crm/v2/subscribers") == 0
    assert sim.acme.site.count("GET", "/fluent-crm/v2/subscribers/0") == 1


def test_a_partial_match_alone_is_not_shown_as_the_contact(agent_client, acme, academy, sim):
    olivia = customer_by_email(sim.acme, OLIVIA)
    drop_contact(sim.acme, OLIVIA)
    drop_contact(sim.academy, OLIVIA)

    html = contact_html(agent_client, acme, olivia["id"], everywhere=True)

    assert 'data-crm-state="no_match"' in html
    assert f'No FluentCRM contact has the email <strong class="crm-email">{OLIVIA}</strong>' in html
    assert "on Acme Store or Acme Academy" in html  # the ticket's site first
    assert OLIVIA_PARTIAL not in html
    assert "fluentcrm-admin" not in html


def test_email_case_does_not_matter(agent_client, acme, sim):
    olivia = customer_by_email(sim.acme, OLIVIA)
    olivia["email"] = "Olivia.Thornbury@Example.COM"

    html = contact_html(agent_client, acme, olivia["id"])

    assert 'data-crm-state="found"' in html
    assert admin_link(sim.acme, OLIVIA) in html


def test_site_without_crm_finds_the_contact_on_another_site_and_names_it(
    agent_client, beta, academy, sim
):
    olivia = customer_by_email(sim.beta, OLIVIA)

    html = contact_html(agent_client, beta, olivia["id"])

    assert 'data-crm-state="found"' in html
    assert "From <strong>Acme Academy</strong>: Beta Labs has no FluentCRM." in html
    assert sim.academy.base_url + admin_link(sim.academy, OLIVIA) in html
    assert crm_calls(sim.beta) == 0


def test_only_the_tickets_site_is_asked_until_the_agent_asks(agent_client, acme, academy, sim):
    olivia = customer_by_email(sim.acme, OLIVIA)
    forget_requests(sim)

    html = contact_html(agent_client, acme, olivia["id"])

    assert "Contact on <strong>Acme Store</strong>" in html
    assert crm_calls(sim.academy) == 0
    assert "Not looked up on Acme Academy." in html
    url = reverse("customers:contact", args=[acme.slug, olivia["id"]]) + "?everywhere=1"
    assert f'hx-get="{url}"' in html
    assert "Look up on 1 other site<" in html


def test_no_match_on_the_tickets_site_offers_the_others(agent_client, acme, academy, sim):
    olivia = customer_by_email(sim.acme, OLIVIA)
    drop_contact(sim.acme, OLIVIA)
    forget_requests(sim)

    html = contact_html(agent_client, acme, olivia["id"], ticket_id=7)

    assert 'data-crm-state="no_match"' in html
    assert "on Acme Store.</p>" in html
    assert crm_calls(sim.academy) == 0
    url = (
        reverse("customers:contact", args=[acme.slug, olivia["id"]]) + "?ticket=7&amp;everywhere=1"
    )
    assert f'href="{url}"' in html


def test_no_match_on_the_tickets_site_looks_on_the_others_when_asked(
    agent_client, acme, academy, sim
):
    olivia = customer_by_email(sim.acme, OLIVIA)
    drop_contact(sim.acme, OLIVIA)

    html = contact_html(agent_client, acme, olivia["id"], everywhere=True)

    assert "Not looked up" not in html
    assert "From <strong>Acme Academy</strong>: Acme Store has no contact with this email." in html
    assert sim.academy.base_url + admin_link(sim.academy, OLIVIA) in html
    assert OLIVIA_PARTIAL not in html


def test_the_tickets_own_site_wins_and_the_others_are_mentioned(agent_client, acme, academy, sim):
    olivia = customer_by_email(sim.acme, OLIVIA)

    html = contact_html(agent_client, acme, olivia["id"], everywhere=True)

    assert "Contact on <strong>Acme Store</strong>" in html
    assert sim.acme.base_url + admin_link(sim.acme, OLIVIA) in html
    elsewhere = sim.academy.base_url + admin_link(sim.academy, OLIVIA)
    assert f'Also a contact on <a href="{elsewhere}"' in html


def test_no_match_anywhere_is_said_plainly(agent_client, acme, academy, beta, sim):
    customer = customer_without_contact(sim.acme, sim.academy)

    html = contact_html(agent_client, acme, customer["id"], everywhere=True)

    assert 'data-crm-state="no_match"' in html
    assert f"{customer['email']}</strong> on Acme Store or Acme Academy." in html
    assert crm_calls(sim.beta) == 0  # Beta Labs has no FluentCRM to ask


def test_no_crm_on_any_site_is_said_instead(agent_client, beta, sim):
    olivia = customer_by_email(sim.beta, OLIVIA)
    forget_requests(sim)

    html = contact_html(agent_client, beta, olivia["id"])

    assert "FluentCRM is not installed on any of your connected sites" in html
    assert sim.beta.site.count() == 0  # nothing to ask, so nothing asked


def test_limited_agent_is_told_about_the_permission(agent_client, user, sim):
    site = connect(user, sim.acme, username="maria")
    olivia = customer_by_email(sim.acme, OLIVIA)
    forget_requests(sim)

    html = contact_html(agent_client, site, olivia["id"])

    assert 'data-crm-state="no_access"' in html
    assert "needs a permission your WordPress user does not have on Acme Store" in html
    assert crm_calls(sim.acme) == 0


def test_fluentcrm_down_never_breaks_and_is_not_called_no_match(agent_client, acme, sim):
    sim.acme.site.add_fault("status_500", route="/fluent-crm/*")
    olivia = customer_by_email(sim.acme, OLIVIA)

    html = contact_html(agent_client, acme, olivia["id"])

    assert 'data-crm-state="failed"' in html
    assert "Acme Store: The site answered with a server error (500)." in html
    assert "could not be searched, so the contact may exist there" in html
    assert "No FluentCRM contact" not in html


def test_slow_fluentcrm_gives_up_at_the_timeout_and_says_so(agent_client, acme, academy, sim):
    sim.acme.site.add_fault("timeout", route="/fluent-crm/*")
    olivia = customer_by_email(sim.acme, OLIVIA)

    html = contact_html(agent_client, acme, olivia["id"])

    assert 'data-crm-state="failed"' in html
    assert "Look up on 1 other site<" in html

    html = contact_html(agent_client, acme, olivia["id"], everywhere=True)

    # The other site still answers, and the agent learns why Acme Store's own contact is missing.
    assert "From <strong>Acme Academy</strong>: FluentCRM on Acme Store could not be read." in html


def test_contact_uses_the_tickets_copy_of_the_email(agent_client, user, sim):
    """A limited agent on one site, an administrator on another: the email comes from the
    ticket, which the agent may read, and the contact from the site whose FluentCRM they may."""
    site = connect(user, sim.beta, username="maria")
    connect(user, sim.academy)
    olivia = customer_by_email(sim.beta, OLIVIA)
    ticket = next(t for t in sim.beta.site.tickets.values() if t["customer_id"] == olivia["id"])
    ticket["agent_id"] = None  # unassigned: a limited agent may read it
    forget_requests(sim)

    html = contact_html(agent_client, site, olivia["id"], ticket["id"])

    assert "From <strong>Acme Academy</strong>" in html
    assert sim.beta.site.count("GET", "/fluent-support/v2/customers/*") == 0


def test_contact_of_a_site_the_user_has_not_connected_asks_to_connect(
    agent_client, other_user, sim
):
    theirs = connect(other_user, sim.acme)
    url = reverse("customers:contact", args=[theirs.slug, 5])
    response = agent_client.get(url, **HTMX)
    assert response.status_code == 403
    assert f"/sites/{theirs.slug}/connect/" in response.content.decode()
    # Nor by the other user's connection's number.
    assert agent_client.get(url.replace(theirs.slug, str(theirs.pk)), **HTMX).status_code == 404


def test_a_refused_password_offers_to_reconnect_that_site(agent_client, acme, sim):
    sim.acme.site.add_fault("revoked_401", route="/fluent-crm/*")
    olivia = customer_by_email(sim.acme, OLIVIA)

    html = contact_html(agent_client, acme, olivia["id"])

    assert f'href="{reverse("sites:edit", args=[acme.slug])}">Reconnect Acme Store</a>' in html
    acme.refresh_from_db()
    assert acme.needs_reconnect

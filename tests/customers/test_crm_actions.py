"""Acting on the FluentCRM contact from the customer panel, through the Django test client
against the simulated site over HTTP; every write is checked by reading the contact back from
the simulator, and the section again through the dashboard (a reload must show it too)."""

from __future__ import annotations

import html

import requests
from django.test import Client
from django.urls import reverse

from dashboard.simulator import ADMIN_APP_PASSWORD, ADMIN_USERNAME
from tests.customers.helpers import OLIVIA, contact_id, customer_by_email, customer_without_contact

HTMX = {"HTTP_HX_REQUEST": "true"}


def _section(client, site, customer_id: int) -> str:
    response = client.get(reverse("customers:contact", args=[site.slug, customer_id]), **HTMX)
    assert response.status_code == 200
    return response.content.decode()


def _post(client, name: str, args: list, data: dict) -> str:
    response = client.post(reverse(f"customers:{name}", args=args), data, **HTMX)
    assert response.status_code == 200
    return response.content.decode()


def _olivia(sim):
    customer = customer_by_email(sim.acme, OLIVIA)
    cid = contact_id(sim.acme, OLIVIA)
    return customer, cid, sim.acme.site.contacts[cid]


def _unused(store_rows: dict, used: list[int]) -> dict:
    return next(row for rid, row in store_rows.items() if rid not in used)


def test_adding_and_removing_a_tag_shows_at_once_and_after_a_reload(agent_client, acme, sim):
    customer, cid, contact = _olivia(sim)
    tag = _unused(sim.acme.site.store.crm_tags, contact["tag_ids"])
    where = {"home": acme.pk, "customer": customer["id"], "kind": "tags"}

    page = _post(
        agent_client,
        "crm_segments",
        [acme.slug, cid],
        where | {"action": "attach", "title": tag["title"].lower()},
    )

    assert tag["id"] in sim.acme.site.contacts[cid]["tag_ids"]
    assert f"Remove FluentCRM tag {tag['title']}" in page
    assert f"Remove FluentCRM tag {tag['title']}" in _section(agent_client, acme, customer["id"])

    page = _post(
        agent_client,
        "crm_segments",
        [acme.slug, cid],
        where | {"action": "detach", "segment": tag["id"]},
    )

    assert tag["id"] not in sim.acme.site.contacts[cid]["tag_ids"]
    assert f"Remove FluentCRM tag {tag['title']}" not in _section(
        agent_client, acme, customer["id"]
    )


def test_a_tag_the_site_does_not_list_is_refused_and_nothing_is_created(agent_client, acme, sim):
    customer, cid, contact = _olivia(sim)
    tags_before = dict(sim.acme.site.store.crm_tags)
    linked_before = list(contact["tag_ids"])

    page = _post(
        agent_client,
        "crm_segments",
        [acme.slug, cid],
        {
            "home": acme.pk,
            "customer": customer["id"],
            "kind": "tags",
            "action": "attach",
            "title": "Escalated",
        },
    )

    assert "has no tag called “Escalated”" in page
    assert 'value="Escalated"' in page  # what the agent typed is still there
    assert sim.acme.site.store.crm_tags == tags_before
    assert sim.acme.site.contacts[cid]["tag_ids"] == linked_before
    assert sim.acme.site.count("POST", "/fluent-crm/v2/subscribers/sync-segments") == 0


def test_adding_a_list_sends_its_id_and_the_contact_reads_back_with_it(agent_client, acme, sim):
    customer, cid, contact = _olivia(sim)
    crm_list = _unused(sim.acme.site.store.crm_lists, contact["list_ids"])

    page = _post(
        agent_client,
        "crm_segments",
        [acme.slug, cid],
        {
            "home": acme.pk,
            "customer": customer["id"],
            "kind": "lists",
            "action": "attach",
            "title": crm_list["title"],
        },
    )

    assert crm_list["id"] in sim.acme.site.contacts[cid]["list_ids"]
    assert f"Remove FluentCRM list {crm_list['title']}" in page


def test_unsubscribing_asks_first_then_uses_the_property_route(agent_client, acme, sim):
    customer, cid, contact = _olivia(sim)
    contact["status"] = "subscribed"
    where = {"home": acme.pk, "customer": customer["id"], "status": "unsubscribed"}

    page = _post(agent_client, "crm_status", [acme.slug, cid], where)
    assert "stops their scheduled emails and automations" in page
    assert sim.acme.site.contacts[cid]["status"] == "subscribed"

    page = _post(agent_client, "crm_status", [acme.slug, cid], where | {"confirm": "on"})

    assert sim.acme.site.contacts[cid]["status"] == "unsubscribed"
    assert sim.acme.site.count("PUT", "/fluent-crm/v2/subscribers/subscribers-property") == 1
    assert "Status changed to unsubscribed." in page
    assert ">Unsubscribed</span>" in _section(agent_client, acme, customer["id"])


def test_a_note_keeps_typed_text_as_text_and_links_the_ticket(agent_client, acme, sim):
    customer, cid, _contact = _olivia(sim)
    typed = "a < b <b>bold</b> {{contact.first_name}} C:\\temp\\new & &lt;"
    ticket_id = sim.acme.site.store.tickets_by_customer[customer["id"]][0]

    page = _post(
        agent_client,
        "crm_add_note",
        [acme.slug, cid],
        {
            "customer": customer["id"],
            "ticket": ticket_id,
            "title": "Call <about> it",
            "body": typed,
            "link": "on",
        },
    )

    stored = max(sim.acme.site.store.contact_notes[cid], key=lambda n: n["id"])
    assert stored["subscriber_id"] == cid
    # Read back from the site: nothing became markup, nothing was replaced or dropped.
    assert "<b>" not in stored["description"]
    assert "{{" not in stored["description"] and "C:tempnew" not in stored["description"]
    assert f"#/tickets/{ticket_id}/view" in stored["description"]
    assert html.unescape(stored["title"]) == "Call <about> it"
    text = html.unescape(page)
    assert typed in text
    assert "Note added." in page
    assert "<b>bold</b>" not in page


def test_notes_are_listed_newest_first_and_paged(agent_client, acme, sim):
    customer, cid, _contact = _olivia(sim)
    for n in range(7):
        _post(
            agent_client,
            "crm_add_note",
            [acme.slug, cid],
            {"customer": customer["id"], "title": f"Note {n}", "body": f"body {n}"},
        )
    url = reverse("customers:crm_notes", args=[acme.slug, cid])
    first = agent_client.get(url, {"customer": customer["id"]}, **HTMX).content.decode()
    second = agent_client.get(url, {"customer": customer["id"], "page": 2}, **HTMX)

    assert first.index("Note 6") < first.index("Note 5")
    assert "Note 1" not in first and "Page 1 of" in first
    assert "Note 1" in second.content.decode()


def test_create_contact_from_the_helpdesk_customer(agent_client, acme, sim):
    customer = customer_without_contact(sim.acme)
    section = _section(agent_client, acme, customer["id"])
    assert "Create contact on" in section
    assert sim.acme.site.store.contact_by_email(customer["email"]) is None  # not by looking

    page = _post(
        agent_client,
        "crm_create",
        [acme.slug],
        {"home": acme.pk, "customer": customer["id"], "status": "transactional"},
    )

    created = sim.acme.site.store.contact_by_email(customer["email"])
    assert created is not None
    assert (created["first_name"], created["last_name"], created["status"]) == (
        customer["first_name"],
        customer["last_name"],
        "transactional",
    )
    assert 'data-crm-state="found"' in page


def test_a_non_administrator_is_told_calmly_and_nothing_changes(agent_client, acme, sim):
    customer, cid, contact = _olivia(sim)
    contact["status"] = "subscribed"
    tag = _unused(sim.acme.site.store.crm_tags, contact["tag_ids"])
    # The credential's WordPress user lost the administrator role after the site was connected.
    sim.acme.site.store.users["admin"].crm_access = False

    tag_page = _post(
        agent_client,
        "crm_segments",
        [acme.slug, cid],
        {
            "home": acme.pk,
            "customer": customer["id"],
            "kind": "tags",
            "action": "attach",
            "title": tag["title"],
        },
    )
    status_page = _post(
        agent_client,
        "crm_status",
        [acme.slug, cid],
        {"home": acme.pk, "customer": customer["id"], "status": "unsubscribed", "confirm": "on"},
    )
    note_page = _post(
        agent_client,
        "crm_add_note",
        [acme.slug, cid],
        {"customer": customer["id"], "title": "Kept", "body": "Typed words"},
    )

    for page in (tag_page, status_page, note_page):
        assert "FluentCRM lets only WordPress administrators change contacts" in page
    assert "Typed words" in note_page  # the note is still in the form
    assert tag["id"] not in contact["tag_ids"]
    assert contact["status"] == "subscribed"


def test_actions_need_the_csrf_token(acme, sim, user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    customer, cid, _contact = _olivia(sim)
    response = client.post(
        reverse("customers:crm_status", args=[acme.slug, cid]),
        {"home": acme.pk, "customer": customer["id"], "status": "unsubscribed", "confirm": "on"},
    )
    assert response.status_code == 403


def test_recent_emails_show_opened_and_clicks_after_the_recipient_clicked(agent_client, acme, sim):
    _customer, cid, contact = _olivia(sim)
    contact["status"] = "subscribed"
    sent = requests.post(
        f"{sim.acme.base_url}/wp-json/fluent-crm/v2/subscribers/{cid}/emails/send",
        json={
            "campaign": {
                "email_subject": "Your <renewal> & more",
                "email_body": '<p><a href="https://help.example.com/t/1">Renew</a></p>',
            }
        },
        auth=(ADMIN_USERNAME, ADMIN_APP_PASSWORD),
        timeout=10,
    )
    assert sent.status_code == 200
    email = contact["emails"][-1]
    clicked = requests.get(
        sim.acme.base_url + "/",
        params={"ns_url": email["links"][0]["short"], "mid": email["id"], "fch": email["hash"][:8]},
        allow_redirects=False,
        timeout=10,
    )
    assert clicked.status_code == 307

    page = agent_client.get(reverse("customers:crm_activity", args=[acme.slug, cid]), **HTMX)

    text = page.content.decode()
    assert "<td>Your &lt;renewal&gt; &amp; more</td>" in text
    assert '<td>Yes</td><td class="num">1</td>' in text.replace("\n", "")
    assert f"fluentcrm-admin#/subscribers/{cid}" in text


def test_without_javascript_the_confirmation_comes_as_a_page(agent_client, acme, sim):
    customer, cid, contact = _olivia(sim)
    contact["status"] = "subscribed"
    response = agent_client.post(
        reverse("customers:crm_status", args=[acme.slug, cid]),
        {"home": acme.pk, "customer": customer["id"], "status": "unsubscribed"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" in page and "Yes, change to unsubscribed" in page
    assert contact["status"] == "subscribed"

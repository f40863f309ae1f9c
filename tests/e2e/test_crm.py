"""The FluentCRM contact as a workspace, in Chromium, from a ticket: tag, list, status, note and
create contact. Each journey reads the contact back from the simulated site afterwards, and
reloads the page to see that the change survives."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.customers.helpers import OLIVIA, contact_id, customer_by_email, customer_without_contact


def _open_ticket(page, live_server, acme, sim, customer):
    ticket_id = sim.acme.site.store.tickets_by_customer[customer["id"]][0]
    page.goto(f"{live_server.url}/sites/{acme.slug}/tickets/{ticket_id}/")
    return ticket_id


def _crm(page):
    return page.locator(".customer-panel section.cp-crm")


def test_tag_and_list_are_added_and_removed_from_a_ticket(acme, sim, logged_in_page, live_server):
    page = logged_in_page
    olivia = customer_by_email(sim.acme, OLIVIA)
    cid = contact_id(sim.acme, OLIVIA)
    contact = sim.acme.site.contacts[cid]
    tag = next(
        t for tid, t in sim.acme.site.store.crm_tags.items() if tid not in contact["tag_ids"]
    )
    crm_list = next(
        x for lid, x in sim.acme.site.store.crm_lists.items() if lid not in contact["list_ids"]
    )
    _open_ticket(page, live_server, acme, sim, olivia)
    crm = _crm(page)
    expect(crm).to_have_attribute("data-crm-state", "found")

    # The typeahead offers the site's tags; the keyboard alone adds one.
    box = crm.get_by_label("Add a FluentCRM tag")
    box.focus()
    expect(crm.locator(f"datalist option[value='{tag['title']}']")).to_have_count(1)
    box.fill(tag["title"])
    box.press("Enter")
    expect(_crm(page)).to_contain_text(f"Added “{tag['title']}”.")
    assert tag["id"] in sim.acme.site.contacts[cid]["tag_ids"]

    page.reload()
    remove = _crm(page).get_by_role("button", name=f"Remove FluentCRM tag {tag['title']}")
    expect(remove).to_be_visible()
    remove.click()
    expect(_crm(page)).to_contain_text(f"Removed “{tag['title']}”.")
    assert tag["id"] not in sim.acme.site.contacts[cid]["tag_ids"]

    lists = _crm(page).get_by_label("Add a FluentCRM list")
    lists.fill(crm_list["title"])
    lists.press("Enter")
    expect(
        _crm(page).get_by_role("button", name=f"Remove FluentCRM list {crm_list['title']}")
    ).to_be_visible()
    assert crm_list["id"] in sim.acme.site.contacts[cid]["list_ids"]
    page.reload()
    expect(
        _crm(page).get_by_role("button", name=f"Remove FluentCRM list {crm_list['title']}")
    ).to_be_visible()


def test_unsubscribe_after_confirmation_from_a_ticket(acme, sim, logged_in_page, live_server):
    page = logged_in_page
    olivia = customer_by_email(sim.acme, OLIVIA)
    cid = contact_id(sim.acme, OLIVIA)
    sim.acme.site.contacts[cid]["status"] = "subscribed"
    _open_ticket(page, live_server, acme, sim, olivia)

    _crm(page).get_by_role("button", name="Unsubscribe…").click()
    confirm = _crm(page).get_by_role("button", name="Yes, change to unsubscribed")
    expect(confirm).to_be_focused()
    assert sim.acme.site.contacts[cid]["status"] == "subscribed"
    page.keyboard.press("Enter")

    expect(_crm(page)).to_contain_text("Status changed to unsubscribed.")
    assert sim.acme.site.contacts[cid]["status"] == "unsubscribed"
    page.reload()
    expect(_crm(page).locator(".crm-status")).to_have_text("Unsubscribed")


def test_note_from_a_ticket_keeps_the_typed_text(acme, sim, logged_in_page, live_server):
    page = logged_in_page
    olivia = customer_by_email(sim.acme, OLIVIA)
    cid = contact_id(sim.acme, OLIVIA)
    ticket_id = _open_ticket(page, live_server, acme, sim, olivia)
    typed = "Wants <b>refund</b> for {{order}} in C:\\orders"

    crm = _crm(page)
    crm.get_by_label("Note title").fill("Refund request")
    crm.get_by_label("Note", exact=True).fill(typed)
    crm.get_by_role("button", name="Add CRM note").click()

    expect(crm.locator(".crm-done")).to_have_text("Note added.")
    first = crm.locator(".crm-note").first
    expect(first).to_contain_text(typed)
    expect(first.get_by_role("link", name="the helpdesk ticket")).to_have_attribute(
        "href", re.compile(rf"#/tickets/{ticket_id}/view$")
    )
    stored = max(sim.acme.site.store.contact_notes[cid], key=lambda n: n["id"])
    assert stored["title"] == "Refund request"
    assert "<b>" not in stored["description"]
    page.reload()
    expect(_crm(page).locator(".crm-note").first).to_contain_text(typed)


def test_create_contact_from_a_ticket(acme, sim, logged_in_page, live_server):
    page = logged_in_page
    customer = customer_without_contact(sim.acme)
    _open_ticket(page, live_server, acme, sim, customer)
    crm = _crm(page)
    expect(crm).to_have_attribute("data-crm-state", "no_match")
    assert sim.acme.site.store.contact_by_email(customer["email"]) is None

    crm.get_by_role("button", name=re.compile("Create contact on")).click()

    expect(_crm(page)).to_have_attribute("data-crm-state", "found")
    created = sim.acme.site.store.contact_by_email(customer["email"])
    assert created is not None and created["first_name"] == customer["first_name"]
    page.reload()
    expect(_crm(page)).to_have_attribute("data-crm-state", "found")

"""Customer journeys in Chromium: the panel beside a thread, the directory, editing a customer
and opening a ticket on a customer's behalf. Screenshots at desktop and phone widths."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

from tests.customers.helpers import OLIVIA, customer_by_email, drop_contact

SHOTS = Path("/tmp/shots/customers")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_panel_beside_the_thread_shows_customer_and_contact(
    acme, academy, beta, sim, logged_in_page, live_server
):
    page = logged_in_page
    olivia = customer_by_email(sim.acme, OLIVIA)
    olivia.update(title="Office Manager", note="Prefers email contact.")
    ticket_ids = sim.acme.site.store.tickets_by_customer[olivia["id"]]
    current, other = ticket_ids[-1], ticket_ids[0]

    page.goto(f"{live_server.url}/sites/{acme.slug}/tickets/{current}/")

    panel = page.locator(".customer-panel")
    expect(panel.locator(".cp-name")).to_have_text(f"{olivia['first_name']} {olivia['last_name']}")
    expect(panel.locator(".cp-tickets")).to_contain_text(sim.acme.site.tickets[other]["title"])
    expect(panel.locator(".cp-tickets")).not_to_contain_text(f"#{current} ")
    crm = panel.locator("section.cp-crm")
    expect(crm).to_have_attribute("data-crm-state", "found")
    expect(crm).to_contain_text("Contact on Acme Store")
    # The user's other sites are asked only when the agent wants to know.
    expect(crm).to_contain_text("Not looked up on Acme Academy.")
    assert sim.academy.site.count("GET", "/fluent-crm/v2/subscribers/0") == 0
    crm.get_by_role("link", name="Look up on 1 other site").click()
    expect(crm).to_contain_text("Also a contact on Acme Academy")
    expect(crm).not_to_contain_text("Not looked up")
    assert sim.academy.site.count("GET", "/fluent-crm/v2/subscribers/0") == 1
    # One link of that name (the activity part, revealed as it scrolls in, names its own).
    expect(crm.get_by_role("link", name=re.compile("Open in FluentCRM"))).to_have_attribute(
        "href", re.compile(r"fluentcrm-admin#/subscribers/\d+$")
    )
    shot(page, "panel-thread-1440")
    page.emulate_media(color_scheme="dark")
    shot(page, "panel-thread-dark-1440")
    page.emulate_media(color_scheme="light")

    page.set_viewport_size(PHONE)
    shot(page, "panel-thread-390")
    page.set_viewport_size(DESKTOP)

    # A contact found only on another site says where it came from.
    drop_contact(sim.acme, OLIVIA)
    beta_olivia = customer_by_email(sim.beta, OLIVIA)
    beta_ticket = sim.beta.site.store.tickets_by_customer[beta_olivia["id"]][0]
    page.goto(f"{live_server.url}/sites/{beta.slug}/tickets/{beta_ticket}/")
    crm = page.locator(".customer-panel section.cp-crm")
    expect(crm).to_contain_text("From Acme Academy: Beta Labs has no FluentCRM.")
    shot(page, "panel-elsewhere-1440")

    # The other ticket's link opens that thread.
    page.goto(f"{live_server.url}/sites/{acme.slug}/tickets/{current}/")
    page.locator(".cp-tickets a").filter(has_text=f"#{other}").click()
    expect(page).to_have_url(re.compile(rf"/sites/{acme.slug}/tickets/{other}/"))


def test_panel_loads_while_fluentcrm_is_down(acme, sim, logged_in_page, live_server):
    page = logged_in_page
    sim.acme.site.add_fault("status_500", route="/fluent-crm/*")
    olivia = customer_by_email(sim.acme, OLIVIA)
    ticket_id = sim.acme.site.store.tickets_by_customer[olivia["id"]][0]

    page.goto(f"{live_server.url}/sites/{acme.slug}/tickets/{ticket_id}/")

    panel = page.locator(".customer-panel")
    expect(panel.locator(".cp-name")).to_contain_text(olivia["last_name"])
    expect(panel.locator("section.cp-crm")).to_have_attribute("data-crm-state", "failed")
    expect(panel).to_contain_text("could not be searched")
    shot(page, "panel-crm-down-1440")


def test_directory_search_filter_pages_and_keyboard(
    acme, academy, sim, logged_in_page, live_server
):
    page = logged_in_page
    page.goto(f"{live_server.url}/customers/")
    total = len(sim.acme.site.customers) + len(sim.academy.site.customers)
    expect(page.locator("#results")).to_have_attribute("data-total", str(total))
    shot(page, "directory-1440")

    page.keyboard.press("/")
    expect(page.locator("#customer-search")).to_be_focused()
    page.keyboard.type("olivia")
    expect(page).to_have_url(re.compile(r"q=olivia"))
    matches = sum(
        1 for entry in (sim.acme, sim.academy) for c in entry.site.customers.values()
        if "olivia" in c["email"]
    )  # fmt: skip
    expect(page.locator("#results")).to_have_attribute("data-total", str(matches))
    shot(page, "directory-search-1440")

    page.locator("#customer-search").fill("")
    page.locator("#customer-site").select_option(acme.slug)
    expect(page).to_have_url(re.compile(rf"site={acme.slug}"))
    page.get_by_role("link", name="Next →").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    newest = sorted(sim.acme.site.customers.values(), key=lambda c: -c["id"])
    expect(page.locator(".cd-name").first).to_have_text(
        f"{newest[25]['first_name']} {newest[25]['last_name']}"
    )
    page.go_back()
    expect(page.locator(".cd-name").first).to_have_text(
        f"{newest[0]['first_name']} {newest[0]['last_name']}"
    )

    page.locator("label[for=status-inactive]").click()
    expect(page).to_have_url(re.compile(r"status=inactive"))
    expect(page.get_by_text("No customers match")).to_be_visible()
    page.locator("label[for=status-all]").click()
    expect(page.locator(".cd-name").first).to_be_visible()

    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(page.locator("[data-row]").nth(1)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/customers/{acme.slug}/{newest[1]['id']}/$"))
    expect(page.locator("section.cp-crm")).to_have_attribute("data-crm-state", re.compile("."))
    shot(page, "customer-page-1440")

    page.set_viewport_size(PHONE)
    shot(page, "customer-page-390")
    page.goto(f"{live_server.url}/customers/")
    shot(page, "directory-390")


def test_editing_a_customer_shows_errors_then_saves(acme, sim, logged_in_page, live_server):
    page = logged_in_page
    olivia = customer_by_email(sim.acme, OLIVIA)
    taken = next(c for c in sim.acme.site.customers.values() if c["id"] != olivia["id"])
    page.goto(f"{live_server.url}/customers/{acme.slug}/{olivia['id']}/")

    page.keyboard.press("e")
    expect(page).to_have_url(re.compile(r"/edit/$"))
    page.get_by_label("First name").fill("")
    page.get_by_label("City").fill("Sydney")
    page.get_by_role("button", name="Save customer").click()
    expect(page.locator("#id_first_name_error")).to_have_text("This field is required.")
    expect(page.get_by_label("City")).to_have_value("Sydney")

    page.get_by_label("First name").fill("Liv")
    page.get_by_label("Email").fill(taken["email"])
    page.get_by_role("button", name="Save customer").click()
    expect(page.locator("#id_email_error")).to_contain_text(
        "Email address has been assigned to other customer"
    )
    expect(page.get_by_label("First name")).to_have_value("Liv")
    shot(page, "edit-errors-1440")
    page.set_viewport_size(PHONE)
    shot(page, "edit-errors-390")
    page.set_viewport_size(DESKTOP)

    page.get_by_label("Email").fill(OLIVIA)
    page.get_by_label("Email").press("Control+Enter")
    expect(page).to_have_url(re.compile(rf"/customers/{acme.slug}/{olivia['id']}/$"))
    expect(page.locator(".flash-success")).to_contain_text("Saved Liv on Acme Store.")
    saved = sim.acme.site.customers[olivia["id"]]
    assert (saved["first_name"], saved["city"], saved["person_type"]) == (
        "Liv", "Sydney", "customer",
    )  # fmt: skip


def test_new_ticket_for_an_existing_and_a_new_customer(
    acme, academy, sim, logged_in_page, live_server
):
    page = logged_in_page
    olivia = customer_by_email(sim.academy, OLIVIA)
    page.goto(f"{live_server.url}/customers/")
    page.keyboard.press("n")
    expect(page).to_have_url(re.compile(r"/customers/new-ticket/"))

    page.get_by_label("Site").select_option(str(academy.pk))
    mailbox = next(iter(sim.academy.site.store.mailboxes.values()))["name"]
    expect(page.get_by_label("Mailbox")).to_contain_text(mailbox)
    page.get_by_label("Find a customer").fill("olivia.thornbury")
    pick = page.locator(f'input[name="customer"][value="{olivia["id"]}"]')
    expect(pick).to_be_visible()
    pick.check()
    page.get_by_label("Priority").select_option("critical")
    page.get_by_label("Subject").fill("Certificate not issued")
    page.get_by_label("Message").fill("I finished the course but got no certificate.")
    shot(page, "new-ticket-1440")
    page.set_viewport_size(PHONE)
    shot(page, "new-ticket-390")
    page.set_viewport_size(DESKTOP)
    before = set(sim.academy.site.tickets)
    page.get_by_role("button", name="Create ticket").click()

    expect(page).to_have_url(re.compile(rf"/sites/{academy.slug}/tickets/\d+/"))
    (ticket_id,) = set(sim.academy.site.tickets) - before
    ticket = sim.academy.site.tickets[ticket_id]
    assert ticket["customer_id"] == olivia["id"] and ticket["priority"] == "critical"
    assert page.url.endswith(f"/sites/{academy.slug}/tickets/{ticket_id}/")

    # A new customer; a missing email is caught before anything is sent, and nothing typed is lost.
    page.goto(f"{live_server.url}/customers/new-ticket/?site={acme.slug}")
    page.locator("label[for=id_customer_mode_1]").click()
    expect(page.get_by_label("Find a customer")).to_be_hidden()
    page.get_by_label("First name").fill("Quentin")
    page.get_by_label("Subject").fill("Volume pricing")
    page.get_by_label("Message").fill("Do you offer volume pricing above 500 seats?")
    page.get_by_role("button", name="Create ticket").click()
    expect(page.get_by_text("Enter the new customer's email address.")).to_be_visible()
    expect(page.get_by_label("Subject")).to_have_value("Volume pricing")
    shot(page, "new-ticket-errors-1440")
    page.emulate_media(color_scheme="dark")
    shot(page, "new-ticket-errors-dark-1440")
    page.emulate_media(color_scheme="light")
    page.get_by_label("Email").fill("quentin.faraday@example.net")
    before = set(sim.acme.site.tickets)
    page.get_by_label("Message").press("Control+Enter")
    expect(page).to_have_url(re.compile(rf"/sites/{acme.slug}/tickets/\d+/"))
    (ticket_id,) = set(sim.acme.site.tickets) - before
    customer = sim.acme.site.customers[sim.acme.site.tickets[ticket_id]["customer_id"]]
    assert customer["email"] == "quentin.faraday@example.net"


def test_deleting_asks_first_and_deletes(acme, sim, logged_in_page, live_server):
    page = logged_in_page
    olivia = customer_by_email(sim.acme, OLIVIA)
    count = len(sim.acme.site.store.tickets_by_customer[olivia["id"]])
    page.goto(f"{live_server.url}/customers/{acme.slug}/{olivia['id']}/")

    page.get_by_role("link", name="Delete…").click()
    page.get_by_role("button", name=f"Delete customer and {count} tickets").click()

    expect(page).to_have_url(re.compile(r"/customers/"))
    assert olivia["id"] not in sim.acme.site.customers


def test_deleting_asks_first_and_says_when_the_site_cannot(acme, sim, logged_in_page, live_server):
    page = logged_in_page
    # An older plugin without the route answers rest_no_route.
    sim.acme.site.add_fault(
        "plugin_missing_404", route="/fluent-support/v2/customers/*", method="DELETE"
    )
    olivia = customer_by_email(sim.acme, OLIVIA)
    count = len(sim.acme.site.store.tickets_by_customer[olivia["id"]])
    page.goto(f"{live_server.url}/customers/{acme.slug}/{olivia['id']}/")

    page.get_by_role("link", name="Delete…").click()
    expect(page.get_by_role("heading", name=f"Delete {olivia['first_name']}")).to_be_visible()
    expect(page.get_by_role("link", name="Cancel")).to_be_focused()
    shot(page, "delete-confirm-1440")
    page.get_by_role("button", name=f"Delete customer and {count} tickets").click()

    expect(page.get_by_role("heading")).to_contain_text(
        "Deleting customers is not available on this site"
    )
    assert olivia["id"] in sim.acme.site.customers
    shot(page, "delete-unavailable-1440")
    page.get_by_role("link", name="Back to the customer").click()
    expect(page.get_by_text("Deleting customers is not available on this site.")).to_be_visible()
    expect(page.get_by_role("link", name="Delete…")).to_have_count(0)

"""Workflow journeys in Chromium: a saved reply inserted into the composer, a ticket snoozed and
woken, SLA targets set and shown as badges, the count in the tab title and a notification."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

from dashboard.workflow.models import SavedReply, SlaPolicy, Snooze

SHOTS = Path("/tmp/shots/extras")


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def active_ticket(sim_site, waiting: bool) -> dict:
    """The most recent active ticket whose customer (or agent) wrote last."""
    tickets = [
        t
        for t in sim_site.site.tickets.values()
        if t["status"] == "active"
        and t["last_agent_response"]
        and (t["last_customer_response"] > t["last_agent_response"]) == waiting
    ]
    return max(tickets, key=lambda t: t["updated_at"])


def composer(page, live_server, site, ticket_id: int) -> None:
    """The ticket's thread page, with "Hello" typed in its composer."""
    page.goto(f"{live_server.url}/sites/{site.slug}/tickets/{ticket_id}/")
    page.locator("#composer-text").fill("Hello")


def test_a_saved_reply_is_inserted_filled_in_from_the_slash_picker(
    logged_in_page, live_server, acme, sim, user, other_user
):
    SavedReply.objects.create(
        owner=user,
        title="Refund approved",
        body="Hi {customer_first_name},\nI refunded the charge on #{ticket_id}.\n"
        "{agent_first_name}",
    )
    SavedReply.objects.create(
        owner=other_user,
        title="Shipping delays",
        shared=True,
        body="Parcels from {site_name} are late this week.",
    )
    SavedReply.objects.create(owner=other_user, title="Refund denied (draft)", body="private")
    ticket = active_ticket(sim.acme, waiting=True)
    first_name = sim.acme.site.store.persons[ticket["customer_id"]]["first_name"]
    page = logged_in_page
    composer(page, live_server, acme, ticket["id"])

    textarea = page.locator("#composer-text")
    textarea.click()
    textarea.press("End")
    textarea.press("Enter")
    textarea.press("/")  # on an empty line: opens the picker instead of typing
    search = page.get_by_label("Search saved replies")
    expect(search).to_be_focused()
    expect(page.locator(".sr-item")).to_have_count(2)  # own and shared, not others' private
    search.fill("refund")
    expect(page.locator(".sr-item")).to_have_count(1)
    expect(page.locator(".sr-item.is-active")).to_contain_text(f"Hi {first_name},")
    shot(page, "saved-reply-picker")
    search.press("Enter")

    expected = f"Hello\nHi {first_name},\nI refunded the charge on #{ticket['id']}.\nAlex"
    expect(textarea).to_have_value(expected)
    expect(textarea).to_be_focused()
    expect(page.locator(".sr-popover")).to_be_hidden()

    # The button opens the same picker; a click inserts at the cursor, here the very end.
    textarea.press("Control+End")
    textarea.type(" ")
    page.locator(".sr-picker > summary").click()
    page.locator(".sr-item", has_text="Shipping delays").click()
    expect(textarea).to_have_value(expected + " Parcels from Acme Store are late this week.")

    # "/" in the middle of a line is just a slash; so is "//" on an empty line.
    textarea.type(" a/b")
    textarea.press("Enter")
    textarea.press("/")
    page.get_by_label("Search saved replies").press("/")
    expect(textarea).to_have_value(re.compile(r" a/b\n/$"))
    shot(page, "saved-reply-inserted")


def test_snoozing_hides_a_ticket_until_the_customer_replies_and_wake_now(
    logged_in_page, live_server, acme, sim
):
    replied = active_ticket(sim.acme, waiting=False)
    page = logged_in_page
    composer(page, live_server, acme, replied["id"])
    page.locator(".snooze-menu > summary").click()
    expect(page.get_by_role("button", name=re.compile(r"^Tomorrow morning"))).to_be_visible()
    shot(page, "snooze-menu")
    page.get_by_role("button", name=re.compile(r"^Next week")).click()
    expect(page.locator(".snooze-state")).to_contain_text("or until the customer replies")
    expect(page.get_by_role("button", name="Wake now")).to_be_visible()

    other = active_ticket(sim.acme, waiting=True)
    composer(page, live_server, acme, other["id"])
    page.locator(".snooze-menu > summary").click()
    page.get_by_role("button", name=re.compile(r"^Later today")).click()
    expect(page.locator(".snooze-state")).to_contain_text("Snoozed")

    page.goto(f"{live_server.url}/workflow/snoozed/")
    rows = page.locator(".snoozed-row")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text=replied["title"]).locator(".snoozed-wake")).to_contain_text("Mon")
    shot(page, "snoozed-list")

    # The customer writes: the ticket wakes up and leaves the list.
    sim.acme.site.add_customer_reply(replied["id"], "<p>Any news on this?</p>")
    page.get_by_role("link", name="Refresh").click()
    expect(page.locator(".flash")).to_contain_text("woke up: the customer replied")
    expect(rows).to_have_count(1)
    shot(page, "snooze-woken-by-reply")

    # Wake now brings the other one back at once.
    rows.first.get_by_role("button", name="Wake now").click()
    expect(rows).to_have_count(0)
    assert not Snooze.objects.exists()


def test_sla_targets_set_on_the_settings_page_show_as_badges(
    logged_in_page, live_server, acme, sim
):
    page = logged_in_page
    page.goto(f"{live_server.url}/workflow/sla/")
    card = page.locator(f"#site-{acme.pk}")
    card.get_by_label("First response within (hours)").first.fill("4")
    card.get_by_label("Next reply within (hours)").first.fill("1")
    card.get_by_role("button", name="Save").first.click()
    expect(page.locator(f"#site-{acme.pk} .flash-success")).to_contain_text("SLA targets saved")
    new_row = page.locator(f"#site-{acme.pk} .sla-row-new")
    new_row.get_by_label("Mailbox").select_option(label="Acme Billing")
    new_row.get_by_label("Next reply within (hours)").fill("48")
    new_row.get_by_role("button", name="Add").click()
    override = page.locator(f"#site-{acme.pk} .sla-row", has_text="Acme Billing")
    expect(override.get_by_label("Next reply within (hours)")).to_have_value("48")
    expect(override.get_by_role("button", name="Remove")).to_be_visible()
    shot(page, "sla-settings")
    assert SlaPolicy.objects.get(mailbox_id=None).next_reply_hours == 1

    waiting = next(
        t
        for t in sorted(sim.acme.site.tickets.values(), key=lambda t: t["last_customer_response"])
        if t["status"] == "active"
        and t["mailbox_id"] != 2
        and t["last_agent_response"]
        and t["last_customer_response"] > t["last_agent_response"]
    )
    composer(page, live_server, acme, waiting["id"])
    badge = page.locator(".thread-meta .sla-badge")
    expect(badge).to_have_class(re.compile(r"sla-overdue"))
    expect(badge).to_contain_text(re.compile(r"^Next reply overdue \d+ (min|h|d|w)( \d+ (h|d))?$"))
    expect(badge).to_have_attribute("title", re.compile(r"^Next reply due "))
    shot(page, "sla-badge")


def test_the_tab_title_counts_tickets_waiting_on_me(acme, sim, logged_in_page, live_server):
    expected = sum(
        1
        for t in sim.acme.site.tickets.values()
        if t["status"] != "closed"
        and t["agent_id"] in (acme.agent_person_id, None)
        and (
            t["last_agent_response"] is None
            or t["last_customer_response"] > t["last_agent_response"]
        )
    )
    page = logged_in_page
    page.goto(f"{live_server.url}/workflow/replies/")
    expect(page).to_have_title(f"({expected}) Saved replies · Support Dashboard")
    # The next page shows the figure at once, from the last reading.
    page.goto(f"{live_server.url}/workflow/sla/")
    expect(page).to_have_title(f"({expected}) SLA targets · Support Dashboard")


NOTIFICATIONS = """
window.__shown = [];
const Real = window.Notification;
// Records what the page shows; permission and the request for it stay the browser's own.
class Recorder {
  constructor(title, options) {
    window.__shown.push({ title, body: (options || {}).body });
    const item = document.createElement("output");
    item.className = "shown-notification";
    item.textContent = title;
    document.body.append(item);
  }
  addEventListener() {}
  close() {}
  static get permission() { return Real.permission; }
  static requestPermission() { return Real.requestPermission(); }
}
window.Notification = Recorder;
"""


def test_a_customer_reply_to_my_ticket_notifies_once_notifications_are_on(
    logged_in_page, live_server, acme, sim, settings
):
    # Always read fresh from the site, as a minute between polls would.
    settings.UPSTREAM_CACHE_TTL = {**settings.UPSTREAM_CACHE_TTL, "ticket_list": 0}
    page = logged_in_page
    page.context.grant_permissions(["notifications"])
    page.add_init_script(NOTIFICATIONS)
    composer(page, live_server, acme, active_ticket(sim.acme, waiting=False)["id"])
    page.get_by_label(re.compile("Account menu for")).click()
    toggle = page.get_by_role("button", name=re.compile("Desktop notifications"))
    expect(toggle).to_contain_text("off")
    with page.expect_response(lambda r: "/workflow/waiting-count/?detail=1" in r.url):
        toggle.click()
    expect(toggle).to_contain_text("on")

    # One of the user's tickets that the agent answered last, among those read at once.
    ticket = max(
        (
            t
            for t in sim.acme.site.tickets.values()
            if t["status"] == "active"
            and t["agent_id"] == acme.agent_person_id
            and t["last_agent_response"] > t["last_customer_response"]
        ),
        key=lambda t: t["updated_at"],
    )
    sim.acme.site.add_customer_reply(ticket["id"], "<p>It is still broken.</p>")
    page.evaluate("document.dispatchEvent(new Event('ticketUpdated'))")
    expect(page.locator(".shown-notification")).to_have_count(1)
    # Nothing was announced when the list was first read, only the reply.
    assert page.evaluate("window.__shown") == [
        {"title": f"Customer replied: {ticket['title']}", "body": "Acme Store"}
    ]
